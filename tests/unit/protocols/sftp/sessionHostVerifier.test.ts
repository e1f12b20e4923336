import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { sessionHostVerifier } from '../../../../electron/core/protocols/sftp/sessionHostVerifier.js';

/** An ssh-ed25519 public key blob (type string, then 32 key bytes). */
function ed25519Blob(fill: number): Buffer {
  const type = Buffer.from('ssh-ed25519');
  const blob = Buffer.alloc(4 + type.length + 4 + 32, fill);
  blob.writeUInt32BE(type.length, 0);
  type.copy(blob, 4);
  blob.writeUInt32BE(32, 4 + type.length);
  return blob;
}

/** Calls the verifier; `answer` is undefined until it answers. */
function ask(verifier: ReturnType<typeof sessionHostVerifier>, key: Buffer) {
  const result: { answer?: boolean } = {};
  verifier(key, (valid) => (result.answer = valid));
  return result;
}

describe('sessionHostVerifier', () => {
  it('checks the key of the first exchange, and answers when the check is done', async () => {
    const checked: Buffer[] = [];
    let release = (): void => {};
    const verifier = sessionHostVerifier(
      (key) => {
        checked.push(key);
        return new Promise<void>((resolve) => (release = resolve));
      },
      () => {},
    );
    const first = ask(verifier, ed25519Blob(1));
    expect(first.answer).toBeUndefined();
    release();
    await Promise.resolve();
    await Promise.resolve();
    expect(first.answer).toBe(true);
    expect(checked).toHaveLength(1);
  });

  it('answers a re-exchange with the same key at once, without checking again', async () => {
    let checks = 0;
    const verifier = sessionHostVerifier(
      () => {
        checks++;
        return Promise.resolve();
      },
      () => {},
    );
    ask(verifier, ed25519Blob(1));
    await new Promise((resolve) => setImmediate(resolve));
    // A fresh copy of the same bytes, as ssh2 hands over on each exchange.
    expect(ask(verifier, ed25519Blob(1)).answer).toBe(true);
    expect(checks).toBe(1);
  });

  it('refuses, at once, a different key in a re-exchange as HOSTKEY_MISMATCH', async () => {
    const refused: FerryError[] = [];
    const verifier = sessionHostVerifier(
      () => Promise.resolve(),
      (problem) => refused.push(problem),
    );
    ask(verifier, ed25519Blob(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(ask(verifier, ed25519Blob(2)).answer).toBe(false);
    expect(refused).toHaveLength(1);
    expect(refused[0]?.code).toBe('HOSTKEY_MISMATCH');
    expect(refused[0]?.message).toMatch(/ssh-ed25519 SHA256:/);
  });

  it('passes on why the first check refused the key', async () => {
    const refused: FerryError[] = [];
    const verifier = sessionHostVerifier(
      () => Promise.reject(new FerryError('HOSTKEY_UNKNOWN', 'unknown key')),
      (problem) => refused.push(problem),
    );
    const first = ask(verifier, ed25519Blob(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.answer).toBe(false);
    expect(refused.map((problem) => problem.code)).toEqual(['HOSTKEY_UNKNOWN']);
  });

  it('reports a check that failed for another reason as LOCAL_IO', async () => {
    const refused: FerryError[] = [];
    const verifier = sessionHostVerifier(
      () => Promise.reject(new Error('EACCES: known_hosts')),
      (problem) => refused.push(problem),
    );
    const first = ask(verifier, ed25519Blob(1));
    await new Promise((resolve) => setImmediate(resolve));
    expect(first.answer).toBe(false);
    expect(refused[0]?.code).toBe('LOCAL_IO');
  });
});
