import { Writable, type Readable } from 'node:stream';
import { notAFolderDetails, type FileEntry } from '../../../../shared/entries.js';
import { FerryError } from '../../../../shared/errors.js';
import { joinRemote, remoteBaseName } from '../../../../shared/remotePath.js';
import {
  HASH_ALGORITHMS,
  type Capabilities,
  type HashAlgorithm,
  type RemoteFileSystem,
  type TransferOptions,
  type UploadFacts,
  type UploadOptions,
} from '../../remote/remoteFileSystem.js';
import { exchange } from './commandBatch.js';
import { commandLine } from './commandLine.js';
import type { ControlConnection } from './controlConnection.js';
import { receive, send } from './dataPump.js';
import { hashMethods, selectedHashName, type FtpFeatures, type HashMethod } from './features.js';
import type { FtpSession, OperationContext } from './ftpSession.js';
import { formatFtpTimestamp, parseFtpTimestamp } from './listing/ftpTime.js';
import { parseListLine } from './listing/listLine.js';
import { ListingReader, type ListingLimits } from './listing/listingReader.js';
import { parseMlsdLine, parseMlstReply } from './listing/mlsdEntry.js';
import { isCompletion, replyText, type FtpReply } from './reply.js';
import { replyError } from './replyError.js';
import { runTransfer } from './transfer.js';

/** Hex digits in each algorithm's digest, to find it in a reply. */
const DIGEST_LENGTH: Record<HashAlgorithm, number> = { sha512: 128, sha256: 64, sha1: 40, md5: 32, crc32: 8 };

/** Hashing a large file on the server takes much longer than an ordinary reply. */
const HASH_TIMEOUT_FACTOR = 20;

/** How the server lists a folder; fallbacks are remembered for the session. */
type ListCommand = 'MLSD' | 'LIST -a' | 'LIST';

function capabilitiesFrom(features: FtpFeatures, hashes: Map<HashAlgorithm, HashMethod>): Capabilities {
  return {
    list: true,
    stat: true,
    mkdir: true,
    delete: true,
    rename: true,
    chmod: true,
    setModified: features.has('MFMT') || features.has('MDTM'),
    resumeDownload: true,
    resumeUpload: true,
    hash: HASH_ALGORITHMS.filter((algorithm) => hashes.has(algorithm)),
    symlinks: true,
  };
}

/** The byte count of a `213` reply to SIZE, or null for a refusal or a reply that names no size. */
function sizeOf(reply: FtpReply): number | null {
  if (reply.code !== 213) return null;
  const bytes = Number(replyText(reply).split(/\s+/)[0]);
  return Number.isSafeInteger(bytes) && bytes >= 0 ? bytes : null;
}

/** A refusal that means "I do not know this command" rather than "not for this file". */
function isUnknownCommand(reply: FtpReply): boolean {
  return reply.code === 500 || reply.code === 502 || reply.code === 504;
}

/**
 * FTP and FTPS as a {@link RemoteFileSystem}. Each call is one operation of
 * the {@link FtpSession} (so calls never interleave on the control
 * connection); paths are absolute, or relative to the initial folder.
 * Capabilities come from FEAT: vsftpd, which offers no hash command, gets
 * an empty `hash` list, so callers verify by size instead.
 */
export class FtpFileSystem implements RemoteFileSystem {
  readonly protocol = 'ftp' as const;
  readonly capabilities: Capabilities;
  readonly initialFolder: string;
  private readonly hashes: Map<HashAlgorithm, HashMethod>;
  private listCommand: ListCommand;
  private statByMlst: boolean;
  /** The HASH algorithm each control connection has selected with OPTS HASH. */
  private readonly hashSelection = new WeakMap<ControlConnection, string>();

  constructor(
    private readonly session: FtpSession,
    private readonly limits: ListingLimits,
  ) {
    const { features, initialFolder } = session.info;
    this.initialFolder = initialFolder;
    this.hashes = hashMethods(features);
    this.capabilities = capabilitiesFrom(features, this.hashes);
    this.listCommand = features.has('MLST') ? 'MLSD' : 'LIST -a';
    this.statByMlst = features.has('MLST');
  }

  private absolute(path: string): string {
    return path.startsWith('/') ? path : joinRemote(this.initialFolder, path === '.' ? '' : path) || this.initialFolder;
  }

