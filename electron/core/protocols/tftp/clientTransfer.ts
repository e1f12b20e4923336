import type { SocketType } from 'node:dgram';
import { FerryError } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import {
  acceptOack,
  PLAIN_OPTIONS,
  requestOptionMap,
  type NegotiatedOptions,
  type RequestedOptions,
} from './options.js';
import { describePacket, encodeAck, encodeRequest, TFTP_ERROR, type DataPacket, type TransferMode } from './packet.js';
import { dallyFinalAck, receiveBlocks, type BlockSink } from './receiver.js';
import { RetransmitTimer } from './retransmitTimer.js';
import { sendBlocks, type BlockSource } from './sender.js';
import { errorFromPeer, errorPacketFor, isPeerError, timeoutError } from './tftpErrors.js';
import { dallyMs, monotonicNow, retransmitBounds, type TransferProgress } from './transferLink.js';
import { formatEndpoint, TransferSocket, type Endpoint } from './transferSocket.js';

/** One client transfer: which server, which file, how. */
export interface ClientRequest {
  /** The server's resolved address and its request port (69 by default). */
  server: Endpoint;
  socketType: SocketType;
  /** The file name as the server should see it. */
  filename: string;
  mode: TransferMode;
  /** Options to ask for (tsize is added here). None means a plain RFC 1350 request. */
  options: Omit<RequestedOptions, 'tsize'>;
  maxRetries: number;
  signal?: AbortSignal;
  log: LogSink;
}

/** A request the server answered, with what was agreed. */
interface OpenedTransfer {
  socket: TransferSocket;
  negotiated: NegotiatedOptions;
  timer: RetransmitTimer;
  /** True when the server sent an OACK (so the client speaks next). */
  oack: boolean;
  /** DATA 1, when a plain server answered a read request with data at once. */
  first?: DataPacket;
}

function describeRequest(type: 'RRQ' | 'WRQ', request: ClientRequest): string {
  const verb = type === 'RRQ' ? 'Reading' : 'Writing';
  const preposition = type === 'RRQ' ? 'from' : 'to';
  return `${verb} "${request.filename}" ${preposition} ${formatEndpoint(request.server)}`;
}

/**
 * Sends one request and waits for the server's first answer, repeating the
 * request on the retransmit timer. The answer comes from the server's new
 * TID, which the socket then locks onto. Returns 'refused' when the server
 * answered ERROR 8 to options, so the caller can ask again without them.
 */
async function sendRequest(
  type: 'RRQ' | 'WRQ',
  request: ClientRequest,
  requested: RequestedOptions | null,
): Promise<OpenedTransfer | 'refused'> {
  const what = describeRequest(type, request);
  const socket = await TransferSocket.open({
    type: request.socketType,
    onNotice: (text) => request.log('info', text),
  });
  try {
    const options = requested ? requestOptionMap(requested) : new Map<string, string>();
    const packet = encodeRequest(type, request.filename, request.mode, options);
    const timer = new RetransmitTimer(retransmitBounds(requested?.timeout));
    request.log('command', describePacket({ type, filename: request.filename, mode: request.mode, options }));
    socket.expectPeerAt(request.server.address);
    socket.send(packet, request.server);
    let sentAt = monotonicNow();
    let resent = false;
    let retries = 0;
    let waited = 0;
    for (;;) {
      const timeout = timer.timeoutMs;
      const reply = await socket.receive(timeout, request.signal);
      if (reply === null) {
        retries++;
        waited += timeout;
        if (retries > request.maxRetries) {
          // Nothing ever answered: no server listens there (or a firewall
          // drops the traffic). UDP has no refusal to tell it sooner, and
          // trying the whole exchange again in a few seconds would only
          // make the user wait that many times longer for this answer.
          throw timeoutError(what, { bytes: 0, blocks: 0, expected: null }, request.maxRetries, waited, {
            neverAnswered: true,
          });
        }
        timer.backoff();
        socket.send(packet, request.server);
        sentAt = monotonicNow();
        resent = true;
        continue;
      }
      if (!resent) timer.sample(monotonicNow() - sentAt);
      const opened = { socket, timer, negotiated: { ...PLAIN_OPTIONS }, oack: false };
      switch (reply.type) {
        case 'ERROR':
          request.log('reply', describePacket(reply));
          if (reply.code === TFTP_ERROR.OPTION_REFUSED && requested) {
            socket.close();
            return 'refused';
          }
          throw errorFromPeer(reply, what);
        case 'OACK': {
          request.log('reply', describePacket(reply));
          if (!requested) {
            throw new FerryError('PROTOCOL', `${what}: the server sent an option acknowledgement to a plain request`, {
              replyCode: TFTP_ERROR.OPTION_REFUSED,
            });
          }
          return { ...opened, negotiated: acceptOack(reply.options, requested), oack: true };
        }
        case 'DATA':
          if (type === 'RRQ' && reply.block === 1) {
            if (requested) request.log('info', 'The server ignored the TFTP options; using plain RFC 1350');
            return { ...opened, first: reply };
          }
          break;
        case 'ACK':
          if (type === 'WRQ' && reply.block === 0) {
            if (requested) request.log('info', 'The server ignored the TFTP options; using plain RFC 1350');
            return opened;
          }
          break;
        default:
          break;
      }
    }
  } catch (error) {
    if (socket.remote && !isPeerError(error)) socket.send(errorPacketFor(error));
    socket.close();
    throw error;
  }
}

