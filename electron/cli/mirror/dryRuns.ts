import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { FerryError } from '../../../shared/errors.js';
import { siteKeyOf } from '../../../shared/siteKey.js';
import type { FerryUrl } from '../../../shared/url.js';

/** How long a dry run's list of deletions stays good for `--delete`. */
const DRY_RUN_VALID_MS = 24 * 60 * 60 * 1000;

/**
 * The format of a record. Older records were keyed by the command line as
 * typed, password included; they are never read, and dropped on the next write.
 */
const VERSION = 2;

interface DryRunRecord {
  version: typeof VERSION;
  key: string;
  digest: string;
  at: number;
}

/** What one mirror is between: both ends resolved, no password. */
export interface MirrorEnds {
  download: boolean;
  /** The local folder, resolved (and its links resolved) so the current folder does not matter. */
  localRoot: string;
  url: FerryUrl;
  /** The remote folder as resolved on the server (`/~/x` and '' made absolute). */
  remoteRoot: string;
}

/**
 * The key a dry run is recorded under: the two resolved ends, the URL
 * without its password. A dry run in one folder then says nothing about
 * another, and no password is ever written to disk.
 */
export function dryRunKey(ends: MirrorEnds): string {
  const { url } = ends;
  const server = url.protocol === 'file' ? `file://${ends.remoteRoot}` : `${siteKeyOf(url)}${ends.remoteRoot}`;
  return JSON.stringify([ends.download ? 'download' : 'upload', ends.localRoot, server]);
}

function digestOf(deletions: readonly string[]): string {
  return createHash('sha256').update(JSON.stringify(deletions)).digest('hex');
}

function isRecord(value: unknown): value is DryRunRecord {
  const record = value as Partial<DryRunRecord> | null;
  return (
    typeof record === 'object' &&
    record !== null &&
    record.version === VERSION &&
    typeof record.key === 'string' &&
    typeof record.digest === 'string' &&
    typeof record.at === 'number'
  );
}

/**
 * The dry runs `--delete` waits for, in the data folder: a `--dry-run
 * --delete` records the list it showed; a real run may delete only that
 * list, within a day, and once: the record is used up when deleting starts.
 */
export class DryRunRecords {
  constructor(private readonly file: string) {}

  /** Records that the dry run for `key` listed exactly `deletions`. */
  async record(key: string, deletions: readonly string[]): Promise<void> {
    const records = (await this.read()).filter((r) => r.key !== key);
    records.push({ version: VERSION, key, digest: digestOf(deletions), at: Date.now() });
    await this.write(records);
  }

  /** Throws unless a dry run for `key` listed exactly `deletions`. */
  async check(key: string, deletions: readonly string[]): Promise<void> {
    const record = (await this.read()).find((r) => r.key === key);
    if (!record) {
      throw new FerryError(
        'INVALID_INPUT',
        `--delete would remove ${deletions.length} entries; run the same command with --dry-run first to list them`,
      );
    }
    if (record.digest !== digestOf(deletions)) {
      throw new FerryError(
        'INVALID_INPUT',
        'What --delete would remove has changed since the dry run; run --dry-run again',
      );
    }
  }

  /** Uses up the record for `key`: the next --delete needs a dry run of its own. */
  async consume(key: string): Promise<void> {
    await this.write((await this.read()).filter((r) => r.key !== key));
  }

  /** The records still good: current format, younger than a day. */
  private async read(): Promise<DryRunRecord[]> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(await readFile(this.file, 'utf8'));
    } catch {
      return [];
    }
    if (!Array.isArray(parsed)) return [];
    const now = Date.now();
    return parsed.filter(isRecord).filter((r) => now - r.at >= 0 && now - r.at < DRY_RUN_VALID_MS);
  }

  private async write(records: readonly DryRunRecord[]): Promise<void> {
    await mkdir(dirname(this.file), { recursive: true });
    await writeFile(this.file, JSON.stringify(records), { mode: 0o600 });
  }
}
