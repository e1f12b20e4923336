import { createSocket, type RemoteInfo, type Socket, type SocketType } from 'node:dgram';
import { FerryError } from '../../../../shared/errors.js';
import { canceledError } from '../../remote/streams.js';
import { decodePacket, encodeError, TFTP_ERROR, type TftpPacket } from './packet.js';
import type { PacketLink } from './transferLink.js';

/** An IP address and UDP port: a TFTP transfer identifier (TID) with its host. */
export interface Endpoint {
  address: string;
  port: number;
}

/** Packets held for a transfer that is busy (e.g. writing to disk); more are dropped, as a socket buffer would. */
const MAX_QUEUED = 4096;
/** Room for a full window of the largest blocks, so a burst is not dropped by the kernel. */
const RECEIVE_BUFFER_BYTES = 4 * 1024 * 1024;

/** `::ffff:1.2.3.4` and `1.2.3.4` are the same peer on a dual-stack socket. */
export function sameAddress(a: string, b: string): boolean {
  const plain = (address: string): string => address.toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '');
  return plain(a) === plain(b);
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
  private readonly queue: TftpPacket[] = [];
  private waiter: Waiter | null = null;
  private failure: FerryError | null = null;
  private closed = false;
  /** Sends not yet handed to the kernel; closing waits for them, so a final ERROR is not lost. */
  private sending = 0;
  private closeWhenSent = false;
  private unrefed = false;
  private timer: NodeJS.Timeout | null = null;
  private timerMs = 0;
  private watched: AbortSignal | undefined;
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
    const socket = createSocket({ type: options.type, recvBufferSize: RECEIVE_BUFFER_BYTES });
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

  /** Sends to the locked peer, or to `to` (a client's request before any answer). */
  send(packet: Buffer, to?: Endpoint): void {
    const target = to ?? this.peer;
    if (!target || this.closed || this.closeWhenSent) return;
    this.sending++;
    this.socket.send(packet, target.port, target.address, () => {
      this.sending--;
      if (this.closeWhenSent && this.sending === 0) this.closeNow();
    });
  }

  receive(timeoutMs: number, signal?: AbortSignal): Promise<TftpPacket | null> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    if (this.failure) return Promise.reject(this.failure);
    if (signal?.aborted) return Promise.reject(canceledError());
    this.watch(signal);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.arm(timeoutMs);
    });
  }

  /**
   * One timer per socket, re-armed for each wait: a transfer waits once per
   * packet, and a fresh timer each time costs more than the work itself.
   * When it fires with nobody waiting (the packet came first) it does nothing.
   */
  private arm(timeoutMs: number): void {
    const ms = Math.max(1, Math.round(timeoutMs));
    if (this.timer && this.timerMs === ms) {
      this.timer.refresh();
      return;
    }
    if (this.timer) clearTimeout(this.timer);
    this.timerMs = ms;
    this.timer = setTimeout(() => this.settle((waiter) => waiter.resolve(null)), ms);
    if (this.unrefed) this.timer.unref();
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
   * Closes the socket once what was sent has left; a pending receive
   * rejects with CONNECTION_LOST at once. Safe to call twice.
   */
  close(): void {
    if (this.closed || this.closeWhenSent) return;
    this.closeWhenSent = true;
    this.fail(new FerryError('CONNECTION_LOST', 'The TFTP transfer socket closed'));
    if (this.sending === 0) this.closeNow();
  }

  private closeNow(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.watched?.removeEventListener('abort', this.onAbort);
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
    if (!this.isPeer(remote)) {
      this.answerStranger(message, remote);
      return;
    }
    let packet: TftpPacket;
    try {
      packet = decodePacket(message);
    } catch (error) {
      this.onNotice(
        `Ignored a malformed packet from the peer: ${error instanceof Error ? error.message : String(error)}`,
      );
      return;
    }
    if (this.waiter) {
      this.settle((waiter) => waiter.resolve(packet));
    } else if (this.queue.length < MAX_QUEUED) {
      this.queue.push(packet);
    }
  }

  private isPeer(remote: RemoteInfo): boolean {
    if (this.peer) return remote.port === this.peer.port && sameAddress(remote.address, this.peer.address);
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
