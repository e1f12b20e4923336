import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeAck } from '../../../../electron/core/protocols/tftp/packet.js';
import { TftpServer } from '../../../../electron/core/protocols/tftp/server.js';
import { TransferSocket } from '../../../../electron/core/protocols/tftp/transferSocket.js';

/** The peer: a plain socket on loopback. */
function openPeer(): Promise<Socket> {
  const socket = createSocket('udp4');
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve(socket)));
}

describe('TFTP transfer socket timeouts', () => {
  let link: TransferSocket;
  let peer: Socket;

  beforeEach(async () => {
    link = await TransferSocket.open({ type: 'udp4', address: '127.0.0.1' });
    peer = await openPeer();
    link.lockPeer({ address: '127.0.0.1', port: peer.address().port });
  });

  afterEach(() => {
    link.close();
    peer.close();
  });

  /** Answers the next wait with an ACK from the peer. */
  const answer = (): void => {
    peer.send(encodeAck(1), link.local.port, '127.0.0.1');
  };

  it('times out a short wait on time, though a longer one set the timer before', async () => {
    const long = link.receive(2000);
    answer();
    expect(await long).toEqual({ type: 'ACK', block: 1 });
    const started = performance.now();
    expect(await link.receive(30)).toBeNull();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('does not time out a long wait early, though a shorter one set the timer before', async () => {
    const short = link.receive(20);
    answer();
    expect(await short).toEqual({ type: 'ACK', block: 1 });
    const started = performance.now();
    expect(await link.receive(120)).toBeNull();
    // Timers count whole milliseconds; allow for rounding, never for firing at the old deadline.
    expect(performance.now() - started).toBeGreaterThanOrEqual(118);
  });

  it('waits again with a fresh deadline after each answer', async () => {
    for (let i = 0; i < 3; i++) {
      const wait = link.receive(300);
      setTimeout(answer, 200);
      // Each answer comes after most of a timeout, but within its own wait's.
      expect(await wait).toEqual({ type: 'ACK', block: 1 });
    }
  });
});

describe('TFTP transfer socket polling', () => {
  it('keeps the loop polling between a send and a quick answer, and lets it sleep after close', async () => {
    const link = await TransferSocket.open({ type: 'udp4', address: '127.0.0.1' });
    const peer = await openPeer();
    peer.on('message', (_message, from) => peer.send(encodeAck(1), from.port, from.address));
    link.lockPeer({ address: '127.0.0.1', port: peer.address().port });
    try {
      expect(link.busyPolling).toBe(false);
      link.send(encodeAck(0));
      expect(link.busyPolling).toBe(true);
      expect(await link.receive(1000)).toEqual({ type: 'ACK', block: 1 });
      // The answer ended the poll; it winds down at the loop's next turn.
      await new Promise(setImmediate);
      await new Promise(setImmediate);
      expect(link.busyPolling).toBe(false);
      link.send(encodeAck(0));
      link.close();
      await new Promise(setImmediate);
      await new Promise(setImmediate);
      expect(link.busyPolling).toBe(false);
    } finally {
      link.close();
      peer.close();
    }
  });
});

describe('TFTP datagrams from port 0', () => {
  /** What dgram reports for a datagram forged with source port 0, which no reply can reach. */
  const fromPortZero = (size: number): RemoteInfo => ({ address: '127.0.0.1', family: 'IPv4', port: 0, size });

  it('are ignored by a transfer socket instead of throwing from the reply to a stranger', async () => {
    const link = await TransferSocket.open({ type: 'udp4', address: '127.0.0.1' });
    link.lockPeer({ address: '127.0.0.1', port: 9 });
    try {
      const socket = (link as unknown as { socket: Socket }).socket;
      const packet = encodeAck(1);
      expect(() => socket.emit('message', packet, fromPortZero(packet.length))).not.toThrow();
      expect(link.strangers).toBe(0);
    } finally {
      link.close();
    }
  });

  it('are ignored by the server instead of throwing from the reply to a malformed request', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ferry-tftp-port0-'));
    const server = new TftpServer();
    await server.start({ folder: root, address: '127.0.0.1', port: 0 });
    try {
      const socket = (server as unknown as { running: { socket: Socket } }).running.socket;
      const malformed = Buffer.from([0, 1, 0x41]);
      expect(() => socket.emit('message', malformed, fromPortZero(malformed.length))).not.toThrow();
      const request = Buffer.from('\0\u0001file\0octet\0', 'latin1');
      expect(() => socket.emit('message', request, fromPortZero(request.length))).not.toThrow();
    } finally {
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('TFTP server slots', () => {
  it('gives one client address a few transfers at once, not every slot', async () => {
    const root = mkdtempSync(join(tmpdir(), 'ferry-tftp-slots-'));
    writeFileSync(join(root, 'file'), Buffer.alloc(4096, 1));
    const server = new TftpServer();
    const status = await server.start({ folder: root, address: '127.0.0.1', port: 0 });
    const clients: Socket[] = [];
    try {
      // Requests that are never acknowledged, each from its own port: each holds a slot.
      const firstPackets = await Promise.all(
        Array.from({ length: 10 }, async () => {
          const client = await openPeer();
          clients.push(client);
          const answer = once(client, 'message') as Promise<[Buffer]>;
          client.send(Buffer.from('\0\u0001file\0octet\0', 'latin1'), status.port ?? 0, '127.0.0.1');
          const [packet] = await answer;
          return packet.readUInt16BE(0);
        }),
      );
      const DATA = 3;
      const ERROR = 5;
      expect(firstPackets.filter((opcode) => opcode === DATA)).toHaveLength(8);
      expect(firstPackets.filter((opcode) => opcode === ERROR)).toHaveLength(2);
    } finally {
      for (const client of clients) client.close();
      await server.stop();
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('TFTP transfer socket queue', () => {
  it('holds at most a few MiB of packets for a busy transfer, not everything a peer sends', async () => {
    const link = await TransferSocket.open({ type: 'udp4', address: '127.0.0.1' });
    const peer = await openPeer();
    link.lockPeer({ address: '127.0.0.1', port: peer.address().port });
    try {
      const block = Buffer.alloc(65_000, 7);
      // 200 large blocks (13 MB) while nobody receives, in small batches the socket keeps up with.
      for (let sent = 0; sent < 200; sent += 10) {
        for (let i = 0; i < 10; i++) {
          const header = Buffer.from([0, 3, 0, 0]);
          header.writeUInt16BE(sent + i + 1, 2);
          peer.send(Buffer.concat([header, block]), link.local.port, '127.0.0.1');
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
      let held = 0;
      while ((await link.receive(20)) !== null) held++;
      expect(held).toBeGreaterThan(0);
      expect(held * 65_004).toBeLessThanOrEqual(8 * 1024 * 1024);
    } finally {
      link.close();
      peer.close();
    }
  });
});
