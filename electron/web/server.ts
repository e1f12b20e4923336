import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize, resolve as resolvePath, sep } from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { FerryServices } from '../ipc/services.js';
import { checkRequest, type GateVerdict } from './gate.js';
import { clientMessageSchema, MAX_CLIENT_MESSAGE_BYTES, type ServerMessage } from './protocol.js';

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

const SECURITY_HEADERS = {
  'Content-Security-Policy':
    "default-src 'self'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'X-Frame-Options': 'DENY',
  'X-Content-Type-Options': 'nosniff',
  // The token is in the first page URL: never leak it in a Referer.
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

export interface WebServerOptions {
  services: FerryServices;
  /** The built renderer (`out/renderer`). */
  rendererFolder: string;
  /** 0 picks a free port. */
  port: number;
  /** Fixed token for tests; random otherwise. */
  token?: string;
}

export interface RunningWebServer {
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** The request's path and query, or null for a target URL() cannot read (`http://[`), which must not crash the server. */
function requestUrl(request: IncomingMessage): URL | null {
  try {
    return new URL(request.url ?? '/', 'http://placeholder');
  } catch {
    return null;
  }
}

function gateFor(request: IncomingMessage, url: URL, port: number, token: string, isSocket: boolean): GateVerdict {
  return checkRequest(
    {
      remoteAddress: request.socket.remoteAddress,
      host: request.headers.host,
      origin: request.headers.origin,
      queryToken: url.searchParams.get('token'),
      isSocket,
    },
    port,
    token,
  );
}

/** Serves index.html with browser mode's bridge script loaded before the app. */
function injectBridge(html: string): string {
  return html.replace('<head>', '<head>\n    <script type="module" src="/ferry-web.js"></script>');
}

async function serveFile(response: ServerResponse, rendererFolder: string, pathname: string): Promise<void> {
  const relative = pathname === '/' ? 'index.html' : decodeURIComponent(pathname).replace(/^\/+/, '');
  const full = normalize(join(rendererFolder, relative));
  if (!full.startsWith(rendererFolder + sep) || relative.includes('\0')) {
    response.writeHead(404, SECURITY_HEADERS).end('Not found');
    return;
  }
  let body: Buffer;
  try {
    body = await readFile(full);
  } catch {
    response.writeHead(404, SECURITY_HEADERS).end('Not found');
    return;
  }
  const type = CONTENT_TYPES[extname(full)] ?? 'application/octet-stream';
  const headers: Record<string, string> = { ...SECURITY_HEADERS, 'Content-Type': type };
  if (relative === 'index.html') body = Buffer.from(injectBridge(body.toString('utf8')));
  response.writeHead(200, headers).end(body);
}

function send(socket: WebSocket, message: ServerMessage): void {
  if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
}

function attachSocket(socket: WebSocket, services: FerryServices): void {
  const disconnect = services.events.connect((channel, payload) => send(socket, { type: 'event', channel, payload }));
  socket.on('close', disconnect);
  socket.on('message', (data, isBinary) => {
    if (isBinary) {
      socket.close(1003, 'text only');
      return;
    }
    let parsed: unknown;
    try {
      const bytes = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
      parsed = JSON.parse(bytes.toString('utf8'));
    } catch {
      socket.close(1007, 'malformed JSON');
      return;
    }
    const message = clientMessageSchema.safeParse(parsed);
    if (!message.success) {
      socket.close(1008, 'malformed message');
      return;
    }
    const { id, channel, args } = message.data;
    void services.router.invoke(channel, args).then((envelope) => send(socket, { type: 'result', id, envelope }));
  });
}

/**
 * Browser mode: the built renderer over HTTP and the IPC router over a
 * WebSocket, on 127.0.0.1 only, behind the gate in gate.ts.
 */
export async function startWebServer(options: WebServerOptions): Promise<RunningWebServer> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  // resolve, not normalize: it drops a trailing separator, which would
  // otherwise make the containment check in serveFile refuse every file.
  const rendererFolder = resolvePath(options.rendererFolder);
  let port = 0;

  const server: Server = createServer((request, response) => {
    const url = requestUrl(request);
    if (url === null) {
      response.writeHead(400, SECURITY_HEADERS).end();
      return;
    }
    const verdict = gateFor(request, url, port, token, false);
    if (!verdict.allowed) {
      response.writeHead(verdict.status, { ...SECURITY_HEADERS, 'Content-Type': 'text/plain' }).end(verdict.reason);
      return;
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, SECURITY_HEADERS).end();
      return;
    }
    serveFile(response, rendererFolder, url.pathname).catch(() => {
      if (!response.headersSent) response.writeHead(500, SECURITY_HEADERS);
      response.end();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_CLIENT_MESSAGE_BYTES });
  server.on('upgrade', (request, socket, head) => {
    const url = requestUrl(request);
    if (url === null) {
      socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const verdict = gateFor(request, url, port, token, true);
    if (url.pathname !== '/ws' || !verdict.allowed) {
      const status = url.pathname !== '/ws' ? 404 : verdict.allowed ? 200 : verdict.status;
      socket.end(`HTTP/1.1 ${status} Refused\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
      return;
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attachSocket(ws, options.services));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of sockets.clients) client.terminate();
        sockets.close();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
