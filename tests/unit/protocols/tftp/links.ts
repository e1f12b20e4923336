// Packet links for driving the TFTP state machines without sockets.
import { decodePacket, type TftpPacket } from '../../../../electron/core/protocols/tftp/packet.js';
import type { PacketLink } from '../../../../electron/core/protocols/tftp/transferLink.js';
import { canceledError } from '../../../../electron/core/remote/streams.js';

/** What a link's send puts on the wire: its parts as one datagram. */
function datagram(parts: Buffer | readonly Buffer[]): Buffer {
  return Buffer.isBuffer(parts) ? parts : Buffer.concat(parts);
}

/**
 * A link whose peer is a script: every packet the machine sends is decoded
 * into `sent` and handed to `onSend`, which may `deliver` answers. When
 * nothing is waiting, `receive` reports a timeout at once, so tests about
 * retransmission run without waiting.
 */
export class ScriptedLink implements PacketLink {
  readonly sent: TftpPacket[] = [];
  private readonly inbox: TftpPacket[] = [];
  timeouts = 0;
  onSend: (packet: TftpPacket, link: ScriptedLink) => void = () => {};

  deliver(...packets: TftpPacket[]): void {
    this.inbox.push(...packets);
  }

  send(parts: Buffer | readonly Buffer[]): void {
    const decoded = decodePacket(datagram(parts));
    this.sent.push(decoded);
    this.onSend(decoded, this);
  }

  receive(_timeoutMs: number, signal?: AbortSignal): Promise<TftpPacket | null> {
    if (signal?.aborted) return Promise.reject(canceledError());
    const next = this.inbox.shift();
    if (next) return Promise.resolve(next);
    this.timeouts++;
    return Promise.resolve(null);
  }

  /** Blocks numbers of the DATA packets sent, in order. */
  dataBlocks(): number[] {
    return this.sent.flatMap((p) => (p.type === 'DATA' ? [p.block] : []));
  }

  ackBlocks(): number[] {
    return this.sent.flatMap((p) => (p.type === 'ACK' ? [p.block] : []));
  }
}

/** A small deterministic PRNG (mulberry32), so a lossy run is the same every time. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Impairment {
  drop: number;
  duplicate: number;
  /** Chance that a packet is held back and delivered after the next one. */
  reorder: number;
}

/**
 * Two links joined by an in-memory network that drops, duplicates and
 * reorders packets by a seeded PRNG, with real (short) timeouts. Counts
 * what each side sent.
 */
export function lossyPair(impairment: Impairment, seed: number): { a: MemoryLink; b: MemoryLink } {
  const random = seededRandom(seed);
  const a = new MemoryLink();
  const b = new MemoryLink();
  a.connect(b, impairment, random);
  b.connect(a, impairment, random);
  return { a, b };
}

export class MemoryLink implements PacketLink {
  readonly sentPackets: TftpPacket[] = [];
  private peer: MemoryLink | null = null;
  private impairment: Impairment = { drop: 0, duplicate: 0, reorder: 0 };
  private random: () => number = Math.random;
  private held: Buffer | null = null;
  private readonly inbox: TftpPacket[] = [];
  private waiter: ((packet: TftpPacket | null) => void) | null = null;
  private interceptor: ((packet: TftpPacket) => boolean) | null = null;
  /** Starts the pending wait's timeout over. */
  private restartWait: (() => void) | null = null;

  connect(peer: MemoryLink, impairment: Impairment, random: () => number): void {
    this.peer = peer;
    this.impairment = impairment;
    this.random = random;
  }

  send(parts: Buffer | readonly Buffer[]): void {
    const packet = datagram(parts);
    this.sentPackets.push(decodePacket(packet));
    const peer = this.peer;
    if (!peer) return;
    if (this.random() < this.impairment.drop) return;
    const copies = this.random() < this.impairment.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (this.held === null && this.random() < this.impairment.reorder) {
        this.held = packet;
        continue;
      }
      peer.arrive(packet);
      if (this.held !== null && this.held !== packet) {
        peer.arrive(this.held);
        this.held = null;
      }
    }
  }

  private arrive(packet: Buffer): void {
    const decoded = decodePacket(packet);
    // Deliver on a later tick, as a network would.
    setImmediate(() => {
      if (this.interceptor?.(decoded)) {
        this.restartWait?.();
        return;
      }
      if (this.waiter) {
        const waiter = this.waiter;
        this.waiter = null;
        waiter(decoded);
      } else {
        this.inbox.push(decoded);
      }
    });
  }

  intercept(take: ((packet: TftpPacket) => boolean) | null): void {
    this.interceptor = take;
  }

  receive(timeoutMs: number, signal?: AbortSignal): Promise<TftpPacket | null> {
    const next = this.inbox.shift();
    if (next) return Promise.resolve(next);
    if (signal?.aborted) return Promise.reject(canceledError());
    return new Promise((resolve, reject) => {
      const onTimeout = (): void => {
        this.waiter = null;
        this.restartWait = null;
        signal?.removeEventListener('abort', onAbort);
        // A packet held back for reordering is released when the line goes quiet.
        this.peer?.flushHeld();
        resolve(null);
      };
      let timer = setTimeout(onTimeout, timeoutMs);
      const onAbort = (): void => {
        clearTimeout(timer);
        this.waiter = null;
        this.restartWait = null;
        reject(canceledError());
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.restartWait = () => {
        clearTimeout(timer);
        timer = setTimeout(onTimeout, timeoutMs);
      };
      this.waiter = (packet) => {
        clearTimeout(timer);
        this.restartWait = null;
        signal?.removeEventListener('abort', onAbort);
        resolve(packet);
      };
    });
  }

  private flushHeld(): void {
    if (this.held && this.peer) {
      const held = this.held;
      this.held = null;
      this.peer.arrive(held);
    }
  }
}
