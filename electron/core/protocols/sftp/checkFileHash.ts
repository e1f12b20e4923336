import type { Client, ClientChannel } from 'ssh2';
import { FerryError } from '../../../../shared/errors.js';
import { HASH_ALGORITHMS, type HashAlgorithm } from '../../remote/remoteFileSystem.js';
import { canceledError, openWithinDeadline } from '../../remote/streams.js';

const FXP_INIT = 1;
const FXP_VERSION = 2;
const FXP_STATUS = 101;
const FXP_EXTENDED = 200;
const FXP_EXTENDED_REPLY = 201;
/** No reply to our small requests is anywhere near this big. */
const MAX_PACKET = 256 * 1024;
const REQUEST_ID = 1;

/**
 * The algorithms a server's `check-file` extension data lists (a comma
 * list such as "md5,sha1,sha256"), limited to those Ferry knows. Data that
 * is not such a list says nothing, so the common ones are assumed and the
 * reply tells which one the server really used.
 */
export function checkFileAlgorithms(extensionData: string): HashAlgorithm[] {
  const listed = extensionData
    .split(',')
    .map((name) => name.trim().toLowerCase())
    .filter((name): name is HashAlgorithm => (HASH_ALGORITHMS as readonly string[]).includes(name));
  const known = listed.length > 0 ? listed : (['sha256', 'sha1', 'md5'] as HashAlgorithm[]);
  return HASH_ALGORITHMS.filter((algorithm) => known.includes(algorithm));
}

function sshString(value: string): Buffer {
  const data = Buffer.from(value, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  return Buffer.concat([length, data]);
}

function packet(type: number, body: Buffer): Buffer {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(body.length + 1, 0);
  header[4] = type;
  return Buffer.concat([header, body]);
}

/** The `check-file-name` request for the whole file (offset 0, length 0 = to the end, one block). */
export function checkFileRequest(path: string, algorithm: HashAlgorithm): Buffer {
  const id = Buffer.alloc(4);
  id.writeUInt32BE(REQUEST_ID);
  const tail = Buffer.alloc(8 + 8 + 4); // start-offset, length, block-size: all zero
  return packet(
    FXP_EXTENDED,
    Buffer.concat([id, sshString('check-file-name'), sshString(path), sshString(algorithm), tail]),
  );
}

/** Reads an SSH string at `offset`; null when the packet is too short. */
function readString(data: Buffer, offset: number): { value: Buffer; next: number } | null {
  if (offset + 4 > data.length) return null;
  const length = data.readUInt32BE(offset);
  if (offset + 4 + length > data.length) return null;
  return { value: data.subarray(offset + 4, offset + 4 + length), next: offset + 4 + length };
}

/** Splits channel data into SFTP packets (type byte first), however the bytes arrive. */
class PacketReader {
  private pending = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.pending = Buffer.concat([this.pending, chunk]);
    const packets: Buffer[] = [];
    while (this.pending.length >= 4) {
      const length = this.pending.readUInt32BE(0);
      if (length === 0 || length > MAX_PACKET)
        throw new FerryError('PROTOCOL', 'The server sent a malformed SFTP packet');
      if (this.pending.length < 4 + length) break;
      packets.push(this.pending.subarray(4, 4 + length));
      this.pending = this.pending.subarray(4 + length);
    }
    return packets;
  }
}

/** Interprets the server's answer to a check-file request: the digest as lower-case hex. */
export function parseCheckFileReply(reply: Buffer, algorithm: HashAlgorithm, path: string): string {
  if (reply[0] === FXP_STATUS) {
    const status = reply.length >= 9 ? reply.readUInt32BE(5) : -1;
    const code = status === 2 ? 'NOT_FOUND' : status === 3 ? 'PERMISSION_DENIED' : 'UNSUPPORTED';
    throw new FerryError(code, `The server cannot hash "${path}" with check-file (SFTP status ${status})`);
  }
  if (reply[0] !== FXP_EXTENDED_REPLY || reply.length < 5 || reply.readUInt32BE(1) !== REQUEST_ID) {
    throw new FerryError('PROTOCOL', 'The server answered check-file with an unexpected packet');
  }
  const name = readString(reply, 5);
  const used = name ? readString(reply, name.next) : null;
  if (!name || !used || name.value.toString('latin1') !== 'check-file') {
    throw new FerryError('PROTOCOL', 'The server answered check-file with a malformed reply');
  }
  const usedName = used.value.toString('latin1').toLowerCase();
  if (usedName !== algorithm) {
    throw new FerryError('UNSUPPORTED', `The server hashed "${path}" with ${usedName}, not ${algorithm}`);
  }
  const digest = reply.subarray(used.next);
  if (digest.length === 0) throw new FerryError('PROTOCOL', 'The server sent an empty check-file digest');
  return digest.toString('hex');
}

function openSftpChannel(client: Client): Promise<ClientChannel> {
  return new Promise((resolve, reject) => {
    client.subsys('sftp', (error, channel) => {
      if (error) reject(new FerryError('UNSUPPORTED', 'The server refused a second SFTP channel', { cause: error }));
      else resolve(channel);
    });
  });
}

/**
 * The side channel, within `timeoutMs` and until `signal`: a server at its
 * channel limit may never answer the request. A channel that opens after
 * all is closed at once.
 */
function openSftpChannelWithin(
  client: Client,
  path: string,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<ClientChannel> {
  return openWithinDeadline(
    openSftpChannel(client),
    timeoutMs,
    () => new FerryError('TIMEOUT', `The server did not open a channel to hash "${path}" in time`),
    signal,
    (late) => late.close(),
  );
}

/**
 * Hashes a file with the `check-file-name` extension. ssh2 drops the body
 * of extension replies it does not know, so the request runs on a second,
 * short-lived SFTP channel spoken to directly: INIT, one request, one reply.
 */
export async function checkFileHash(
  client: Client,
  path: string,
  algorithm: HashAlgorithm,
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  if (signal?.aborted) throw canceledError();
  const channel = await openSftpChannelWithin(client, path, timeoutMs, signal);
  const reader = new PacketReader();
  try {
    return await new Promise<string>((resolve, reject) => {
      let versionSeen = false;
      const timer = setTimeout(() => {
        reject(new FerryError('TIMEOUT', `The server did not answer check-file for "${path}" in time`));
      }, timeoutMs);
      const finish = (action: () => void): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        action();
      };
      const onAbort = (): void => finish(() => reject(canceledError()));
      signal?.addEventListener('abort', onAbort, { once: true });
      channel.on('data', (chunk: Buffer) => {
        try {
          for (const reply of reader.push(chunk)) {
            if (!versionSeen) {
              if (reply[0] !== FXP_VERSION)
                throw new FerryError('PROTOCOL', 'The server did not start SFTP with VERSION');
              versionSeen = true;
              channel.write(checkFileRequest(path, algorithm));
              continue;
            }
            const digest = parseCheckFileReply(reply, algorithm, path);
            finish(() => resolve(digest));
          }
        } catch (error) {
          finish(() => reject(error instanceof Error ? error : new Error(String(error))));
        }
      });
      channel.on('close', () => {
        finish(() => reject(new FerryError('PROTOCOL', 'The server closed the check-file channel early')));
      });
      const version = Buffer.alloc(4);
      version.writeUInt32BE(3);
      channel.write(packet(FXP_INIT, version));
    });
  } finally {
    channel.close();
  }
}
