import { throwIfAborted } from '../../remote/streams.js';
import { absoluteBlock, wireBlock } from './blockNumber.js';
import { encodeDataHeader } from './packet.js';
import { errorFromPeer, timeoutError } from './tftpErrors.js';
import { monotonicNow, type PacketLink, type TransferParams, type TransferProgress } from './transferLink.js';

/** Where the sender's bytes come from, in order. */
export interface BlockSource {
  /**
   * The next `size` bytes; fewer (possibly none) only at the end. At once
   * when they are at hand: most blocks are cut from data read earlier, and
   * a promise per block costs more than the block.
   */
  read(size: number): Buffer | Promise<Buffer>;
}

/** How the sender runs. */
export interface SendParams extends TransferParams {
  /**
   * A packet the peer must acknowledge with ACK 0 before any DATA: a
   * server's OACK to a read request. It is retransmitted like a block.
   */
  opening?: Buffer;
}

interface WindowEntry {
  /** Header and payload, sent as one datagram without copying the payload into a packet. */
  packet: Buffer[];
  length: number;
  /** When it was last sent, for the round-trip sample. */
  sentAt: number;
  sends: number;
}

/**
 * The sending side of a transfer (a client's upload, a server's read
 * request): sends DATA in windows of `windowsize` blocks (1 is RFC 1350
 * lock-step) and slides on each ACK.
 *
 * Retransmission happens only when the retransmit timer fires, never
 * because an ACK came twice: answering a duplicate ACK with DATA is the
 * Sorcerer's Apprentice bug (RFC 1123 4.2.3.1), where every later block
 * goes out twice. An ACK for a block inside the window that is not its
 * last means the receiver lost the block after it (RFC 7440), and the
 * window restarts there. Block numbers roll over past 65535.
 */
export async function sendBlocks(link: PacketLink, source: BlockSource, params: SendParams): Promise<TransferProgress> {
  const { blksize, windowsize, timer, maxRetries, signal } = params;
  const now = params.now ?? monotonicNow;
  const window = new Map<number, WindowEntry>();
  // Absolute block numbers: 0 is the opening packet, if any; DATA starts at 1.
  let base = params.opening ? 0 : 1;
  let next = base;
  let loaded = 0;
  // Set by load(), which the compiler cannot see through.
  let last = null as number | null;
  let bytesAcked = 0;
  let retries = 0;
  let waited = 0;
  let restartedAt = -Infinity;
  let previousShortAck: number | null = null;
  if (params.opening) window.set(0, { packet: [params.opening], length: 0, sentAt: 0, sends: 0 });

  const load = (block: number, data: Buffer): WindowEntry => {
    if (block !== loaded + 1) throw new Error(`sender asked for block ${block} after ${loaded}`);
    if (data.length > blksize) throw new Error(`block source returned ${data.length} bytes for ${blksize}`);
    loaded = block;
    if (data.length < blksize) last = block;
    const entry: WindowEntry = {
      packet: [encodeDataHeader(wireBlock(block)), data],
      length: data.length,
      sentAt: 0,
      sends: 0,
    };
    window.set(block, entry);
    return entry;
  };
  const reach = () => ({ bytes: bytesAcked, blocks: Math.max(0, base - 1), expected: params.expectedBytes ?? null });
  let answered = false;
  /** Nothing from the peer yet, for longer than it may take to answer at all. */
  const unanswered = (ms: number): boolean =>
    !answered && params.firstAnswerWithinMs !== undefined && ms >= params.firstAnswerWithinMs;

  for (;;) {
    throwIfAborted(signal);
    // The opening packet travels alone: nothing else may go before ACK 0.
    const windowEnd = base === 0 ? 0 : base + windowsize - 1;
    while (next <= windowEnd && (last === null || next <= last)) {
      let entry = window.get(next);
      if (!entry) {
        const data = source.read(blksize);
        entry = load(next, data instanceof Buffer ? data : await data);
      }
      entry.sends++;
      entry.sentAt = now();
      link.send(entry.packet);
      next++;
    }

    const timeout = timer.timeoutMs;
    const packet = await link.receive(timeout, signal);
    if (packet === null) {
      retries++;
      waited += timeout;
      if (retries > maxRetries || unanswered(waited)) throw timeoutError(params.what, reach(), retries - 1, waited);
      timer.backoff();
      // Resend the whole unacknowledged window, oldest first.
      next = base;
      continue;
    }
    if (packet.type === 'ERROR') throw errorFromPeer(packet, params.what);
    // A repeated OACK from the peer stands for "ACK 0", but only while that
    // can mean anything: later, wire number 0 may be a block past the rollover.
    const wire = packet.type === 'ACK' ? packet.block : packet.type === 'OACK' && base <= 1 ? 0 : null;
    if (wire === null) continue;
    const acked = absoluteBlock(wire, Math.max(0, base - 1), next - 1);
    // Stale or duplicate: nothing new is acknowledged, so nothing is sent.
    if (acked === null || acked < base) continue;

    const entry = window.get(acked);
    if (entry?.sends === 1) timer.sample(now() - entry.sentAt);
    else timer.resetBackoff();
    for (let block = base; block <= acked; block++) {
      bytesAcked += window.get(block)?.length ?? 0;
      window.delete(block);
    }
    base = acked + 1;
    retries = 0;
    waited = 0;
    answered = true;
    params.onProgress?.(bytesAcked);
    if (last !== null && acked === last) return { blocks: last, bytes: bytesAcked };
    // An ACK short of what was sent: the receiver lost the block after it
    // and drops what follows (RFC 7440), so the window restarts there. Not
    // when it directly follows another short ACK, though (a receiver that
    // acknowledges every block would otherwise restart the window on each
    // ACK, a storm of its own), nor within half a round trip of the last
    // restart (ACKs already on their way then say nothing about the
    // restarted blocks). Otherwise the window just slides.
    if (acked < next - 1) {
      const at = now();
      if (previousShortAck !== acked - 1 && at - restartedAt >= (timer.smoothedRttMs ?? 0) / 2) {
        next = base;
        restartedAt = at;
      }
      previousShortAck = acked;
    }
  }
}
