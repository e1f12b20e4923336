import { describe, it, expect } from 'vitest';
import { FerryError } from '../../../shared/errors.js';
import { defaultPort, parseFerryUrl, redactUrl, URL_SCHEMES } from '../../../shared/url.js';

/** Runs `fn`, expecting a FerryError; returns it so the test can look at code and message. */
function failure(fn: () => unknown): FerryError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FerryError) return error;
    throw new Error(`expected a FerryError, got ${String(error)}`, { cause: error });
  }
  throw new Error('expected parseFerryUrl to throw');
}

function expectInvalid(url: string, ...keywords: string[]): FerryError {
  const error = failure(() => parseFerryUrl(url));
  expect(error.code).toBe('INVALID_INPUT');
  expect(error.retryable).toBe(false);
  expect(error.message).toMatch(/^Invalid URL "/);
  for (const keyword of keywords) expect(error.message).toContain(keyword);
  return error;
}

describe('parseFerryUrl: schemes and default ports', () => {
  it.each([
    ['ftp', 'ftp', 'none', 21],
    ['ftpes', 'ftp', 'explicit', 21],
    ['ftps', 'ftp', 'implicit', 990],
    ['sftp', 'sftp', 'none', 22],
    ['tftp', 'tftp', 'none', 69],
  ] as const)('%s:// → protocol %s, tls %s, port %i', (scheme, protocol, tls, port) => {
    expect(parseFerryUrl(`${scheme}://example.com/dir/file.bin`)).toEqual({
      scheme,
      protocol,
      tls,
      host: 'example.com',
      port,
      path: '/dir/file.bin',
    });
    expect(defaultPort(scheme)).toBe(port);
  });

  it('knows exactly the six documented schemes', () => {
    expect([...URL_SCHEMES]).toEqual(['ftp', 'ftpes', 'ftps', 'sftp', 'tftp', 'file']);
    expect(defaultPort('file')).toBe(0);
  });

  it('accepts the scheme and host in any case and lower-cases them', () => {
    const url = parseFerryUrl('SFTP://Example.COM/Path');
    expect(url.scheme).toBe('sftp');
    expect(url.host).toBe('example.com');
    // The path is case-sensitive on the server and must stay as written.
    expect(url.path).toBe('/Path');
  });

  it('has an empty path when none is given, and no user or password keys', () => {
    const url = parseFerryUrl('ftp://host');
    expect(url.path).toBe('');
    expect(url.port).toBe(21);
    expect('user' in url).toBe(false);
    expect('password' in url).toBe(false);
  });

  it('ignores surrounding whitespace', () => {
    expect(parseFerryUrl('  sftp://host/x \n').path).toBe('/x');
  });
});

describe('parseFerryUrl: user, password and port', () => {
  it('reads user, password and an explicit port', () => {
    expect(parseFerryUrl('ftps://alice:s3cret@files.example.org:2121/pub')).toEqual({
      scheme: 'ftps',
      protocol: 'ftp',
      tls: 'implicit',
      host: 'files.example.org',
      port: 2121,
      user: 'alice',
      password: 's3cret',
      path: '/pub',
    });
  });

  it('reads a user without a password', () => {
    const url = parseFerryUrl('sftp://bob@host/');
    expect(url.user).toBe('bob');
    expect(url.password).toBeUndefined();
    expect('password' in url).toBe(false);
  });

  it('keeps an empty password as an empty string', () => {
    const url = parseFerryUrl('ftp://bob:@host/');
    expect(url.user).toBe('bob');
    expect(url.password).toBe('');
  });

  it('percent-decodes the user, the password and the path', () => {
    const url = parseFerryUrl('ftp://us%65r%40corp:p%40ss%3Aw%2Frd@host/my%20folder/%C3%A9t%C3%A9.txt');
    expect(url.user).toBe('user@corp');
    expect(url.password).toBe('p@ss:w/rd');
    expect(url.path).toBe('/my folder/été.txt');
  });

  it('takes the last "@" as the end of the user info, so an unencoded "@" in a password works', () => {
    const url = parseFerryUrl('sftp://admin:p@ss@w0rd@10.0.0.5:2222/etc');
    expect(url.user).toBe('admin');
    expect(url.password).toBe('p@ss@w0rd');
    expect(url.host).toBe('10.0.0.5');
    expect(url.port).toBe(2222);
    expect(url.path).toBe('/etc');
  });

  it('splits user and password at the first ":" so a password may hold colons', () => {
    const url = parseFerryUrl('ftp://u:a:b:c@host/');
    expect(url.user).toBe('u');
    expect(url.password).toBe('a:b:c');
  });

  it('accepts ports 1 and 65535 and leading zeros', () => {
    expect(parseFerryUrl('ftp://h:1/').port).toBe(1);
    expect(parseFerryUrl('ftp://h:65535/').port).toBe(65535);
    expect(parseFerryUrl('ftp://h:0021/').port).toBe(21);
  });

  it('reads a bracketed IPv6 address with a port', () => {
    const url = parseFerryUrl('sftp://[::1]:2222/x');
    expect(url.host).toBe('::1');
    expect(url.port).toBe(2222);
    expect(url.path).toBe('/x');
  });

  it('reads a bracketed IPv6 address without a port, lower-cased, with user info', () => {
    const url = parseFerryUrl('ftp://me@[FE80::A:1]/');
    expect(url.host).toBe('fe80::a:1');
    expect(url.port).toBe(21);
    expect(url.user).toBe('me');
  });

  it('reads an IPv4-mapped IPv6 address', () => {
    expect(parseFerryUrl('tftp://[::ffff:127.0.0.1]:6969/boot.img').host).toBe('::ffff:127.0.0.1');
  });
});

describe('parseFerryUrl: file URLs', () => {
  it('reads file:///abs with percent-decoding', () => {
    expect(parseFerryUrl('file:///tmp/a%20b')).toEqual({
      scheme: 'file',
      protocol: 'file',
      tls: 'none',
      host: '',
      port: 0,
      path: '/tmp/a b',
    });
  });

  it('accepts localhost as the host, in any case', () => {
    expect(parseFerryUrl('file://localhost/x').path).toBe('/x');
    expect(parseFerryUrl('file://LOCALHOST/x/y').path).toBe('/x/y');
  });

  it('accepts the one-slash form file:/abs', () => {
    expect(parseFerryUrl('file:/var/log').path).toBe('/var/log');
  });

  it('treats file:// alone as the root', () => {
    expect(parseFerryUrl('file://').path).toBe('/');
    expect(parseFerryUrl('file:///').path).toBe('/');
  });

  it('turns file:///C:/Users into a Windows path', () => {
    expect(parseFerryUrl('file:///C:/Users').path).toBe('C:/Users');
    expect(parseFerryUrl('file:///d:/').path).toBe('d:/');
    // Not a drive letter: stays a POSIX path.
    expect(parseFerryUrl('file:///CD:/x').path).toBe('/CD:/x');
  });

  it('refuses another host', () => {
    expectInvalid('file://otherhost/x', 'otherhost', 'not this machine');
  });

  it('refuses a relative path', () => {
    expectInvalid('file:relative/path', 'absolute path');
  });

  it('refuses control characters in the path', () => {
    expectInvalid('file:///tmp/a%0Ab', 'path', 'control character');
  });

  it('refuses broken percent-encoding in the path', () => {
    expectInvalid('file:///tmp/%E0%A4%A', 'path', 'broken percent-encoding');
  });

  it('refuses a query or fragment instead of taking it as part of the name', () => {
    expectInvalid('file:///tmp/a?b=1', 'queries');
    expectInvalid('file:///tmp/a#frag', 'fragments');
    // Encoded, the same characters are names and are fine.
    expect(parseFerryUrl('file:///tmp/a%3Fb%23c').path).toBe('/tmp/a?b#c');
  });
});

describe('parseFerryUrl: errors', () => {
  it('refuses an unknown scheme and lists the known ones', () => {
    const error = expectInvalid('http://example.com/', 'unknown scheme "http:"');
    for (const scheme of URL_SCHEMES) expect(error.message).toContain(`${scheme}://`);
  });

  it('refuses text without a scheme', () => {
    expectInvalid('example.com/path', 'scheme');
    expectInvalid('', 'scheme');
    expectInvalid('/tmp/x', 'scheme');
  });

  it('refuses a missing "//"', () => {
    expectInvalid('ftp:host/path', 'expected "//" after "ftp:"');
    expectInvalid('sftp:/host', '"//"');
  });

  it.each(['ftp:///path', 'ftp://', 'sftp://user@/x', 'ftp://:21/x', 'sftp://user:pw@:22/'])(
    'refuses an empty host in %s',
    (url) => {
      expectInvalid(url, 'host is missing');
    },
  );

  it.each(['ftp://ho st/', 'ftp://host!/', 'ftp://ho%73t/', 'sftp://host_a$/x', 'ftp://例え.jp/'])(
    'refuses bad host characters in %s',
    (url) => {
      expectInvalid(url, 'not a valid host name');
    },
  );

  it.each([
    ['ftp://host:0/', 'port 0 is out of range'],
    ['ftp://host:65536/', 'port 65536 is out of range'],
    ['ftp://host:99999/', 'port 99999 is out of range'],
    ['ftp://host:123456/', 'the port is not a number'],
    ['ftp://host:abc/', 'the port is not a number'],
    ['ftp://host:-1/', 'the port is not a number'],
    ['ftp://host:/', 'the port is not a number'],
    ['ftp://host:21:22/', 'the port is not a number'],
    ['sftp://[::1]:x/', 'the port is not a number'],
  ])('refuses the port in %s', (url, message) => {
    expectInvalid(url, message);
  });

  it.each([' sftp://me:Sup3rSecret@127.0.0.2:99999', 'sftp://deploy:Sup3r/Secret@127.0.0.2/srv'])(
    'never shows the password of %j in its error',
    (url) => {
      let message = '';
      try {
        parseFerryUrl(url);
      } catch (error) {
        message = error instanceof Error ? error.message : String(error);
      }
      expect(message).toMatch(/^Invalid URL/);
      expect(message).not.toContain('Sup3r');
      expect(message).not.toContain('Secret');
    },
  );

  it('refuses an unclosed IPv6 bracket', () => {
    expectInvalid('sftp://[::1/x', 'missing its closing "]"');
    expectInvalid('sftp://[::1:22', 'missing its closing "]"');
  });

  it('refuses a bracketed host that is not IPv6', () => {
    expectInvalid('sftp://[example.com]/', 'is not an IPv6 address');
    expectInvalid('sftp://[127.0.0.1]/', 'is not an IPv6 address');
    expectInvalid('sftp://[]/', 'is not an IPv6 address');
  });

  it('refuses text between a bracketed host and the port', () => {
    expectInvalid('sftp://[::1]x:22/', 'unexpected "x:22" after the host');
  });

  it('refuses broken percent-encoding, naming the part', () => {
    expectInvalid('ftp://host/a%zz', 'path has a broken percent-encoding');
    expectInvalid('ftp://host/a%', 'path has a broken percent-encoding');
    expectInvalid('ftp://us%er@host/', 'user name has a broken percent-encoding');
    expectInvalid('ftp://user:pa%4@host/', 'password has a broken percent-encoding');
  });

  it('refuses control characters that could inject protocol commands', () => {
    expectInvalid('ftp://host/a%0d%0aDELE%20x', 'path contains a control character');
    expectInvalid('ftp://host/a%00b', 'path contains a control character');
    expectInvalid('ftp://host/a%7Fb', 'path contains a control character');
    expectInvalid('ftp://bob%0d%0aPASS@host/', 'user name contains a control character');
    expectInvalid('ftp://bob:x%0aSITE@host/', 'password contains a control character');
    // Raw (unencoded) control characters are refused too.
    expectInvalid('ftp://host/a\r\nDELE x', 'control character');
  });

  it('refuses an empty user name before "@"', () => {
    expectInvalid('ftp://@host/', 'user name before "@" is empty');
    expectInvalid('ftp://:pw@host/', 'user name before "@" is empty');
  });

  it('refuses queries and fragments', () => {
    expectInvalid('ftp://host/path?x=1', 'queries and fragments are not supported');
    expectInvalid('ftp://host?x=1', 'queries and fragments are not supported');
    expectInvalid('sftp://host/a#b', 'queries and fragments are not supported');
    expectInvalid('tftp://host/dir/boot.img?blksize=1468', 'queries and fragments are not supported');
    // Percent-encoded, "?" and "#" are ordinary characters of a name.
    expect(parseFerryUrl('ftp://host/a%3Fb%23c').path).toBe('/a?b#c');
  });

  it('never shows the password in an error message', () => {
    const error = expectInvalid('ftp://bob:hunter2@host:0/', 'out of range');
    expect(error.message).not.toContain('hunter2');
    expect(error.message).toContain('ftp://bob:***@host:0/');
  });
});

describe('redactUrl', () => {
  it('hides the password and keeps everything else', () => {
    expect(redactUrl('sftp://alice:s3cret@host:22/path')).toBe('sftp://alice:***@host:22/path');
  });

  it('hides a password that contains "@"', () => {
    const redacted = redactUrl('ftp://admin:p@ss@w0rd@host/x');
    expect(redacted).toBe('ftp://admin:***@host/x');
    expect(redacted).not.toContain('w0rd');
  });

  it('hides a password that contains "/"', () => {
    const redacted = redactUrl('ftp://u:pa/ss@host/dir');
    expect(redacted).toBe('ftp://u:***@host/dir');
    expect(redacted).not.toContain('ss@');
  });

  it('leaves a URL without a password alone', () => {
    expect(redactUrl('ftp://bob@host/x')).toBe('ftp://bob@host/x');
    expect(redactUrl('sftp://[::1]:2222/x')).toBe('sftp://[::1]:2222/x');
    expect(redactUrl('ftp://host/a:b@c')).toBe('ftp://host/a:b@c');
    expect(redactUrl('file:///tmp/x')).toBe('file:///tmp/x');
  });
});
