import type { Socket } from 'node:net';
import type { Readable, Writable } from 'node:stream';
import { FerryError } from '../../../../shared/errors.js';
import { destroySocket } from './dataConnector.js';

/** `error` as the FerryError the caller sees: kept if it is one, else `code` with `what` before its message. */
function asFerryError(error: unknown, code: 'CONNECTION_LOST' | 'LOCAL_IO', what: string): FerryError {
  if (error instanceof FerryError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new FerryError(code, `${what}: ${message}`, { cause: error });
}

/** A data-connection failure as the error the caller sees. */
export function dataError(error: unknown): FerryError {
  return asFerryError(error, 'CONNECTION_LOST', 'The data connection failed');
}

const localError = (error: unknown): FerryError => asFerryError(error, 'LOCAL_IO', 'Cannot write the received data');

const sourceError = (error: unknown): FerryError =>
  asFerryError(error, 'LOCAL_IO', 'Cannot read the file being uploaded');

const closedEarly = 'The data connection closed before the upload was complete';

/**
 * Moves everything a data connection receives into `destination` (without
 * ending it), pausing the socket while the destination says it is behind
 * (its `write` returns false): a download file stream queues a few MiB
 * (see fileWriteStream), a speed limit only a little, so the network, not
 * just the disk, keeps to the limit. Resolves at the end of the data;
 * rejects when the connection fails, the destination fails, or `stop`
 * fires (with its reason).
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
      if (!destination.write(chunk) && !waiting) {
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
 * Resolves once the socket has taken everything. Rejects when the source
 * cannot be read or closes before its end, the connection fails or is
 * closed by the server before the source ended, or `stop` fires (with its
 * reason); the connection is then reset, so the server sees a failed
 * upload rather than a complete one, and the source destroyed. Written out
 * rather than with stream.pipeline, which makes an AbortController per
 * call and aborts it when done: an AbortError with a stack trace, about
 * 40 µs per file when uploading a folder of small files.
 */
export function send(source: Readable, socket: Socket, onBytes: (n: number) => void, stop: AbortSignal) {
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    let waiting = false;
    let sourceEnded = false;
    const finish = (error?: FerryError): void => {
      if (settled) return;
      settled = true;
      source.off('data', onData);
      source.off('end', onEnd);
      source.off('error', onSourceError);
      source.off('close', onSourceClose);
      socket.off('drain', onDrain);
      socket.off('finish', onFinish);
      socket.off('error', onError);
      socket.off('close', onClose);
      stop.removeEventListener('abort', onStop);
      if (error) {
        source.destroy();
        destroySocket(socket, true);
        reject(error);
      } else {
        resolve();
      }
    };
    const onData = (chunk: Buffer | string): void => {
      onBytes(typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length);
      if (!socket.write(chunk) && !waiting) {
        waiting = true;
        source.pause();
        socket.once('drain', onDrain);
      }
    };
    const onDrain = (): void => {
      waiting = false;
      source.resume();
    };
    const onEnd = (): void => {
      sourceEnded = true;
      socket.end();
    };
    // The socket also finishes by itself when the server half-closes it
    // (no allowHalfOpen): that is the server giving up, not the upload done.
    const onFinish = (): void => finish(sourceEnded ? undefined : new FerryError('CONNECTION_LOST', closedEarly));
    const onSourceError = (error: Error): void => finish(sourceError(error));
    const onSourceClose = (): void => {
      if (!sourceEnded) finish(sourceError(new Error('the file was closed before its end')));
    };
    const onError = (error: Error): void => finish(dataError(error));
    const onClose = (): void => finish(new FerryError('CONNECTION_LOST', closedEarly));
    const onStop = (): void => finish(dataError(stop.reason));
    if (stop.aborted) {
      onStop();
      return;
    }
    // A source that failed or closed before the upload began keeps its error.
    if (source.errored) {
      onSourceError(source.errored);
      return;
    }
    if (source.destroyed && !source.readableEnded) {
      onSourceClose();
      return;
    }
    // Written to, an ended socket neither takes the data nor fails: nothing would ever drain.
    if (socket.destroyed || socket.writableEnded) {
      finish(new FerryError('CONNECTION_LOST', closedEarly));
      return;
    }
    source.on('error', onSourceError);
    source.once('close', onSourceClose);
    socket.on('error', onError);
    socket.once('close', onClose);
    socket.once('finish', onFinish);
    stop.addEventListener('abort', onStop, { once: true });
    source.once('end', onEnd);
    source.on('data', onData);
    if (source.readableEnded) onEnd();
  });
}
