import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliRun } from '../../cliRun.js';

// Failures the test user (often root) cannot provoke with permissions:
// listing or removing a path named in these sets fails as EACCES would.
const refuse = vi.hoisted(() => ({ listing: new Set<string>(), removal: new Set<string>() }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const denied = (path: unknown, set: Set<string>, call: string): void => {
    if (set.has(String(path))) {
      throw Object.assign(new Error(`EACCES: permission denied, ${call} '${String(path)}'`), { code: 'EACCES' });
    }
  };
  return {
    ...actual,
    readdir: ((path: string, ...rest: unknown[]) => {
      denied(path, refuse.listing, 'scandir');
      return (actual.readdir as (...args: unknown[]) => unknown)(path, ...rest);
    }) as typeof actual.readdir,
    rmdir: async (path: string) => {
      denied(path, refuse.removal, 'rmdir');
      return actual.rmdir(path);
    },
    unlink: async (path: string) => {
      denied(path, refuse.removal, 'unlink');
      return actual.unlink(path);
    },
    rm: async (path: string, options?: Parameters<typeof actual.rm>[1]) => {
      denied(path, refuse.removal, 'rm');
      return actual.rm(path, options);
    },
  };
});

const { runCli } = await import('../../../electron/cli/run.js');
const { runFerry } = await import('../../cliRun.js');

let folder: string;
let home: string;
let src: string;
let dst: string;

function ferry(...args: string[]): Promise<CliRun> {
  return runFerry(args, { FERRY_HOME: home });
}

/** Every file and link under `root`, relative, sorted. */
async function filesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  const visit = async (relative: string): Promise<void> => {
    for (const name of await readdir(join(root, relative))) {
      const path = relative === '' ? name : `${relative}/${name}`;
      if ((await lstat(join(root, path))).isDirectory()) await visit(path);
      else found.push(path);
    }
  };
  await visit('');
  return found.sort();
}

/** Writes the same file on both sides, older at the source, so nothing needs copying. */
async function both(path: string, content: string): Promise<void> {
  for (const side of [src, dst]) {
    await mkdir(join(side, path, '..'), { recursive: true });
    await writeFile(join(side, path), content);
  }
  const old = new Date('2020-01-01T00:00:00Z');
  await utimes(join(src, path), old, old);
}

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-mirror-safety-'));
  home = join(folder, 'home');
  src = join(folder, 'src');
  dst = join(folder, 'dst');
  await mkdir(src);
  await mkdir(dst);
  refuse.listing.clear();
  refuse.removal.clear();
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('mirror --delete keeps what the source walk could not see', () => {
  it('keeps names refused as unsafe locally (Windows-reserved, ":", a trailing dot)', async () => {
    for (const path of ['aux.c', 'todo: later.txt', 'Backup 2020./img1.jpg', 'ok.txt']) await both(path, path);
    await writeFile(join(dst, 'stale.txt'), 'gone at the source');
    const dry = await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    expect(dry.out).toBe('delete stale.txt\n');
    const run = await ferry('mirror', '--delete', `file://${src}`, dst);
    expect(run.code, run.err).toBe(0);
    expect(await filesUnder(dst)).toEqual(['Backup 2020./img1.jpg', 'aux.c', 'ok.txt', 'todo: later.txt']);
  });

  it('fails, deleting nothing, when a source folder cannot be read', async () => {
    await both('reports/q1.xlsx', 'q1');
    await both('index.txt', 'index');
    await writeFile(join(dst, 'stale.txt'), 'gone at the source');
    refuse.listing.add(join(src, 'reports'));
    const dry = await ferry('mirror', '--delete', '-n', src, `file://${dst}`);
    expect(dry.code).toBe(7);
    expect(dry.err).toContain('permission denied');
    const run = await ferry('mirror', '--delete', src, `file://${dst}`);
    expect(run.code).not.toBe(0);
    expect(await filesUnder(dst)).toEqual(['index.txt', 'reports/q1.xlsx', 'stale.txt']);
  });

  it('uploads links to files, as put -r does, and keeps what a folder link stands for', async () => {
    await writeFile(join(folder, 'NOTES.md'), 'release notes');
    await symlink(join(folder, 'NOTES.md'), join(src, 'NOTES.md'));
    await mkdir(join(folder, 'real-assets'));
    await symlink(join(folder, 'real-assets'), join(src, 'assets'));
    await mkdir(join(dst, 'assets'));
    await writeFile(join(dst, 'assets', 'logo.png'), 'logo');
    const dry = await ferry('mirror', '--delete', '-n', src, `file://${dst}`);
    expect(dry.out).toBe('put NOTES.md\n');
    const run = await ferry('mirror', '--delete', src, `file://${dst}`);
    expect(run.code, run.err).toBe(0);
    expect(await readFile(join(dst, 'NOTES.md'), 'utf8')).toBe('release notes');
    expect(await filesUnder(dst)).toEqual(['NOTES.md', 'assets/logo.png']);
  });

  it('keeps the destination folder a source folder link names, downloading too', async () => {
    await both('real-assets/logo.png', 'logo');
    await symlink('real-assets', join(src, 'assets'));
    await mkdir(join(dst, 'assets'));
    await writeFile(join(dst, 'assets', 'logo.png'), 'logo');
    const dry = await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    expect(dry.out).toBe('');
  });

  it('uploads names Windows refuses once, not on every run', async () => {
    await writeFile(join(src, 'aux.c'), 'x');
    await writeFile(join(src, 'a:b.txt'), 'y');
    expect((await ferry('mirror', src, `file://${dst}`)).code).toBe(0);
    expect((await ferry('mirror', '-n', src, `file://${dst}`)).out).toBe('');
  });
});

