import { FerryError } from '../../../../shared/errors.js';
import { throwIfAborted } from '../../remote/streams.js';
import { blocksAhead, wireBlock } from './blockNumber.js';
import { encodeAck, type DataPacket, type TftpPacket } from './packet.js';
import { errorFromPeer, timeoutError } from './tftpErrors.js';
import { monotonicNow, type PacketLink, type TransferParams, type TransferProgress } from './transferLink.js';

/** Where the receiver's bytes go, in order. */
export interface BlockSink {
  /** Takes one block's payload; the next block waits until this resolves. */
  write(data: Buffer): Promise<void> | void;
  /**
   * Runs once after the last block arrived and before it is acknowledged,
   * so a failure to make the result final (flush, rename) can still be
   * reported to the peer as an ERROR instead of a successful ACK.
   */
  finish?(): Promise<void>;
}

/** How the receiver runs. */
export interface ReceiveParams extends TransferParams {
  /**
   * What this side sends first and repeats until DATA 1 arrives: ACK 0 for
   * a client after the server's OACK, a server's OACK or ACK 0 to a write
   * request. Omitted when `first` is DATA 1, which is then acknowledged.
   */
  opening?: Buffer;
  /** DATA already received before the loop started (a plain server's answer to a read request). */
  first?: DataPacket;
}

/** What a completed receive leaves for the dally. */
export interface ReceiveResult extends TransferProgress {
  /** The final ACK, to repeat while dallying. */
  finalAck: Buffer;
  /** The wire number of the last block, which the peer resends if the final ACK was lost. */
  finalWire: number;
}

/**
 * The receiving side of a transfer (a client's download, a server's write
 * request). Acknowledges every `windowsize` blocks received in order, the
 * last block at once, and the last in-order block as soon as a gap shows
 * (RFC 7440); blocks past a gap are dropped and come again. A duplicate of
 * a block already received is acknowledged again (its ACK may have been
 * lost), once per window's worth of duplicates so a retransmitted window
 * does not draw a burst of identical ACKs. When the peer goes silent the
 * last ACK is repeated on the retransmit timer, up to `maxRetries` times.
 */
