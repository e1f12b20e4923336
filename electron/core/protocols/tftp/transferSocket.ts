import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { isIP } from 'node:net';
import { FerryError } from '../../../../shared/errors.js';
import { canceledError } from '../../remote/streams.js';
import { AnswerPoll } from './answerPoll.js';
import { decodePacket, encodeError, TFTP_ERROR, type TftpPacket } from './packet.js';
import type { PacketLink } from './transferLink.js';

/** An IP address and UDP port: a TFTP transfer identifier (TID) with its host. */
export interface Endpoint {
  address: string;
  port: number;
}

/** Packets held for a transfer that is busy (e.g. writing to disk); more are dropped, as a socket buffer would. */
const MAX_QUEUED = 4096;
/** And their bytes: two windows of the largest blocks, not 4096 of them (256 MiB) for a peer that floods. */
const MAX_QUEUED_BYTES = 8 * 1024 * 1024;
/** Room for a full window of the largest blocks, so a burst is not dropped by the kernel. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;
/** The same on the way out: a window goes out in one go, without waiting for the kernel between blocks. */
const SEND_BUFFER_BYTES = 4 * 1024 * 1024;
/** How long closing waits for sends the kernel has not taken yet (a full send buffer) before it drops them. */
const CLOSE_DRAIN_MS = 1000;

/**
 * dgram passes every destination through dns.lookup, which answers even an
 * IP address a tick later: a hop per packet. A transfer only ever sends to
 * addresses (the client looks the server's name up once, before), so they
 * are answered at once, and a name is refused rather than looked up.
 */
function addressOnly(
  hostname: string,
  _options: unknown,
  callback: (error: NodeJS.ErrnoException | null, address: string, family: number) => void,
): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else callback(new Error(`"${hostname}" is not an IP address`), '', 0);
}

/** An address as one peer is known whatever the socket: `::ffff:1.2.3.4` is `1.2.3.4` on a dual-stack socket. */
export function plainAddress(address: string): string {
  return address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
}

/** Whether two addresses name the same peer (see plainAddress). */
export function sameAddress(a: string, b: string): boolean {
  return plainAddress(a) === plainAddress(b);
}

/** Shows an endpoint as people write it: `1.2.3.4:69`, `[::1]:69`. */
export function formatEndpoint(endpoint: Endpoint): string {
  return endpoint.address.includes(':')
    ? `[${endpoint.address}]:${endpoint.port}`
    : `${endpoint.address}:${endpoint.port}`;
}

interface Waiter {
  resolve(packet: TftpPacket | null): void;
  reject(error: Error): void;
}

/** How to open a transfer socket. */
export interface TransferSocketOptions {
  type: SocketType;
  /** Local address to bind; all addresses when omitted. */
  address?: string;
  /** Called for packets from strangers (answered with ERROR 5) and malformed ones (dropped). */
  onNotice?: (text: string) => void;
}

/**
 * The UDP socket of one transfer, bound to its own port (its TID). It
 * talks to one peer: once the peer's TID is known, a packet from any other
 * address or port is answered with ERROR 5 (unknown transfer ID) and
 * otherwise ignored, and the transfer goes on (RFC 1350). The socket stays
 * unconnected so those strangers can be seen at all.
 */
export class TransferSocket implements PacketLink {
  private peer: Endpoint | null = null;
  private expectedAddress: string | null = null;
  private readonly queue: { packet: TftpPacket; bytes: number }[] = [];
  private queuedBytes = 0;
  private waiter: Waiter | null = null;
  private interceptor: ((packet: TftpPacket) => boolean) | null = null;
  /** The timeout of the pending wait, to start it over when an intercepted packet shows the peer is alive. */
  private waitMs = 0;
  private failure: FerryError | null = null;
  private closed = false;
  private closing = false;
  private unrefed = false;
  /** When the pending wait times out (monotonic ms). */
  private deadline = 0;
  private timer: NodeJS.Timeout | null = null;
  /** When `timer` fires; a wait that must end sooner re-arms it. */
  private timerDue = 0;
  private watched: AbortSignal | undefined;
  /** Keeps the loop awake for the peer's answer while answers come within microseconds. */
  private readonly poll = new AnswerPoll();
  /** Datagrams from strangers answered with ERROR 5. */
  strangers = 0;

