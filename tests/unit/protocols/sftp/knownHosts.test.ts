import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  formatKnownHostLine,
  hostFieldMatches,
  judgeHostKey,
  knownHostName,
  knownKeyTypes,
  parseKnownHosts,
} from '../../../../electron/core/protocols/sftp/knownHosts.js';

const KEY_A = Buffer.from('0000000b7373682d6564323535313900000020' + 'aa'.repeat(32), 'hex');
const KEY_B = Buffer.from('0000000b7373682d6564323535313900000020' + 'bb'.repeat(32), 'hex');

function hashed(name: string): string {
  const salt = randomBytes(20);
  const hash = createHmac('sha1', salt).update(name).digest();
  return `|1|${salt.toString('base64')}|${hash.toString('base64')}`;
}

describe('known_hosts names', () => {
  it('uses the bare host on port 22 and [host]:port elsewhere', () => {
    expect(knownHostName('example.org', 22)).toBe('example.org');
    expect(knownHostName('127.0.0.1', 2222)).toBe('[127.0.0.1]:2222');
  });

  it('matches plain, listed, wildcard, negated and hashed host fields', () => {
    expect(hostFieldMatches('a.example,b.example', 'b.example')).toBe(true);
    expect(hostFieldMatches('*.example', 'b.example')).toBe(true);
    expect(hostFieldMatches('*.example,!bad.example', 'bad.example')).toBe(false);
    expect(hostFieldMatches('host?', 'host1')).toBe(true);
    expect(hostFieldMatches('127.0.0.1', '[127.0.0.1]:2222')).toBe(false);
    expect(hostFieldMatches(hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2222')).toBe(true);
    expect(hostFieldMatches(hashed('[127.0.0.1]:2222'), '[127.0.0.1]:2223')).toBe(false);
    expect(hostFieldMatches('|1|garbage', 'x')).toBe(false);
  });
});

describe('parseKnownHosts', () => {
  it('reads keys and markers and skips comments and damaged lines', () => {
    const text = [
      '# comment',
      '',
      `example.org ssh-ed25519 ${KEY_A.toString('base64')} comment here`,
      `@revoked bad.example ssh-ed25519 ${KEY_B.toString('base64')}`,
      `@cert-authority *.example ssh-ed25519 ${KEY_B.toString('base64')}`,
      '@unknown x ssh-ed25519 AAAA',
      'too-short ssh-ed25519',
      'x ssh-ed25519 not*base64',
    ].join('\n');
    const entries = parseKnownHosts(text);
    expect(entries.map((e) => [e.marker, e.hosts])).toEqual([
      [null, 'example.org'],
      ['revoked', 'bad.example'],
      ['cert-authority', '*.example'],
    ]);
    expect(entries[0]?.key.equals(KEY_A)).toBe(true);
  });
});

describe('judgeHostKey', () => {
  const entries = parseKnownHosts(
    [
      formatKnownHostLine('127.0.0.1', 2222, 'ssh-ed25519', KEY_A).trim(),
      `${hashed('hashed.example')} ssh-ed25519 ${KEY_A.toString('base64')}`,
      `@revoked revoked.example ssh-ed25519 ${KEY_A.toString('base64')}`,
      `revoked.example ssh-ed25519 ${KEY_A.toString('base64')}`,
      `rsa-only.example ssh-rsa ${KEY_B.toString('base64')}`,
    ].join('\n'),
  );

  it('knows a stored key, plain or hashed', () => {
    expect(judgeHostKey(entries, '127.0.0.1', 2222, 'ssh-ed25519', KEY_A)).toEqual({ status: 'known' });
    expect(judgeHostKey(entries, 'hashed.example', 22, 'ssh-ed25519', KEY_A)).toEqual({ status: 'known' });
  });

  it('reports a different key of the same type as changed', () => {
    expect(judgeHostKey(entries, '127.0.0.1', 2222, 'ssh-ed25519', KEY_B).status).toBe('changed');
  });

  it('treats another port, or a key of a type not on file, as unknown', () => {
    expect(judgeHostKey(entries, '127.0.0.1', 2223, 'ssh-ed25519', KEY_A).status).toBe('unknown');
    expect(judgeHostKey(entries, 'rsa-only.example', 22, 'ssh-ed25519', KEY_A).status).toBe('unknown');
  });

  it('lets a revoked key win over a plain line for the same key', () => {
    expect(judgeHostKey(entries, 'revoked.example', 22, 'ssh-ed25519', KEY_A).status).toBe('revoked');
  });

  it('lists the key types on file for a host', () => {
    expect(knownKeyTypes(entries, 'rsa-only.example', 22)).toEqual(['ssh-rsa']);
    expect(knownKeyTypes(entries, 'nobody.example', 22)).toEqual([]);
  });

  it('writes lines OpenSSH reads back', () => {
    expect(formatKnownHostLine('127.0.0.1', 2222, 'ssh-ed25519', KEY_A)).toBe(
      `[127.0.0.1]:2222 ssh-ed25519 ${KEY_A.toString('base64')}\n`,
    );
  });
});
