import { FerryError } from '../../../../shared/errors.js';
import type { TlsMode } from '../../../../shared/url.js';
import { commandLine } from './commandLine.js';
import { ControlConnection, type ControlEndpoint } from './controlConnection.js';
import { FtpFeatures } from './features.js';
import { describeReply, isCompletion, type FtpReply } from './reply.js';
import { replyError } from './replyError.js';

/** "Not ready yet" (120) replies taken before the greeting proper; one is usual. */
const MAX_NOT_READY_REPLIES = 10;

/** Who logs in, and how securely. */
export interface LoginSettings {
  endpoint: ControlEndpoint;
  tls: TlsMode;
  user: string;
  password: string;
  /** For servers that ask for an account after the password (332). */
  account: string | undefined;
  replyTimeoutMs: number;
}

/** A logged-in control connection and what the server told us along the way. */
export interface LoggedIn {
  control: ControlConnection;
  features: FtpFeatures;
  /** The folder after login (PWD), absolute. */
  initialFolder: string;
  /** SYST's answer, e.g. "UNIX Type: L8", or '' when it has none. */
  system: string;
}

/** Reads the folder out of a 257 reply: the first quoted string, with "" standing for one quote. */
export function parsePwdReply(reply: FtpReply): string | null {
  const match = /"((?:[^"]|"")*)"/.exec(reply.lines[0] ?? '');
  return match ? (match[1] ?? '').replace(/""/g, '"') : null;
}

/**
 * Opens a control connection and logs in: greeting, AUTH TLS (explicit
 * FTPS) before any credential, USER/PASS/ACCT, FEAT, OPTS UTF8 ON when
 * offered, PBSZ 0 / PROT P for protected data, TYPE I, PWD and SYST.
 * When TLS was asked for, every way a server may dodge it (no AUTH TLS, a
 * 230 greeting that skips the login, plain text pipelined after 234, no
 * PROT P) is TLS_REQUIRED, raised before the password is sent.
 */
export async function logIn(settings: LoginSettings, signal?: AbortSignal): Promise<LoggedIn> {
  const control = await ControlConnection.open(settings.endpoint, signal);
  try {
    return await converse(control, settings, signal);
  } catch (error) {
    control.destroy();
    throw error;
  }
}

async function converse(control: ControlConnection, settings: LoginSettings, signal?: AbortSignal): Promise<LoggedIn> {
  const options = { timeoutMs: settings.replyTimeoutMs, signal };
  let greeting = await control.read(options);
  // 120: "ready in n minutes", followed by the real greeting; a server
  // that only ever says that is not going to be ready.
  for (let waits = 0; greeting.code === 120; waits++) {
    if (waits >= MAX_NOT_READY_REPLIES) {
      throw new FerryError('PROTOCOL', `The server keeps saying it is not ready: ${describeReply(greeting)}`, {
        replyCode: 120,
      });
    }
    greeting = await control.read(options);
  }
  if (greeting.code === 421) throw replyError('The server refused the connection', greeting);
  if (greeting.code !== 220 && greeting.code !== 230) {
    throw new FerryError('PROTOCOL', `Unexpected greeting: ${describeReply(greeting)}`, { replyCode: greeting.code });
  }
  let loggedIn = greeting.code === 230;

  if (settings.tls === 'explicit') {
    if (loggedIn) {
      throw new FerryError('TLS_REQUIRED', 'The server skipped the login (230) before TLS could be set up', {
        replyCode: 230,
      });
    }
    const auth = await control.execute('AUTH TLS', options);
    if (auth.code !== 234) {
      throw new FerryError('TLS_REQUIRED', `The server refused TLS: ${describeReply(auth)}`, { replyCode: auth.code });
    }
    await control.upgradeToTls(signal);
  }

  if (!loggedIn) loggedIn = await authenticate(control, settings, options);
  if (!loggedIn) throw new FerryError('AUTH_FAILED', 'The server did not accept the login');

  const featReply = await control.execute('FEAT', options);
  const features = new FtpFeatures(featReply);
  if (features.has('UTF8')) await control.execute('OPTS UTF8 ON', options);

  if (settings.tls !== 'none') {
    await control.execute('PBSZ 0', options);
    const prot = await control.execute('PROT P', options);
    if (!isCompletion(prot)) {
      throw new FerryError('TLS_REQUIRED', `The server refused to protect data connections: ${describeReply(prot)}`, {
        replyCode: prot.code,
      });
    }
  }

  const type = await control.execute('TYPE I', options);
  if (!isCompletion(type)) throw replyError('The server refused binary mode', type);

  const pwd = await control.execute('PWD', options);
  const initialFolder = (pwd.code === 257 ? parsePwdReply(pwd) : null) ?? '/';
  const syst = await control.execute('SYST', options);
  const system = syst.code === 215 ? (syst.lines[0] ?? '').slice(4).trim() : '';
  return {
    control,
    features,
    initialFolder: initialFolder.startsWith('/') ? initialFolder : `/${initialFolder}`,
    system,
  };
}

/** USER, then PASS and ACCT as the server asks; true once it says 230. */
async function authenticate(
  control: ControlConnection,
  settings: LoginSettings,
  options: { timeoutMs: number; signal: AbortSignal | undefined },
): Promise<boolean> {
  const refused = (reply: FtpReply): FerryError =>
    reply.code === 421 || reply.code >= 600 || reply.code < 400
      ? replyError('Login failed', reply)
      : new FerryError('AUTH_FAILED', `Login as ${settings.user} failed: ${describeReply(reply)}`, {
          replyCode: reply.code,
        });
  let reply = await control.execute(commandLine('USER', settings.user), options);
  if (reply.code === 331) reply = await control.execute(commandLine('PASS', settings.password), options);
  if (reply.code === 332) {
    if (settings.account === undefined) {
      throw new FerryError('AUTH_FAILED', `The server asks for an account (ACCT) for ${settings.user}`, {
        replyCode: 332,
      });
    }
    reply = await control.execute(commandLine('ACCT', settings.account), options);
  }
  if (reply.code === 230 || reply.code === 202) return true;
  throw refused(reply);
}
