import type { FileEntry as RawEntry, SFTPWrapper } from 'ssh2';
import { FerryError } from '../../../../shared/errors.js';
import { SFTP_STATUS, sftpStatusOf } from './sftpErrors.js';
import { statusRequest } from './sftpHandles.js';

/** A listing larger than this is refused rather than allowed to exhaust memory. */
export const MAX_LISTING_ENTRIES = 1_000_000;

/** ssh2's readdir with its options argument. */
type ReaddirWithOptions = (
  handle: Buffer,
  options: { full: boolean },
  callback: (error: Error | undefined, list: RawEntry[]) => void,
) => void;

/** Runs one SFTP request with the session's deadline, cancel and error mapping. */
export type GuardedRequest = <T>(action: string, path: string, work: () => Promise<T>) => Promise<T>;

/**
 * Reads a whole folder: OPENDIR, READDIR until EOF, CLOSE, each request
 * under the session's deadline and cancel (one slow reply is a stuck
 * server; a long listing is not). `.` and `..` are left out; every other
 * name is kept exactly as sent.
 */
export async function readDirectory(sftp: SFTPWrapper, path: string, guard: GuardedRequest): Promise<RawEntry[]> {
  const handle = await guard('list', path, () => {
    return new Promise<Buffer>((resolve, reject) => {
      sftp.opendir(path, (error, opened) => {
        if (error) reject(error);
        else resolve(opened);
      });
    });
  });
  const entries: RawEntry[] = [];
  try {
    for (;;) {
      const batch = await guard('list', path, () => {
        return new Promise<RawEntry[] | null>((resolve, reject) => {
          // `full`: ssh2 would drop "." and ".." itself, and a reply that
          // held only those would then look empty, like the end of the folder.
          // (ssh2 takes this option; its type definitions leave it out.)
          (sftp.readdir as unknown as ReaddirWithOptions).call(sftp, handle, { full: true }, (error, list) => {
            if (error && sftpStatusOf(error) === SFTP_STATUS.EOF) resolve(null);
            else if (error) reject(error);
            else resolve(list);
          });
        });
      });
      // The end is EOF; an empty reply (no names at all) is taken as one too.
      if (batch === null || batch.length === 0) break;
      for (const entry of batch) {
        if (entry.filename !== '.' && entry.filename !== '..') entries.push(entry);
      }
      if (entries.length > MAX_LISTING_ENTRIES) {
        throw new FerryError(
          'PROTOCOL',
          `"${path}" has more than ${MAX_LISTING_ENTRIES} entries; Ferry stops listing there`,
        );
      }
    }
  } finally {
    await guard('list', path, () => statusRequest((done) => sftp.close(handle, done))).catch(() => undefined);
  }
  return entries;
}
