import { createHash, randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { chunkedBlockSource } from '../../../../electron/core/protocols/tftp/blockStreams.js';
import { encodeAck } from '../../../../electron/core/protocols/tftp/packet.js';
import { dallyFinalAck, receiveBlocks } from '../../../../electron/core/protocols/tftp/receiver.js';
import { RetransmitTimer } from '../../../../electron/core/protocols/tftp/retransmitTimer.js';
import { sendBlocks } from '../../../../electron/core/protocols/tftp/sender.js';
import { lossyPair, type Impairment } from './links.js';

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

async function transfer(
  content: Buffer,
  blksize: number,
  windowsize: number,
  impairment: Impairment,
  seed: number,
  minMs = 5,
  /** Make every this many blocks' write a wait, as a sink does when a batch goes to disk. */
  slowWriteEvery = 0,
) {
  const { a, b } = lossyPair(impairment, seed);
  const timer = () => new RetransmitTimer({ initialMs: Math.max(20, minMs), minMs, maxMs: Math.max(40, minMs) });
  const received: Buffer[] = [];
  const common = { blksize, windowsize, maxRetries: 30, what: 'test' };
  // The receiver stays after its final ACK to repeat it if the sender
  // resends the last block, as Ferry's client does (RFC 1350): without
  // that, a dropped final ACK would leave the sender to time out.
  const senderDone = new AbortController();
  const [sent, got] = await Promise.all([
    sendBlocks(a, chunkedBlockSource(Readable.from([content])), { ...common, timer: timer() }).finally(() =>
      senderDone.abort(),
    ),
    receiveBlocks(
      b,
      {
        write: (data) => {
          received.push(Buffer.from(data));
          if (slowWriteEvery > 0 && received.length % slowWriteEvery === 0) {
            return new Promise((resolve) => setTimeout(resolve, 2));
          }
          return undefined;
        },
      },
      { ...common, timer: timer(), opening: encodeAck(0) },
    ).then(async (result) => {
      await dallyFinalAck(b, result, 10_000, senderDone.signal);
      return result;
    }),
  ]);
  return {
    sent,
    got,
    received: Buffer.concat(received),
    dataSent: a.sentPackets.length,
    acksSent: b.sentPackets.length,
  };
}

describe('a transfer over a network that drops, duplicates and reorders', () => {
  const content = randomBytes(64 * 100 + 17);
  const blocks = Math.ceil((content.length + 1) / 64);

  for (const windowsize of [1, 4, 16]) {
    it(`arrives byte for byte with windowsize ${windowsize}, without a packet storm`, async () => {
      const impairment = { drop: 0.05, duplicate: 0.05, reorder: 0.05 };
      const result = await transfer(content, 64, windowsize, impairment, windowsize, 20);
      expect(sha256(result.received)).toBe(sha256(content));
      expect(result.sent.bytes).toBe(content.length);
      // Every DATA beyond the file's blocks is a retransmission. Each damaged
      // packet may cost up to a window of them, so the traffic grows linearly
      // with the damage; the Sorcerer's Apprentice bug grows it geometrically.
      const damage = impairment.drop + impairment.duplicate + impairment.reorder;
      expect(result.dataSent).toBeLessThan(blocks * (1 + damage * Math.max(windowsize, 4)));
      expect(result.acksSent).toBeLessThan(blocks * 1.5);
    });
  }

  it('writes every block once and in order when some writes must be waited for', async () => {
    const impairment = { drop: 0.05, duplicate: 0.1, reorder: 0.05 };
    const result = await transfer(content, 64, 4, impairment, 7, 20, 5);
    expect(sha256(result.received)).toBe(sha256(content));
  });

  it('survives duplication alone with no DATA resent in lock-step', async () => {
    // Long timeouts: nothing is lost, so a retransmission could only come from a stalled test machine.
    const result = await transfer(content, 64, 1, { drop: 0, duplicate: 0.3, reorder: 0 }, 42, 2000);
    expect(sha256(result.received)).toBe(sha256(content));
    // Duplicated ACKs never draw DATA: only timeouts could, and nothing is lost.
    expect(result.dataSent).toBe(blocks);
  });
});
