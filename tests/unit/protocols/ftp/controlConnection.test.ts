import { once } from 'node:events';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../../../electron/core/log/messageLog.js';
import { ControlConnection, type ControlEndpoint } from '../../../../electron/core/protocols/ftp/controlConnection.js';
import { logIn } from '../../../../electron/core/protocols/ftp/login.js';

const servers: Server[] = [];

afterEach(() => {
  for (const server of servers.splice(0)) server.close();
});

/** A scripted FTP server on loopback: `speak` writes to each connection. The endpoint to reach it. */
async function scriptedServer(speak: (socket: Socket) => void): Promise<ControlEndpoint> {
  const server = createServer((socket: Socket) => {
    socket.on('error', () => undefined);
    speak(socket);
  });
  servers.push(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    host: '127.0.0.1',
    port: (server.address() as AddressInfo).port,
    implicitTls: false,
    pinnedFingerprint: undefined,
    connectTimeoutMs: 2000,
    log: silentLog,
  };
}

describe('ControlConnection', () => {
  it('gives up on a server that streams replies nobody asked for, instead of keeping them all', async () => {
    const endpoint = await scriptedServer((socket) => {
      socket.write('220 hello\r\n');
      // Replies to commands never sent, as fast as the socket takes them.
      const flood = (): void => {
        while (!socket.destroyed && socket.write('200 x\r\n'.repeat(256)));
        if (!socket.destroyed) socket.once('drain', flood);
      };
      flood();
    });
    const control = await ControlConnection.open(endpoint);
    // The greeting is read; then nobody reads while the flood arrives.
    expect((await control.read({ timeoutMs: 2000 })).code).toBe(220);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(control.isOpen).toBe(false);
    await expect(control.read({ timeoutMs: 100 })).rejects.toMatchObject({ code: 'PROTOCOL' });
  });
});

describe('logIn', () => {
  it('gives up on a server that only ever says it is not ready (120)', async () => {
    const endpoint = await scriptedServer((socket) => {
      const timer = setInterval(() => socket.write('120 Ready in 5 minutes\r\n'), 5);
      socket.on('close', () => clearInterval(timer));
    });
    await expect(
      logIn({ endpoint, tls: 'none', user: 'u', password: 'p', account: undefined, replyTimeoutMs: 2000 }),
    ).rejects.toMatchObject({ code: 'PROTOCOL', replyCode: 120 });
  });
});