  private constructor(
    private readonly socket: Socket,
    private readonly onNotice: (text: string) => void,
  ) {
    socket.on('message', (message, remote) => this.onMessage(message, remote));
    socket.on('error', (error) => this.fail(new FerryError('CONNECTION_LOST', `TFTP socket error: ${error.message}`)));
    socket.on('close', () => {
      this.closed = true;
      this.fail(new FerryError('CONNECTION_LOST', 'The TFTP transfer socket closed'));
    });
  }

  /** Opens a socket on a free port. */
  static open(options: TransferSocketOptions): Promise<TransferSocket> {
    const socket = createSocket({
      type: options.type,
      recvBufferSize: RECEIVE_BUFFER_BYTES,
      sendBufferSize: SEND_BUFFER_BYTES,
      lookup: addressOnly,
    });
    const transfer = new TransferSocket(socket, options.onNotice ?? (() => {}));
    return new Promise((resolve, reject) => {
      const onError = (error: Error): void => {
        socket.close();
        reject(new FerryError('LOCAL_IO', `Cannot open a UDP socket: ${error.message}`, { cause: error }));
      };
      socket.once('error', onError);
      socket.bind({ port: 0, address: options.address, exclusive: true }, () => {
        socket.off('error', onError);
        resolve(transfer);
      });
    });
  }

  /** This socket's own address and port. */
  get local(): Endpoint {
    const address = this.socket.address();
    return { address: address.address, port: address.port };
  }

  /** Whether the event loop is kept polling for the peer's answer right now (see answerPoll.ts). */
  get busyPolling(): boolean {
    return this.poll.polling;
  }

  /** The peer's TID, once known. */
  get remote(): Endpoint | null {
    return this.peer;
  }

  /** Talk to exactly this peer from now on. */
  lockPeer(peer: Endpoint): void {
    this.peer = { ...peer };
    this.expectedAddress = null;
  }

  /**
   * A client's request goes to the server's well-known port and the answer
   * comes from a new one: accept the first packet from `address` on any
   * port, and lock onto that port.
   */
  expectPeerAt(address: string): void {
    this.peer = null;
    this.expectedAddress = address;
  }

  /**
   * Sends to the locked peer, or to `to` (a client's request before any
   * answer). Fire and forget: the kernel takes a datagram at once unless
   * its buffer is full, and then dgram queues it; close() waits for that queue.
   */
  send(packet: Buffer | readonly Buffer[], to?: Endpoint): void {
    const target = to ?? this.peer;
    if (!target || this.closed || this.closing) return;
    this.socket.send(packet, target.port, target.address);
    this.poll.expect();
  }

