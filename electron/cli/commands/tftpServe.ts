import { resolve } from 'node:path';
import { FerryError } from '../../../shared/errors.js';
import { formatSize } from '../../../shared/format.js';
import { TftpServer, type TftpTransferEvent } from '../../core/protocols/tftp/server.js';
import type { CliContext } from '../session.js';

/** TFTP's own port; binding it needs privileges on most systems. */
const DEFAULT_PORT = 69;
/** Loopback unless asked: serving files to the whole network should be a decision. */
const DEFAULT_BIND = '127.0.0.1';

export interface TftpServeOptions {
  bind?: string;
  port?: string;
  writable: boolean;
  overwrite: boolean;
  json: boolean;
}

function parsePort(text: string | undefined): number {
  if (text === undefined) return DEFAULT_PORT;
  const port = Number(text);
  if (!/^[0-9]{1,5}$/.test(text) || port < 1 || port > 65535) {
    throw new FerryError('INVALID_INPUT', `--port must be a whole number from 1 to 65535, not "${text}"`);
  }
  return port;
}

/** The line a finished transfer prints: time, client, direction, file, size, outcome. */
function transferLine(event: TftpTransferEvent): string {
  const when = new Date(event.finishedAt ?? event.startedAt).toISOString();
  const direction = event.direction === 'read' ? 'sent' : 'received';
  const outcome = event.state === 'done' ? 'done' : `failed: ${event.error ?? 'unknown error'}`;
  return `${when} ${event.client} ${direction} ${JSON.stringify(event.file)} ${formatSize(event.bytes)} ${outcome}\n`;
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((done) => signal.addEventListener('abort', () => done(), { once: true }));
}

/**
 * `ferry tftp-serve DIR [--bind ADDR] [--port N] [--writable] [--overwrite]`:
 * serves DIR over TFTP until Ctrl-C (the AbortSignal). Prints one line per
 * finished transfer on stdout, or with --json one JSON object per transfer
 * event (start, progress every 250 ms, end). The server's notices go to
 * stderr.
 */
export async function tftpServe(folder: string, options: TftpServeOptions, context: CliContext): Promise<void> {
  const port = parsePort(options.port);
  const address = options.bind ?? DEFAULT_BIND;
  if (options.overwrite && !options.writable) {
    throw new FerryError('INVALID_INPUT', '--overwrite only makes sense with --writable');
  }
  const server = new TftpServer({
    log: (kind, text) => {
      if (context.verbose || kind === 'error') context.output.err(`[${kind}] ${text}\n`);
    },
  });
  server.onTransfer((event) => {
    if (options.json) context.output.out(`${JSON.stringify(event)}\n`);
    else if (event.state !== 'running') context.output.out(transferLine(event));
  });
  const status = await server.start({
    folder: resolve(folder),
    address,
    port,
    writable: options.writable,
    overwrite: options.overwrite,
  });
  const where = address.includes(':') ? `[${address}]:${status.port ?? port}` : `${address}:${status.port ?? port}`;
  const access = status.writable
    ? status.overwrite
      ? 'uploads and overwriting allowed'
      : 'uploads allowed'
    : 'read-only';
  context.output.err(`Serving ${status.folder ?? folder} over TFTP on ${where} (${access}); Ctrl-C stops\n`);
  try {
    await waitForAbort(context.signal);
  } finally {
    await server.stop();
  }
}
