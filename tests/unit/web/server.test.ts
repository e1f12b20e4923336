import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { WebSocket } from 'ws';
import type { Envelope, LogEntry } from '../../../shared/contract.js';
import type { FolderListing } from '../../../shared/entries.js';
import { createFerryServices, type FerryServices } from '../../../electron/ipc/services.js';
import { startWebServer, type RunningWebServer } from '../../../electron/web/server.js';

const TOKEN = 'test-token-0123456789abcdef';
const INDEX_HTML = '<html><head></head><body></body></html>';
const APP_JS = 'console.log("ferry app");';
const SECRET = 'TOP SECRET, never served';

interface HttpReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

/** One raw HTTP request, so tests can send any Host, Origin or path they like. */
function get(
  port: number,
  path: string,
  options: { method?: string; headers?: OutgoingHttpHeaders; setHost?: boolean } = {},
): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers,
        setHost: options.setHost ?? true,
        agent: false,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

/** Sends raw bytes (a request Node's client would refuse to send) and returns all the server answered. */
function rawExchange(port: number, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const raw = connect(port, '127.0.0.1');
    let text = '';
    raw.on('data', (chunk: Buffer) => (text += chunk.toString('latin1')));
    raw.on('end', () => resolve(text));
    raw.on('error', reject);
    raw.write(request);
  });
}

type SocketOutcome = { kind: 'open'; socket: WebSocket } | { kind: 'refused'; status: number };