  receive(timeoutMs: number, signal?: AbortSignal): Promise<TftpPacket | null> {
    const queued = this.queue.shift();
    if (queued) {
      this.queuedBytes -= queued.bytes;
      return Promise.resolve(queued.packet);
    }
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(canceledError());
    this.watch(signal);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.arm(timeoutMs);
    });
  }

  /**
   * A transfer waits once per packet, and setting (or refreshing) a timer
   * each time costs more than handling the packet. So a wait only moves its
   * deadline, and one timer runs: when it fires early (the waits it was set
   * for were answered) it sleeps again until the current deadline.
   */
  private arm(timeoutMs: number): void {
    this.waitMs = Math.max(1, timeoutMs);
    this.deadline = performance.now() + this.waitMs;
    if (this.timer && this.timerDue <= this.deadline) return;
    if (this.timer) clearTimeout(this.timer);
    this.startTimer();
  }

  private startTimer(): void {
    this.timerDue = this.deadline;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(this.deadline - performance.now())));
    if (this.unrefed) this.timer.unref();
  }

  private readonly onTimer = (): void => {
    this.timer = null;
    // Nobody waits: the next wait starts the timer again.
    if (!this.waiter) return;
    // Timers count whole milliseconds from the loop's clock; less than one left is due.
    if (this.deadline - performance.now() >= 1) this.startTimer();
    else this.settle((waiter) => waiter.resolve(null));
  };

  intercept(take: ((packet: TftpPacket) => boolean) | null): void {
    this.interceptor = take;
  }

  /** Listens for the abort of the transfer's signal (the same one for every wait), once. */
  private watch(signal: AbortSignal | undefined): void {
    if (signal === this.watched) return;
    this.watched?.removeEventListener('abort', this.onAbort);
    this.watched = signal;
    signal?.addEventListener('abort', this.onAbort, { once: true });
  }

  private readonly onAbort = (): void => {
    this.settle((waiter) => waiter.reject(canceledError()));
  };

  /** Hands the pending wait its outcome, if someone is waiting. */
  private settle(outcome: (waiter: Waiter) => void): void {
    const waiter = this.waiter;
    if (!waiter) return;
    this.waiter = null;
    outcome(waiter);
  }

  /**
   * Closes the socket once what was sent has left (so a final ERROR is not
   * lost); a pending receive rejects with CONNECTION_LOST at once. Safe to
   * call twice.
   */
  close(): void {
    if (this.closed || this.closing) return;
    this.closing = true;
    this.fail(new FerryError('CONNECTION_LOST', 'The TFTP transfer socket closed'));
    if (this.timer) clearTimeout(this.timer);
    this.watched?.removeEventListener('abort', this.onAbort);
    this.poll.stop();
    this.closeWhenSent(performance.now() + CLOSE_DRAIN_MS);
  }

  /** Sends are fire and forget, so there is no callback to wait for: dgram's queue is watched instead. */
  private closeWhenSent(giveUpAt: number): void {
    if (this.closed) return;
    if (this.socket.getSendQueueCount() > 0 && performance.now() < giveUpAt) {
      setTimeout(() => this.closeWhenSent(giveUpAt), 1).unref();
      return;
    }
    this.closed = true;
    this.socket.close();
  }

  /** Lets the process exit while this socket (and its receive timers) still wait (used while dallying). */
  unref(): void {
    this.unrefed = true;
    this.socket.unref();
    this.timer?.unref();
  }

  private fail(error: FerryError): void {
    this.failure ??= error;
    const failure = this.failure;
    this.settle((waiter) => waiter.reject(failure));
  }

  private onMessage(message: Buffer, remote: RemoteInfo): void {
    // Port 0 is no transfer ID, and cannot be answered (sending there throws).
    if (remote.port === 0) return;
    if (!this.isPeer(remote)) {
      this.answerStranger(message, remote);
      return;
    }
    this.poll.arrived();
    let packet: TftpPacket;
    try {
      packet = decodePacket(message);
    } catch (error) {
      this.onNotice(
        `Ignored a malformed packet from the peer: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    if (this.interceptor?.(packet)) {
      // Taken at once; the wait in progress (if any) starts over, as if it had been answered.
      if (this.waiter) this.deadline = performance.now() + this.waitMs;
      return;
    }
    const waiter = this.waiter;
    if (waiter) {
      this.waiter = null;
      waiter.resolve(packet);
    } else if (this.queue.length < MAX_QUEUED && this.queuedBytes + message.length <= MAX_QUEUED_BYTES) {
      this.queue.push({ packet, bytes: message.length });
      this.queuedBytes += message.length;
    }
  }

  private isPeer(remote: RemoteInfo): boolean {
    const peer = this.peer;
    if (peer) {
      return (
        remote.port === peer.port && (remote.address === peer.address || sameAddress(remote.address, peer.address))
      );
    }
    if (this.expectedAddress !== null && sameAddress(remote.address, this.expectedAddress)) {
      this.lockPeer({ address: remote.address, port: remote.port });
      return true;
    }
    return false;
  }

  private answerStranger(message: Buffer, remote: RemoteInfo): void {
    // Never answer an ERROR with an ERROR: two confused endpoints would bounce them forever.
    if (message.length >= 2 && message.readUInt16BE(0) === 5) return;
    this.strangers++;
    this.onNotice(`Answered a packet from unknown transfer ID ${formatEndpoint(remote)} with ERROR 5`);
    if (!this.closed) {
      this.socket.send(encodeError(TFTP_ERROR.UNKNOWN_TID, 'Unknown transfer ID'), remote.port, remote.address);
    }
  }
}
