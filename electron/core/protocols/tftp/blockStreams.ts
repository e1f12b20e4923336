import type { FileHandle } from 'node:fs/promises';
import type { Readable, Writable } from 'node:stream';
import { FerryError } from '../../../../shared/errors.js';
import { takeBytes } from '../../remote/takeBytes.js';
import { NetasciiDecoder, NetasciiEncoder } from './netascii.js';
import type { BlockSink } from './receiver.js';
import type { BlockSource } from './sender.js';

/** Reads from disk in large pieces and cuts blocks from them, instead of one read per block. */
const READ_CHUNK = 1024 * 1024;
/** Writes to disk in large pieces too. */
const WRITE_CHUNK = 1024 * 1024;

/**
 * Cuts an async stream of chunks into blocks of the asked size. With
 * `netascii`, the bytes are converted to netascii first, so blocks are
 * cut from what goes on the wire. `onRead` counts the bytes taken from the
 * stream (before conversion), which is what progress means to a person.
 */
export function chunkedBlockSource(
  chunks: AsyncIterable<Buffer>,
  options: { netascii?: boolean; onRead?: (bytes: number) => void } = {},
): BlockSource {
  const iterator = chunks[Symbol.asyncIterator]();
  const encoder = options.netascii ? new NetasciiEncoder() : null;
  const pending: Buffer[] = [];
  let buffered = 0;
  let ended = false;
  let taken = 0;

  /** Pulls chunks until `size` bytes are buffered or the stream ends. */
  const fill = async (size: number): Promise<void> => {
    while (buffered < size && !ended) {
      const step = await iterator.next();
      if (step.done === true) {
        ended = true;
        break;
      }
      const chunk = step.value;
      taken += chunk.length;
      options.onRead?.(taken);
      const wire = encoder ? encoder.encode(chunk) : chunk;
      if (wire.length > 0) {
        pending.push(wire);
        buffered += wire.length;
      }
    }
  };

  /** Cuts the next block (at most `size` bytes) from what is buffered. */
  const cut = (size: number): Buffer => {
    const block = takeBytes(pending, Math.min(size, buffered));
    buffered -= block.length;
    return block;
  };

  return {
    read(size) {
      if (buffered >= size || ended) return cut(size);
      return fill(size).then(() => cut(size));
    },
  };
}

/** A stream the caller passed in (an upload's source) as blocks. */
export function readableBlockSource(
  source: Readable,
  options: { netascii?: boolean; onRead?: (bytes: number) => void } = {},
): BlockSource {
  return chunkedBlockSource(asBuffers(source), options);
}

async function* asBuffers(source: AsyncIterable<unknown>): AsyncGenerator<Buffer> {
  for await (const chunk of source) {
    if (Buffer.isBuffer(chunk)) yield chunk;
    else if (typeof chunk === 'string') yield Buffer.from(chunk);
    else if (chunk instanceof Uint8Array) yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    else throw new FerryError('LOCAL_IO', 'The upload source produced something other than bytes');
  }
}

/**
 * An open file, from its start, as blocks. Each chunk is read while the
 * one before is being sent, so a window never waits for the disk. The
 * caller closes the handle (a FileHandle waits for a read in flight).
 */
export function fileBlockSource(handle: FileHandle, options: { netascii?: boolean } = {}): BlockSource {
  const readAt = async (position: number): Promise<Buffer> => {
    const buffer = Buffer.allocUnsafe(READ_CHUNK);
    const { bytesRead } = await handle.read(buffer, 0, READ_CHUNK, position);
    return buffer.subarray(0, bytesRead);
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    let position = 0;
    let reading = readAt(0);
    for (;;) {
      const chunk = await reading;
      if (chunk.length === 0) return;
      position += chunk.length;
      reading = readAt(position);
      // A transfer that ends early never awaits the read ahead; its failure must not go unhandled.
      reading.catch(() => {});
      yield chunk;
    }
  }
  return chunkedBlockSource(chunks(), options);
}

/** Blocks are handed to a download's destination in batches this big: one write per block costs more than the network. */
const DESTINATION_BATCH = 256 * 1024;
/**
 * Batches handed to the destination and not yet written. The transfer
 * goes on while one is being written and waits when a second is ready, so
 * a slow disk or a speed limit (the destination may be a throttle) paces
 * the transfer one batch behind instead of filling memory. Waiting for the
 * stream's own 'drain' instead stalls at every batch (a file stream's mark
 * is 16 KiB) while the peer waits for our ACK.
 */
const MAX_BATCHES_IN_FLIGHT = 2;