export async function receiveBlocks(link: PacketLink, sink: BlockSink, params: ReceiveParams): Promise<ReceiveResult> {
  const { blksize, windowsize, timer, maxRetries, signal } = params;
  const now = params.now ?? monotonicNow;
  let next = 1;
  let lastAcked = 0;
  let bytes = 0;
  let retries = 0;
  let waited = 0;
  let duplicates = 0;
  let gapAckedAt: number | null = null;
  // A round trip is "our ACK → the peer's next new block", sampled only
  // after an ACK that was not a retransmission (Karn's rule).
  let sampleFrom: number | null = null;
  let current = params.opening ?? encodeAck(0);

  const acknowledge = (block: number, fresh: boolean): void => {
    current = block === 0 && params.opening ? params.opening : encodeAck(wireBlock(block));
    lastAcked = block;
    link.send(current);
    sampleFrom = fresh ? now() : null;
  };
  const reach = () => ({ bytes, blocks: next - 1, expected: params.expectedBytes ?? null });
  /** No block yet, for longer than the peer may take to answer at all. */
  const unanswered = (ms: number): boolean =>
    params.firstAnswerWithinMs !== undefined && ms >= params.firstAnswerWithinMs;

  /** The last block is in the sink: make the result final, then acknowledge it. */
  const finishLast = async (): Promise<true> => {
    await sink.finish?.();
    acknowledge(next - 1, true);
    return true;
  };

  /** The block expected next is in the sink: count it; true when it was the last. */
  const taken = (length: number): boolean | Promise<boolean> => {
    bytes += length;
    next++;
    params.onProgress?.(bytes);
    if (length < blksize) return finishLast();
    if (next - 1 - lastAcked >= windowsize) acknowledge(next - 1, true);
    return false;
  };

  /**
   * Handles one DATA packet; true when it completed the transfer. Not an
   * async function: most blocks need no wait at all, and a promise per
   * block costs more than the block.
   */
  const onData = (packet: DataPacket): boolean | Promise<boolean> => {
    const ahead = blocksAhead(packet.block, next);
    if (ahead === 0) {
      const length = packet.data.length;
      if (length > blksize) {
        throw new FerryError(
          'PROTOCOL',
          `${params.what}: block ${next} has ${length} bytes, more than the agreed ${blksize}`,
        );
      }
      if (sampleFrom !== null) timer.sample(now() - sampleFrom);
      else timer.resetBackoff();
      sampleFrom = null;
      retries = 0;
      waited = 0;
      duplicates = 0;
      gapAckedAt = null;
      const writing = sink.write(packet.data);
      return writing ? writing.then(() => taken(length)) : taken(length);
    } else if (ahead < windowsize) {
      // A block from further on in the window: the one expected was lost.
      // Say where we are once; the sender restarts the window from there.
      if (gapAckedAt !== next) {
        gapAckedAt = next;
        acknowledge(next - 1, false);
      }
    } else {
      // A block already received: our ACK for it may have been lost.
      if (duplicates % windowsize === 0) acknowledge(next - 1, false);
      duplicates++;
    }
    return false;
  };

  if (params.opening) {
    link.send(params.opening);
    sampleFrom = now();
  }
  if (params.first && (await onData(params.first)))
    return { ...reach(), finalAck: current, finalWire: wireBlock(next - 1) };

  // While the loop below waits, a full in-order block is taken the moment
  // it arrives (and acknowledged, when it ends a window), without a promise
  // or a wake-up of the loop. Anything else, and anything after a block
  // whose write must be waited for, goes through the loop, which first
  // waits for that write, so the sink still sees one block at a time.
  let waiting = false;
  // Set by takeAtOnce(), which the compiler cannot see through.
  let writing = null as Promise<unknown> | null;
  const takeAtOnce = (packet: TftpPacket): boolean => {
    if (!waiting || writing || packet.type !== 'DATA' || packet.data.length !== blksize) return false;
    if (blocksAhead(packet.block, next) !== 0) return false;
    let step: boolean | Promise<boolean>;
    try {
      step = onData(packet);
    } catch (error) {
      step = Promise.reject(error instanceof Error ? error : new Error(String(error)));
    }
    if (step !== false) {
      // A full block never completes the transfer: the promise is a write to wait for.
      const pending = Promise.resolve(step).then(() => {
        if (writing === pending) writing = null;
      });
      // A failed write is thrown by the loop when it next wakes.
      pending.catch(() => {});
      writing = pending;
    }
    return true;
  };
  link.intercept?.(takeAtOnce);
  try {
    for (;;) {
      throwIfAborted(signal);
      const timeout = timer.timeoutMs;
      waiting = true;
      const packet = await link.receive(timeout, signal).finally(() => {
        waiting = false;
      });
      if (writing) await writing;
      if (packet === null) {
        retries++;
        waited += timeout;
        if (retries > maxRetries || (next === 1 && unanswered(waited))) {
          throw timeoutError(params.what, reach(), retries - 1, waited);
        }
        timer.backoff();
        link.send(current);
        sampleFrom = null;
        continue;
      }
      if (packet.type === 'ERROR') throw errorFromPeer(packet, params.what);
      if (packet.type !== 'DATA') continue;
      let done = onData(packet);
      if (done !== false) done = await done;
      if (done) return { ...reach(), finalAck: current, finalWire: wireBlock(next - 1) };
    }
  } finally {
    link.intercept?.(null);
  }
}

/**
 * Stays for `durationMs` after the final ACK and sends it again whenever
 * the last block comes again, since that means the ACK was lost (RFC 1350:
 * the side that sends the final ACK dallies). Ends early when `signal`
 * fires. Never throws.
 */
export async function dallyFinalAck(
  link: PacketLink,
  result: ReceiveResult,
  durationMs: number,
  signal?: AbortSignal,
): Promise<void> {
  const end = monotonicNow() + durationMs;
  try {
    for (let left = durationMs; left > 0; left = end - monotonicNow()) {
      const packet = await link.receive(left, signal);
      if (packet?.type === 'DATA' && packet.block === result.finalWire) link.send(result.finalAck);
    }
  } catch {
    // Canceled, or the socket closed under us: nothing left to answer.
  }
}