  /**
   * Lists a folder: MLSD when offered (exact facts), else `LIST -a` / `LIST`
   * parsed as Unix or DOS. Symlinks come with `linkTargetUnknown` (neither
   * form says what a link leads to, and asking for each would cost a round
   * trip per link); a path that is no folder fails with details saying what
   * is there instead (see {@link notAFolder}), which is how a link of
   * unknown type is found out when it is opened.
   */
  list(path: string, signal?: AbortSignal): Promise<FileEntry[]> {
    const folder = this.absolute(path);
    return this.session.run('list', signal, async (context) => {
      for (;;) {
        const command = this.listCommand;
        try {
          return await this.listWith(context, command, folder, signal);
        } catch (error) {
          // MLSD refused the path itself (LIST's CWD is looked at in listWith).
          if (command === 'MLSD' && error instanceof FerryError && error.replyCode === 550) {
            throw await this.notAFolder(context, folder, error, signal);
          }
          const unknown = error instanceof FerryError && [500, 501, 502, 504].includes(error.replyCode ?? 0);
          if (!unknown || command === 'LIST') throw error;
          this.listCommand = command === 'MLSD' ? 'LIST -a' : 'LIST';
          context.log('info', `${command} is not supported; using ${this.listCommand}`);
        }
      }
    });
  }

  private async listWith(
    context: OperationContext,
    command: ListCommand,
    folder: string,
    signal: AbortSignal | undefined,
  ): Promise<FileEntry[]> {
    const now = Date.now();
    const reader = new ListingReader(
      command === 'MLSD' ? (line) => parseMlsdLine(line) : (line) => parseListLine(line, now),
      this.limits,
    );
    let line: string;
    if (command === 'MLSD') {
      line = commandLine('MLSD', folder);
    } else {
      // LIST's argument is ambiguous (options, globbing, spaces), so list the current folder.
      const cwd = await context.control.execute(commandLine('CWD', folder), {
        timeoutMs: context.replyTimeoutMs,
        signal,
      });
      if (!isCompletion(cwd)) {
        const error = replyError(`Cannot list "${folder}"`, cwd);
        throw cwd.code === 550 ? await this.notAFolder(context, folder, error, signal) : error;
      }
      line = command;
    }
    const sink = new Writable({
      write(chunk: Buffer, _encoding, callback) {
        try {
          reader.push(chunk);
          callback();
        } catch (error) {
          callback(error instanceof Error ? error : new Error(String(error)));
        }
      },
    });
    await runTransfer(
      context,
      {
        action: `Cannot list "${folder}"`,
        command: line,
        restOffset: 0,
        receives: true,
        move: (socket, stop) => receive(socket, sink, () => undefined, stop),
      },
      signal,
    );
    reader.end();
    for (const skipped of reader.skipped) context.log('info', `Listing line not understood: ${skipped}`);
    for (const entry of reader.entries) markUnresolvedLink(entry);
    return reader.entries;
  }

  /**
   * The error for a folder that could not be entered (a 550 to CWD or
   * MLSD), told apart for a caller that tried a link of unknown type: a
   * SIZE answer means a file (or a link to one) is there, a 550 to SIZE
   * too means nothing the server can find (a broken link, say). One more
   * round trip, on failure only, so listings cost what they did.
   */
  private async notAFolder(
    context: OperationContext,
    folder: string,
    error: FerryError,
    signal: AbortSignal | undefined,
  ): Promise<FerryError> {
    const reply = await context.control.execute(commandLine('SIZE', folder), {
      timeoutMs: context.replyTimeoutMs,
      signal,
    });
    const options = { retryable: error.retryable, replyCode: error.replyCode };
    const bytes = sizeOf(reply);
    if (bytes !== null) {
      return new FerryError(error.code, `Cannot list "${folder}": it is a file, not a folder`, {
        ...options,
        details: notAFolderDetails({ found: 'file', size: bytes }),
      });
    }
    // A server without SIZE (500, 502) cannot tell; the caller then guesses.
    if (reply.code !== 550) return error;
    return new FerryError(error.code, error.message, {
      ...options,
      details: notAFolderDetails({ found: 'nothing' }),
    });
  }