/**
 * Asks with options first; when the server refuses them with ERROR 8 (as
 * some devices do), asks again as plain RFC 1350 from a fresh port.
 */
async function openTransfer(
  type: 'RRQ' | 'WRQ',
  request: ClientRequest,
  requested: RequestedOptions,
): Promise<OpenedTransfer> {
  const withOptions = requestOptionMap(requested).size > 0;
  const opened = await sendRequest(type, request, withOptions ? requested : null);
  if (opened !== 'refused') return opened;
  request.log('info', 'The server refused the TFTP options (ERROR 8); asking again without them');
  const plain = await sendRequest(type, request, null);
  if (plain === 'refused') throw new FerryError('PROTOCOL', 'The server refused a request without options');
  return plain;
}

/** Sends the peer an ERROR saying why we give up (unless the peer itself gave up), and closes. */
function abandon(socket: TransferSocket, error: unknown): void {
  if (!isPeerError(error)) socket.send(errorPacketFor(error));
  socket.close();
}

/** What a download reports while it runs. */
export interface ReadHooks {
  /** The size the server announced (tsize), as soon as it is known. */
  onSize?: (bytes: number) => void;
  /** Bytes received so far, as on the wire. */
  onProgress?: (bytes: number) => void;
}

/** How a download went. */
export interface ReadResult extends TransferProgress {
  /** The size the server announced, if it did. */
  tsize: number | null;
}

/**
 * Downloads one file into `sink`. Resolves once the last block is in and
 * acknowledged; then keeps the port open for a while in the background to
 * repeat the final ACK if the server did not get it (the dally), without
 * holding the process open for it. In octet mode, a transfer shorter or
 * longer than the announced tsize fails with VERIFY_FAILED.
 */
export async function readFromServer(
  request: ClientRequest,
  sink: BlockSink,
  hooks: ReadHooks = {},
): Promise<ReadResult> {
  const opened = await openTransfer('RRQ', request, { ...request.options, tsize: 0 });
  const { socket, negotiated, timer } = opened;
  const what = describeRequest('RRQ', request);
  try {
    if (negotiated.tsize !== null) hooks.onSize?.(negotiated.tsize);
    const result = await receiveBlocks(socket, sink, {
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      timer,
      maxRetries: request.maxRetries,
      signal: request.signal,
      onProgress: hooks.onProgress,
      what,
      expectedBytes: negotiated.tsize,
      opening: opened.oack ? encodeAck(0) : undefined,
      first: opened.first,
    });
    socket.unref();
    void dallyFinalAck(socket, result, dallyMs(negotiated.timeout)).finally(() => socket.close());
    if (request.mode === 'octet' && negotiated.tsize !== null && result.bytes !== negotiated.tsize) {
      throw new FerryError(
        'VERIFY_FAILED',
        `${what}: received ${result.bytes} bytes but the server announced ${negotiated.tsize}`,
        { retryable: true, details: { expectedSize: negotiated.tsize, actualSize: result.bytes } },
      );
    }
    return { blocks: result.blocks, bytes: result.bytes, tsize: negotiated.tsize };
  } catch (error) {
    if (!(error instanceof FerryError && error.code === 'VERIFY_FAILED')) abandon(socket, error);
    throw error;
  }
}

/**
 * Uploads `source` as one file. `size` is announced with tsize when known
 * (octet mode only: the netascii size differs from the file's). Resolves
 * when the server has acknowledged the last block.
 */
export async function writeToServer(
  request: ClientRequest,
  source: BlockSource,
  size: number | null,
  onProgress?: (bytes: number) => void,
): Promise<TransferProgress> {
  const requested: RequestedOptions = { ...request.options };
  if (size !== null && request.mode === 'octet') requested.tsize = size;
  const opened = await openTransfer('WRQ', request, requested);
  const { socket, negotiated, timer } = opened;
  try {
    return await sendBlocks(socket, source, {
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      timer,
      maxRetries: request.maxRetries,
      signal: request.signal,
      onProgress,
      what: describeRequest('WRQ', request),
      expectedBytes: size,
    });
  } catch (error) {
    abandon(socket, error);
    throw error;
  } finally {
    socket.close();
  }
}
