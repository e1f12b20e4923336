import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { QueueStore } from '../../../../electron/core/transfers/queueStore.js';

function folder(): string {
  return mkdtempSync(join(tmpdir(), 'ferry-queue-store-'));
}

describe('QueueStore', () => {
  it('starts empty when there is no queue file, and saves one', async () => {
    const path = join(folder(), 'queue.json');
    const store = new QueueStore(path);
    expect(await store.load()).toEqual([]);
    await store.save([]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, jobs: [] });
  });

  it('sets a damaged queue file aside instead of trusting or overwriting it', async () => {
    const dir = folder();
    const path = join(dir, 'queue.json');
    writeFileSync(path, '{"version":1,"jobs":[{"broken"');
    const store = new QueueStore(path);
    expect(await store.load()).toEqual([]);
    const aside = readdirSync(dir).filter((name) => name.startsWith('queue.json.damaged-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0] ?? ''), 'utf8')).toBe('{"version":1,"jobs":[{"broken"');
  });

  it('sets a queue file it cannot read aside and says so, so the next save does not replace it', async () => {
    const dir = folder();
    const path = join(dir, 'queue.json');
    // Unreadable as a file (EISDIR): as a permission or disk error would be.
    mkdirSync(path);
    writeFileSync(join(path, 'marker'), 'kept');
    const errors: unknown[] = [];
    const store = new QueueStore(path, (error) => errors.push(error));
    expect(await store.load()).toEqual([]);
    expect(errors).toHaveLength(1);
    const aside = readdirSync(dir).filter((name) => name.startsWith('queue.json.unreadable-'));
    expect(aside).toHaveLength(1);
    expect(readFileSync(join(dir, aside[0] ?? '', 'marker'), 'utf8')).toBe('kept');
    await store.save([]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ version: 1, jobs: [] });
  });
});