  /** One entry: MLST when offered, else SIZE and MDTM (and CWD to tell a folder). */
  stat(path: string, signal?: AbortSignal): Promise<FileEntry> {
    const target = this.absolute(path);
    return this.session.run('stat', signal, async ({ control, replyTimeoutMs }) => {
      const options = { timeoutMs: replyTimeoutMs, signal };
      if (this.statByMlst) {
        const reply = await control.execute(commandLine('MLST', target), options);
        if (reply.code === 250) {
          const entry = parseMlstReply(reply.lines);
          if (entry) return markUnresolvedLink({ ...entry, name: remoteBaseName(target) || entry.name });
        }
        if (!isUnknownCommand(reply)) throw replyError(`Cannot read "${target}"`, reply);
        this.statByMlst = false;
      }
      const size = await control.execute(commandLine('SIZE', target), options);
      if (size.code !== 213) {
        const cwd = await control.execute(commandLine('CWD', target), options);
        if (isCompletion(cwd)) return folderEntry(target);
        throw replyError(`Cannot read "${target}"`, size);
      }
      const mdtm = await control.execute(commandLine('MDTM', target), options);
      const modified = mdtm.code === 213 ? parseFtpTimestamp(replyText(mdtm).split(/\s+/)[0] ?? '') : null;
      const name = remoteBaseName(target);
      return {
        name,
        type: 'file',
        size: sizeOf(size) ?? 0,
        modified,
        permissions: null,
        hidden: name.startsWith('.'),
      };
    });
  }

  /**
   * A file's size as the server reports it: MLST where offered (one round
   * trip either way), else SIZE alone, which spares the MDTM a stat would
   * add when all the caller checks is the size (after an upload).
   */
  async size(path: string, signal?: AbortSignal): Promise<number> {
    if (this.statByMlst) return (await this.stat(path, signal)).size;
    const target = this.absolute(path);
    const reply = await this.session.run('stat', signal, ({ control, replyTimeoutMs }) =>
      control.execute(commandLine('SIZE', target), { timeoutMs: replyTimeoutMs, signal }),
    );
    if (reply.code !== 213) throw replyError(`Cannot read the size of "${target}"`, reply);
    const bytes = sizeOf(reply);
    if (bytes === null) {
      throw new FerryError('PROTOCOL', `The server answered SIZE with no size: ${replyText(reply)}`, {
        replyCode: reply.code,
      });
    }
    return bytes;
  }

  /** RETR (after REST when resuming) into `destination`; resolves with the bytes received. */
  download(path: string, destination: Writable, options: TransferOptions = {}): Promise<number> {
    const target = this.absolute(path);
    const offset = options.offset ?? 0;
    return this.session.run('download', options.signal, async (context) => {
      let bytes = 0;
      await runTransfer(
        context,
        {
          action: `Cannot download "${target}"`,
          command: commandLine('RETR', target),
          restOffset: offset,
          receives: true,
          move: (socket, stop) =>
            receive(
              socket,
              destination,
              (n) => {
                bytes += n;
                options.onProgress?.(offset + bytes);
              },
              stop,
            ),
        },
        options.signal,
      );
      return bytes;
    });
  }

  /**
   * STOR, or for a resume APPE when the server's copy is exactly `offset`
   * bytes (every server has APPE; not all allow REST before STOR), else
   * REST + STOR. Resolves with the bytes sent.
   */
  upload(source: Readable, path: string, options: UploadOptions = {}): Promise<number> {
    const target = this.absolute(path);
    const offset = options.offset ?? 0;
    return this.session.run('upload', options.signal, async (context) => {
      let verb = 'STOR';
      let restOffset = 0;
      if (offset > 0) {
        const size = await context.control.execute(commandLine('SIZE', target), {
          timeoutMs: context.replyTimeoutMs,
          signal: options.signal,
        });
        if (sizeOf(size) === offset) verb = 'APPE';
        else restOffset = offset;
      }
      let bytes = 0;
      await runTransfer(
        context,
        {
          action: `Cannot upload "${target}"`,
          command: commandLine(verb, target),
          restOffset,
          receives: false,
          fallback550: 'PERMISSION_DENIED',
          move: (socket, stop) =>
            send(
              source,
              socket,
              (n) => {
                bytes += n;
                options.onProgress?.(offset + bytes);
              },
              stop,
            ),
        },
        options.signal,
      );
      if (options.onFinished) options.onFinished(await this.uploadFacts(context, target, options));
      return bytes;
    });
  }

