import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  close,
  fstat,
  LocalCallGate,
  localCalls,
  lstat,
  open,
  readRange,
  rename,
  stat,
  utimes,
} from '../../../electron/core/local/quickFs.js';

let folder: string;

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'ferry-quick-fs-'));
});

afterEach(() => {
  vi.restoreAllMocks();
  rmSync(folder, { recursive: true, force: true });
});

/** Makes performance.now() advance by `step` ms on every call, from `start`. */
function clockStepping(start: number, step: number): void {
  let now = start;
  vi.spyOn(performance, 'now').mockImplementation(() => (now += step));
}

describe('LocalCallGate', () => {
  it('runs calls here while they are quick', () => {
    const gate = new LocalCallGate();
    expect(gate.time(() => 42)).toBe(42);
    expect(gate.inline).toBe(true);
  });

  it('sends calls to the thread pool for 30 s after a slow one, then tries here again', () => {
    const gate = new LocalCallGate();
    clockStepping(1000, 25);
    gate.time(() => undefined);
    vi.restoreAllMocks();
    const slowEnded = 1050;
    vi.spyOn(performance, 'now').mockReturnValue(slowEnded + 29_999);
    expect(gate.inline).toBe(false);
    vi.spyOn(performance, 'now').mockReturnValue(slowEnded + 30_000);
    expect(gate.inline).toBe(true);
  });

  it('stays on the pool while calls made there are slow too', () => {
    const gate = new LocalCallGate();
    let clock = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => clock);
    gate.time(() => (clock += 25));
    // 29 s later a pooled call takes 30 ms: another 30 s on the pool from its end.
    clock += 29_000;
    const began = clock;
    clock += 30;
    gate.took(began);
    clock += 29_999;
    expect(gate.inline).toBe(false);
    clock += 1;
    expect(gate.inline).toBe(true);
  });

  it('counts a call that throws, and passes its error on', () => {
    const gate = new LocalCallGate();
    clockStepping(0, 50);
    expect(() =>
      gate.time(() => {
        throw new Error('disk gone');
      }),
    ).toThrow('disk gone');
    expect(gate.inline).toBe(false);
  });
});

describe('quickFs calls', () => {
  /** Runs the same checks with calls made here and, after a slow call, on the thread pool. */
  for (const where of ['on this thread', 'on the thread pool'] as const) {
    describe(where, () => {
      beforeEach(() => {
        if (where === 'on this thread') expect(localCalls.inline).toBe(true);
        if (where === 'on the thread pool') {
          clockStepping(performance.now(), 50);
          localCalls.time(() => undefined);
          vi.restoreAllMocks();
          expect(localCalls.inline).toBe(false);
        }
      });

      it('opens, stats, closes, timestamps and renames like node:fs', async () => {
        const path = join(folder, 'a.txt');
        writeFileSync(path, 'hello');
        const fd = await open(path, constants.O_RDONLY);
        expect((await fstat(fd)).size).toBe(5);
        await close(fd);
        const when = new Date('2020-01-02T03:04:05Z');
        await utimes(path, when, when);
        expect((await stat(path)).mtimeMs).toBe(when.getTime());
        expect((await lstat(path)).isFile()).toBe(true);
        await rename(path, join(folder, 'b.txt'));
        expect(existsSync(path)).toBe(false);
        expect(readFileSync(join(folder, 'b.txt'), 'utf8')).toBe('hello');
      });

      it('creates files exclusively', async () => {
        const path = join(folder, 'new.bin');
        const fd = await open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL, 0o600);
        await close(fd);
        expect(statSync(path).mode & 0o777).toBe(0o600);
        await expect(open(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL)).rejects.toMatchObject({
          code: 'EEXIST',
        });
      });

      it('reads a range of a file, and less where the file ends first', async () => {
        const path = join(folder, 'range.bin');
        writeFileSync(path, 'abcdefghij');
        expect((await readRange(path, 2, 5)).toString()).toBe('cdefg');
        expect((await readRange(path, 8, 5)).toString()).toBe('ij');
        expect((await readRange(path, 0, 0)).length).toBe(0);
        await expect(readRange(join(folder, 'missing'), 0, 1)).rejects.toMatchObject({ code: 'ENOENT' });
      });

      it('rejects with the errors node:fs gives, never throws', async () => {
        const missing = join(folder, 'missing');
        const failing = stat(missing);
        await expect(failing).rejects.toMatchObject({ code: 'ENOENT', syscall: 'stat', path: missing });
        await expect(rename(missing, join(folder, 'x'))).rejects.toMatchObject({ code: 'ENOENT' });
        await expect(close(987_654)).rejects.toMatchObject({ code: 'EBADF' });
      });
    });
  }
});
