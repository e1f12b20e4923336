import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ferry,
  makeTree,
  serverUrl,
  tempFolder,
  treeHashes,
  trustFor,
  user,
  type QueueProtocol,
} from './queueFixtures.js';

// 2000 small files up and back down over each protocol, through the queue
// with four connections: the many-small-files case web developers live in.
const COUNT = 2000;
let local: string;
let home: string;
let source: string;
let expected: Map<string, string>;

beforeAll(async () => {
  local = await tempFolder('many');
  home = join(local, 'home');
  source = join(local, 'site');
  await makeTree(source, COUNT, 4096, 20);
  expected = await treeHashes(source);
}, 120_000);

afterAll(async () => {
  await rm(local, { recursive: true, force: true });
});

describe.each<QueueProtocol>(['ftp', 'ftpes', 'sftp'])('2000 files over %s', (protocol) => {
  const remoteFolder = join(user.home, `queue-many-${protocol}`);

  afterAll(async () => {
    await rm(remoteFolder, { recursive: true, force: true });
  });

  it('uploads a tree with put -r and downloads it back with get -r, byte-identical', async () => {
    const up = await ferry(
      home,
      'put',
      '-r',
      '-P',
      '4',
      '--json',
      ...trustFor(protocol),
      source,
      `${serverUrl(protocol, remoteFolder)}/`,
    );
    expect(up.err).toBe('');
    expect(up.code).toBe(0);
    expect(JSON.parse(up.out)).toMatchObject({ files: COUNT, bytes: COUNT * 4096, failed: 0 });
    // The server's copy, read straight from its disk.
    expect(await treeHashes(join(remoteFolder, 'site'))).toEqual(expected);

    const back = join(local, `back-${protocol}`);
    const down = await ferry(
      home,
      'get',
      '-r',
      '-P',
      '4',
      '--json',
      ...trustFor(protocol),
      serverUrl(protocol, join(remoteFolder, 'site')),
      back,
    );
    expect(down.code).toBe(0);
    expect(JSON.parse(down.out)).toMatchObject({ files: COUNT, failed: 0 });
    expect(await treeHashes(back)).toEqual(expected);
  }, 300_000);
});