  /**
   * Right after an upload, sent together (see commandBatch): SIZE, for the
   * caller's size check, and the modification time to set, when asked for
   * (MFMT, or vsftpd's "MDTM time path"). Asked apart, they cost two round
   * trips per file, which on a folder of small files is much of the time.
   * What the server refuses is left out of the facts, and the caller asks
   * again its own way (over MLST where the server has it: SIZE is not
   * asked here then). So is everything when the replies do not come (a
   * timeout, a dropped connection): the upload itself was confirmed by
   * the server's 226, and the caller's own questions reconnect, rather
   * than the whole file going again.
   */
  private async uploadFacts(context: OperationContext, target: string, options: UploadOptions): Promise<UploadFacts> {
    const askSize = !this.statByMlst;
    const modified = options.modified !== undefined && this.capabilities.setModified ? options.modified : undefined;
    const lines: string[] = [];
    if (askSize) lines.push(commandLine('SIZE', target));
    if (modified !== undefined) lines.push(this.setModifiedLine(target, modified));
    if (lines.length === 0) return {};
    const { control, replyTimeoutMs, log } = context;
    let replies: FtpReply[];
    try {
      replies = await exchange(control, lines, { timeoutMs: replyTimeoutMs, signal: options.signal }, log);
    } catch (error) {
      if (!(error instanceof FerryError) || (error.code !== 'TIMEOUT' && error.code !== 'CONNECTION_LOST')) throw error;
      log('info', `No answer about the uploaded file (${error.message}); checking it again`);
      return {};
    }
    const facts: UploadFacts = {};
    const sizeReply = askSize ? replies.shift() : undefined;
    const bytes = sizeReply?.code === 213 ? sizeOf(sizeReply) : null;
    if (bytes !== null) facts.size = bytes;
    const timeReply = modified !== undefined ? replies.shift() : undefined;
    if (timeReply !== undefined) facts.modifiedSet = isCompletion(timeReply);
    return facts;
  }

  /** MKD; a vague refusal is ALREADY_EXISTS when the path turns out to exist. */
  async mkdir(path: string, signal?: AbortSignal): Promise<void> {
    const target = this.absolute(path);
    const reply = await this.simple('mkdir', commandLine('MKD', target), signal);
    if (isCompletion(reply)) return;
    const error = replyError(`Cannot create folder "${target}"`, reply, 'PERMISSION_DENIED');
    if (reply.code === 550 && error.code === 'PERMISSION_DENIED') {
      const exists = await this.stat(target, signal).then(
        () => true,
        () => false,
      );
      if (exists) throw replyError(`Cannot create folder "${target}"`, reply, 'ALREADY_EXISTS');
    }
    throw error;
  }

  async delete(path: string, signal?: AbortSignal): Promise<void> {
    const target = this.absolute(path);
    await this.expectCompletion('delete', commandLine('DELE', target), `Cannot delete "${target}"`, signal);
  }

  async rmdir(path: string, signal?: AbortSignal): Promise<void> {
    const target = this.absolute(path);
    await this.expectCompletion('rmdir', commandLine('RMD', target), `Cannot remove folder "${target}"`, signal);
  }

  /** RNFR then RNTO, as one operation so nothing runs between them. */
  rename(from: string, to: string, signal?: AbortSignal): Promise<void> {
    const source = this.absolute(from);
    const target = this.absolute(to);
    const fromLine = commandLine('RNFR', source);
    const toLine = commandLine('RNTO', target);
    return this.session.run('rename', signal, async ({ control, replyTimeoutMs }) => {
      const options = { timeoutMs: replyTimeoutMs, signal };
      const first = await control.execute(fromLine, options);
      if (first.code !== 350) throw replyError(`Cannot rename "${source}"`, first);
      const second = await control.execute(toLine, options);
      if (!isCompletion(second))
        throw replyError(`Cannot rename "${source}" to "${target}"`, second, 'PERMISSION_DENIED');
    });
  }

