import type { Socket } from 'node:net';
import { FerryError, type FerryErrorCode } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import { canceledError } from '../../remote/streams.js';
import type { ControlConnection } from './controlConnection.js';
import type { DataChannel, DataConnector } from './dataConnector.js';
import { dataError } from './dataPump.js';
import { describeReply, isCompletion, isPreliminary, replyText, type FtpReply } from './reply.js';
import { replyError } from './replyError.js';

/** What a transfer command needs from its session. */
export interface TransferContext {
  control: ControlConnection;
  connector: DataConnector;
  /** PROT P is in effect: data connections use TLS. */
  protect: boolean;
  replyTimeoutMs: number;
  /** A data connection idle this long has stalled. */
  dataTimeoutMs: number;
  log: LogSink;
}

/** One command that moves data: RETR, STOR, APPE, MLSD or LIST. */
export interface TransferPlan {
  /** What fails, for messages, e.g. `Cannot download "/a"`. */
  action: string;
  /** The command line, e.g. `RETR /a`. */
  command: string;
  /** Send REST with this offset first when over 0. */
  restOffset: number;
  /** The data connection carries data to us (RETR, LIST), not from us (STOR). */
  receives: boolean;
  /** The code a 550 gets when the server's words say nothing clear. */
  fallback550?: FerryErrorCode;
  /** Moves the bytes over the data connection; resolves when our side is done, rejects when `stop` fires. */
  move(socket: Socket, stop: AbortSignal): Promise<void>;
}

/** Waits for `promise`, or runs `onTimeout` (which must make it settle) after `ms`. */
async function within<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  const timer = setTimeout(onTimeout, ms);
  try {
    return await promise;
  } finally {
    clearTimeout(timer);
  }
}

/** True when a reply is the server's answer to ABOR itself rather than to the transfer. */
function answersAbor(reply: FtpReply): boolean {
  return reply.code === 225 || (reply.code === 226 && /abor/i.test(replyText(reply)));
}

/**
 * Stops a transfer the server still thinks is running, keeping the control
 * connection when the server plays along (RFC 959 ABOR): the data
 * connection is already reset, so the server answers the transfer (426,
 * or 226 if it had finished) and then ABOR (225/226). Anything else — no
 * answer in time, a reply out of step — and the control connection is
 * closed so the session reconnects for its next command.
 */
async function abortTransfer(context: TransferContext, transferReply: Promise<FtpReply>): Promise<void> {
  const { control, log } = context;
  const timeoutMs = Math.min(context.replyTimeoutMs, 10_000);
  try {
    control.send('ABOR');
    const first = await within(transferReply, timeoutMs, () => control.destroy());
    if (answersAbor(first) && first.code !== 226) return;
    const second = await control.read({ timeoutMs });
    if (isCompletion(second) || answersAbor(second)) return;
    log('error', `Unexpected answer to ABOR: ${describeReply(second)}`);
    control.destroy();
  } catch {
    log('info', 'The server did not complete the abort; reconnecting for the next command');
    control.destroy();
  }
}

/**
 * Runs one data-moving command as FileZilla's engine does, as a sequence of
 * states: REST (when resuming) → announce the data connection (EPSV/PASV or
 * EPRT/PORT) → the command → its 1xx → move the bytes while watching for an
 * early failure reply → the final 2xx. Every failure after the command went
 * out (cancel, a stalled or reset data connection, a local write error)
 * resets the data connection and aborts the transfer on the server, so the
 * session stays usable; the original error is what the caller sees.
 */
export async function runTransfer(context: TransferContext, plan: TransferPlan, signal?: AbortSignal): Promise<void> {
  const { control, replyTimeoutMs } = context;
  const readOptions = { timeoutMs: replyTimeoutMs, signal };
  if (signal?.aborted) throw canceledError();
  if (plan.restOffset > 0) {
    const rest = await control.execute(`REST ${plan.restOffset}`, readOptions);
    if (rest.code !== 350)
      throw replyError(`${plan.action}: the server cannot resume at byte ${plan.restOffset}`, rest);
  }

  const channel: DataChannel = await context.connector.prepare(control, context.protect, plan.receives, signal);
  let first: FtpReply;
  try {
    control.send(plan.command);
    first = await control.read(readOptions);
  } catch (error) {
    channel.destroy(true);
    throw error;
  }
  if (!isPreliminary(first)) {
    channel.destroy(true);
    if (isCompletion(first)) {
      throw new FerryError(
        'PROTOCOL',
        `${plan.action}: the server answered ${describeReply(first)} without a transfer`,
        {
          replyCode: first.code,
        },
      );
    }
    throw replyError(plan.action, first, plan.fallback550);
  }

  // From here the server is transferring: its final reply may come at any
  // time, even before the data ends, and may announce a failure.
  const stop = new AbortController();
  const answered = { reply: null as FtpReply | null };
  const transferReply = control.read();
  transferReply.then(
    (reply) => {
      answered.reply = reply;
      if (!isCompletion(reply)) stop.abort(replyError(plan.action, reply, plan.fallback550));
    },
    (error: unknown) => stop.abort(error),
  );
  const onCancel = (): void => stop.abort(canceledError());
  signal?.addEventListener('abort', onCancel, { once: true });

  let failure: FerryError | null = null;
  try {
    const socket = await Promise.race([
      channel.ready,
      new Promise<never>((_, reject) => {
        if (stop.signal.aborted) reject(dataError(stop.signal.reason));
        stop.signal.addEventListener('abort', () => reject(dataError(stop.signal.reason)), { once: true });
      }),
    ]);
    const stallSeconds = context.dataTimeoutMs / 1000;
    socket.setTimeout(context.dataTimeoutMs, () => {
      stop.abort(new FerryError('TIMEOUT', `${plan.action}: no data moved for ${stallSeconds} s`));
    });
    await plan.move(socket, stop.signal);
    socket.setTimeout(0);
  } catch (error) {
    failure = dataError(error);
  } finally {
    signal?.removeEventListener('abort', onCancel);
  }

  if (failure) {
    channel.destroy(true);
    if (signal?.aborted) failure = canceledError();
    // The server's own failure reply already ended the transfer.
    if (answered.reply === null && control.isOpen) await abortTransfer(context, transferReply);
    throw failure;
  }
  try {
    const reply = await within(transferReply, replyTimeoutMs, () =>
      control.destroy(new FerryError('TIMEOUT', `${plan.action}: the server did not confirm the end of the transfer`)),
    );
    if (!isCompletion(reply)) throw replyError(plan.action, reply, plan.fallback550);
  } finally {
    // Only now: an upload's last bytes may still be on their way until the server confirms.
    channel.destroy();
  }
}
