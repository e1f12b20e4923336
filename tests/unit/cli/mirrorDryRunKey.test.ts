import { describe, expect, it } from 'vitest';
import { dryRunKey } from '../../../electron/cli/mirror/dryRuns.js';
import { parseFerryUrl } from '../../../shared/url.js';

describe('dryRunKey', () => {
  it('names both resolved ends and the server without its password', () => {
    const key = dryRunKey({
      download: true,
      localRoot: '/home/me/www',
      url: parseFerryUrl('sftp://me:hunter2@127.0.0.1:2222/~/www'),
      remoteRoot: '/home/me/www',
    });
    expect(key).not.toContain('hunter2');
    expect(key).toContain('sftp://me@127.0.0.1:2222/home/me/www');
    expect(key).toContain('/home/me/www');
    const upload = dryRunKey({
      download: false,
      localRoot: '/home/me/www',
      url: parseFerryUrl('sftp://me:other@127.0.0.1:2222/home/me/www'),
      remoteRoot: '/home/me/www',
    });
    expect(upload).not.toBe(key);
  });
});
