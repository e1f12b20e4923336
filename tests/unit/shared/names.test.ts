import { describe, it, expect } from 'vitest';
import {
  displayName,
  isAbsolutePath,
  isSafeName,
  joinPath,
  localParent,
  unsafeNameReason,
  windowsNameProblem,
} from '../../../shared/names.js';

describe('unsafeNameReason', () => {
  it.each([
    ['', 'empty'],
    ['.', 'refers to a folder'],
    ['..', 'refers to a folder'],
    ['a/b', 'path separator'],
    ['/', 'path separator'],
    ['a\\b', 'path separator'],
    ['..\\..\\evil', 'path separator'],
    ['a\0b', 'NUL'],
    ['a\nb', 'control character'],
    ['a\rb', 'control character'],
    ['tab\there', 'control character'],
    ['\u001b[31mred', 'control character'],
    ['del\u007f', 'control character'],
  ])('refuses %j (%s)', (name, keyword) => {
    const reason = unsafeNameReason(name);
    expect(reason).not.toBeNull();
    expect(reason).toContain(keyword);
    expect(isSafeName(name)).toBe(false);
  });

  it.each(['a', '...', '.hidden', 'a..b', 'with space', 'ünïcødé', '名前.txt', 'CON', 'a:b', '\u202Etxt.exe'])(
    'accepts %j',
    (name) => {
      expect(unsafeNameReason(name)).toBeNull();
      expect(isSafeName(name)).toBe(true);
    },
  );

  it('counts the limit in UTF-8 bytes, not characters', () => {
    expect(unsafeNameReason('a'.repeat(255))).toBeNull();
    expect(unsafeNameReason('a'.repeat(256))).toContain('longer than 255 bytes');
    // "é" is two bytes in UTF-8: 127 of them plus one ASCII letter is 255 bytes, 128 is 256.
    expect(unsafeNameReason(`${'é'.repeat(127)}a`)).toBeNull();
    expect(unsafeNameReason('é'.repeat(128))).toContain('longer than 255 bytes');
    // Three bytes each: 85 fit (255), 86 do not (258) although only 86 characters long.
    expect(unsafeNameReason('名'.repeat(85))).toBeNull();
    expect(unsafeNameReason('名'.repeat(86))).toContain('longer than 255 bytes');
  });
});

describe('windowsNameProblem', () => {
  it.each(['CON', 'con', 'nul.txt', 'NUL.tar.gz', 'COM1', 'com9.log', 'LPT1', 'PRN', 'aux.c', 'COM¹'])(
    'flags the reserved device name %j',
    (name) => {
      expect(windowsNameProblem(name)).toContain('reserved on Windows');
    },
  );

  it.each(['a.', 'a ', 'folder...', 'trailing   '])('flags %j for its trailing dot or space', (name) => {
    expect(windowsNameProblem(name)).toContain('ends with a dot or a space');
  });

  it.each(['a:b', 'a<b', 'a>b', 'a"b', 'a|b', 'what?', 'star*'])('flags %j for a forbidden character', (name) => {
    expect(windowsNameProblem(name)).toContain('character Windows forbids');
  });

  it.each(['console', 'CONx.txt', 'nul_file', 'COM10', 'readme.txt', '.gitignore', 'a.b c'])('accepts %j', (name) => {
    expect(windowsNameProblem(name)).toBeNull();
  });
});

describe('displayName', () => {
  it('leaves ordinary names alone', () => {
    expect(displayName('report 2024.pdf')).toBe('report 2024.pdf');
    expect(displayName('été 名前')).toBe('été 名前');
  });

  it('escapes C0 control characters and DEL as \\xNN', () => {
    expect(displayName('a\nb')).toBe('a\\x0ab');
    expect(displayName('a\tb\rc')).toBe('a\\x09b\\x0dc');
    expect(displayName('\0')).toBe('\\x00');
    expect(displayName('\u001b[2J')).toBe('\\x1b[2J');
    expect(displayName('x\u007f')).toBe('x\\x7f');
  });

  it('escapes C1 control characters, which some terminals obey (U+009B starts an escape sequence)', () => {
    expect(displayName('a\u009b2Jb')).toBe('a\\x9b2Jb');
    expect(displayName('\u0080\u009f\u00a0')).toBe('\\x80\\x9f\u00a0');
  });

  it('escapes bidirectional overrides, embeddings, isolates and marks as \\uNNNN', () => {
    // "invoice\u202Etxt.exe" would render as "invoiceexe.txt".
    expect(displayName('invoice\u202Etxt.exe')).toBe('invoice\\u202etxt.exe');
    expect(displayName('\u202A\u202B\u202C\u202D')).toBe('\\u202a\\u202b\\u202c\\u202d');
    expect(displayName('\u2066\u2067\u2068\u2069')).toBe('\\u2066\\u2067\\u2068\\u2069');
    expect(displayName('\u200E\u200F')).toBe('\\u200e\\u200f');
  });

  it('never returns a string that still holds a control or bidi character', () => {
    let all = '';
    for (let code = 0; code <= 0x1f; code += 1) all += String.fromCharCode(code);
    all += '\u007f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f';
    // eslint-disable-next-line no-control-regex
    expect(displayName(all)).not.toMatch(/[\u0000-\u001f\u007f\u202a-\u202e\u2066-\u2069\u200e\u200f]/);
  });
});

describe('isAbsolutePath', () => {
  it.each(['/', '/tmp/x', 'C:\\Users', 'c:/Users', 'Z:\\', '\\\\server\\share'])('%j is absolute', (path) => {
    expect(isAbsolutePath(path)).toBe(true);
  });

  it.each(['', 'tmp/x', './x', '../x', 'C:', 'C:relative', '\\single', '~/x', 'file:///x'])(
    '%j is not absolute',
    (path) => {
      expect(isAbsolutePath(path)).toBe(false);
    },
  );
});

describe('joinPath', () => {
  it('joins with the given separator', () => {
    expect(joinPath('/home/me', 'a.txt', '/')).toBe('/home/me/a.txt');
    expect(joinPath('C:\\Users', 'me', '\\')).toBe('C:\\Users\\me');
  });

  it('does not double a separator the folder already ends with', () => {
    expect(joinPath('/', 'etc', '/')).toBe('/etc');
    expect(joinPath('/home/me/', 'a', '/')).toBe('/home/me/a');
    expect(joinPath('C:\\', 'Windows', '\\')).toBe('C:\\Windows');
  });
});

describe('localParent', () => {
  it.each([
    ['/home/me/file.txt', '/home/me'],
    ['/file.txt', '/'],
    ['C:\\Users\\me', 'C:\\Users'],
    ['C:\\file', 'C:\\'],
    ['\\\\server\\share\\x', '\\\\server\\share'],
  ])('%s is in %s', (path, parent) => {
    expect(localParent(path)).toBe(parent);
  });
});
