// Ferry's TFTP client against a scripted server that misbehaves in ways no
// installed server does: a transfer shorter than the size it announced, and
// an option acknowledgement for something never asked.
import { createSocket, type Socket } from 'node:dgram';
import { rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  decodePacket,
  encodeData,
  encodeOack,
  type OptionMap,
  type TftpPacket,
} from '../../../electron/core/protocols/tftp/packet.js';
import { downloadFile } from '../../../electron/core/transfers/downloadFile.js';
import type { FerryError } from '../../../shared/errors.js';
import { tempDir, tftpClient } from './fixtures.js';

interface ScriptedServer {
  port: number;
  /** What the client sent to the transfer port, in order. */
  received: TftpPacket[];
  close(): void;
}

function bound(socket: Socket): Promise<void> {
  return new Promise((resolve) => socket.bind(0, '127.0.0.1', () => resolve()));
}

/** Answers any read request with `oack` from a new port, then `data` once ACK 0 comes. */
async function scriptedServer(oack: OptionMap, data: Buffer[]): Promise<ScriptedServer> {
  const listener = createSocket('udp4');
  const transfer = createSocket('udp4');
  await Promise.all([bound(listener), bound(transfer)]);
  const received: TftpPacket[] = [];
  listener.on('message', (_message, client) => transfer.send(encodeOack(oack), client.port, client.address));
  transfer.on('message', (message, client) => {
    const packet = decodePacket(message);
    received.push(packet);
    if (packet.type === 'ACK' && packet.block < data.length) {
      const payload = data[packet.block];
      if (payload) transfer.send(encodeData(packet.block + 1, payload), client.port, client.address);
    }
  });
  return {
    port: listener.address().port,
    received,
    close: () => {
      listener.close();
      transfer.close();
    },
  };
}

let local: string;

beforeEach(async () => {
  local = await tempDir('scripted');
});

afterEach(async () => {
  await rm(local, { recursive: true, force: true });
});

describe('TFTP client against a misbehaving server', () => {
  it('fails a transfer shorter than its tsize, keeping only the partial file', async () => {
    const server = await scriptedServer(new Map([['tsize', '1000']]), [Buffer.alloc(512, 1), Buffer.alloc(10, 2)]);
    try {
      const client = await tftpClient(server.port);
      const target = join(local, 'short.bin');
      const error = (await downloadFile(client, '/short.bin', target).catch((e: unknown) => e)) as FerryError;
      expect(error.code).toBe('VERIFY_FAILED');
      expect(error.details).toMatchObject({ expectedSize: 1000, actualSize: 522 });
      await expect(stat(target)).rejects.toMatchObject({ code: 'ENOENT' });
      expect((await stat(`${target}.ferrypart`)).size).toBe(522);
    } finally {
      server.close();
    }
  });

  it('refuses an OACK carrying an option it never asked for, with ERROR 8', async () => {
    const server = await scriptedServer(new Map([['multicast', '224.0.0.1,1758,1']]), []);
    try {
      const client = await tftpClient(server.port);
      const target = join(local, 'odd.bin');
      const error = (await downloadFile(client, '/odd.bin', target).catch((e: unknown) => e)) as FerryError;
      expect(error.code).toBe('PROTOCOL');
      expect(error.message).toContain('"multicast" was not requested');
      await expect.poll(() => server.received).toEqual([expect.objectContaining({ type: 'ERROR', code: 8 })]);
    } finally {
      server.close();
    }
  });
});
