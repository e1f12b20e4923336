import { describe, expect, it } from 'vitest';
import { normaliseFingerprint } from '../../../../electron/core/protocols/ftp/certificateTrust.js';
import { commandLine, redactCommand } from '../../../../electron/core/protocols/ftp/commandLine.js';
import { FtpFeatures, hashMethods, selectedHashName } from '../../../../electron/core/protocols/ftp/features.js';
import { parsePwdReply } from '../../../../electron/core/protocols/ftp/login.js';
import { parseEpsvReply, parsePasvReply } from '../../../../electron/core/protocols/ftp/passiveReply.js';
import type { FtpReply } from '../../../../electron/core/protocols/ftp/reply.js';
import { replyError } from '../../../../electron/core/protocols/ftp/replyError.js';
import { FerryError } from '../../../../shared/errors.js';

function reply(...lines: string[]): FtpReply {
  return { code: Number(lines[0]?.slice(0, 3)), lines };
}

function codeOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof FerryError) return error.code;
    throw error;
  }
  return 'no error';
}

describe('commandLine', () => {
  it('joins a verb and its argument', () => {
    expect(commandLine('RETR', '/srv/a file.txt')).toBe('RETR /srv/a file.txt');
    expect(commandLine('PWD')).toBe('PWD');
  });

  it.each(['a\r\nDELE b', 'a\nb', 'a\rb', 'a\0b'])('refuses %j before anything is sent', (argument) => {
    expect(codeOf(() => commandLine('RETR', argument))).toBe('INVALID_INPUT');
  });

  it('hides PASS and ACCT arguments from the log', () => {
    expect(redactCommand('PASS hunter2')).toBe('PASS ****');
    expect(redactCommand('ACCT billing')).toBe('ACCT ****');
    expect(redactCommand('USER alice')).toBe('USER alice');
    expect(redactCommand('PASSIVE')).toBe('PASSIVE');
  });
});

describe('passive replies', () => {
  it('parses 227 with and without parentheses', () => {
    expect(parsePasvReply(reply('227 Entering Passive Mode (127,0,0,1,156,64).'))).toEqual({
      host: '127.0.0.1',
      port: 40000,
    });
    expect(parsePasvReply(reply('227 =127,0,0,2,0,21'))).toEqual({ host: '127.0.0.2', port: 21 });
  });

  it.each([
    '227 Entering Passive Mode (127,0,0,256,156,64)',
    '227 Entering Passive Mode (127,0,0,1,300,1)',
    '227 Entering Passive Mode (127,0,0,1,0,0)',
    '227 Entering Passive Mode (127,0,0,1,0000000001,1)',
    '227 Entering Passive Mode',
  ])('refuses %s as PROTOCOL', (text) => {
    expect(codeOf(() => parsePasvReply(reply(text)))).toBe('PROTOCOL');
  });

  it('parses 229 with any delimiter', () => {
    expect(parseEpsvReply(reply('229 Entering Extended Passive Mode (|||40084|)'))).toEqual({
      host: null,
      port: 40084,
    });
    expect(parseEpsvReply(reply('229 Entering Extended Passive Mode (!!!21!)'))).toEqual({ host: null, port: 21 });
  });

  it.each([
    '229 Entering Extended Passive Mode (|||99999|)',
    '229 Entering Extended Passive Mode (|||0|)',
    '229 Entering Extended Passive Mode (|||123456789|)',
    '229 Entering Extended Passive Mode (||40084|)',
    '229 Entering Extended Passive Mode',
  ])('refuses %s as PROTOCOL', (text) => {
    expect(codeOf(() => parseEpsvReply(reply(text)))).toBe('PROTOCOL');
  });
});