/** Opens a WebSocket, resolving either with the open socket or with the HTTP status that refused it. */
function openSocket(
  port: number,
  options: { path?: string; origin?: string; headers?: Record<string, string> } = {},
): Promise<SocketOutcome> {
  const path = options.path ?? `/ws?token=${TOKEN}`;
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`, {
      ...(options.origin === undefined ? {} : { origin: options.origin }),
      headers: options.headers ?? {},
    });
    socket.once('open', () => resolve({ kind: 'open', socket }));
    socket.once('unexpected-response', (req, res) => {
      resolve({ kind: 'refused', status: res.statusCode ?? 0 });
      req.destroy();
    });
    socket.once('error', reject);
  });
}

/** Collects a socket's messages so tests can wait for the one they expect. */
class Inbox {
  private readonly messages: unknown[] = [];
  private waiters: (() => void)[] = [];

  constructor(socket: WebSocket) {
    socket.on('message', (data: Buffer) => {
      this.messages.push(JSON.parse(data.toString('utf8')));
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  async next(match: (message: Record<string, unknown>) => boolean, timeoutMs = 3000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const index = this.messages.findIndex(
        (m) => typeof m === 'object' && m !== null && match(m as Record<string, unknown>),
      );
      if (index >= 0) return this.messages.splice(index, 1)[0] as Record<string, unknown>;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message; got ${JSON.stringify(this.messages)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

function closed(socket: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => {
    socket.once('close', (code: number, reason: Buffer) => resolve({ code, reason: reason.toString('utf8') }));
  });
}

describe('startWebServer', () => {
  let scratch: string;
  let rendererFolder: string;
  let work: string;
  let services: FerryServices;
  let server: RunningWebServer;
  let port: number;
  let origin: string;
  const openSockets: WebSocket[] = [];

  async function goodSocket(): Promise<{ socket: WebSocket; inbox: Inbox }> {
    const outcome = await openSocket(port, { origin });
    if (outcome.kind !== 'open') throw new Error(`socket refused with ${outcome.status}`);
    openSockets.push(outcome.socket);
    return { socket: outcome.socket, inbox: new Inbox(outcome.socket) };
  }

  async function invoke(channel: string, args: unknown[]): Promise<Envelope> {
    const { socket, inbox } = await goodSocket();
    const id = Math.floor(Math.random() * 1_000_000);
    socket.send(JSON.stringify({ id, channel, args }));
    const reply = await inbox.next((m) => m.type === 'result' && m.id === id);
    return reply.envelope as Envelope;
  }

  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'ferry-web-'));
    rendererFolder = join(scratch, 'renderer');
    work = join(scratch, 'work');
    await mkdir(join(rendererFolder, 'assets'), { recursive: true });
    await mkdir(work);
    await mkdir(join(scratch, 'renderer-private'));
    await writeFile(join(rendererFolder, 'index.html'), INDEX_HTML);
    await writeFile(join(rendererFolder, 'assets', 'app.js'), APP_JS);
    await writeFile(join(scratch, 'secret.txt'), SECRET);
    await writeFile(join(scratch, 'renderer-private', 'secret.txt'), SECRET);
    services = await createFerryServices({ dataFolder: join(scratch, 'data') });
    server = await startWebServer({ services, rendererFolder, port: 0, token: TOKEN });
    port = server.port;
    origin = `http://127.0.0.1:${port}`;
  });

  afterAll(async () => {
    for (const socket of openSockets) socket.terminate();
    await server.close();
    await services.dispose();
    await rm(scratch, { recursive: true, force: true });
  });

  describe('listening', () => {
    it('listens on 127.0.0.1 on a free port and prints a URL with the token', () => {
      expect(port).toBeGreaterThan(0);
      expect(server.token).toBe(TOKEN);
      expect(server.url).toBe(`http://127.0.0.1:${port}/?token=${TOKEN}`);
    });

    it('is not reachable on another loopback address', async () => {
      const error = await new Promise<NodeJS.ErrnoException | null>((resolve) => {
        const socket = connect({ host: '127.0.0.2', port });
        socket.once('connect', () => {
          socket.destroy();
          resolve(null);
        });
        socket.once('error', (e: NodeJS.ErrnoException) => resolve(e));
      });
      expect(error?.code).toBe('ECONNREFUSED');
    });

    it('makes up a long random token when none is given', async () => {
      const other = await startWebServer({ services, rendererFolder, port: 0 });
      try {
        expect(other.token).toMatch(/^[A-Za-z0-9_-]{32}$/);
        expect(other.token).not.toBe(TOKEN);
        expect(other.port).not.toBe(port);
      } finally {
        await other.close();
      }
    });
  });

  describe('HTTP', () => {
    it('serves the page without a token (the public build), the bridge script injected and no cookie', async () => {
      for (const path of ['/', `/?token=${TOKEN}`, '/?token=wrong']) {
        const reply = await get(port, path);
        expect(reply.status, path).toBe(200);
        expect(reply.headers['content-type']).toBe('text/html; charset=utf-8');
        expect(reply.body).toContain('<head>\n    <script type="module" src="/ferry-web.js"></script>');
        expect(reply.body.indexOf('/ferry-web.js')).toBeLessThan(reply.body.indexOf('</head>'));
        expect(reply.body).toContain('<body></body>');
        expect(reply.body).not.toContain(TOKEN);
        // A cookie would reach every server on 127.0.0.1, whatever its port.
        expect(reply.headers['set-cookie']).toBeUndefined();
      }
    });

    it('serves /index.html the same way', async () => {
      const reply = await get(port, '/index.html');
      expect(reply.status).toBe(200);
      expect(reply.body).toContain('/ferry-web.js');
    });

    it('serves assets', async () => {
      const reply = await get(port, '/assets/app.js');
      expect(reply.status).toBe(200);
      expect(reply.body).toBe(APP_JS);
      expect(reply.headers['content-type']).toBe('text/javascript; charset=utf-8');
    });

    it('answers 400 to a request target it cannot read, and keeps running', async () => {
      const answer = await rawExchange(
        port,
        `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect((await get(port, '/')).status).toBe(200);
    });

    it('answers HEAD without a body', async () => {
      const reply = await get(port, `/?token=${TOKEN}`, { method: 'HEAD' });
      expect(reply.status).toBe(200);
      expect(reply.body).toBe('');
    });

    it('answers 404 for a missing file', async () => {
      const reply = await get(port, `/assets/missing.js?token=${TOKEN}`);
      expect(reply.status).toBe(404);
    });

    it('refuses a foreign Host with 403, even with the token (DNS rebinding)', async () => {
      for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, '127.0.0.1']) {
        const reply = await get(port, `/?token=${TOKEN}`, { headers: { Host: host } });
        expect(reply.status).toBe(403);
        expect(reply.body).toContain('Host');
        expect(reply.body).not.toContain('<html>');
      }
    });

    it('refuses a request without a Host header', async () => {
      // Node's HTTP parser already answers 400 to HTTP/1.1 without Host; the gate would say 403.
      const reply = await get(port, `/?token=${TOKEN}`, { setHost: false });
      expect([400, 403]).toContain(reply.status);
      expect(reply.body).not.toContain('<html>');
    });

    it('accepts localhost as the Host', async () => {
      const reply = await get(port, `/?token=${TOKEN}`, { headers: { Host: `localhost:${port}` } });
      expect(reply.status).toBe(200);
    });

    it('refuses a foreign Origin with 403', async () => {
      const reply = await get(port, `/?token=${TOKEN}`, { headers: { Origin: 'http://evil.example' } });
      expect(reply.status).toBe(403);
      expect(reply.body).toContain('Origin');
      const ours = await get(port, `/?token=${TOKEN}`, { headers: { Origin: origin } });
      expect(ours.status).toBe(200);
    });

    it.each(['POST', 'PUT', 'DELETE', 'OPTIONS'])('refuses %s with 405', async (method) => {
      const reply = await get(port, `/?token=${TOKEN}`, { method });
      expect(reply.status).toBe(405);
    });

    it.each([
      '/..%2fsecret.txt',
      '/..%2f..%2fetc/passwd',
      '/..%2F..%2F..%2F..%2F..%2F..%2Fetc%2Fpasswd',
      '/%2e%2e/secret.txt',
      '/%2e%2e/%2e%2e/etc/passwd',
      '/%2e%2e%2fsecret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/../secret.txt',
      '/assets/../../secret.txt',
      '/..%5csecret.txt',
      '/%2fetc%2fpasswd',
      '//etc/passwd',
      '/..%2frenderer-private/secret.txt',
      '/index.html%00.js',
    ])('never serves a file outside the folder for %s', async (path) => {
      const separator = path.includes('?') ? '&' : '?';
      const reply = await get(port, `${path}${separator}token=${TOKEN}`);
      expect(reply.status).not.toBe(200);
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect(reply.body).not.toContain(SECRET);
      expect(reply.body).not.toContain('root:');
    });

    it('survives a broken percent-encoding in the path', async () => {
      const reply = await get(port, `/%E0%A4%A?token=${TOKEN}`);
      expect(reply.status).toBeGreaterThanOrEqual(400);
      expect((await get(port, `/?token=${TOKEN}`)).status).toBe(200);
    });

    it('sends the security headers on every answer', async () => {
      for (const path of [`/?token=${TOKEN}`, '/', `/missing?token=${TOKEN}`]) {
        const reply = await get(port, path);
        const csp = String(reply.headers['content-security-policy']);
        expect(csp).toContain("default-src 'self'");
        expect(csp).toContain("script-src 'self'");
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-eval');
        expect(reply.headers['referrer-policy']).toBe('no-referrer');
        expect(reply.headers['x-frame-options']).toBe('DENY');
        expect(reply.headers['x-content-type-options']).toBe('nosniff');
        expect(reply.headers['cache-control']).toBe('no-store');
      }
    });

    it('serves a renderer folder given with a trailing slash', async () => {
      const other = await startWebServer({ services, rendererFolder: `${rendererFolder}/`, port: 0, token: TOKEN });
      try {
        expect((await get(other.port, `/?token=${TOKEN}`)).status).toBe(200);
        const asset = await get(other.port, `/assets/app.js?token=${TOKEN}`);
        expect(asset.status).toBe(200);
        expect(asset.body).toBe(APP_JS);
        expect((await get(other.port, `/..%2fsecret.txt?token=${TOKEN}`)).status).toBe(404);
      } finally {
        await other.close();
      }
    });
  });

  describe('WebSocket', () => {
    it('refuses a socket without a token with 401', async () => {
      expect(await openSocket(port, { path: '/ws', origin })).toEqual({ kind: 'refused', status: 401 });
    });

    it('refuses a wrong token with 401', async () => {
      expect(await openSocket(port, { path: '/ws?token=nope', origin })).toEqual({ kind: 'refused', status: 401 });
    });

    it('refuses a foreign Origin with 403', async () => {
      expect(await openSocket(port, { origin: 'http://evil.example' })).toEqual({ kind: 'refused', status: 403 });
      expect(await openSocket(port, { origin: `http://127.0.0.1:${port + 1}` })).toEqual({
        kind: 'refused',
        status: 403,
      });
    });

    it('refuses a socket without an Origin with 403', async () => {
      expect(await openSocket(port)).toEqual({ kind: 'refused', status: 403 });
    });

    it('refuses a foreign Host with 403', async () => {
      expect(await openSocket(port, { origin, headers: { Host: 'evil.example' } })).toEqual({
        kind: 'refused',
        status: 403,
      });
    });

    it('refuses any path but /ws with 404', async () => {
      expect(await openSocket(port, { path: `/other?token=${TOKEN}`, origin })).toEqual({
        kind: 'refused',
        status: 404,
      });
    });

    it('takes the token only from its URL, not from a cookie', async () => {
      expect(await openSocket(port, { path: '/ws', origin, headers: { Cookie: `ferry_token=${TOKEN}` } })).toEqual({
        kind: 'refused',
        status: 401,
      });
    });

    it('answers 400 to an upgrade whose target it cannot read, and keeps running', async () => {
      const answer = await rawExchange(
        port,
        `GET http://[ HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n` +
          `Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
      expect(answer).toMatch(/^HTTP\/1\.1 400/);
      expect((await get(port, '/')).status).toBe(200);
    });

    it('runs local.list and answers with the listing', async () => {
      await writeFile(join(work, 'listed.txt'), '12345');
      await mkdir(join(work, 'sub'));
      const envelope = await invoke('local.list', [work]);
      expect(envelope.ok).toBe(true);
      if (!envelope.ok) return;
      const listing = envelope.value as FolderListing;
      expect(listing.path).toBe(work);
      expect(listing.entries.map((e) => [e.name, e.type, e.size]).sort()).toEqual([
        ['listed.txt', 'file', 5],
        ['sub', 'directory', 0],
      ]);
    });

    it('answers invalid arguments with INVALID_INPUT', async () => {
      expect(await invoke('local.list', ['relative'])).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT', retryable: false },
      });
      expect(await invoke('local.mkdir', [work, '../escape'])).toMatchObject({
        ok: false,
        error: { code: 'INVALID_INPUT' },
      });
      expect(await invoke('no.such.channel', [])).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(await readdir(scratch)).not.toContain('escape');
    });

    it('answers a failing operation with its error code', async () => {
      expect(await invoke('local.list', [join(work, 'missing')])).toMatchObject({
        ok: false,
        error: { code: 'NOT_FOUND' },
      });
    });

    it('pushes a log.entry event when local.mkdir creates a folder', async () => {
      const { socket, inbox } = await goodSocket();
      socket.send(JSON.stringify({ id: 7, channel: 'local.mkdir', args: [work, 'made-over-ws'] }));
      const result = await inbox.next((m) => m.type === 'result' && m.id === 7);
      expect(result.envelope).toEqual({ ok: true });
      const event = await inbox.next((m) => m.type === 'event');
      expect(event.channel).toBe('log.entry');
      expect((event.payload as LogEntry).text).toBe(`Created folder made-over-ws in ${work}`);
      expect(await readdir(work)).toContain('made-over-ws');
    });

    it('pushes events to every connected socket', async () => {
      const first = await goodSocket();
      const second = await goodSocket();
      services.log.add('info', 'broadcast line');
      for (const { inbox } of [first, second]) {
        const event = await inbox.next(
          (m) => m.type === 'event' && (m.payload as LogEntry | undefined)?.text === 'broadcast line',
        );
        expect(event.channel).toBe('log.entry');
      }
    });

    it('matches answers to ids when several invokes are in flight', async () => {
      const { socket, inbox } = await goodSocket();
      socket.send(JSON.stringify({ id: 1, channel: 'local.list', args: [work] }));
      socket.send(JSON.stringify({ id: 2, channel: 'local.list', args: ['nope'] }));
      socket.send(JSON.stringify({ id: 3, channel: 'log.history', args: [] }));
      const second = await inbox.next((m) => m.type === 'result' && m.id === 2);
      const first = await inbox.next((m) => m.type === 'result' && m.id === 1);
      const third = await inbox.next((m) => m.type === 'result' && m.id === 3);
      expect(second.envelope).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(first.envelope).toMatchObject({ ok: true, value: { path: work } });
      expect(third.envelope).toMatchObject({ ok: true });
    });

    it('closes the socket on malformed JSON', async () => {
      const { socket } = await goodSocket();
      const done = closed(socket);
      socket.send('{not json');
      expect(await done).toEqual({ code: 1007, reason: 'malformed JSON' });
    });

    it('closes the socket on a message that is not an invoke', async () => {
      const { socket } = await goodSocket();
      const done = closed(socket);
      socket.send(JSON.stringify({ id: -1, channel: 'local.home', args: [] }));
      expect(await done).toEqual({ code: 1008, reason: 'malformed message' });
    });

    it('closes the socket on a binary message', async () => {
      const { socket } = await goodSocket();
      const done = closed(socket);
      socket.send(Buffer.from('{"id":1,"channel":"local.home","args":[]}'));
      expect((await done).code).toBe(1003);
    });

    it('stops pushing events to a socket once it is closed', async () => {
      const { socket } = await goodSocket();
      const done = closed(socket);
      socket.close();
      await done;
      // Give the server a moment to see the close; a push must not throw.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(() => services.log.add('info', 'after close')).not.toThrow();
    });
  });
});
