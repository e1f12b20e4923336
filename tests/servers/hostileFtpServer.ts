// A scripted FTP server that misbehaves on purpose, started in-process by
// the FTP integration tests for what no real server does: bad passive
// replies, TLS dodges, huge or endless replies, endless listings, data
// connections that reset or stall, commands dropped when sent together.
// It listens on 127.0.0.1 only; the one "elsewhere" it ever names is
// 127.0.0.2, also loopback.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { TLSSocket } from 'node:tls';

export type HostileScenario =
  /** PASV names 127.0.0.2 while the control connection is on 127.0.0.1 (EPSV refused). */
  | 'pasv-foreign-host'
  /** PASV answers with a field of 256. */
  | 'pasv-field-256'
  /** PASV answers with port 0. */
  | 'pasv-port-0'
  /** EPSV answers |||99999|. */
  | 'epsv-out-of-range'
  /** Greets with 230, as if the login could be skipped. */
  | 'greeting-230'
  /** Answers AUTH TLS with 234 and, in the same packet, a forged reply in plain text. */
  | 'pipelined-after-234'
  /** Refuses AUTH TLS. */
  | 'auth-refused'
  /** Accepts TLS, then refuses PROT P. */
  | 'prot-refused'
  /** Answers FEAT with a 1 MB line. */
  | 'huge-reply-line'
  /** Answers FEAT with a multi-line reply of 10,000 lines that never ends. */
  | 'endless-reply'
  /** Sends a listing that never ends. */
  | 'endless-listing'
  /** Resets the data connection halfway through a download. */
  | 'reset-at-half'
  /** Says 150 to RETR, opens the data connection and then sends nothing. */
  | 'stall-after-150'
  /** Accepts the connection and never says a word. */
  | 'silent'
  /** Handles only the first command of each packet and drops the rest, as some servers and routers do. */
  | 'one-command-per-read'
  /** Behaves: one file in a one-line listing. */
  | 'well-behaved';

export interface HostileServerOptions {
  /** PEM certificate and key, for scenarios that speak TLS. */
  certPath?: string;
  keyPath?: string;
  /** Size of the one file it serves (SIZE and RETR). */
  fileSize?: number;
}

/** A running hostile server and what it saw. */
export interface HostileServer {
  port: number;
  /** Every command line received, in order. */
  commands: string[];
  /** Data connections accepted on 127.0.0.1. */
  dataConnections: number;
  /** Connections that went to 127.0.0.2 (where a client must never go). */
  foreignConnections: number;
  /** Control connections accepted. */
  controlConnections: number;
  /** What the last STOR received; SIZE then answers with its length. */
  uploaded?: Buffer;
  /** Cuts every open connection (the server keeps listening), as a server restart would. */
  dropConnections(): void;
  close(): Promise<void>;
}

const HOST = '127.0.0.1';
const FOREIGN_HOST = '127.0.0.2';
const LISTING_LINE = '-rw-r--r--    1 ftp      ftp             5 Jan 01  2020 file.txt\r\n';

function listenOn(server: Server, host: string, port = 0): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve((server.address() as { port: number }).port);
    });
  });
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/** Writes `line` again and again, respecting backpressure, until the socket goes away. */
function writeForever(socket: Socket, line: string): void {
  const chunk = Buffer.from(line.repeat(256));
  const pump = (): void => {
    while (!socket.destroyed && socket.write(chunk)) {
      // keep filling until the socket asks us to wait
    }
    if (!socket.destroyed) socket.once('drain', pump);
  };
  pump();
}

