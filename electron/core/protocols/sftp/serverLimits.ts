import type { SFTPWrapper } from 'ssh2';

/** What the server said about itself when the SFTP channel opened. */
export interface SftpServerInfo {
  /** Extension names from the server's VERSION packet, with their data. */
  extensions: ReadonlyMap<string, string>;
  /** Largest READ the server serves in one reply (from limits@openssh.com, else ssh2's safe default). */
  maxReadLength: number;
  /** Largest WRITE the server accepts (from limits@openssh.com, else ssh2's safe default). */
  maxWriteLength: number;
}

/** ssh2's conservative size for servers that publish no limits: fits any 34000-byte packet. */
const FALLBACK_LENGTH = 32 * 1024;

/**
 * Reads what ssh2 learned when the SFTP channel opened. ssh2 parses the
 * server's VERSION extensions and asks `limits@openssh.com` itself, but
 * keeps the answers in fields it does not publish; they are read here, in
 * one place, with every value checked, so a change in ssh2 degrades to
 * safe defaults instead of failing.
 */
export function readServerInfo(sftp: SFTPWrapper): SftpServerInfo {
  const internals = sftp as unknown as { _extensions?: unknown; _maxReadLen?: unknown; _maxWriteLen?: unknown };
  const extensions = new Map<string, string>();
  if (typeof internals._extensions === 'object' && internals._extensions !== null) {
    for (const [name, data] of Object.entries(internals._extensions)) {
      if (typeof data === 'string') extensions.set(name, data);
    }
  }
  const length = (value: unknown): number =>
    typeof value === 'number' && Number.isSafeInteger(value) && value > 0 ? value : FALLBACK_LENGTH;
  return {
    extensions,
    maxReadLength: length(internals._maxReadLen),
    maxWriteLength: length(internals._maxWriteLen),
  };
}
