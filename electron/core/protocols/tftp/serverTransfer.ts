import { constants } from 'node:fs';
import { open, unlink, type FileHandle } from 'node:fs/promises';
import type { SocketType } from 'node:dgram';
import { FerryError } from '../../../../shared/errors.js';
import { errnoOf, fromNodeError } from '../../errors/fromNodeError.js';
import { moveIntoPlace } from '../../local/moveIntoPlace.js';
import { fileBlockSink, fileBlockSource } from './blockStreams.js';
import { answerOptions, type ServerOptionLimits } from './options.js';
import { encodeAck, encodeOack, type RequestPacket, type TransferMode } from './packet.js';
import { dallyFinalAck, receiveBlocks } from './receiver.js';
import { RetransmitTimer } from './retransmitTimer.js';
import { sendBlocks } from './sender.js';
import {
  confirmFolderUnchanged,
  confirmOpenedInside,
  resolveReadPath,
  resolveWriteTarget,
  uploadInProgressPath,
} from './serverPaths.js';
import { errorPacketFor, isPeerError } from './tftpErrors.js';
import { dallyMs, retransmitBounds, type TransferProgress } from './transferLink.js';
import { formatEndpoint, TransferSocket, type Endpoint } from './transferSocket.js';

/**
 * A client answers its own request within seconds, however slow its
 * link. A transfer whose client never answers at all (a forged request)
 * gives its slot back after this long, whatever timeout it asked for.
 */
const FIRST_ANSWER_WITHIN_MS = 10_000;
/** What every transfer of one server shares. */
export interface ServeContext {
  /** The served folder, as a real path. */
  root: string;
  writable: boolean;
  overwrite: boolean;
  limits: ServerOptionLimits;
  maxRetries: number;
  socketType: SocketType;
  /** The address the server listens on; each transfer answers from it too. */
  bindAddress: string;
  /** Fires when the server stops. */
  signal: AbortSignal;
  onNotice: (text: string) => void;
}

/** What one served transfer reports while it runs. */
export interface ServeHooks {
  /** The size of the transfer once known (the file for a read, tsize for a write). */
  onSize?: (bytes: number) => void;
  onProgress?: (bytes: number) => void;
}

// Windows has no O_NOFOLLOW; realpath has already resolved every link there.
const NOFOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;

function transferMode(mode: string): TransferMode {
  if (mode === 'octet' || mode === 'netascii') return mode;
  throw new FerryError('PROTOCOL', `Transfer mode "${mode}" is not supported; use octet or netascii`);
}

/**
 * Serves one RRQ or WRQ from its own port (a new TID), start to finish:
 * path checks, option negotiation, the transfer, and for a write the move
 * from a temporary name into place. On any failure the client gets an
 * ERROR (unless it sent one) and no file appears under the final name.
 * Resolves with how much moved; rejects with why it failed.
 */
export async function serveRequest(
  request: RequestPacket,
  client: Endpoint,
  context: ServeContext,
  hooks: ServeHooks = {},
): Promise<TransferProgress> {
  const socket = await TransferSocket.open({
    type: context.socketType,
    address: context.bindAddress,
    onNotice: (text) => context.onNotice(`${formatEndpoint(client)}: ${text}`),
  });
  socket.lockPeer(client);
  let keepOpen = false;
  try {
    const mode = transferMode(request.mode);
    if (request.type === 'RRQ') return await serveRead(socket, request, mode, context, hooks);
    const result = await serveWrite(socket, request, mode, context, hooks);
    keepOpen = true;
    return result;
  } catch (error) {
    if (!isPeerError(error)) socket.send(errorPacketFor(error));
    throw error;
  } finally {
    if (!keepOpen) socket.close();
  }
}

