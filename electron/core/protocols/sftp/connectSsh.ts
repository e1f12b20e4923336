import { homedir } from 'node:os';
import { join } from 'node:path';
import type { Client, ConnectConfig, ParsedKey, SFTPWrapper } from 'ssh2';
import SftpClient from 'ssh2-sftp-client';
import { FerryError } from '../../../../shared/errors.js';
import { errnoOf } from '../../errors/fromNodeError.js';
import type { FerryUrl } from '../../../../shared/url.js';
import { defaultDataFolder } from '../../appData.js';
import type { LogSink } from '../../log/messageLog.js';
import type { ConnectOptions, SftpConnectOptions, SftpPromptRequest } from '../../remote/connectOptions.js';
import { canceledError, untilAborted } from '../../remote/streams.js';
import { defaultAgent, usableAgent } from './agentSocket.js';
import { openSshOrderAuthHandler, type AuthAttempts } from './authMethods.js';
import { loadDefaultIdentities, type DefaultIdentity } from './defaultIdentities.js';
import { checkHostKey, preferredHostKeyTypes, type HostKeyPolicy } from './hostKeyTrust.js';
import { loadPrivateKey } from './privateKey.js';
import { sessionHostVerifier } from './sessionHostVerifier.js';
import { Loss, SharedConnection, watchChannel } from './sharedConnection.js';
import { batchWritesPerReceivedChunk } from './socketBatching.js';

/** The defaults of the liveness options in SftpConnectOptions. */
export const SSH_DEFAULTS = {
  keepaliveInterval: 15_000,
  keepaliveCountMax: 3,
  readyTimeout: 20_000,
  requestTimeout: 30_000,
} as const;

/** Host key algorithms ssh2 supports, in OpenSSH's order of preference. */
const HOST_KEY_ALGORITHMS = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'rsa-sha2-512',
  'rsa-sha2-256',
  'ssh-rsa',
] as const;

/** ssh2-sftp-client as it is at run time: the parts its published types leave out. */
export interface SftpLibrary extends SftpClient {
  /** The ssh2 connection under the library (exec channels, keepalive, teardown). */
  client: Client;
  /** The SFTP channel, once connected; the library clears it when the connection ends. */
  sftp: SFTPWrapper | undefined;
  lstat(path: string): Promise<SftpClient.FileStats>;
}

/** A logged-in SSH connection with one SFTP channel of a session. */
export interface ConnectedSsh {
  library: SftpLibrary;
  sftp: SFTPWrapper;
  /** The connection, which other sessions' channels may share. */
  connection: SharedConnection;
  /** Registers what to do when this channel or the connection under it goes; returns what unregisters it. */
  onLost(listener: (reason: string) => void): () => void;
  /** Logging in asked a person (a one-time code, say): logging in again would ask again. */
  askedPerson: boolean;
}

/**
 * Host key algorithms with those of keys already known for the host first,
 * as OpenSSH orders them, so a server with several host keys presents the
 * one we can check instead of one that looks new.
 */
export function hostKeyAlgorithmOrder(knownTypes: readonly string[]): string[] {
  const known = new Set(
    knownTypes.flatMap((type) => (type === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [type])),
  );
  return [
    ...HOST_KEY_ALGORITHMS.filter((algorithm) => known.has(algorithm)),
    ...HOST_KEY_ALGORITHMS.filter((algorithm) => !known.has(algorithm)),
  ];
}

function levelOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'level' in error && typeof error.level === 'string'
    ? error.level
    : undefined;
}

/** Maps a failed connect or login to a FerryError a person can act on. */
export function connectFailure(error: unknown, where: string, attempts: AuthAttempts): FerryError {
  if (error instanceof FerryError) return error;
  const message = error instanceof Error ? error.message.replace(/^[a-zA-Z]+: /, '') : String(error);
  const level = levelOf(error);
  const errno = errnoOf(error);
  if (/^Unsupported algorithm/i.test(message)) {
    return new FerryError('INVALID_INPUT', `${message} (see the SFTP cipher setting)`, { cause: error });
  }
  if (level === 'client-authentication' || /authentication methods failed/i.test(message)) {
    const tried = attempts.tried.length > 0 ? attempts.tried.join(', ') : 'no method the server accepts';
    return new FerryError('AUTH_FAILED', `Login to ${where} failed (tried ${tried})`, { cause: error });
  }
  if (level === 'client-timeout' || errno === 'ETIMEDOUT' || /timed out/i.test(message)) {
    return new FerryError('TIMEOUT', `${where} did not complete the SSH handshake in time`, { cause: error });
  }
  if (errno === 'ECONNREFUSED') {
    return new FerryError('CONNECTION_LOST', `${where} refused the connection`, { cause: error });
  }
  if (errno === 'ENOTFOUND' || errno === 'EAI_AGAIN') {
    return new FerryError('CONNECTION_LOST', `Cannot find the host of ${where}`, {
      cause: error,
      retryable: errno === 'EAI_AGAIN',
    });
  }
  if (level === 'handshake' || level === 'protocol') {
    return new FerryError('PROTOCOL', `SSH handshake with ${where} failed: ${message}`, { cause: error });
  }
  return new FerryError('CONNECTION_LOST', `Connection to ${where} failed: ${message}`, { cause: error });
}

