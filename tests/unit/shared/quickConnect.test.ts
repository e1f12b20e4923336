import { describe, expect, it } from 'vitest';
import { quickConnectTarget, type QuickConnectForm } from '../../../shared/quickConnect.js';

const form = (overrides: Partial<QuickConnectForm>): QuickConnectForm => ({
  scheme: 'ftp',
  host: 'example.org',
  port: '',
  user: '',
  password: '',
  ...overrides,
});

describe('quickConnectTarget', () => {
  it.each([
    [{}, 'ftp://example.org'],
    [{ scheme: 'ftpes', port: '2121', user: 'deploy' }, 'ftpes://deploy@example.org:2121'],
    [{ scheme: 'ftps', port: '990' }, 'ftps://example.org'],
    [{ scheme: 'sftp', user: 'a b@c' }, 'sftp://a%20b%40c@example.org'],
    [{ scheme: 'tftp', host: ' 192.0.2.1 ', port: '6969' }, 'tftp://192.0.2.1:6969'],
    [{ host: '::1', port: '2121' }, 'ftp://[::1]:2121'],
    [{ host: 'sftp://root@example.org:2222', port: '21', user: 'other' }, 'sftp://root@example.org:2222'],
    [{ host: 'ftpes://example.org', port: '2121', user: 'me' }, 'ftpes://me@example.org:2121'],
    [{ host: '127.0.0.1:2121' }, 'ftp://127.0.0.1:2121'],
    [{ scheme: 'sftp', host: 'example.org:2222', port: '22' }, 'sftp://example.org:2222'],
    [{ host: '[::1]:2121', user: 'me' }, 'ftp://me@[::1]:2121'],
    [{ host: 'fe80::1' }, 'ftp://[fe80::1]'],
  ] as const)('builds %j as %s', (fields, url) => {
    expect(quickConnectTarget(form(fields)).url).toBe(url);
  });

  it('keeps the password out of the URL', () => {
    expect(quickConnectTarget(form({ password: 'p@ss:word' }))).toEqual({
      url: 'ftp://example.org',
      scheme: 'ftp',
      password: 'p@ss:word',
    });
    expect(quickConnectTarget(form({ host: 'ftp://u:secret@example.org' }))).toEqual({
      url: 'ftp://u@example.org',
      scheme: 'ftp',
      password: 'secret',
    });
  });

  it.each([
    [{ host: '' }, 'Enter a host'],
    [{ port: '0' }, 'not a number from 1 to 65535'],
    [{ port: '70000' }, 'not a number from 1 to 65535'],
    [{ port: '21a' }, 'not a number from 1 to 65535'],
    [{ host: 'exa mple.org' }, 'not a valid host name'],
    [{ host: 'file:///etc' }, 'local pane'],
    [{ host: 'gopher://example.org' }, 'unknown scheme'],
    [{ host: 'ftp://example.org/pub' }, 'browse to folders'],
    [{ user: 'a\r\nDELE x' }, 'control character'],
    [{ host: 'ftp://[127.0.0.1:2121]' }, 'not an IPv6 address'],
    [{ host: 'example.org:port' }, 'not a number from 1 to 65535'],
  ] as const)('refuses %j', (fields, words) => {
    expect(() => quickConnectTarget(form(fields))).toThrow(words);
  });
});
