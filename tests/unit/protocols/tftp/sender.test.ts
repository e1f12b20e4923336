import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { chunkedBlockSource } from '../../../../electron/core/protocols/tftp/blockStreams.js';
import { encodeOack, type TftpPacket } from '../../../../electron/core/protocols/tftp/packet.js';
import { RetransmitTimer } from '../../../../electron/core/protocols/tftp/retransmitTimer.js';
import { sendBlocks, type SendParams } from '../../../../electron/core/protocols/tftp/sender.js';
import { ScriptedLink } from './links.js';

function source(bytes: number) {
  const data = Buffer.alloc(bytes, 0x61);
  return chunkedBlockSource(Readable.from([data]));
}

function params(overrides: Partial<SendParams> = {}): SendParams {
  return {
    blksize: 8,
    windowsize: 1,
    timer: new RetransmitTimer({ initialMs: 10, minMs: 1, maxMs: 10 }),
    maxRetries: 3,
    what: 'Sending "t"',
    ...overrides,
  };
}

/** A receiver that acknowledges every DATA at once. */
function ackEverything(packet: TftpPacket, link: ScriptedLink): void {
  if (packet.type === 'DATA') link.deliver({ type: 'ACK', block: packet.block });
}

describe('TFTP sender', () => {
  it('sends lock-step blocks and a final short block', async () => {
    const link = new ScriptedLink();
    link.onSend = ackEverything;
    const progress: number[] = [];
    const result = await sendBlocks(link, source(20), params({ onProgress: (b) => progress.push(b) }));
    expect(link.dataBlocks()).toEqual([1, 2, 3]);
    expect(result).toEqual({ blocks: 3, bytes: 20 });
    expect(progress).toEqual([8, 16, 20]);
  });

  it('ends an exact multiple of the block size with an empty block', async () => {
    const link = new ScriptedLink();
    link.onSend = ackEverything;
    expect(await sendBlocks(link, source(16), params())).toEqual({ blocks: 3, bytes: 16 });
    const last = link.sent.at(-1);
    expect(last?.type === 'DATA' && last.data.length).toBe(0);
  });

  it('never answers a duplicate ACK with DATA (Sorcerer’s Apprentice)', async () => {
    const link = new ScriptedLink();
    link.onSend = (packet, l) => {
      if (packet.type !== 'DATA') return;
      // Every ACK arrives twice, as if duplicated by the network.
      l.deliver({ type: 'ACK', block: packet.block }, { type: 'ACK', block: packet.block });
    };
    await sendBlocks(link, source(8 * 10 + 3), params());
    expect(link.dataBlocks()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
  });

  it('gives up early on a peer that never answered at all, but not on one that did', async () => {
    // Timeouts of 10 ms: 50 ms without any answer is 5 of them, far fewer than the 100 allowed.
    const silent = new ScriptedLink();
    const error = (await sendBlocks(silent, source(100), params({ maxRetries: 100, firstAnswerWithinMs: 50 })).catch(
      (e: unknown) => e,
    )) as FerryError;
    expect(error.code).toBe('TIMEOUT');
    expect(silent.dataBlocks()).toEqual([1, 1, 1, 1, 1]);

    const answeredOnce = new ScriptedLink();
    let answered = false;
    answeredOnce.onSend = (packet, l) => {
      if (packet.type === 'DATA' && !answered) {
        answered = true;
        l.deliver({ type: 'ACK', block: packet.block });
      }
    };
    await expect(
      sendBlocks(answeredOnce, source(100), params({ maxRetries: 10, firstAnswerWithinMs: 50 })),
    ).rejects.toMatchObject({ code: 'TIMEOUT' });
    // Block 2 once, then once per timeout: all 10 retransmissions.
    expect(answeredOnce.dataBlocks().filter((block) => block === 2)).toHaveLength(11);
  });

  it('retransmits only on timeout, and fails with how far it got', async () => {
    const link = new ScriptedLink();
    let answered = 0;
    link.onSend = (packet, l) => {
      // Acknowledge the first two blocks, then go silent.
      if (packet.type === 'DATA' && answered < 2) {
        answered++;
        l.deliver({ type: 'ACK', block: packet.block });
      }
    };
    const failure = await sendBlocks(link, source(100), params({ expectedBytes: 100 })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(FerryError);
    const error = failure as FerryError;
    expect(error.code).toBe('TIMEOUT');
    expect(error.details).toMatchObject({ bytes: 16, blocks: 2, retries: 3, expectedBytes: 100 });
    expect(error.message).toContain('16 of 100 bytes (2 blocks)');
    // Block 3 once, then once per timeout: 3 retransmissions.
    expect(link.dataBlocks()).toEqual([1, 2, 3, 3, 3, 3]);
  });

  it('sends windows and restarts a window after the block the receiver acknowledged', async () => {
    const link = new ScriptedLink();
    let round = 0;
    link.onSend = (packet, l) => {
      if (packet.type !== 'DATA') return;
      round++;
      // First window 1–4: the receiver lost 3 and acknowledges 2.
      if (round === 4) l.deliver({ type: 'ACK', block: 2 });
      // The restarted window 3–6 arrives whole.
      if (round === 8) l.deliver({ type: 'ACK', block: 6 });
      // Then 7–8 (8 is the last, short block).
      if (round === 10) l.deliver({ type: 'ACK', block: 8 });
    };
    const result = await sendBlocks(link, source(8 * 7 + 1), params({ windowsize: 4 }));
    expect(link.dataBlocks()).toEqual([1, 2, 3, 4, 3, 4, 5, 6, 7, 8]);
    expect(result).toEqual({ blocks: 8, bytes: 57 });
  });

  it('slides instead of restarting for a receiver that acknowledges every block', async () => {
    const link = new ScriptedLink();
    link.onSend = ackEverything;
    const blocks = 200;
    await sendBlocks(link, source(8 * (blocks - 1) + 1), params({ windowsize: 16 }));
    const sent = link.dataBlocks().length;
    // At most one extra window per window: bounded, never a storm.
    expect(sent).toBeGreaterThanOrEqual(blocks);
    expect(sent).toBeLessThanOrEqual(2 * blocks + 16);
  });

  it('ignores stale ACKs from before the window', async () => {
    const link = new ScriptedLink();
    link.onSend = (packet, l) => {
      if (packet.type !== 'DATA') return;
      if (packet.block === 4) l.deliver({ type: 'ACK', block: 4 });
      if (packet.block === 8)
        l.deliver({ type: 'ACK', block: 2 }, { type: 'ACK', block: 4 }, { type: 'ACK', block: 8 });
      if (packet.block === 9) l.deliver({ type: 'ACK', block: 9 });
    };
    await sendBlocks(link, source(8 * 8 + 2), params({ windowsize: 4 }));
    expect(link.dataBlocks()).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('rolls block numbers over past 65535', async () => {
    const link = new ScriptedLink();
    let sent = 0;
    // An RFC 7440 receiver: one ACK per window of 16, and one for the last block.
    link.onSend = (packet, l) => {
      if (packet.type !== 'DATA') return;
      sent++;
      if (sent % 16 === 0 || packet.data.length < 8) l.deliver({ type: 'ACK', block: packet.block });
    };
    const blocks = 65536 + 10;
    const result = await sendBlocks(link, source(8 * (blocks - 1) + 1), params({ windowsize: 16 }));
    expect(result.blocks).toBe(blocks);
    const wire = link.dataBlocks();
    expect(wire.length).toBe(blocks);
    expect(wire.slice(65533, 65539)).toEqual([65534, 65535, 0, 1, 2, 3]);
  });

  it('sends an opening OACK alone until ACK 0 arrives, then data', async () => {
    const link = new ScriptedLink();
    let oacks = 0;
    link.onSend = (packet, l) => {
      if (packet.type === 'OACK' && ++oacks === 2) l.deliver({ type: 'ACK', block: 0 });
      if (packet.type === 'DATA') l.deliver({ type: 'ACK', block: packet.block });
    };
    await sendBlocks(link, source(3), params({ windowsize: 4, opening: encodeOack(new Map([['windowsize', '4']])) }));
    expect(link.sent.map((p) => p.type)).toEqual(['OACK', 'OACK', 'DATA']);
  });

  it('stops on an ERROR from the peer, keeping its code', async () => {
    const link = new ScriptedLink();
    link.onSend = (_packet, l) => l.deliver({ type: 'ERROR', code: 3, message: 'Disk full' });
    const error = (await sendBlocks(link, source(100), params()).catch((e: unknown) => e)) as FerryError;
    expect(error.code).toBe('PROTOCOL');
    expect(error.replyCode).toBe(3);
    expect(error.message).toContain('Disk full');
  });

  it('rejects with CANCELED when the signal fires', async () => {
    const link = new ScriptedLink();
    const controller = new AbortController();
    link.onSend = (packet, l) => {
      if (packet.type === 'DATA' && packet.block === 2) controller.abort();
      if (packet.type === 'DATA') l.deliver({ type: 'ACK', block: packet.block });
    };
    const error = (await sendBlocks(link, source(100), params({ signal: controller.signal })).catch(
      (e: unknown) => e,
    )) as FerryError;
    expect(error.code).toBe('CANCELED');
  });
});
