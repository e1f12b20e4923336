import { FerryError } from '../../shared/errors.js';
import type { ConnectOptions } from '../core/remote/connectOptions.js';

/** The command-line options every command may take, as parsed by node:util's parseArgs. */
export const OPTION_SPEC = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'V' },
  json: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
  all: { type: 'boolean', short: 'a' },
  continue: { type: 'boolean', short: 'c' },
  active: { type: 'boolean' },
  'trust-fingerprint': { type: 'string' },
  identity: { type: 'string', short: 'i' },
  'accept-new-host-key': { type: 'boolean' },
  requests: { type: 'string' },
  ciphers: { type: 'string' },
  blksize: { type: 'string' },
  windowsize: { type: 'string' },
  timeout: { type: 'string' },
  bind: { type: 'string' },
  port: { type: 'string' },
  writable: { type: 'boolean' },
  overwrite: { type: 'boolean' },
  recursive: { type: 'boolean', short: 'r' },
  parallel: { type: 'string', short: 'P' },
  verify: { type: 'string' },
  'expect-hash': { type: 'string' },
  algo: { type: 'string' },
  delete: { type: 'boolean' },
  'dry-run': { type: 'boolean', short: 'n' },
  fsync: { type: 'boolean' },
  'limit-rate': { type: 'string' },
} as const;

export interface CliValues {
  json?: boolean;
  verbose?: boolean;
  all?: boolean;
  continue?: boolean;
  active?: boolean;
  'trust-fingerprint'?: string;
  identity?: string;
  'accept-new-host-key'?: boolean;
  requests?: string;
  ciphers?: string;
  blksize?: string;
  windowsize?: string;
  timeout?: string;
  bind?: string;
  port?: string;
  writable?: boolean;
  overwrite?: boolean;
  recursive?: boolean;
  parallel?: string;
  verify?: string;
  'expect-hash'?: string;
  algo?: string;
  delete?: boolean;
  'dry-run'?: boolean;
  fsync?: boolean;
  'limit-rate'?: string;
}

export function integerOption(name: string, text: string | undefined, min: number, max: number): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^[0-9]+$/.test(text) || value < min || value > max) {
    throw new FerryError('INVALID_INPUT', `--${name} must be a whole number from ${min} to ${max}, not "${text}"`);
  }
  return value;
}

const RATE_UNITS: Readonly<Record<string, number>> = { '': 1, K: 1024, M: 1024 ** 2, G: 1024 ** 3 };

/**
 * A speed limit as curl and wget take it: bytes per second, or with K, M
 * or G (binary multiples, as Ferry shows sizes), e.g. 500K or 1.5M; 0 is
 * no limit.
 */
export function rateOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const match = /^(\d+(?:\.\d+)?)([KMG]?)$/i.exec(text);
  const bytes = match ? Number(match[1]) * (RATE_UNITS[(match[2] ?? '').toUpperCase()] ?? 1) : NaN;
  if (!Number.isFinite(bytes) || (bytes > 0 && bytes < 1024)) {
    throw new FerryError(
      'INVALID_INPUT',
      `--${name} must be bytes per second of at least 1K, with K, M or G for KiB, MiB or GiB (e.g. 500K), or 0 for none, not "${text}"`,
    );
  }
  return Math.round(bytes);
}

/** Maps the command line to the options the engines take. */
export function connectOptionsFrom(values: CliValues, env: NodeJS.ProcessEnv): ConnectOptions {
  const options: ConnectOptions = {
    ftp: { mode: values.active ? 'active' : 'passive' },
    sftp: { acceptNewHostKey: values['accept-new-host-key'] ?? false },
    tftp: {},
  };
  // Only for URLs without a password of their own (see withRemote).
  if (env.FERRY_PASSWORD !== undefined) options.password = env.FERRY_PASSWORD;
  if (env.FERRY_HOME) options.dataFolder = env.FERRY_HOME;
  const fingerprint = values['trust-fingerprint'];
  if (fingerprint !== undefined) {
    options.ftp = { ...options.ftp, trustFingerprint: fingerprint };
    options.sftp = { ...options.sftp, trustFingerprint: fingerprint };
  }
  if (values.identity !== undefined) options.sftp = { ...options.sftp, identityFile: values.identity };
  if (env.FERRY_PASSPHRASE !== undefined) options.sftp = { ...options.sftp, passphrase: env.FERRY_PASSPHRASE };
  const requestsInFlight = integerOption('requests', values.requests, 1, 1024);
  if (requestsInFlight !== undefined) options.sftp = { ...options.sftp, requestsInFlight };
  if (values.ciphers !== undefined) {
    const ciphers = values.ciphers.split(',').filter((name) => name !== '');
    if (ciphers.length === 0) throw new FerryError('INVALID_INPUT', '--ciphers needs at least one cipher name');
    options.sftp = { ...options.sftp, ciphers };
  }
  const blksize = integerOption('blksize', values.blksize, 8, 65464);
  const windowsize = integerOption('windowsize', values.windowsize, 1, 65535);
  const timeout = integerOption('timeout', values.timeout, 1, 255);
  if (blksize !== undefined) options.tftp = { ...options.tftp, blksize };
  if (windowsize !== undefined) options.tftp = { ...options.tftp, windowsize };
  if (timeout !== undefined) options.tftp = { ...options.tftp, timeout };
  return options;
}