describe('mirror and unfinished transfers (.ferrypart)', () => {
  it('copies neither a source partial nor deletes a destination one, and the file arrives whole', async () => {
    await writeFile(join(src, 'disk.img'), Buffer.alloc(300_000, 7));
    await writeFile(join(src, 'disk.img.ferrypart'), 'half-written leftover');
    await writeFile(join(dst, 'other.bin.ferrypart'), 'an interrupted download of ours');
    const dry = await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    expect(dry.out).toBe('get disk.img\n');
    const run = await ferry('mirror', '--delete', '--parallel', '2', `file://${src}`, dst);
    expect(run.code, run.err).toBe(0);
    expect(await filesUnder(dst)).toEqual(['disk.img', 'other.bin.ferrypart']);
    expect((await readFile(join(dst, 'disk.img'))).equals(Buffer.alloc(300_000, 7))).toBe(true);
  });
});

describe('mirror never downloads through a link in the destination', () => {
  it('refuses a folder link, leaving what it points at alone, and says so', async () => {
    await mkdir(join(src, 'config'));
    await writeFile(join(src, 'config', 'settings.ini'), 'server copy');
    await writeFile(join(src, 'plain.txt'), 'plain');
    const elsewhere = join(folder, 'elsewhere');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'settings.ini'), 'the user’s own settings');
    await symlink(elsewhere, join(dst, 'config'));

    const dry = await ferry('mirror', '-n', `file://${src}`, dst);
    expect(dry.code).not.toBe(0);
    expect(dry.out).toBe('get plain.txt\n');
    const run = await ferry('mirror', `file://${src}`, dst);
    expect(run.code).not.toBe(0);
    expect(run.err).toContain(`${join(dst, 'config')}: is a symbolic link`);
    expect(await readFile(join(elsewhere, 'settings.ini'), 'utf8')).toBe('the user’s own settings');
    expect(await readlink(join(dst, 'config'))).toBe(elsewhere);
    expect(await readFile(join(dst, 'plain.txt'), 'utf8')).toBe('plain');
  });

  it('refuses a link standing where a file would be written', async () => {
    await writeFile(join(src, 'hosts'), 'server copy');
    await writeFile(join(folder, 'precious'), 'precious');
    await symlink(join(folder, 'precious'), join(dst, 'hosts'));
    const run = await ferry('mirror', `file://${src}`, dst);
    expect(run.code).not.toBe(0);
    expect(await readFile(join(folder, 'precious'), 'utf8')).toBe('precious');
    expect((await lstat(join(dst, 'hosts'))).isSymbolicLink()).toBe(true);
  });
});

describe('mirror --delete stops at Ctrl-C', () => {
  it('deletes nothing more once the signal is aborted, and exits 130', async () => {
    for (let i = 0; i < 20; i++) await writeFile(join(dst, `old${String(i).padStart(2, '0')}.txt`), 'x');
    expect((await ferry('mirror', '--delete', '-n', `file://${src}`, dst)).code).toBe(0);
    const controller = new AbortController();
    let deletedAfterAbort = 0;
    const code = await runCli(
      ['mirror', '--delete', `file://${src}`, dst],
      {
        out: () => undefined,
        err: (text) => {
          if (!text.startsWith('deleted ')) return;
          if (controller.signal.aborted) deletedAfterAbort += 1;
          else controller.abort(); // Ctrl-C right after the first deletion
        },
      },
      { FERRY_HOME: home },
      controller.signal,
    );
    expect(deletedAfterAbort).toBe(0);
    expect(code).toBe(130);
    expect(await readdir(dst)).toHaveLength(19);
  });
});

