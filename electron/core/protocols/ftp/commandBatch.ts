import { FerryError } from '../../../../shared/errors.js';
import type { LogSink } from '../../log/messageLog.js';
import type { ControlConnection, ReadOptions } from './controlConnection.js';
import type { FtpReply } from './reply.js';

/**
 * Servers (host:port) that left commands sent together unanswered; they
 * get them one at a time for as long as Ferry runs. RFC 959 asks servers
 * to queue what arrives while a command runs, and vsftpd, ProFTPD and
 * Pure-FTPd do, but a server or a router in between that reads one
 * command per packet would otherwise time out on every such batch.
 */
const oneAtATime = new Set<string>();

/**
 * Sends commands whose replies do not decide what follows, and reads
 * their replies in order: in one write (one system call, one wake-up of
 * the server), or one by one for a server known to lose commands sent
 * together. A reply that times out after a batch marks the server so, and
 * the error goes to the caller (the connection is closed by then, and a
 * retry asks one at a time).
 */
export async function exchange(
  control: ControlConnection,
  lines: readonly string[],
  options: ReadOptions,
  log: LogSink,
): Promise<FtpReply[]> {
  const replies: FtpReply[] = [];
  if (lines.length < 2 || oneAtATime.has(control.server)) {
    for (const line of lines) replies.push(await control.execute(line, options));
    return replies;
  }
  control.sendAll(lines);
  try {
    for (let i = 0; i < lines.length; i++) replies.push(await control.read(options));
  } catch (error) {
    if (error instanceof FerryError && error.code === 'TIMEOUT') {
      oneAtATime.add(control.server);
      log('info', 'The server did not answer commands sent together; sending them one at a time from now on');
    }
    throw error;
  }
  return replies;
}