  /** SITE CHMOD with the mode in octal. */
  async chmod(path: string, mode: number, signal?: AbortSignal): Promise<void> {
    const target = this.absolute(path);
    if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
      throw new FerryError('INVALID_INPUT', `${mode} is not a permission mode`);
    }
    const line = commandLine('SITE', `CHMOD ${(mode & 0o7777).toString(8).padStart(3, '0')} ${target}`);
    await this.expectCompletion('chmod', line, `Cannot change permissions of "${target}"`, signal);
  }

  /** MFMT where offered, else the "MDTM time path" form vsftpd and others accept. */
  async setModified(path: string, modified: Date, signal?: AbortSignal): Promise<void> {
    const target = this.absolute(path);
    const line = this.setModifiedLine(target, modified);
    await this.expectCompletion('setModified', line, `Cannot set the time of "${target}"`, signal);
  }

  private setModifiedLine(target: string, modified: Date): string {
    const verb = this.session.info.features.has('MFMT') ? 'MFMT' : 'MDTM';
    return commandLine(verb, `${formatFtpTimestamp(modified)} ${target}`);
  }

  /** The server's digest of a file, by HASH (after OPTS HASH when another is selected) or XSHA256/XSHA1/XMD5…. */
  hash(path: string, algorithm: HashAlgorithm, signal?: AbortSignal): Promise<string> {
    const target = this.absolute(path);
    const method = this.hashes.get(algorithm);
    if (!method) return Promise.reject(new FerryError('UNSUPPORTED', `The server cannot compute ${algorithm}`));
    return this.session.run('hash', signal, async ({ control, replyTimeoutMs, session }) => {
      const options = { timeoutMs: replyTimeoutMs, signal };
      let line: string;
      if (method.kind === 'HASH') {
        // OPTS HASH changes the selection for the rest of the connection.
        const selected = this.hashSelection.get(control) ?? selectedHashName(session.features);
        if (selected !== method.name) {
          const select = await control.execute(`OPTS HASH ${method.name}`, options);
          if (!isCompletion(select)) throw replyError(`Cannot select ${method.name}`, select);
          this.hashSelection.set(control, method.name);
        }
        line = commandLine('HASH', target);
      } else {
        line = commandLine(method.command, target);
      }
      const reply = await control.execute(line, { ...options, timeoutMs: replyTimeoutMs * HASH_TIMEOUT_FACTOR });
      if (!isCompletion(reply)) throw replyError(`Cannot hash "${target}"`, reply);
      if (method.kind === 'HASH' && !replyText(reply).toUpperCase().includes(method.name)) {
        throw new FerryError('PROTOCOL', `The server answered HASH with another algorithm: ${replyText(reply)}`);
      }
      const length = DIGEST_LENGTH[algorithm];
      const digest = replyText(reply)
        .split(/\s+/)
        .find((word) => word.length === length && /^[0-9a-f]+$/i.test(word));
      if (digest === undefined) {
        throw new FerryError('PROTOCOL', `No ${algorithm} digest in the reply: ${replyText(reply)}`, {
          replyCode: reply.code,
        });
      }
      return digest.toLowerCase();
    });
  }

  /** QUIT and close; never throws. */
  close(): Promise<void> {
    return this.session.close();
  }

  private simple(name: 'mkdir', line: string, signal: AbortSignal | undefined): Promise<FtpReply> {
    return this.session.run(name, signal, ({ control, replyTimeoutMs }) =>
      control.execute(line, { timeoutMs: replyTimeoutMs, signal }),
    );
  }

  private async expectCompletion(
    name: 'delete' | 'rmdir' | 'chmod' | 'setModified',
    line: string,
    action: string,
    signal: AbortSignal | undefined,
  ): Promise<void> {
    const reply = await this.session.run(name, signal, ({ control, replyTimeoutMs }) =>
      control.execute(line, { timeoutMs: replyTimeoutMs, signal }),
    );
    if (!isCompletion(reply)) throw replyError(action, reply, name === 'delete' ? 'NOT_FOUND' : 'PERMISSION_DENIED');
  }
}

/** A symlink whose target's type the server did not say is marked unknown, not broken. */
function markUnresolvedLink(entry: FileEntry): FileEntry {
  if (entry.type === 'symlink' && entry.linkTargetType === undefined) entry.linkTargetUnknown = true;
  return entry;
}

function folderEntry(path: string): FileEntry {
  const name = remoteBaseName(path) || '/';
  return { name, type: 'directory', size: 0, modified: null, permissions: null, hidden: name.startsWith('.') };
}
