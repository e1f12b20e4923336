// An upload mirror to a server whose file system folds case and Unicode
// forms (IIS, a macOS SFTP server), simulated by a local disk that looks up
// every path that way. The URL is sftp:// so the mirror cannot probe it.
// Downloads go to a local folder taken to fold as well.
import { readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliRun } from '../../cliRun.js';
import type { HashAlgorithm, TransferOptions, UploadOptions } from '../../../electron/core/remote/remoteFileSystem.js';

vi.mock('../../../electron/core/remote/openRemote.js', async () => {
  const { LocalDisk } = await import('../../../electron/core/local/localDisk.js');
  const fold = (name: string): string => name.normalize('NFC').toLowerCase();
  /** The path as a folding file system finds it: each segment matched folded. */
  const found = (path: string): string => {
    let current = '';
    for (const part of path.split('/').filter(Boolean)) {
      let names: string[] = [];
      try {
        names = readdirSync(current || '/');
      } catch {
        // Missing: the rest is taken as written.
      }
      current = `${current}/${names.find((name) => fold(name) === fold(part)) ?? part}`;
    }
    return current || '/';
  };
  class FoldingDisk extends LocalDisk {
    override list(path: string) {
      return super.list(found(path));
    }
    override stat(path: string) {
      return super.stat(found(path));
    }
    override download(path: string, destination: Writable, options?: TransferOptions) {
      return super.download(found(path), destination, options);
    }
    override upload(source: Readable, path: string, options?: UploadOptions) {
      return super.upload(source, found(path), options);
    }
    override mkdir(path: string) {
      return super.mkdir(found(path));
    }
    override delete(path: string) {
      return super.delete(found(path));
    }
    override rmdir(path: string) {
      return super.rmdir(found(path));
    }
    override rename(from: string, to: string) {
      return super.rename(found(from), found(to));
    }
    override setModified(path: string, modified: Date) {
      return super.setModified(found(path), modified);
    }
    override hash(path: string, algorithm: HashAlgorithm, signal?: AbortSignal) {
      return super.hash(found(path), algorithm, signal);
    }
  }
  return { openRemote: () => Promise.resolve(new FoldingDisk('/')) };
});

// The local destination of a download is taken to fold, as on macOS or Windows.
vi.mock('../../../electron/core/transfers/caseSensitivity.js', () => ({
  isCaseInsensitiveFolder: () => Promise.resolve(true),
}));

const { runFerry } = await import('../../cliRun.js');

let folder: string;

function ferry(...args: string[]): Promise<CliRun> {
  return runFerry(args, { FERRY_HOME: join(folder, 'home') });
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-mirror-fold-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('mirror --delete to a server that folds names', () => {
  it('never deletes the file a renamed-by-case or NFD source name was just copied into', async () => {
    const src = join(folder, 'src');
    const dst = join(folder, 'dst');
    await mkdir(src);
    await mkdir(dst);
    await writeFile(join(dst, 'README.TXT'), 'old readme');
    await writeFile(join(dst, 'caf\u00e9.txt'), 'menu v1');
    await writeFile(join(dst, 'stale.txt'), 'gone at the source');
    await writeFile(join(src, 'Readme.txt'), 'new readme, renamed by case');
    await writeFile(join(src, 'cafe\u0301.txt'), 'menu v2 (NFD name)');
    const url = `sftp://me@127.0.0.1${dst}`;

    const dry = await ferry('mirror', '--delete', '-n', src, url);
    expect(dry.out.split('\n').filter((line) => line.startsWith('delete'))).toEqual(['delete stale.txt']);
    const run = await ferry('mirror', '--delete', src, url);
    expect(run.code, run.err).toBe(0);
    expect((await readdir(dst)).sort()).toEqual(['README.TXT', 'caf\u00e9.txt']);
    expect(await readFile(join(dst, 'README.TXT'), 'utf8')).toBe('new readme, renamed by case');
    expect(await readFile(join(dst, 'caf\u00e9.txt'), 'utf8')).toBe('menu v2 (NFD name)');
  });
});

describe('mirror to a local folder that folds names', () => {
  it('compares folded names and copies only one of two names that differ by case', async () => {
    const src = join(folder, 'src');
    const dst = join(folder, 'dst');
    await mkdir(src);
    await mkdir(dst);
    await writeFile(join(src, 'Readme.txt'), 'a');
    await writeFile(join(src, 'README.txt'), 'b');
    await writeFile(join(src, 'notes.md'), 'n');
    await utimes(join(src, 'notes.md'), new Date('2020-01-01'), new Date('2020-01-01'));
    await writeFile(join(dst, 'NOTES.MD'), 'n');

    const dry = await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    expect(dry.code, dry.err).toBe(0);
    const lines = dry.out.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^get readme\.txt$/i);
    expect(dry.err).toContain('differs only by case');
  });
});
