// Connections to a TLS server that takes one key-exchange group only (as
// vsftpd takes only P-256) offer that group first once the server chose it,
// so the handshake needs no HelloRetryRequest: on FTPS that is a round trip
// less on every file's data connection. A relay in front of a local TLS
// server counts the ClientHello messages of each connection; the server
// uses the test servers' certificate.
import { readFileSync } from 'node:fs';
import { connect as connectTcp, createServer as createTcpServer, type AddressInfo, type Server } from 'node:net';
import { connect as connectTls, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { noteKeyExchange, tlsClientOptions } from '../../../electron/core/protocols/ftp/tlsClient.js';
import { servers } from './ftpFixtures.js';

let tlsServer: Server;
let relay: Server;
let relayPort: number;
/** ClientHello messages seen on each relayed connection, in order. */
const hellosPerConnection: number[] = [];

/** Counts ClientHellos in a client's byte stream, record by record (header: type, version, length). */
function countClientHellos(onCount: () => void): (chunk: Buffer) => void {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = Buffer.concat([pending, chunk]);
    while (pending.length >= 6) {
      const length = pending.readUInt16BE(3);
      // Content type 22 is a handshake record; its first message type 1 a ClientHello.
      if (pending[0] === 22 && pending[5] === 1) onCount();
      if (pending.length < 5 + length) break;
      pending = pending.subarray(5 + length);
    }
  };
}

beforeAll(async () => {
  tlsServer = createTlsServer(
    {
      cert: readFileSync(servers.tls.certPath),
      key: readFileSync(servers.tls.keyPath),
      ecdhCurve: 'P-256',
      minVersion: 'TLSv1.3',
    },
    // Data before the close, so the TLS 1.3 session tickets go out with it.
    (socket) => socket.end('ready'),
  );
  await new Promise<void>((resolve) => tlsServer.listen(0, '127.0.0.1', resolve));
  const serverPort = (tlsServer.address() as AddressInfo).port;
  relay = createTcpServer((client) => {
    const index = hellosPerConnection.push(0) - 1;
    const upstream = connectTcp(serverPort, '127.0.0.1');
    client.on(
      'data',
      countClientHellos(() => (hellosPerConnection[index] = (hellosPerConnection[index] ?? 0) + 1)),
    );
    client.pipe(upstream).pipe(client);
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
  });
  await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
  relayPort = (relay.address() as AddressInfo).port;
});

afterAll(() => {
  relay.close();
  tlsServer.close();
});

interface Handshake {
  socket: TLSSocket;
  resumed: boolean;
  /** The last ticket the server gave. */
  session?: Buffer;
}

/**
 * One handshake through the relay with the options Ferry uses for `server`,
 * noting the server's choice of group as a control connection does.
 */
async function handshake(server: string, session?: Buffer): Promise<Handshake> {
  const result: Handshake = {
    socket: connectTls({ host: '127.0.0.1', port: relayPort, ...tlsClientOptions('127.0.0.1', server), session }),
    resumed: false,
  };
  result.socket.on('session', (ticket: Buffer) => (result.session = ticket));
  await new Promise<void>((resolve, reject) => {
    result.socket.once('secureConnect', resolve);
    result.socket.once('error', reject);
  });
  noteKeyExchange(result.socket, server);
  result.resumed = result.socket.isSessionReused();
  // Tickets come right after the handshake.
  await new Promise((resolve) => result.socket.once('end', resolve).resume());
  result.socket.destroy();
  return result;
}

it('offers the group a server chose first on later connections, and still resumes its session', async () => {
  const server = `127.0.0.1:${relayPort}`;
  const first = await handshake(server);
  const second = await handshake(server, first.session);
  await handshake('elsewhere.test:21');

  // The first connection offered the library's own first group and was asked again.
  expect(hellosPerConnection[0]).toBe(2);
  // Once the server's choice is known, one ClientHello is enough, and the session is resumed.
  expect(hellosPerConnection[1]).toBe(1);
  expect(second.resumed).toBe(true);
  // What one server chose changes nothing for another.
  expect(hellosPerConnection[2]).toBe(2);
});
