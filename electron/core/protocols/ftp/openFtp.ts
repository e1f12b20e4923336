import { FerryError } from '../../../../shared/errors.js';
import type { FerryUrl } from '../../../../shared/url.js';
import { silentLog } from '../../log/messageLog.js';
import type { ConnectOptions } from '../../remote/connectOptions.js';
import type { RemoteFileSystem } from '../../remote/remoteFileSystem.js';
import { normaliseFingerprint } from './certificateTrust.js';
import { FtpFileSystem } from './ftpFileSystem.js';
import { FtpSession } from './ftpSession.js';

/** Defaults for the FTP options a caller leaves out. */
export const FTP_DEFAULTS = {
  connectTimeoutMs: 20_000,
  replyTimeoutMs: 30_000,
  dataTimeoutMs: 30_000,
  keepaliveMs: 60_000,
  listingMaxBytes: 256 * 1024 * 1024,
  listingMaxEntries: 1_000_000,
} as const;

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value < 0)
    throw new FerryError('INVALID_INPUT', `FTP option ${name} must be positive`);
  return value;
}

/**
 * Opens an FTP or FTPS session for a URL: ftp:// plain, ftpes:// explicit
 * TLS (AUTH TLS), ftps:// implicit TLS (the URL's `tls` says which). With
 * no user, logs in as anonymous, as browsers and curl do.
 */
export async function openFtp(target: FerryUrl, options: ConnectOptions): Promise<RemoteFileSystem> {
  const ftp = options.ftp ?? {};
  const log = options.log ?? silentLog;
  const user = options.user ?? target.user ?? 'anonymous';
  const password = options.password ?? target.password ?? (user === 'anonymous' ? 'anonymous@' : '');
  // A pin only means something over TLS; plain FTP ignores it rather than reject it.
  const pinnedFingerprint =
    ftp.trustFingerprint === undefined || target.tls === 'none'
      ? undefined
      : normaliseFingerprint(ftp.trustFingerprint);
  const range = ftp.activePortRange;
  if (range && !(range.min >= 1024 && range.max <= 65535 && range.min <= range.max)) {
    throw new FerryError('INVALID_INPUT', `Active port range ${range.min}-${range.max} is not within 1024-65535`);
  }
  const connectTimeoutMs = positive('connectTimeoutMs', ftp.connectTimeoutMs, FTP_DEFAULTS.connectTimeoutMs);
  const replyTimeoutMs = positive('replyTimeoutMs', ftp.replyTimeoutMs, FTP_DEFAULTS.replyTimeoutMs);
  const session = await FtpSession.open(
    {
      login: {
        endpoint: {
          host: target.host,
          port: target.port,
          implicitTls: target.tls === 'implicit',
          pinnedFingerprint,
          connectTimeoutMs,
          log,
        },
        tls: target.tls,
        user,
        password,
        account: ftp.account,
        replyTimeoutMs,
      },
      data: {
        mode: ftp.mode ?? 'passive',
        allowForeignPassiveHost: ftp.allowForeignPassiveHost ?? false,
        activeExternalAddress: ftp.activeExternalAddress,
        activePortRange: range,
        connectTimeoutMs,
        replyTimeoutMs,
        log,
      },
      replyTimeoutMs,
      dataTimeoutMs: positive('dataTimeoutMs', ftp.dataTimeoutMs, FTP_DEFAULTS.dataTimeoutMs),
      keepaliveMs: positive('keepaliveMs', ftp.keepaliveMs, FTP_DEFAULTS.keepaliveMs),
      log,
    },
    options.signal,
  );
  return new FtpFileSystem(session, {
    maxBytes: positive('listingMaxBytes', ftp.listingMaxBytes, FTP_DEFAULTS.listingMaxBytes),
    maxEntries: positive('listingMaxEntries', ftp.listingMaxEntries, FTP_DEFAULTS.listingMaxEntries),
  });
}
