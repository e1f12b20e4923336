import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PinnedCertificates } from '../../../../electron/core/trust/pinnedCertificates.js';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-pins-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

describe('PinnedCertificates', () => {
  it('pins per host and port, survives a new instance, and is private to the user', async () => {
    const pins = new PinnedCertificates(folder);
    expect(await pins.lookup('ftp.example.org', 21)).toBeUndefined();
    await Promise.all([pins.pin('ftp.example.org', 21, 'AA:BB'), pins.pin('::1', 990, 'CC:DD')]);
    const again = new PinnedCertificates(folder);
    expect(await again.lookup('ftp.example.org', 21)).toBe('AA:BB');
    expect(await again.lookup('ftp.example.org', 990)).toBeUndefined();
    expect(await again.lookup('::1', 990)).toBe('CC:DD');
    await again.pin('ftp.example.org', 21, 'EE:FF');
    expect(await pins.lookup('ftp.example.org', 21)).toBe('EE:FF');
    const file = join(folder, 'trusted-certificates.json');
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ version: 1 });
  });

  it('trusts nothing from a damaged file, and replaces it on the next pin', async () => {
    await writeFile(join(folder, 'trusted-certificates.json'), '{"version":1,"certificates":{"h:21":');
    const pins = new PinnedCertificates(folder);
    expect(await pins.lookup('h', 21)).toBeUndefined();
    await pins.pin('h', 21, 'AA');
    expect(await pins.lookup('h', 21)).toBe('AA');
  });

  it('reports a save that fails, and still saves later', async () => {
    const pins = new PinnedCertificates(join(folder, 'missing'));
    await expect(pins.pin('h', 21, 'AA')).rejects.toMatchObject({ code: 'LOCAL_IO' });
    const working = new PinnedCertificates(folder);
    await working.pin('h', 21, 'BB');
    expect(await working.lookup('h', 21)).toBe('BB');
  });
});