/** Starts the server in `scenario` on a free port of 127.0.0.1. */
export async function startHostileFtpServer(
  scenario: HostileScenario,
  options: HostileServerOptions = {},
): Promise<HostileServer> {
  const fileSize = options.fileSize ?? 1024 * 1024;
  const fileContent = Buffer.alloc(fileSize, 0x46);
  const sockets = new Set<Socket>();
  const dataServers = new Set<Server>();
  const state: HostileServer = {
    port: 0,
    commands: [],
    dataConnections: 0,
    foreignConnections: 0,
    controlConnections: 0,
    dropConnections: () => {
      for (const socket of sockets) socket.destroy();
    },
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await Promise.all([...dataServers].map(closeServer));
      await closeServer(control);
    },
  };

  const track = (socket: Socket): Socket => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
    return socket;
  };

  /** Opens a passive listener on 127.0.0.1 (and, for the foreign-host case, the same port on 127.0.0.2). */
  async function passiveListener(): Promise<{ port: number; connection: Promise<Socket> }> {
    const local = createServer();
    dataServers.add(local);
    const port = await listenOn(local, HOST);
    if (scenario === 'pasv-foreign-host') {
      const foreign = createServer((socket) => {
        state.foreignConnections++;
        track(socket).destroy();
      });
      dataServers.add(foreign);
      await listenOn(foreign, FOREIGN_HOST, port);
    }
    const connection = new Promise<Socket>((resolve) => {
      local.once('connection', (socket: Socket) => {
        state.dataConnections++;
        resolve(track(socket));
      });
    });
    return { port, connection };
  }

  const control = createServer((raw) => {
    state.controlConnections++;
    let socket: Socket = track(raw);
    if (scenario === 'silent') return;
    let pending: Promise<Socket> | null = null;
    let buffer = '';
    const reply = (text: string): void => {
      if (!socket.destroyed) socket.write(`${text}\r\n`);
    };

    const onCommand = async (line: string): Promise<void> => {
      state.commands.push(line);
      const verb = (line.split(' ')[0] ?? '').toUpperCase();
      switch (verb) {
        case 'USER':
          return reply('331 Password please.');
        case 'PASS':
          return reply('230 Logged in.');
        case 'AUTH':
          if (scenario === 'auth-refused') return reply('502 TLS is not available.');
          if (scenario === 'pipelined-after-234') {
            // One write: the forged 230 sits behind the 234 in plain text.
            socket.write('234 Proceed.\r\n230 Logged in without a password.\r\n');
            return;
          }
          if (!options.certPath || !options.keyPath) return reply('502 No certificate configured.');
          reply('234 Proceed.');
          socket.off('data', onData);
          socket = track(
            new TLSSocket(socket, {
              isServer: true,
              cert: readFileSync(options.certPath),
              key: readFileSync(options.keyPath),
            }),
          );
          socket.on('data', onData);
          return;
        case 'FEAT':
          if (scenario === 'huge-reply-line') return reply(`211 ${'x'.repeat(1024 * 1024)}`);
          if (scenario === 'endless-reply') {
            socket.write('211-Features:\r\n');
            for (let i = 0; i < 10_000; i++) socket.write(` FEATURE${i}\r\n`);
            return;
          }
          return reply(
            '211-Features:\r\n EPSV\r\n PASV\r\n SIZE\r\n MDTM\r\n REST STREAM\r\n XSHA256\r\n XMD5\r\n211 End',
          );
        case 'PBSZ':
          return reply('200 PBSZ=0');
        case 'PROT':
          return reply(scenario === 'prot-refused' ? '536 PROT P is not available.' : '200 Protected.');
        case 'TYPE':
          return reply('200 Type set.');
        case 'PWD':
          return reply('257 "/" is the current directory');
        case 'SYST':
          return reply('215 UNIX Type: L8');
        case 'CWD':
          return reply('250 OK.');
        case 'NOOP':
          return reply('200 NOOP ok.');
        case 'SIZE':
          return reply(`213 ${state.uploaded?.length ?? fileSize}`);
        case 'MDTM':
          return reply('213 20200101000000');
        case 'REST':
          return reply('350 Restarting.');
        case 'XSHA256':
        case 'XMD5':
          // The legacy hash commands answer with the bare digest of the one file served.
          return reply(
            `250 ${createHash(verb === 'XMD5' ? 'md5' : 'sha256')
              .update(fileContent)
              .digest('hex')
              .toUpperCase()}`,
          );
        case 'EPSV': {
          if (scenario === 'epsv-out-of-range') return reply('229 Entering Extended Passive Mode (|||99999|)');
          if (scenario.startsWith('pasv-')) return reply('502 EPSV not implemented.');
          const listener = await passiveListener();
          pending = listener.connection;
          return reply(`229 Entering Extended Passive Mode (|||${listener.port}|)`);
        }
        case 'PASV': {
          if (scenario === 'pasv-field-256') return reply('227 Entering Passive Mode (127,0,0,256,156,64)');
          if (scenario === 'pasv-port-0') return reply('227 Entering Passive Mode (127,0,0,1,0,0)');
          const listener = await passiveListener();
          pending = listener.connection;
          const host = (scenario === 'pasv-foreign-host' ? FOREIGN_HOST : HOST).split('.').join(',');
          return reply(`227 Entering Passive Mode (${host},${listener.port >> 8},${listener.port & 255})`);
        }
        case 'LIST':
        case 'MLSD':
        case 'RETR': {
          if (!pending) return reply('425 Use PASV or EPSV first.');
          const data = await pending;
          pending = null;
          reply('150 Here it comes.');
          if (verb !== 'RETR') {
            if (scenario === 'endless-listing') {
              writeForever(data, LISTING_LINE);
              data.on('close', () => reply('426 Transfer aborted.'));
              return;
            }
            data.end(LISTING_LINE, () => reply('226 Done.'));
            return;
          }
          if (scenario === 'stall-after-150') return; // nothing, ever
          if (scenario === 'reset-at-half') {
            data.write(fileContent.subarray(0, fileSize / 2), () => {
              data.resetAndDestroy();
              reply('426 Connection reset.');
            });
            return;
          }
          data.end(fileContent, () => reply('226 Done.'));
          return;
        }
        case 'STOR': {
          if (!pending) return reply('425 Use PASV or EPSV first.');
          const data = await pending;
          pending = null;
          reply('150 Send it.');
          const chunks: Buffer[] = [];
          data.on('data', (chunk: Buffer) => chunks.push(chunk));
          data.once('end', () => {
            state.uploaded = Buffer.concat(chunks);
            data.end();
            reply('226 Stored.');
          });
          return;
        }
        case 'ABOR':
          return reply('225 ABOR done.');
        case 'QUIT':
          reply('221 Bye.');
          socket.end();
          return;
        default:
          return reply('502 Not implemented.');
      }
    };

    // Commands are handled one at a time, in order.
    let queue = Promise.resolve();
    const onData = (chunk: Buffer): void => {
      buffer += chunk.toString('utf8');
      let end: number;
      while ((end = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, end).replace(/\r$/, '');
        buffer = scenario === 'one-command-per-read' ? '' : buffer.slice(end + 1);
        queue = queue.then(() => onCommand(line)).catch(() => undefined);
      }
    };
    socket.on('data', onData);
    reply(scenario === 'greeting-230' ? '230 Welcome, you are already logged in.' : '220 Hostile FTP ready.');
  });

  state.port = await listenOn(control, HOST);
  return state;
}
