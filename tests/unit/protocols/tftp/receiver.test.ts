import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { encodeAck, encodeOack, type DataPacket } from '../../../../electron/core/protocols/tftp/packet.js';
import {
  dallyFinalAck,
  receiveBlocks,
  type BlockSink,
  type ReceiveParams,
} from '../../../../electron/core/protocols/tftp/receiver.js';
import { RetransmitTimer } from '../../../../electron/core/protocols/tftp/retransmitTimer.js';
import { ScriptedLink } from './links.js';

function data(block: number, length = 8): DataPacket {
  return { type: 'DATA', block, data: Buffer.alloc(length, block & 0xff) };
}

function collector(): BlockSink & { chunks: Buffer[]; finished: number } {
  const sink = {
    chunks: [] as Buffer[],
    finished: 0,
    write(chunk: Buffer) {
      sink.chunks.push(chunk);
    },
    finish() {
      sink.finished++;
      return Promise.resolve();
    },
  };
  return sink;
}

function params(overrides: Partial<ReceiveParams> = {}): ReceiveParams {
  return {
    blksize: 8,
    windowsize: 1,
    timer: new RetransmitTimer({ initialMs: 10, minMs: 1, maxMs: 10 }),
    maxRetries: 3,
    what: 'Receiving "t"',
    opening: encodeAck(0),
    ...overrides,
  };
}

describe('TFTP receiver', () => {
  it('acknowledges each block in lock-step and finishes before the final ACK', async () => {
    const link = new ScriptedLink();
    const sink = collector();
    link.onSend = (packet, l) => {
      if (packet.type !== 'ACK') return;
      if (packet.block < 2) l.deliver(data(packet.block + 1));
      // The final ACK goes out only after finish() ran.
      if (packet.block === 3) expect(sink.finished).toBe(1);
      if (packet.block === 2) l.deliver(data(3, 5));
    };
    const result = await receiveBlocks(link, sink, params());
    expect(link.ackBlocks()).toEqual([0, 1, 2, 3]);
    expect(Buffer.concat(sink.chunks).length).toBe(21);
    expect(result).toMatchObject({ blocks: 3, bytes: 21, finalWire: 3 });
  });

  it('acknowledges a duplicate DATA again, and writes it once', async () => {
    const link = new ScriptedLink();
    const sink = collector();
    link.deliver(data(1), data(1), data(2), data(2), data(2), data(3, 0));
    const result = await receiveBlocks(link, sink, params());
    expect(link.ackBlocks()).toEqual([0, 1, 1, 2, 2, 2, 3]);
    expect(sink.chunks.length).toBe(3);
    expect(result.bytes).toBe(16);
  });

  it('acknowledges once per window, at a gap, and once per window of duplicates', async () => {
    const link = new ScriptedLink();
    const sink = collector();
    link.deliver(
      // Window 1–4 arrives whole: one ACK 4.
      data(1),
      data(2),
      data(3),
      data(4),
      // Window 5–8 loses 6: ACK 5 once, 7 and 8 are dropped.
      data(5),
      data(7),
      data(8),
      // The sender restarts at 6 and the window arrives whole: ACK 9.
      data(6),
      data(7),
      data(8),
      data(9),
      // Our ACK 9 was lost: the sender resends 6–9, four duplicates draw one ACK.
      data(6),
      data(7),
      data(8),
      data(9),
      data(10, 3),
    );
    const result = await receiveBlocks(link, sink, params({ windowsize: 4 }));
    expect(link.ackBlocks()).toEqual([0, 4, 5, 9, 9, 10]);
    expect(result).toMatchObject({ blocks: 10, bytes: 75 });
    expect(sink.chunks.map((c) => c[0])).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('follows block numbers across the rollover', async () => {
    const link = new ScriptedLink();
    let written = 0;
    const sink: BlockSink = {
      write(chunk) {
        written += chunk.length;
      },
    };
    const total = 65536 + 3;
    let acks = 0;
    link.onSend = (packet, l) => {
      if (packet.type !== 'ACK') return;
      acks++;
      // ACK n (absolute acks - 1) asks for block acks; the last one is short.
      l.deliver(data(acks & 0xffff, acks === total ? 1 : 8));
    };
    const result = await receiveBlocks(link, sink, params());
    expect(result.blocks).toBe(total);
    expect(result.finalWire).toBe(total & 0xffff);
    expect(written).toBe(8 * (total - 1) + 1);
  });

  it('takes a DATA 1 already received and acknowledges it first', async () => {
    const link = new ScriptedLink();
    const sink = collector();
    link.onSend = (packet, l) => {
      if (packet.type === 'ACK' && packet.block === 1) l.deliver(data(2, 0));
    };
    await receiveBlocks(link, sink, params({ opening: undefined, first: data(1) }));
    expect(link.ackBlocks()).toEqual([1, 2]);
  });

  it('gives up early on a peer that never sent a block, but not on one that did', async () => {
    const silent = new ScriptedLink();
    await expect(
      receiveBlocks(silent, collector(), params({ maxRetries: 100, firstAnswerWithinMs: 50 })),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(silent.ackBlocks()).toEqual([0, 0, 0, 0, 0]);

    const started = new ScriptedLink();
    started.deliver(data(1));
    await expect(
      receiveBlocks(started, collector(), params({ maxRetries: 10, firstAnswerWithinMs: 50 })),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    expect(started.ackBlocks().filter((block) => block === 1)).toHaveLength(11);
  });

  it('repeats its last ACK on timeout and fails with how far it got', async () => {
    const link = new ScriptedLink();
    link.deliver(data(1), data(2));
    const error = (await receiveBlocks(link, collector(), params({ expectedBytes: 1000 })).catch(
      (e: unknown) => e,
    )) as FerryError;
    expect(error.code).toBe('TIMEOUT');
    expect(error.details).toMatchObject({ bytes: 16, blocks: 2, expectedBytes: 1000 });
    expect(link.ackBlocks()).toEqual([0, 1, 2, 2, 2, 2]);
  });

  it('repeats an opening OACK until data arrives', async () => {
    const link = new ScriptedLink();
    let oacks = 0;
    link.onSend = (packet, l) => {
      if (packet.type === 'OACK' && ++oacks === 3) l.deliver(data(1, 2));
    };
    await receiveBlocks(link, collector(), params({ opening: encodeOack(new Map([['blksize', '8']])) }));
    expect(link.sent.map((p) => p.type)).toEqual(['OACK', 'OACK', 'OACK', 'ACK']);
  });

  it('refuses a block larger than agreed', async () => {
    const link = new ScriptedLink();
    link.deliver(data(1, 9));
    const error = (await receiveBlocks(link, collector(), params()).catch((e: unknown) => e)) as FerryError;
    expect(error.code).toBe('PROTOCOL');
  });

  it('reports a failure to finish instead of acknowledging the last block', async () => {
    const link = new ScriptedLink();
    link.deliver(data(1, 3));
    const sink: BlockSink = {
      write() {},
      finish: () => Promise.reject(new FerryError('ALREADY_EXISTS', 'exists')),
    };
    await expect(receiveBlocks(link, sink, params())).rejects.toMatchObject({ code: 'ALREADY_EXISTS' });
    expect(link.ackBlocks()).toEqual([0]);
  });

  it('dallies: repeats the final ACK when the last block comes again', async () => {
    const link = new ScriptedLink();
    link.deliver(data(1, 3));
    const result = await receiveBlocks(link, collector(), params());
    link.deliver(data(1, 3), data(1, 3));
    await dallyFinalAck(link, result, 5);
    expect(link.ackBlocks()).toEqual([0, 1, 1, 1]);
  });
});
