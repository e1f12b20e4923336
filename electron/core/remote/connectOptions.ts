import type { LogSink } from '../log/messageLog.js';

/** FTP and FTPS session options (the TLS mode comes from the URL scheme). */
export interface FtpConnectOptions {
  /** Passive (default) or active data connections. */
  mode?: 'passive' | 'active';
  /** Accept a certificate with this SHA-256 fingerprint even if the system store does not. */
  trustFingerprint?: string;
}

/** SFTP session options. */
export interface SftpConnectOptions {
  /** Private key file (OpenSSH, PEM or PPK). */
  identityFile?: string;
  passphrase?: string;
  /** Like OpenSSH's StrictHostKeyChecking=accept-new: store an unknown key, refuse a changed one. */
  acceptNewHostKey?: boolean;
  /** Accept a host key with this `SHA256:base64` fingerprint. */
  trustFingerprint?: string;
}

/** TFTP transfer options (RFC 2347–2349, 7440). */
export interface TftpConnectOptions {
  blksize?: number;
  windowsize?: number;
  /** Retransmit timeout in seconds, as negotiated by the `timeout` option. */
  timeout?: number;
}

/** Everything needed to open a session besides the URL. */
export interface ConnectOptions {
  /** Overrides the URL's user. */
  user?: string;
  /** Overrides the URL's password. */
  password?: string;
  /** Ferry's data folder (known_hosts, pinned certificates). */
  dataFolder?: string;
  signal?: AbortSignal;
  /** Every command, reply and notice of the session. */
  log?: LogSink;
  ftp?: FtpConnectOptions;
  sftp?: SftpConnectOptions;
  tftp?: TftpConnectOptions;
}
