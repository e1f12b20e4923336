import { FerryError } from '../../../../shared/errors.js';
import { keyTypeOf, sha256Fingerprint } from './hostKeyFingerprint.js';

/** ssh2's `hostVerifier` in its callback form. */
export type HostVerifier = (key: Buffer, verify: (valid: boolean) => void) => void;

/**
 * The host verifier of one SSH connection: the first key exchange checks
 * the server's key with `check` (known_hosts, a pinned fingerprint, the
 * user's answer); every later one must present that same key and gets its
 * answer at once.
 *
 * OpenSSH servers exchange keys again during a session: after 1 GiB with
 * chacha20-poly1305, after 64 GiB with AES, or as often as RekeyLimit says.
 * Answering such a re-exchange later (as a check that reads known_hosts
 * must) breaks ssh2 1.17: data sent while it waits for the answer goes out
 * so that the server cannot decrypt what follows ("Bad packet length"), and
 * drops the connection mid-transfer. A key that changes within a session is
 * refused, as OpenSSH refuses it.
 */
export function sessionHostVerifier(
  check: (key: Buffer) => Promise<void>,
  onRefused: (problem: FerryError) => void,
): HostVerifier {
  let accepted: Buffer | null = null;
  return (key, verify) => {
    if (accepted !== null) {
      if (key.equals(accepted)) {
        verify(true);
        return;
      }
      onRefused(
        new FerryError(
          'HOSTKEY_MISMATCH',
          `The server presented a different host key (${keyTypeOf(key)} ${sha256Fingerprint(key)}) when it ` +
            `exchanged keys again; the session had started with ${keyTypeOf(accepted)} ${sha256Fingerprint(accepted)}`,
        ),
      );
      verify(false);
      return;
    }
    check(key).then(
      () => {
        accepted = Buffer.from(key);
        verify(true);
      },
      (error: unknown) => {
        onRefused(
          error instanceof FerryError
            ? error
            : new FerryError('LOCAL_IO', 'Cannot check the host key', { cause: error }),
        );
        verify(false);
      },
    );
  };
}
