import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  keyTypeOf,
  normaliseFingerprint,
  sha256Fingerprint,
} from '../../../../electron/core/protocols/sftp/hostKeyFingerprint.js';

describe('host key fingerprints', () => {
  it('prints exactly what ssh-keygen -l prints', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ferry-fp-'));
    try {
      const key = join(dir, 'key');
      execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', key]);
      const blob = Buffer.from(readFileSync(`${key}.pub`, 'utf8').split(' ')[1] ?? '', 'base64');
      const expected = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', `${key}.pub`], {
        encoding: 'utf8',
      }).split(' ')[1];
      expect(sha256Fingerprint(blob)).toBe(expected);
      expect(keyTypeOf(blob)).toBe('ssh-ed25519');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads no type from a blob too short or garbled to hold one', () => {
    expect(keyTypeOf(Buffer.alloc(2))).toBe('unknown');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 200, 1]))).toBe('unknown');
    expect(keyTypeOf(Buffer.from([0, 0, 0, 2, 0x0a, 0x0d]))).toBe('unknown');
  });

  it('accepts a typed fingerprint with any case of prefix or padding, and nothing else', () => {
    const body = 'tcmFgpDoQ8w/XFg0wQftn2OrDowj8YonXsEnCTMEKTw';
    expect(normaliseFingerprint(`SHA256:${body}`)).toBe(`SHA256:${body}`);
    expect(normaliseFingerprint(` sha256:${body}= `)).toBe(`SHA256:${body}`);
    expect(normaliseFingerprint(body)).toBeNull();
    expect(normaliseFingerprint('MD5:aa:bb')).toBeNull();
  });
});
