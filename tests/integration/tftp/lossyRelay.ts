// A UDP relay on loopback that stands between a TFTP client and a server
// and drops, duplicates and reorders packets by a seeded PRNG, counting
// what each side sent, so tests can prove a transfer survives a bad network
// without a storm of duplicates. It keeps TFTP's transfer IDs intact: each
// server port is mirrored by a relay port of its own toward the client.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import { decodePacket, type TftpPacket } from '../../../electron/core/protocols/tftp/packet.js';

export interface Impairment {
  /** Chance that a packet is dropped. */
  drop: number;
  /** Chance that a packet is sent twice. */
  duplicate: number;
  /** Chance that a packet is held back and sent after the next one (or 20 ms later). */
  reorder: number;
}

export interface RelayOptions {
  serverPort: number;
  serverAddress?: string;
  impairment?: Impairment;
  seed?: number;
  /** After this many packets relayed (both ways), relay nothing more: the network dies mid-transfer. */
  cutAfter?: number;
  /** Once this many packets were relayed, send `packet` to one side's transfer port from a stranger's port. */
  stray?: { toward: 'client' | 'server'; afterPackets: number; packet: Buffer };
  /** Keep the payload of every DATA packet the server sent (to see the bytes on the wire). */
  captureData?: boolean;
}

/** Packets each side sent, by type (before any was dropped or duplicated). */
export type PacketCounts = Record<TftpPacket['type'], number>;

function emptyCounts(): PacketCounts {
  return { RRQ: 0, WRQ: 0, DATA: 0, ACK: 0, ERROR: 0, OACK: 0 };
}

/** mulberry32: deterministic, so a failing seed can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function bind(socket: Socket): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(0, '127.0.0.1', () => {
      socket.off('error', reject);
      resolve();
    });
  });
}

/** One direction of the line, with its own held-back packet for reordering. */
class Line {
  private held: { send: () => void; timer: NodeJS.Timeout } | null = null;

  constructor(
    private readonly relay: LossyRelay,
    private readonly random: () => number,
    private readonly impairment: Impairment,
  ) {}

  carry(send: () => void): void {
    if (!this.relay.alive()) return;
    if (this.random() < this.impairment.drop) return;
    const copies = this.random() < this.impairment.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      if (!this.held && this.random() < this.impairment.reorder) {
        const timer = setTimeout(() => this.release(), 20);
        this.held = { send, timer };
        continue;
      }
      send();
      this.release();
    }
  }

  release(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    clearTimeout(held.timer);
    if (this.relay.alive()) held.send();
  }
}

export class LossyRelay {
  /** What the client sent, and what the server sent. */
  readonly fromClient = emptyCounts();
  readonly fromServer = emptyCounts();
  /** DATA payloads the server sent, with `captureData`. */
  readonly serverData: Buffer[] = [];
  /** Answers the stranger got. */
  readonly strayReplies: TftpPacket[] = [];
  private relayed = 0;
  private client: RemoteInfo | null = null;
  private serverSide: Promise<Socket> | null = null;
  private serverSocket: Socket | null = null;
  /** Relay sockets facing the client, one per server TID (bound before use), and back. */
  private readonly towardClient = new Map<number, Promise<Socket>>();
  private readonly serverTidOf = new Map<Socket, number>();
  private readonly sockets: Socket[] = [];
  private readonly toServer: Line;
  private readonly toClient: Line;
  private strayDone = false;
  private closed = false;

  private constructor(
    private readonly options: RelayOptions,
    private readonly requestSocket: Socket,
  ) {
    const random = seededRandom(options.seed ?? 1);
    const impairment = options.impairment ?? { drop: 0, duplicate: 0, reorder: 0 };
    this.toServer = new Line(this, random, impairment);
    this.toClient = new Line(this, random, impairment);
  }

