import type { Dirent } from 'node:fs';
import { lstat, mkdir, readdir, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join, parse, resolve, sep } from 'node:path';
import type { FileEntry, FolderListing } from '../../../shared/entries.js';
import { FerryError } from '../../../shared/errors.js';
import { unsafeNameReason } from '../../../shared/names.js';
import { fromNodeError } from '../errors/fromNodeError.js';
import { describeEntry, entryTypeOf } from './describeEntry.js';

/** How many `lstat` calls run at once while listing: fast on big folders, gentle on file handles. */
const STAT_CONCURRENCY = 64;

async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

function checkName(name: string): void {
  const reason = unsafeNameReason(name);
  if (reason !== null) throw new FerryError('UNSAFE_NAME', `Refusing the name "${name}": ${reason}`);
}

/**
 * The local disk, as the local pane sees it. Every operation takes a folder
 * and plain names, never a free-form target path, so a request can only act
 * on entries of the folder it names.
 */
export class LocalFileSystem {
  home(): string {
    return homedir();
  }

  async list(folder: string): Promise<FolderListing> {
    const path = resolve(folder);
    let dirents: Dirent[];
    try {
      dirents = await readdir(path, { withFileTypes: true });
    } catch (error) {
      throw fromNodeError(error, 'list', path);
    }
    const entries = await mapLimited(dirents, STAT_CONCURRENCY, (dirent) => this.describe(path, dirent));
    const parent = dirname(path);
    return {
      path,
      parent: parent === path || parse(path).root === path ? null : parent,
      separator: sep === '\\' ? '\\' : '/',
      entries,
    };
  }

  private async describe(folder: string, dirent: Dirent): Promise<FileEntry> {
    try {
      return await describeEntry(join(folder, dirent.name), dirent.name);
    } catch {
      // Vanished between readdir and lstat, or unreadable: list what we know.
      return {
        name: dirent.name,
        type: entryTypeOf(dirent),
        size: 0,
        modified: null,
        permissions: null,
        hidden: dirent.name.startsWith('.'),
      };
    }
  }

  async mkdir(folder: string, name: string): Promise<void> {
    checkName(name);
    const target = join(resolve(folder), name);
    try {
      await mkdir(target);
    } catch (error) {
      throw fromNodeError(error, 'create folder', target);
    }
  }

  async rename(folder: string, from: string, to: string): Promise<void> {
    checkName(from);
    checkName(to);
    const base = resolve(folder);
    const source = join(base, from);
    const target = join(base, to);
    if (from === to) return;
    // rename(2) silently replaces an existing file; a file manager must not.
    // A name differing only in case may be the same entry on a case-folding
    // disk, which is a legitimate rename, so compare identities.
    const existing = await lstat(target).catch(() => null);
    if (existing) {
      const sourceStats = await lstat(source).catch((error: unknown) => {
        throw fromNodeError(error, 'rename', source);
      });
      // Same identity is not enough: a hard link is the same file under a
      // second name, and rename(2) between two links does nothing at all. It
      // is the same entry only if no entry is spelled exactly `to`.
      const sameEntry =
        existing.ino === sourceStats.ino &&
        existing.dev === sourceStats.dev &&
        !(await readdir(base).catch(() => [] as string[])).includes(to);
      if (!sameEntry) {
        throw new FerryError('ALREADY_EXISTS', `Cannot rename "${source}": "${to}" already exists`);
      }
    }
    try {
      await rename(source, target);
    } catch (error) {
      throw fromNodeError(error, 'rename', source);
    }
  }

  async delete(folder: string, names: readonly string[]): Promise<void> {
    names.forEach(checkName);
    const base = resolve(folder);
    for (const name of names) {
      const target = join(base, name);
      try {
        // lstat first: rm would fail with a confusing message on a missing
        // entry when force is off, and force would hide a real typo.
        await lstat(target);
        await rm(target, { recursive: true, force: false });
      } catch (error) {
        throw fromNodeError(error, 'delete', target);
      }
    }
  }
}
