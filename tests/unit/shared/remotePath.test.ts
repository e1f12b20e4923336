import { describe, expect, it } from 'vitest';
import { resolveRemote } from '../../../shared/remotePath.js';

describe('resolveRemote', () => {
  it.each([
    ['/srv/www', 'img', '/srv/www/img'],
    ['/srv/www', '/etc', '/etc'],
    ['/srv/www', '..', '/srv'],
    ['/srv/www', '../../../..', '/'],
    ['/srv/www', './a//b/./../c/', '/srv/www/a/c'],
    ['/', '', '/'],
    ['home', 'x', '/home/x'],
  ])('from %s, %s is %s', (current, typed, resolved) => {
    expect(resolveRemote(current, typed)).toBe(resolved);
  });
});
