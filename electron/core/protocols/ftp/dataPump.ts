import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { FerryError } from '../../../../shared/errors.js';

/** How much received data may wait in the destination's queue before the socket pauses. */
const RECEIVE_QUEUE_BYTES = 8 * 1024 * 1024;

/** A data-connection failure as the error the caller sees. */
export function dataError(error: unknown): FerryError {
  if (error instanceof FerryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FerryError('CONNECTION_LOST', `The data connection failed: ${message}`, { cause: error });
}

function localError(error: unknown): FerryError {
  if (error instanceof FerryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FerryError('LOCAL_IO', `Cannot write the received data: ${message}`, { cause: error });
}

/**
 * Moves everything a data connection receives into `destination` (without
 * ending it), pausing the socket while the destination is behind by more
 * than a few MiB. Resolves at
 * the end of the data; rejects when the connection fails, the destination
 * fails, or `stop` fires (with its reason).
 */
export function receive(socket: Socket, destination: Writable, onBytes: (n: number) => void, stop: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (error?: FerryError): void => {
      if (settled) return;
      settled = true;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.off('error', onError);
      socket.off('close', onClose);
      destination.off('error', onDestinationError);
      destination.off('drain', onDrain);
      stop.removeEventListener('abort', onStop);
      if (error) reject(error);
      else resolve();
    };
    const onData = (chunk: Buffer): void => {
      onBytes(chunk.length);
      destination.write(chunk);
      // Let a few MiB queue before pausing rather than obeying the
      // destination's small highWaterMark: a file stream then writes the
      // queue with one writev while the socket keeps reading, instead of
      // one write per 64 KiB chunk in lockstep with the network.
      if (destination.writableLength >= RECEIVE_QUEUE_BYTES && !waiting) {
        waiting = true;
        socket.pause();
        destination.once('drain', onDrain);
      }
    };
    let waiting = false;
    const onDrain = (): void => {
      waiting = false;
      socket.resume();
    };
    const onEnd = (): void => finish();
    const onError = (error: Error): void => finish(dataError(error));
    const onClose = (): void => finish(new FerryError('CONNECTION_LOST', 'The data connection closed early'));
    const onDestinationError = (error: Error): void => finish(localError(error));
    const onStop = (): void => finish(dataError(stop.reason));
    if (stop.aborted) {
      onStop();
      return;
    }
    socket.on('data', onData);
    socket.once('end', onEnd);
    socket.on('error', onError);
    socket.once('close', onClose);
    destination.on('error', onDestinationError);
    stop.addEventListener('abort', onStop, { once: true });
    // A socket with large reads starts paused (see DataConnector); others flow already.
    socket.resume();
  });
}

/**
 * Streams `source` into a data connection and ends it (FIN, or TLS
 * close_notify then FIN), which tells the server the upload is complete.
 */
export async function send(source: Readable, socket: Socket, onBytes: (n: number) => void, stop: AbortSignal) {
  // Counted on the source's own 'data' events rather than through an extra
  // Transform, one stream hop less per chunk; pipe's backpressure is unchanged.
  const count = (chunk: Buffer | string): void =>
    onBytes(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
  source.on('data', count);
  try {
    await pipeline(source, socket, { signal: stop });
  } catch (error) {
    if (stop.aborted) throw dataError(stop.reason);
    // A read error of the source is ours; anything else is the connection's.
    if (source.errored) {
      const message = error instanceof Error ? error.message : String(error);
      throw new FerryError('LOCAL_IO', `Cannot read the file being uploaded: ${message}`, { cause: error });
    }
    throw dataError(error);
  } finally {
    source.off('data', count);
  }
}