describe('FEAT', () => {
  const vsftpd = reply(
    '211-Features:',
    ' AUTH TLS',
    ' EPRT',
    ' EPSV',
    ' MDTM',
    ' PASV',
    ' REST STREAM',
    ' SIZE',
    '211 End',
  );
  const proftpd = reply(
    '211-Features:',
    ' AUTH TLS',
    ' HASH SHA-1;SHA-256*;SHA-512;MD5',
    ' MFMT',
    ' MLST modify*;perm*;size*;type*;unique*;UNIX.group*;UNIX.mode*;UNIX.owner*;',
    ' UTF8',
    ' XCRC "filename" SP EP',
    ' XMD5 "filename" SP EP',
    ' XSHA1 "filename" SP EP',
    '211 End',
  );

  it('lists features and their parameters, case-insensitively', () => {
    const features = new FtpFeatures(proftpd);
    expect(features.has('mlst')).toBe(true);
    expect(features.has('MFMT')).toBe(true);
    expect(features.parameters('HASH')).toBe('SHA-1;SHA-256*;SHA-512;MD5');
    expect(new FtpFeatures(vsftpd).has('MLST')).toBe(false);
    expect(new FtpFeatures(reply('500 Unknown command.')).names()).toEqual([]);
  });

  it('finds no hash on vsftpd', () => {
    expect(hashMethods(new FtpFeatures(vsftpd)).size).toBe(0);
  });

  it('prefers HASH and falls back to the X commands, and knows the selected algorithm', () => {
    const features = new FtpFeatures(proftpd);
    const methods = hashMethods(features);
    expect(methods.get('sha256')).toEqual({ kind: 'HASH', name: 'SHA-256' });
    expect(methods.get('md5')).toEqual({ kind: 'HASH', name: 'MD5' });
    expect(methods.get('crc32')).toEqual({ kind: 'X', command: 'XCRC' });
    expect(selectedHashName(features)).toBe('SHA-256');
    const legacy = hashMethods(new FtpFeatures(reply('211-Features:', ' XSHA256', ' XMD5', '211 End')));
    expect([...legacy.keys()]).toEqual(['sha256', 'md5']);
  });
});

describe('PWD', () => {
  it('reads the quoted folder, with doubled quotes inside', () => {
    expect(parsePwdReply(reply('257 "/srv/ftp" is the current directory'))).toBe('/srv/ftp');
    expect(parsePwdReply(reply('257 "/a ""quoted"" name" created'))).toBe('/a "quoted" name');
    expect(parsePwdReply(reply('257 no quotes'))).toBeNull();
  });
});

describe('replyError', () => {
  it.each([
    ['421 Too many connections (8) from this IP', 'CONNECTION_LOST', true],
    ['425 Failed to establish connection.', 'CONNECTION_LOST', true],
    ['426 Failure writing network stream.', 'CONNECTION_LOST', true],
    ['450 File busy', 'PROTOCOL', true],
    ['451 Local error in processing', 'PROTOCOL', true],
    ['452 Insufficient storage space in system.', 'PROTOCOL', false],
    ['552 Exceeded storage allocation', 'PROTOCOL', false],
    ['530 Login incorrect.', 'AUTH_FAILED', false],
    ['502 Command not implemented.', 'UNSUPPORTED', false],
    ['550 Permission denied.', 'PERMISSION_DENIED', false],
    ['550 /x: No such file or directory', 'NOT_FOUND', false],
    ['550 Failed to open file.', 'NOT_FOUND', false],
    ['550 /x: File exists', 'ALREADY_EXISTS', false],
    ['553 Could not create file.', 'PERMISSION_DENIED', false],
    ['534 Policy requires SSL.', 'TLS_REQUIRED', false],
  ] as const)('maps %s to %s', (text, code, retryable) => {
    const error = replyError('Cannot do it', reply(text));
    expect(error.code).toBe(code);
    expect(error.retryable).toBe(retryable);
    expect(error.replyCode).toBe(Number(text.slice(0, 3)));
    expect(error.message).toBe(`Cannot do it: ${text}`);
  });

  it('uses the caller’s default for a 550 whose words say nothing', () => {
    expect(replyError('x', reply('550 Create directory operation failed.'), 'PERMISSION_DENIED').code).toBe(
      'PERMISSION_DENIED',
    );
    expect(replyError('x', reply('550 Create directory operation failed.')).code).toBe('NOT_FOUND');
  });
});

describe('normaliseFingerprint', () => {
  const node = '41:BE:69:30:7E:4E:8C:03:E1:75:79:6F:07:38:F6:87:03:7E:7F:74:2C:FD:C5:47:DB:1A:D9:08:D4:F5:D0:36';

  it.each([
    node,
    node.toLowerCase(),
    node.replace(/:/g, ''),
    `SHA256:${node}`,
    `sha256:${node.replace(/:/g, '').toLowerCase()}`,
    ` ${node} `,
  ])('accepts %s', (text) => {
    expect(normaliseFingerprint(text)).toBe(node);
  });

  it.each(['', 'SHA256:abc', node.slice(3), 'SHA256:QWxhZGRpbjpvcGVuIHNlc2FtZQ==', `${node}:00`])(
    'refuses %j as INVALID_INPUT',
    (text) => {
      expect(codeOf(() => normaliseFingerprint(text))).toBe('INVALID_INPUT');
    },
  );
});