  /** Starts a relay in front of a server; clients send their requests to `port`. */
  static async start(options: RelayOptions): Promise<LossyRelay> {
    const requestSocket = createSocket('udp4');
    await bind(requestSocket);
    const relay = new LossyRelay(options, requestSocket);
    relay.sockets.push(requestSocket);
    requestSocket.on('message', (message, remote) => void relay.onRequest(message, remote));
    return relay;
  }

  get port(): number {
    return this.requestSocket.address().port;
  }

  /** False once `cutAfter` packets went through, or the relay closed (a packet held back for reordering stays unsent). */
  alive(): boolean {
    const { cutAfter } = this.options;
    return !this.closed && (cutAfter === undefined || this.relayed < cutAfter);
  }

  close(): void {
    this.closed = true;
    for (const socket of this.sockets) socket.close();
  }

  private get serverAddress(): string {
    return this.options.serverAddress ?? '127.0.0.1';
  }

  private async onRequest(message: Buffer, remote: RemoteInfo): Promise<void> {
    this.count(this.fromClient, message);
    this.client = remote;
    this.serverSide ??= this.openSocket((reply, from) => void this.fromServerTid(reply, from.port));
    const serverSide = await this.serverSide;
    this.serverSocket = serverSide;
    this.toServer.carry(() => this.send(serverSide, message, this.options.serverPort, this.serverAddress));
  }

  private async fromServerTid(message: Buffer, serverTid: number): Promise<void> {
    this.count(this.fromServer, message);
    const client = this.client;
    if (!client) return;
    let facing = this.towardClient.get(serverTid);
    if (!facing) {
      facing = this.openSocket((packet, _from, socket) => this.fromClientTid(socket, packet)).then((socket) => {
        this.serverTidOf.set(socket, serverTid);
        return socket;
      });
      this.towardClient.set(serverTid, facing);
    }
    const target = await facing;
    if (this.options.captureData && this.isData(message)) this.serverData.push(message.subarray(4));
    this.toClient.carry(() => this.send(target, message, client.port, client.address));
    this.maybeStray('client', client.port);
  }

  private fromClientTid(socket: Socket, message: Buffer): void {
    this.count(this.fromClient, message);
    const serverTid = this.serverTidOf.get(socket);
    const serverSide = this.serverSocket;
    if (serverTid === undefined || !serverSide) return;
    this.toServer.carry(() => this.send(serverSide, message, serverTid, this.serverAddress));
    this.maybeStray('server', serverTid);
  }

  /** Sends the configured stray packet once, from a fresh port, and records what comes back. */
  private maybeStray(toward: 'client' | 'server', port: number): void {
    const stray = this.options.stray;
    if (!stray || this.strayDone || stray.toward !== toward || this.relayed < stray.afterPackets) return;
    this.strayDone = true;
    const address = toward === 'client' ? (this.client?.address ?? '127.0.0.1') : this.serverAddress;
    const socket = createSocket('udp4');
    this.sockets.push(socket);
    socket.on('message', (reply) => {
      try {
        this.strayReplies.push(decodePacket(reply));
      } catch {
        // Not TFTP: nothing to record.
      }
    });
    socket.bind(0, '127.0.0.1', () => socket.send(stray.packet, port, address));
  }

  private async openSocket(onMessage: (message: Buffer, from: RemoteInfo, socket: Socket) => void): Promise<Socket> {
    const socket = createSocket('udp4');
    this.sockets.push(socket);
    socket.on('message', (message, from) => onMessage(message, from, socket));
    await bind(socket);
    return socket;
  }

  private send(socket: Socket, message: Buffer, port: number, address: string): void {
    this.relayed++;
    socket.send(message, port, address);
  }

  private isData(message: Buffer): boolean {
    return message.length >= 2 && message.readUInt16BE(0) === 3;
  }

  private count(counts: PacketCounts, message: Buffer): void {
    try {
      counts[decodePacket(message).type]++;
    } catch {
      // Malformed: not counted.
    }
  }
}
