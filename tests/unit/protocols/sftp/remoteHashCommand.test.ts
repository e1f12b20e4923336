import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import {
  hashCommandLine,
  parseHashOutput,
  shellQuote,
} from '../../../../electron/core/protocols/sftp/remoteHashCommand.js';

describe('shellQuote', () => {
  const nasty = ["it's", '$(touch /tmp/x)', '`id`', 'a b\tc', 'line\nbreak', '-rf', '"q"', '\\', "''", '*?[a]', ';&|'];

  it.each(nasty)('keeps %j literal through real shells', (word) => {
    for (const shell of ['sh', 'bash']) {
      expect(execFileSync(shell, ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' }), shell).toBe(word);
    }
  });

  it.each(nasty)('leaves no backslash inside single quotes for %j, where fish would read an escape', (word) => {
    // Only 'quoted runs' without a backslash, and \' or \\ between them.
    const quoted = shellQuote(word);
    expect(quoted).toMatch(/^(?:'[^'\\]*'|\\['\\])+$/);
  });

  it('refuses NUL, which no command line can carry', () => {
    expect(() => shellQuote('a\0b')).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('puts -- before the path so a leading dash is not an option', () => {
    expect(hashCommandLine('sha256', '-x')).toBe("sha256sum -- '-x'");
  });

  it('has no command for algorithms coreutils lacks', () => {
    expect(() => hashCommandLine('crc32', '/x')).toThrow(expect.objectContaining({ code: 'UNSUPPORTED' }));
  });
});

describe('parseHashOutput', () => {
  const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it('reads the digest of a normal and an escaped name', () => {
    expect(parseHashOutput(`${sha256}  /srv/file\n`, 'sha256')).toBe(sha256);
    expect(parseHashOutput(`\\${sha256}  /srv/a\\nb\n`, 'sha256')).toBe(sha256);
    expect(parseHashOutput(`${sha256.toUpperCase()} */srv/binary\n`, 'sha256')).toBe(sha256);
  });

  it.each([
    ['empty output', ''],
    ['a digest of the wrong length', 'abc  /x\n'],
    ['two lines', `${sha256}  /x\n${sha256}  /y\n`],
    ['a banner before the digest', `Welcome!\n${sha256}  /x\n`],
    ['a digest glued to the name', `${sha256}/x\n`],
  ])('refuses %s', (_what, output) => {
    expect(() => parseHashOutput(output, 'sha256')).toThrow(expect.objectContaining({ code: 'PROTOCOL' }));
  });
});