/**
 * A Writable the caller owns (a download's destination) as a block sink.
 * Blocks are batched into large writes, at most two of them unwritten at a
 * time. Does not end the stream. `written` counts the bytes taken, after
 * netascii conversion, and `onWritten` reports it once per batch (progress
 * is sampled anyway; a call per block costs more than the block). `settle`
 * hands over what is batched and waits until the stream has finished
 * every write, so a caller can close it safely after a failure and find in
 * it everything that arrived.
 */
export function writableBlockSink(
  destination: Writable,
  options: { netascii?: boolean; onWritten?: (bytes: number) => void } = {},
): BlockSink & { readonly written: number; settle(): Promise<void> } {
  const decoder = options.netascii ? new NetasciiDecoder() : null;
  let written = 0;
  let batch: Buffer[] = [];
  let batched = 0;
  let inFlight = 0;
  let room: (() => void) | null = null;
  let settled: (() => void) | null = null;
  const onWriteDone = (): void => {
    inFlight--;
    if (inFlight < MAX_BATCHES_IN_FLIGHT) room?.();
    if (inFlight === 0) settled?.();
  };
  /** Resolves when fewer batches are unwritten; rejects when the destination fails first. */
  const writeRoom = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const cleanup = (): void => {
        room = null;
        destination.off('error', onError);
        destination.off('close', onClose);
      };
      const onError = (error: Error): void => {
        cleanup();
        reject(new FerryError('LOCAL_IO', `Cannot write the download: ${error.message}`, { cause: error }));
      };
      const onClose = (): void => {
        cleanup();
        reject(new FerryError('LOCAL_IO', 'The download destination closed before the transfer ended'));
      };
      room = () => {
        cleanup();
        resolve();
      };
      destination.on('error', onError);
      destination.on('close', onClose);
    });
  const usable = (): boolean => !destination.destroyed && !destination.writableEnded;
  const flush = async (): Promise<void> => {
    if (batched === 0) return;
    if (!usable()) throw new FerryError('LOCAL_IO', 'The download destination was closed');
    const chunk = batch.length === 1 && batch[0] ? batch[0] : Buffer.concat(batch, batched);
    batch = [];
    batched = 0;
    inFlight++;
    destination.write(chunk, onWriteDone);
    options.onWritten?.(written);
    if (inFlight >= MAX_BATCHES_IN_FLIGHT) await writeRoom();
  };
  // Synchronous unless a batch goes out, so most blocks cost no promise.
  const take = (chunk: Buffer): Promise<void> | undefined => {
    if (chunk.length === 0) return undefined;
    // Each datagram arrives in a buffer of its own, so it can be kept until the batch is written.
    batch.push(chunk);
    batched += chunk.length;
    written += chunk.length;
    return batched >= DESTINATION_BATCH ? flush() : undefined;
  };
  return {
    get written() {
      return written;
    },
    write: (data) => take(decoder ? decoder.decode(data) : data),
    finish: async () => {
      if (decoder) await take(decoder.flush());
      await flush();
    },
    settle: async () => {
      if (usable()) await flush().catch(() => {});
      if (inFlight === 0 || destination.destroyed) return;
      await new Promise<void>((resolve) => {
        settled = resolve;
      });
    },
  };
}

/**
 * An open file as a block sink, writing from its start in large pieces.
 * `finish` flushes what is buffered; the caller syncs and closes.
 */
export function fileBlockSink(
  handle: FileHandle,
  options: { netascii?: boolean; onFinish?: () => Promise<void> } = {},
): BlockSink {
  const decoder = options.netascii ? new NetasciiDecoder() : null;
  let pending: Buffer[] = [];
  let buffered = 0;
  let position = 0;
  const flush = async (): Promise<void> => {
    if (buffered === 0) return;
    const data = pending.length === 1 && pending[0] ? pending[0] : Buffer.concat(pending, buffered);
    pending = [];
    buffered = 0;
    let offset = 0;
    while (offset < data.length) {
      const { bytesWritten } = await handle.write(data, offset, data.length - offset, position);
      offset += bytesWritten;
      position += bytesWritten;
    }
  };
  return {
    // Synchronous unless a batch goes out, so most blocks cost no promise.
    write(data) {
      const chunk = decoder ? decoder.decode(data) : data;
      if (chunk.length === 0) return undefined;
      // Each datagram arrives in a buffer of its own, so it can be kept until the batch is written.
      pending.push(chunk);
      buffered += chunk.length;
      return buffered >= WRITE_CHUNK ? flush() : undefined;
    },
    async finish() {
      if (decoder) {
        const tail = decoder.flush();
        if (tail.length > 0) {
          pending.push(tail);
          buffered += tail.length;
        }
      }
      await flush();
      await options.onFinish?.();
    },
  };
}
