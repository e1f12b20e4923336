import type { TftpPacket } from './packet.js';
import type { RetransmitBounds, RetransmitTimer } from './retransmitTimer.js';

/**
 * One transfer's view of the network: packets to and from the one peer it
 * talks to. The state machines see only this, so unit tests can run them
 * over a scripted link, and the real one (TransferSocket) deals with
 * sockets, strangers and malformed datagrams.
 */
export interface PacketLink {
  /** Sends an encoded packet to the peer: one buffer, or its parts in order (one datagram either way). */
  send(packet: Buffer | readonly Buffer[]): void;
  /**
   * The next well-formed packet from the peer, or null when `timeoutMs`
   * passes first. Rejects with CANCELED when `signal` fires.
   */
  receive(timeoutMs: number, signal?: AbortSignal): Promise<TftpPacket | null>;
  /**
   * Optional: lets `take` see each packet the moment it arrives, before
   * any wait does, so the common packet costs no promise. A packet it takes
   * (returns true) never reaches receive(), and counts as a sign of life:
   * a pending wait's timeout starts over. null stops it. A link without
   * this delivers every packet through receive(); one with it must never
   * call `take` from inside send().
   */
  intercept?(take: ((packet: TftpPacket) => boolean) | null): void;
}

/** What the sender and the receiver share. */
export interface TransferParams {
  blksize: number;
  windowsize: number;
  timer: RetransmitTimer;
  /** Consecutive timeouts without progress before giving up. */
  maxRetries: number;
  /**
   * Give up sooner when the peer has not answered at all within this long
   * (a server's transfer for a forged request would otherwise hold its
   * slot through every retry, minutes with a long agreed timeout).
   */
  firstAnswerWithinMs?: number;
  signal?: AbortSignal;
  /** Bytes confirmed so far: acknowledged (sender) or received in order (receiver). */
  onProgress?: (bytes: number) => void;
  /** What the transfer is, for error messages: `Reading "x" from host`. */
  what: string;
  /** The size announced by tsize, for error messages. */
  expectedBytes?: number | null;
  /** Milliseconds, monotonic; injectable for tests. */
  now?: () => number;
}

/** How far a transfer got. */
export interface TransferProgress {
  /** DATA blocks moved (not counting an OACK). */
  blocks: number;
  /** Payload bytes moved, as they were on the wire. */
  bytes: number;
}

/** Consecutive timeouts a transfer survives when the caller does not say. */
export const DEFAULT_MAX_RETRIES = 6;
/** The longest wait between retransmissions when no `timeout` option was agreed. */
export const DEFAULT_MAX_RTO_MS = 3000;
/** Never retransmit sooner than this: loopback answers in microseconds, but a busy event loop can stall for tens of ms. */
export const MIN_RTO_MS = 50;
/** The first retransmit timeout, before any round trip has been measured (RFC 1350 practice: about a second). */
export const INITIAL_RTO_MS = 1000;

/**
 * Retransmit bounds for a transfer. An agreed RFC 2349 `timeout` (seconds)
 * is the longest either side waits; within it the timeout adapts to the
 * measured round trip.
 */
export function retransmitBounds(timeoutSeconds: number | null | undefined): RetransmitBounds {
  const maxMs = timeoutSeconds != null ? timeoutSeconds * 1000 : DEFAULT_MAX_RTO_MS;
  return { initialMs: Math.min(INITIAL_RTO_MS, maxMs), minMs: Math.min(MIN_RTO_MS, maxMs), maxMs };
}

/**
 * How long the side that sent the final ACK stays to repeat it: the peer's
 * retransmit timeout when one was agreed (capped, since a peer may ask for
 * 255 s), about a second otherwise.
 */
export function dallyMs(timeoutSeconds: number | null): number {
  return timeoutSeconds !== null ? Math.min(timeoutSeconds * 1000, MAX_DALLY_MS) : INITIAL_RTO_MS;
}

/** The longest a finished transfer keeps its port open for a lost final ACK. */
export const MAX_DALLY_MS = 10_000;

/** The default monotonic clock. */
export function monotonicNow(): number {
  return performance.now();
}
