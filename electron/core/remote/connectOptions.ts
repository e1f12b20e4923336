import type { LogSink } from '../log/messageLog.js';

/** FTP and FTPS session options (the TLS mode comes from the URL scheme). */
export interface FtpConnectOptions {
  /** Passive (default) or active data connections. */
  mode?: 'passive' | 'active';
  /**
   * Accept a certificate with this SHA-256 fingerprint even if the system
   * store does not: hex as openssl and browsers print it, colons and a
   * "SHA256:" prefix optional, any case.
   */
  trustFingerprint?: string;
  /** Follow a PASV reply that names another host than the control connection's (default: use the control host). */
  allowForeignPassiveHost?: boolean;
  /** Active mode behind NAT: the address to announce in EPRT/PORT instead of ours. */
  activeExternalAddress?: string;
  /** Active mode: listen on a port from this range (for a firewall or NAT rule). */
  activePortRange?: { min: number; max: number };
  /** Account for servers that ask for ACCT after the password. */
  account?: string;
  /** Deadline for the TCP connect and each TLS handshake, in ms (default 20 s). */
  connectTimeoutMs?: number;
  /** Deadline for each reply, in ms (default 30 s). */
  replyTimeoutMs?: number;
  /** A data connection that moves nothing this long has stalled, in ms (default 30 s). */
  dataTimeoutMs?: number;
  /** NOOP after this long idle, in ms (default 60 s; 0 turns it off). */
  keepaliveMs?: number;
  /** A listing larger than this many bytes is cut off with an error (default 256 MiB). */
  listingMaxBytes?: number;
  /** A listing with more entries than this is cut off with an error (default 1,000,000). */
  listingMaxEntries?: number;
}

/** One keyboard-interactive round from an SSH server, as the UI would show it. */
export interface SftpPromptRequest {
  /** The server's name for the round (often empty). */
  name: string;
  /** The server's instructions (often empty). */
  instructions: string;
  /** Each question; `echo` false means a secret (do not show what is typed). */
  prompts: { prompt: string; echo: boolean }[];
}

/** SFTP session options. */
export interface SftpConnectOptions {
  /**
   * Private key file (OpenSSH, PEM or PPK). Without one, the files ssh
   * tries by default (~/.ssh/id_rsa, id_ecdsa, id_ed25519, ...) are tried
   * after the agent's keys.
   */
  identityFile?: string;
  /** Opens `identityFile`, or else any encrypted default identity file it fits. */
  passphrase?: string;
  /** The user's home folder, whose .ssh holds the default identity files and known_hosts; default os.homedir(). */
  homeFolder?: string;
  /** Like OpenSSH's StrictHostKeyChecking=accept-new: store an unknown key, refuse a changed one. */
  acceptNewHostKey?: boolean;
  /** Accept a host key with this `SHA256:base64` fingerprint. */
  trustFingerprint?: string;
  /** ssh-agent socket (or 'pageant' on Windows); default SSH_AUTH_SOCK (pageant on Windows); false for none. */
  agent?: string | false;
  /**
   * Answers a keyboard-interactive round the password cannot answer: one
   * answer per prompt, or null to decline. Without it, only password
   * prompts are answered (with the password).
   */
  onPrompt?: (request: SftpPromptRequest) => Promise<string[] | null>;
  /** The user's own known_hosts, read but never written; default .ssh/known_hosts in `homeFolder`; false for none. */
  userKnownHostsFile?: string | false;
  /** Read/write requests kept in flight per transfer (default 32); 1 for servers that mishandle concurrency. */
  requestsInFlight?: number;
  /** Bytes per read/write request (default 128 KiB; never more than the server's limits allow). */
  requestSize?: number;
  /** Ciphers to offer, most preferred first (default: ssh2's list). */
  ciphers?: string[];
  /** Milliseconds between SSH keepalives (default 15000; 0 turns them off). */
  keepaliveInterval?: number;
  /** Unanswered keepalives before the connection counts as lost (default 3). */
  keepaliveCountMax?: number;
  /** Milliseconds to wait for the SSH handshake and login (default 20000). */
  readyTimeout?: number;
  /** Milliseconds to wait for any one SFTP reply before giving up on the session (default 30000). */
  requestTimeout?: number;
  /** Allow `sha256sum`/`sha1sum`/`md5sum` over an exec channel when the server offers no hash extension. */
  allowRemoteHashCommand?: boolean;
  /** Ask the server to flush an uploaded file to disk (fsync@openssh.com) before it counts as done. Default true. */
  fsyncUploads?: boolean;
}

/** TFTP transfer options (RFC 2347–2349, 7440). */
export interface TftpConnectOptions {
  blksize?: number;
  windowsize?: number;
  /** Retransmit timeout in seconds, as negotiated by the `timeout` option. */
  timeout?: number;
  /** Transfer mode: `octet` (default) moves bytes as they are; `netascii` converts line ends. */
  mode?: 'octet' | 'netascii';
  /** Consecutive timeouts a transfer survives before it fails with TIMEOUT (default 6). */
  retries?: number;
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
