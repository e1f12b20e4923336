import type { FileEntry } from '../../../../../shared/entries.js';
import { FerryError } from '../../../../../shared/errors.js';
import type { ParsedLine } from './parsedLine.js';

/** Limits that end a listing which would otherwise never end. */
export interface ListingLimits {
  maxBytes: number;
  maxEntries: number;
}

/** The longest line we keep: far over any real name, short enough not to hold a never-ending line in memory. */
const MAX_LINE_BYTES = 64 * 1024;

/**
 * Collects a listing as it streams in: splits lines (CRLF or LF), parses
 * each as soon as it is complete, and enforces the byte and entry limits
 * as it goes, so a hostile server cannot make us buffer without end.
 * `push` throws PROTOCOL when a limit is passed.
 */
export class ListingReader {
  readonly entries: FileEntry[] = [];
  private bytes = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private readonly decoder = new TextDecoder('utf-8');
  /** Lines that were neither entries nor known headers, for the log. */
  readonly skipped: string[] = [];

  constructor(
    private readonly parse: (line: string) => ParsedLine,
    private readonly limits: ListingLimits,
  ) {}

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) {
      throw new FerryError('PROTOCOL', `The listing is larger than ${this.limits.maxBytes} bytes; stopped reading it`);
    }
    let start = 0;
    while (start < chunk.length) {
      const end = chunk.indexOf(0x0a, start);
      const piece = chunk.subarray(start, end < 0 ? chunk.length : end);
      this.pendingBytes += piece.length;
      if (this.pendingBytes > MAX_LINE_BYTES) {
        throw new FerryError('PROTOCOL', `A listing line is longer than ${MAX_LINE_BYTES} bytes`);
      }
      this.pending.push(piece);
      if (end < 0) break;
      this.line();
      start = end + 1;
    }
  }

  /** Parses a last line that had no line ending. */
  end(): void {
    if (this.pendingBytes > 0) this.line();
  }

  private line(): void {
    let bytes = Buffer.concat(this.pending, this.pendingBytes);
    this.pending = [];
    this.pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === 0x0d) bytes = bytes.subarray(0, bytes.length - 1);
    const text = this.decoder.decode(bytes);
    if (text.trim() === '') return;
    const entry = this.parse(text);
    if (entry === 'ignore') return;
    if (!entry) {
      if (this.skipped.length < 20 && !/^total \d+/i.test(text)) this.skipped.push(text);
      return;
    }
    // A name with a slash or NUL cannot be one entry of this folder; such a
    // line is a server bug or an attack, never something to pass on.
    if (entry.name.includes('/') || entry.name.includes('\0')) {
      if (this.skipped.length < 20) this.skipped.push(text);
      return;
    }
    this.entries.push(entry);
    if (this.entries.length > this.limits.maxEntries) {
      throw new FerryError(
        'PROTOCOL',
        `The listing has more than ${this.limits.maxEntries} entries; stopped reading it`,
      );
    }
  }
}
