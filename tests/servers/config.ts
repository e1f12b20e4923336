// The one module tests import to find the real servers started by
// tests/servers/start.sh. It reads the state.json that script writes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestUser {
  name: string;
  password: string;
  uid: number;
  gid: number;
  /** The user's home; FTP and SFTP sessions start here. Tests may put fixtures in it (chown them to uid/gid). */
  home: string;
}

export interface KeyTestUser extends TestUser {
  /** Unencrypted ed25519 private key (OpenSSH format). */
  privateKeyPath: string;
  publicKeyPath: string;
  /** The same key, encrypted with `passphrase`. */
  encryptedPrivateKeyPath: string;
  passphrase: string;
}

export interface VsftpdServer {
  port: number;
  /** true: TLS from the first byte (implicit FTPS); false: plain FTP, AUTH TLS allowed (explicit FTPS). */
  implicitTls: boolean;
  pid: number;
  configPath: string;
  passivePorts: { min: number; max: number };
  logPath: string;
  xferLogPath: string;
  stdioLogPath: string;
}

export interface ServersState {
  version: 1;
  /** The throwaway folder holding everything (FERRY_TEST_SERVERS_DIR). */
  dir: string;
  host: string;
  startedAt: string;
  users: {
    /** Password-only user (no authorized key). */
    password: TestUser;
    /** User with an authorized ed25519 key (also has a password). */
    key: KeyTestUser;
  };
  tls: {
    /** Self-signed, CN=localhost, SAN DNS:localhost and IP:127.0.0.1. Pass as `ca` to trust it. */
    certPath: string;
    keyPath: string;
    /** Upper-case, colon-separated, as Node's `getPeerCertificate().fingerprint256`. */
    fingerprint256: string;
  };
  /** vsftpd with plain FTP and explicit FTPS on the same port. */
  ftp: VsftpdServer;
  /** vsftpd with implicit FTPS. */
  ftpsImplicit: VsftpdServer;
  sftp: {
    port: number;
    pid: number;
    configPath: string;
    hostKeyPath: string;
    hostKeyPublicPath: string;
    hostKeyAlgorithm: string;
    /** As `ssh-keygen -l`: "SHA256:" + unpadded base64 of the SHA-256 of the key blob. */
    hostKeyFingerprint: string;
    authorizedKeysDir: string;
    logPath: string;
  };
  tftp: {
    port: number;
    pid: number;
    /** Served root (tftpd runs with --secure, so remote names are relative to it). */
    root: string;
    /** Unix user tftpd runs as. */
    user: string;
    logPath: string;
  };
}

export function serversDir(): string {
  return process.env['FERRY_TEST_SERVERS_DIR'] ?? '/tmp/ferry-test-servers';
}

export function statePath(): string {
  return join(serversDir(), 'state.json');
}

// A description of ServersState's leaves; the mapped type makes the compiler
// insist it covers every field, so the check below cannot drift from the type.
type Shape<T> = {
  [K in keyof T]-?: T[K] extends string
    ? 'string'
    : T[K] extends number
      ? 'number'
      : T[K] extends boolean
        ? 'boolean'
        : Shape<T[K]>;
};

const USER_SHAPE: Shape<TestUser> = {
  name: 'string',
  password: 'string',
  uid: 'number',
  gid: 'number',
  home: 'string',
};

const VSFTPD_SHAPE: Shape<VsftpdServer> = {
  port: 'number',
  implicitTls: 'boolean',
  pid: 'number',
  configPath: 'string',
  passivePorts: { min: 'number', max: 'number' },
  logPath: 'string',
  xferLogPath: 'string',
  stdioLogPath: 'string',
};

const STATE_SHAPE: Shape<ServersState> = {
  version: 'number',
  dir: 'string',
  host: 'string',
  startedAt: 'string',
  users: {
    password: USER_SHAPE,
    key: {
      ...USER_SHAPE,
      privateKeyPath: 'string',
      publicKeyPath: 'string',
      encryptedPrivateKeyPath: 'string',
      passphrase: 'string',
    },
  },
  tls: { certPath: 'string', keyPath: 'string', fingerprint256: 'string' },
  ftp: VSFTPD_SHAPE,
  ftpsImplicit: VSFTPD_SHAPE,
  sftp: {
    port: 'number',
    pid: 'number',
    configPath: 'string',
    hostKeyPath: 'string',
    hostKeyPublicPath: 'string',
    hostKeyAlgorithm: 'string',
    hostKeyFingerprint: 'string',
    authorizedKeysDir: 'string',
    logPath: 'string',
  },
  tftp: { port: 'number', pid: 'number', root: 'string', user: 'string', logPath: 'string' },
};

function checkShape(value: unknown, shape: unknown, path: string): void {
  if (typeof shape === 'string') {
    if (typeof value !== shape) throw new Error(`${path} should be a ${shape}, got ${JSON.stringify(value)}`);
    return;
  }
  if (typeof value !== 'object' || value === null) throw new Error(`${path} should be an object`);
  for (const [key, sub] of Object.entries(shape as Record<string, unknown>)) {
    checkShape((value as Record<string, unknown>)[key], sub, `${path}.${key}`);
  }
}

/**
 * Reads the running test servers' state. Throws, telling what to run, when
 * the servers have not been started (or were stopped).
 */
export function loadServers(): ServersState {
  const file = statePath();
  if (!existsSync(file)) {
    throw new Error(
      `Ferry test servers are not running: ${file} does not exist.\n` +
        'Start them with `bash tests/servers/start.sh` (as root; install first with `bash tests/servers/install.sh`).',
    );
  }
  const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
  try {
    checkShape(parsed, STATE_SHAPE, 'state');
    const { version } = parsed as { version: number };
    if (version !== 1) throw new Error(`unsupported version ${String(version)}`);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(
      `${file} is not a valid test-server state (${reason}); rerun \`bash tests/servers/start.sh --restart\`.`,
      { cause: error },
    );
  }
  const state = parsed as ServersState;
  return state;
}

/** True if `pid` runs, is not a zombie, and (when /proc shows it) mentions our folder, guarding against pid reuse. */
function serverAlive(pid: number, dir: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    if (!(error instanceof Error && 'code' in error && error.code === 'EPERM')) return false;
  }
  try {
    // A dead server can linger as a zombie until PID 1 reaps it; that is not alive.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.charAt(stat.lastIndexOf(')') + 2) === 'Z') return false;
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return true; // no /proc: trust kill(0)
  }
}

/** True when state.json exists and every recorded server process is alive. */
export function serversRunning(): boolean {
  if (!existsSync(statePath())) return false;
  let state: ServersState;
  try {
    state = loadServers();
  } catch {
    return false;
  }
  return [state.ftp.pid, state.ftpsImplicit.pid, state.sftp.pid, state.tftp.pid].every((pid) =>
    serverAlive(pid, state.dir),
  );
}