/** The host key policy for a URL and its options. */
export function hostKeyPolicyFor(target: FerryUrl, options: ConnectOptions, log: LogSink): HostKeyPolicy {
  const sftp: SftpConnectOptions = options.sftp ?? {};
  const userFile = sftp.userKnownHostsFile;
  return {
    host: target.host,
    port: target.port,
    ferryKnownHosts: join(options.dataFolder ?? defaultDataFolder(), 'known_hosts'),
    userKnownHosts: userFile === false ? null : (userFile ?? join(sftp.homeFolder ?? homedir(), '.ssh', 'known_hosts')),
    acceptNew: sftp.acceptNewHostKey ?? false,
    trustFingerprint: sftp.trustFingerprint,
    log,
  };
}

/**
 * Connects, checks the host key, logs in and opens the SFTP channel, all
 * through ssh2-sftp-client. The host verifier is always set (ssh2 would
 * accept any key without one), and its verdict, not ssh2's generic
 * "verification failed", is what a refused key reports.
 */
export async function connectSsh(target: FerryUrl, options: ConnectOptions, log: LogSink): Promise<ConnectedSsh> {
  const sftpOptions: SftpConnectOptions = options.sftp ?? {};
  const signal = options.signal;
  if (signal?.aborted) throw canceledError();
  const where = `${target.host}:${target.port}`;
  const username = options.user ?? target.user;
  if (username === undefined || username === '') {
    throw new FerryError('INVALID_INPUT', `Give a user name for ${where} (sftp://user@host/)`);
  }
  const password = options.password ?? target.password;
  const policy = hostKeyPolicyFor(target, options, log);
  // Reading the key, probing the agent (up to seconds) and known_hosts all
  // come before the connection; a cancel meanwhile ends it there.
  const privateKey: ParsedKey | undefined =
    sftpOptions.identityFile === undefined
      ? undefined
      : await untilAborted(loadPrivateKey(sftpOptions.identityFile, sftpOptions.passphrase), signal);
  // As with ssh: the default ~/.ssh/id_* files only when no identity file
  // was named (ssh -i replaces them; the agent's keys are tried either way).
  const defaultKeys: DefaultIdentity[] =
    sftpOptions.identityFile === undefined
      ? await untilAborted(
          loadDefaultIdentities(sftpOptions.homeFolder ?? homedir(), sftpOptions.passphrase, log),
          signal,
        )
      : [];
  const agent = await untilAborted(
    usableAgent(sftpOptions.agent === false ? undefined : (sftpOptions.agent ?? defaultAgent()), log),
    signal,
  );
  const hostKeyTypes = await untilAborted(preferredHostKeyTypes(policy), signal);
  const attempts: AuthAttempts = { tried: [] };

  // Set from the verifier's callback; typed wide so the checks after connect are not narrowed away.
  let hostKeyProblem = null as FerryError | null;
  let rawError: unknown = null;
  // Reported only once armed, after login (until then a failure is the connect error).
  const lost = (reason: string): void => connection.loss.report(reason);
  const library = new SftpClient('ferry', {
    error: (error: unknown) => lost(error instanceof Error ? error.message : String(error)),
    end: () => lost('the server ended the connection'),
    close: () => lost('the connection closed'),
  }) as SftpLibrary;
  const connection = new SharedConnection(library.client);
  // ssh2 leaves Nagle's algorithm on. A request written while the one
  // before is unacknowledged then waits for the server's delayed ACK,
  // 40 ms on Linux: the login and each file's first requests stalled on it.
  library.client.on('connect', () => library.client.setNoDelay(true));
  // The library rewraps errors and drops ssh2's `level`; keep the original.
  library.client.on('error', (error: Error) => {
    rawError ??= error;
  });
  // No ssh2 `debug` hook: it would format a line for every SFTP packet of
  // every transfer. The negotiated algorithms are what a person needs.
  library.client.on('handshake', (negotiated) => {
    log(
      'reply',
      `SSH handshake: kex ${negotiated.kex}, host key ${negotiated.serverHostKey}, ` +
        `ciphers ${negotiated.cs.cipher} / ${negotiated.sc.cipher}`,
    );
  });

  // ssh2's own handshake timeout would keep running while a person types
  // a one-time code; this one stops for each question and starts afresh
  // once it is answered.
  const readyTimeoutMs = sftpOptions.readyTimeout ?? SSH_DEFAULTS.readyTimeout;
  let readyTimer: NodeJS.Timeout | undefined;
  let timedOut = false as boolean;
  const armReadyTimer = (): void => {
    clearTimeout(readyTimer);
    if (readyTimeoutMs <= 0) return;
    readyTimer = setTimeout(() => {
      timedOut = true;
      library.client.destroy();
    }, readyTimeoutMs);
  };
  const askPerson = sftpOptions.onPrompt;
  let askedPerson = false;
  const onPrompt =
    askPerson === undefined
      ? undefined
      : async (request: SftpPromptRequest): Promise<string[] | null> => {
          askedPerson = true;
          clearTimeout(readyTimer);
          try {
            return await askPerson(request);
          } finally {
            armReadyTimer();
          }
        };

  const config: ConnectConfig = {
    host: target.host,
    port: target.port,
    username,
    readyTimeout: 0,
    keepaliveInterval: sftpOptions.keepaliveInterval ?? SSH_DEFAULTS.keepaliveInterval,
    keepaliveCountMax: sftpOptions.keepaliveCountMax ?? SSH_DEFAULTS.keepaliveCountMax,
    hostVerifier: sessionHostVerifier(
      (key) => checkHostKey(policy, key),
      (problem) => {
        hostKeyProblem = problem;
        // At login the problem is the connect error. Later (a re-exchange
        // with another key) ssh2 drops the connection; the reason says why,
        // and reconnecting then meets the full check, which stops there.
        lost(problem.message);
      },
    ),
    authHandler: openSshOrderAuthHandler(
      { username, password, privateKey, defaultKeys, agent, onPrompt, log },
      attempts,
    ),
    algorithms: {
      serverHostKey: hostKeyAlgorithmOrder(hostKeyTypes) as NonNullable<ConnectConfig['algorithms']>['serverHostKey'],
      ...(sftpOptions.ciphers
        ? { cipher: sftpOptions.ciphers as NonNullable<ConnectConfig['algorithms']>['cipher'] }
        : {}),
    },
  };

  if (signal?.aborted) throw canceledError();
  log('info', `Connecting to ${where} as ${username}`);
  const onAbort = (): void => {
    library.client.destroy();
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  let sftp: SFTPWrapper;
  try {
    armReadyTimer();
    sftp = await library.connect(config);
    if (signal?.aborted) throw canceledError();
  } catch (error) {
    library.client.destroy();
    if (signal?.aborted) throw canceledError();
    if (hostKeyProblem) throw hostKeyProblem;
    if (timedOut) throw new FerryError('TIMEOUT', `${where} did not complete the SSH handshake in time`);
    throw connectFailure(rawError ?? error, where, attempts);
  } finally {
    clearTimeout(readyTimer);
    signal?.removeEventListener('abort', onAbort);
  }
  connection.loss.arm();
  // Once per connection, whichever sessions' channels it carries.
  batchWritesPerReceivedChunk(library.client);
  log('info', `Logged in to ${where} as ${username}`);
  return { library, sftp, connection, onLost: channelLoss(connection, sftp, log), askedPerson };
}

/**
 * What reports the loss of one session's channel: its own end, or the
 * connection's. Only the session that owns the channel hears it.
 */
function channelLoss(connection: SharedConnection, sftp: SFTPWrapper, log: LogSink): ConnectedSsh['onLost'] {
  const loss = new Loss();
  loss.arm();
  const stopHearingConnection = connection.loss.listen(loss.report);
  watchChannel(sftp, log, loss.report);
  sftp.once('close', stopHearingConnection);
  return loss.listen;
}

/**
 * Opens another SFTP channel on a logged-in connection, without logging in
 * again, wrapped like the first: the library's calls (stat, rename, ...)
 * run on the new channel over the same ssh2 client.
 */
export async function openSiblingChannel(ssh: ConnectedSsh, log: LogSink): Promise<ConnectedSsh> {
  const client = ssh.connection.client;
  const sftp = await new Promise<SFTPWrapper>((resolve, reject) => {
    client.sftp((error, channel) => (error ? reject(error) : resolve(channel)));
  });
  // The library makes an ssh2 client of its own, never connected; the
  // channel's is the shared one, whose events SharedConnection reports.
  const library = new SftpClient('ferry-channel', { error: () => {}, end: () => {}, close: () => {} }) as SftpLibrary;
  library.client = client;
  library.sftp = sftp;
  return {
    library,
    sftp,
    connection: ssh.connection,
    onLost: channelLoss(ssh.connection, sftp, log),
    askedPerson: ssh.askedPerson,
  };
}