async function serveRead(
  socket: TransferSocket,
  request: RequestPacket,
  mode: TransferMode,
  context: ServeContext,
  hooks: ServeHooks,
): Promise<TransferProgress> {
  const path = await resolveReadPath(context.root, request.filename);
  let handle: FileHandle;
  try {
    handle = await open(path, constants.O_RDONLY | NOFOLLOW);
  } catch (error) {
    throw fromNodeError(error, 'read', request.filename);
  }
  try {
    await confirmOpenedInside(context.root, path, handle, request.filename);
    const info = await handle.stat();
    if (!info.isFile()) throw new FerryError('NOT_FOUND', `"${request.filename}" is not a file`);
    hooks.onSize?.(info.size);
    // tsize announces bytes on the wire; in netascii that is not the file's size, so it is left out.
    const answer = answerOptions(request.options, context.limits, {
      type: 'RRQ',
      fileSize: mode === 'octet' ? info.size : null,
    });
    const { negotiated } = answer;
    return await sendBlocks(socket, fileBlockSource(handle, { netascii: mode === 'netascii' }), {
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      timer: new RetransmitTimer(retransmitBounds(negotiated.timeout)),
      maxRetries: context.maxRetries,
      firstAnswerWithinMs: FIRST_ANSWER_WITHIN_MS,
      signal: context.signal,
      onProgress: hooks.onProgress,
      what: `Sending "${request.filename}"`,
      expectedBytes: mode === 'octet' ? info.size : null,
      opening: answer.reply.size > 0 ? encodeOack(answer.reply) : undefined,
    });
  } finally {
    await handle.close();
  }
}

async function serveWrite(
  socket: TransferSocket,
  request: RequestPacket,
  mode: TransferMode,
  context: ServeContext,
  hooks: ServeHooks,
): Promise<TransferProgress> {
  if (!context.writable) {
    throw new FerryError('PERMISSION_DENIED', 'Uploads are not allowed on this server');
  }
  const target = await resolveWriteTarget(context.root, request.filename);
  if (target.exists && !context.overwrite) {
    throw new FerryError('ALREADY_EXISTS', `"${request.filename}" already exists and overwriting is not allowed`);
  }
  // A hidden, unique name beside the target: a failed upload never leaves
  // a truncated file under the real name, and two uploads never collide.
  const temporary = uploadInProgressPath(target.folder, target.name);
  let file: FileHandle;
  try {
    file = await open(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | NOFOLLOW, 0o644);
  } catch (error) {
    throw fromNodeError(error, 'create', request.filename);
  }
  // Changed inside the sink's finish(), once the upload is complete.
  const progress = { closed: false, placed: false };
  try {
    await confirmOpenedInside(context.root, temporary, file, request.filename);
    const answer = answerOptions(request.options, context.limits, { type: 'WRQ', fileSize: null });
    const { negotiated } = answer;
    if (negotiated.tsize !== null) hooks.onSize?.(negotiated.tsize);
    const sink = fileBlockSink(file, {
      netascii: mode === 'netascii',
      onFinish: async () => {
        await file.sync();
        progress.closed = true;
        await file.close();
        await confirmFolderUnchanged(target.folder, request.filename);
        await place(temporary, target.path, context.overwrite, request.filename);
        progress.placed = true;
      },
    });
    const result = await receiveBlocks(socket, sink, {
      blksize: negotiated.blksize,
      windowsize: negotiated.windowsize,
      timer: new RetransmitTimer(retransmitBounds(negotiated.timeout)),
      maxRetries: context.maxRetries,
      firstAnswerWithinMs: FIRST_ANSWER_WITHIN_MS,
      signal: context.signal,
      onProgress: hooks.onProgress,
      what: `Receiving "${request.filename}"`,
      expectedBytes: negotiated.tsize,
      opening: answer.reply.size > 0 ? encodeOack(answer.reply) : encodeAck(0),
    });
    // The file is in place; stay a while to repeat the final ACK if it was lost.
    void dallyFinalAck(socket, result, dallyMs(negotiated.timeout), context.signal).finally(() => socket.close());
    return result;
  } finally {
    if (!progress.closed) await file.close().catch(() => {});
    if (!progress.placed) await unlink(temporary).catch(() => {});
  }
}

/**
 * Moves a finished upload into place. Without overwrite, a name taken
 * meanwhile is never replaced (moveIntoPlace).
 */
async function place(temporary: string, final: string, overwrite: boolean, name: string): Promise<void> {
  try {
    await moveIntoPlace(temporary, final, overwrite);
  } catch (error) {
    if (errnoOf(error) === 'EEXIST') {
      throw new FerryError('ALREADY_EXISTS', `"${name}" appeared during the upload and overwriting is not allowed`);
    }
    throw fromNodeError(error, 'store', name);
  }
}