describe('mirror dry-run records', () => {
  it('ties a dry run to the folder it resolved, not the path as typed', async () => {
    await writeFile(join(src, 'index.html'), 'page');
    for (const place of ['staging', 'production']) {
      await mkdir(join(folder, place, 'www'), { recursive: true });
      await writeFile(join(folder, place, 'www', 'old.html'), place);
    }
    const before = process.cwd();
    try {
      process.chdir(join(folder, 'staging'));
      expect((await ferry('mirror', '--delete', '-n', `file://${src}`, 'www')).out).toContain('delete old.html');
      process.chdir(join(folder, 'production'));
      const run = await ferry('mirror', '--delete', `file://${src}`, 'www');
      expect(run.code).toBe(2);
      expect(run.err).toContain('--dry-run');
    } finally {
      process.chdir(before);
    }
    expect(await readdir(join(folder, 'production', 'www'))).toContain('old.html');
  });

  it('uses a dry run up once', async () => {
    await writeFile(join(dst, 'stale.txt'), 'old');
    await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    expect((await ferry('mirror', '--delete', `file://${src}`, dst)).code).toBe(0);
    await writeFile(join(dst, 'stale.txt'), 'the same name again');
    const again = await ferry('mirror', '--delete', `file://${src}`, dst);
    expect(again.code).toBe(2);
    expect(await readdir(dst)).toEqual(['stale.txt']);
  });

  it('records the resolved folders, not the command line', async () => {
    await writeFile(join(dst, 'stale.txt'), 'old');
    await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    const stored = await readFile(join(home, 'mirror-dry-runs.json'), 'utf8');
    expect(stored).toContain(`file://${src}`);
    expect(stored).not.toContain(`file://${src} -> ${dst}`);
  });
});

describe('mirror reports everything it did and did not do', () => {
  it('goes on past a failed deletion, prints one summary and exits non-zero', async () => {
    await writeFile(join(src, 'new.txt'), 'new');
    await writeFile(join(dst, 'a_stale.txt'), 'x');
    await writeFile(join(dst, 'z_stale.txt'), 'x');
    await mkdir(join(dst, 'gone'));
    await writeFile(join(dst, 'gone', 'kept.txt'), 'x');
    refuse.removal.add(join(dst, 'gone', 'kept.txt'));
    await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    const run = await ferry('mirror', '--delete', `file://${src}`, dst);
    expect(run.code).toBe(7);
    expect(run.err).not.toContain('unexpected error');
    expect(run.err).toContain('1 file, ');
    expect(run.err).toContain(`ferry: gone/kept.txt: `);
    expect(run.err).toContain('deletions: 2 done, 1 failed, 1 skipped');
    expect(await filesUnder(dst)).toEqual(['gone/kept.txt', 'new.txt']);
  });

  it('says that deletions were skipped because a copy failed', async () => {
    await mkdir(join(src, 'config'));
    await writeFile(join(src, 'config', 'a.ini'), 'a');
    await mkdir(join(folder, 'elsewhere'));
    await symlink(join(folder, 'elsewhere'), join(dst, 'config'));
    await writeFile(join(dst, 'stale.txt'), 'old');
    await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    const run = await ferry('mirror', '--delete', '--json', `file://${src}`, dst);
    expect(run.code).not.toBe(0);
    expect(JSON.parse(run.out)).toMatchObject({ failed: 1, deletions: { done: 0, failed: 0, skipped: 1 } });
    expect(await readdir(dst)).toContain('stale.txt');
  });

  it('replaces a folder with a file (and back) with --delete, and refuses it plainly without', async () => {
    await writeFile(join(src, 'notes'), 'now a file');
    await mkdir(join(dst, 'notes'));
    await writeFile(join(dst, 'notes', '1.txt'), 'old');
    await mkdir(join(src, 'sub'));
    await writeFile(join(src, 'sub', 'f.txt'), 'y');
    await writeFile(join(dst, 'sub'), 'not a folder');
    const plain = await ferry('mirror', `file://${src}`, dst);
    expect(plain.code).toBe(7);
    expect(plain.err).not.toContain('unexpected error');
    expect(plain.err).toContain(`${join(dst, 'notes')}: is a folder at the destination but a file at the source`);
    expect(plain.err).toContain('--delete replaces it');
    expect(await filesUnder(dst)).toEqual(['notes/1.txt', 'sub']);

    const dry = await ferry('mirror', '--delete', '-n', `file://${src}`, dst);
    expect(dry.out.split('\n').filter(Boolean).sort()).toEqual([
      'delete notes',
      'delete notes/1.txt',
      'delete sub',
      'get notes',
      'get sub/f.txt',
    ]);
    const run = await ferry('mirror', '--delete', `file://${src}`, dst);
    expect(run.code, run.err).toBe(0);
    expect(await readFile(join(dst, 'notes'), 'utf8')).toBe('now a file');
    expect(await readFile(join(dst, 'sub', 'f.txt'), 'utf8')).toBe('y');
  });
});

describe('mirror refuses overlapping folders', () => {
  it('refuses a destination inside the source, and a source inside the destination', async () => {
    await writeFile(join(src, 'f.txt'), 'data');
    const inside = await ferry('mirror', `file://${src}`, join(src, 'backup'));
    expect(inside.code).toBe(2);
    expect(inside.err).toContain('overlap');
    expect(await readdir(src)).toEqual(['f.txt']);
    await mkdir(join(dst, 'child'));
    await writeFile(join(dst, 'child', 'only-copy.txt'), 'precious');
    const outside = await ferry('mirror', '--delete', '-n', `file://${join(dst, 'child')}`, dst);
    expect(outside.code).toBe(2);
    const viaLink = join(folder, 'alias');
    await symlink(src, viaLink);
    expect((await ferry('mirror', join(viaLink, 'sub'), `file://${src}`)).code).toBe(2);
  });
});
