import { FerryError } from './errors.js';

/**
 * Ferry's URLs, as the CLI and the quick-connect bar accept them:
 * `ftp://` plain FTP, `ftpes://` FTP with explicit TLS, `ftps://` FTP with
 * implicit TLS, `sftp://`, `tftp://` and `file://` for the local disk.
 */
export const URL_SCHEMES = ['ftp', 'ftpes', 'ftps', 'sftp', 'tftp', 'file'] as const;
export type UrlScheme = (typeof URL_SCHEMES)[number];

export type Protocol = 'ftp' | 'sftp' | 'tftp' | 'file';
export type TlsMode = 'none' | 'explicit' | 'implicit';

export interface FerryUrl {
  scheme: UrlScheme;
  protocol: Protocol;
  tls: TlsMode;
  /** Host name or IP address; IPv6 without brackets. Empty for `file:`. */
  host: string;
  /** The port given, or the scheme's default. 0 for `file:`. */
  port: number;
  user?: string;
  password?: string;
  /**
   * The percent-decoded path as written after the authority ('' when none).
   * For `file:` it is an absolute local path (`/x`, or `C:/x` on Windows).
   */
  path: string;
}

const SCHEME_INFO: Record<UrlScheme, { protocol: Protocol; tls: TlsMode; port: number }> = {
  ftp: { protocol: 'ftp', tls: 'none', port: 21 },
  ftpes: { protocol: 'ftp', tls: 'explicit', port: 21 },
  ftps: { protocol: 'ftp', tls: 'implicit', port: 990 },
  sftp: { protocol: 'sftp', tls: 'none', port: 22 },
  tftp: { protocol: 'tftp', tls: 'none', port: 69 },
  file: { protocol: 'file', tls: 'none', port: 0 },
};

/** The default port of a scheme, e.g. 990 for implicit FTPS. */
export function defaultPort(scheme: UrlScheme): number {
  return SCHEME_INFO[scheme].port;
}

const NO_QUERIES = 'queries and fragments are not supported; percent-encode "?" and "#" in names';

function invalid(url: string, why: string): FerryError {
  return new FerryError('INVALID_INPUT', `Invalid URL "${redactUrl(url)}": ${why}`);
}

/** Hides the password of a URL so it can be shown in errors and logs. */
export function redactUrl(url: string): string {
  // Greedy up to the last "@": a password may hold "/" or "@" unencoded.
  // Hiding a little too much (never too little) is the right failure here.
  // Leading space is allowed, as the parser trims it.
  return url.replace(/^(\s*[a-z][a-z0-9+.-]*:\/\/[^/:@]*:).*@/i, '$1***@');
}

function decode(url: string, part: string, what: string): string {
  let decoded: string;
  try {
    decoded = decodeURIComponent(part);
  } catch {
    throw invalid(url, `the ${what} has a broken percent-encoding`);
  }
  // Control bytes would let a URL smuggle commands into a protocol's
  // command stream (FTP is line-based), so none is accepted anywhere.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(decoded)) throw invalid(url, `the ${what} contains a control character`);
  return decoded;
}

function parsePort(url: string, text: string): number {
  if (!/^[0-9]{1,5}$/.test(text)) {
    // The text is not echoed: after a password holding an unencoded "/", the "port" is part of the password.
    const hint = /@/.test(url) ? '; a "/", "?" or "#" in a user name or password must be percent-encoded' : '';
    throw invalid(url, `the port is not a number from 1 to 65535${hint}`);
  }
  const port = Number(text);
  if (port < 1 || port > 65535) throw invalid(url, `port ${port} is out of range (1 to 65535)`);
  return port;
}

function parseHost(url: string, text: string): { host: string; rest: string } {
  if (text.startsWith('[')) {
    const close = text.indexOf(']');
    if (close < 0) throw invalid(url, 'an IPv6 address is missing its closing "]"');
    const host = text.slice(1, close);
    // An IPv6 address has at least two colons ("::1"); "[127.0.0.1:21]" is a mistyped host and port.
    if (!/^[0-9a-fA-F:.]+$/.test(host) || !/:.*:/.test(host)) {
      throw invalid(url, `"${host}" is not an IPv6 address`);
    }
    return { host: host.toLowerCase(), rest: text.slice(close + 1) };
  }
  const colon = text.indexOf(':');
  const host = colon < 0 ? text : text.slice(0, colon);
  if (host === '') throw invalid(url, 'the host is missing');
  if (!/^[A-Za-z0-9._-]+$/.test(host)) throw invalid(url, `"${host}" is not a valid host name`);
  return { host: host.toLowerCase(), rest: colon < 0 ? '' : text.slice(colon) };
}

function parseFilePath(url: string, afterScheme: string): string {
  // file:///abs, file://localhost/abs and file:/abs are all accepted.
  let rest = afterScheme;
  if (rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    if (authority !== '' && authority.toLowerCase() !== 'localhost') {
      throw invalid(url, `file URLs name a local path; host "${authority}" is not this machine`);
    }
    rest = slash < 0 ? '/' : rest.slice(slash);
  }
  if (!rest.startsWith('/')) throw invalid(url, 'a file URL needs an absolute path');
  if (/[?#]/.test(rest)) throw invalid(url, NO_QUERIES);
  const path = decode(url, rest, 'path');
  // file:///C:/Users → C:/Users
  return /^\/[A-Za-z]:([/\\]|$)/.test(path) ? path.slice(1) : path;
}

/** Parses a Ferry URL, throwing `INVALID_INPUT` with a reason a person can act on. */
export function parseFerryUrl(url: string): FerryUrl {
  const match = /^([A-Za-z][A-Za-z0-9+.-]*):(.*)$/s.exec(url.trim());
  if (!match) throw invalid(url, 'it does not start with a scheme such as sftp://');
  const schemeText = (match[1] ?? '').toLowerCase();
  const afterScheme = match[2] ?? '';
  if (!(URL_SCHEMES as readonly string[]).includes(schemeText)) {
    throw invalid(url, `unknown scheme "${schemeText}:" (use one of ${URL_SCHEMES.map((s) => `${s}://`).join(', ')})`);
  }
  const scheme = schemeText as UrlScheme;
  const info = SCHEME_INFO[scheme];
  if (scheme === 'file') {
    return { scheme, protocol: info.protocol, tls: info.tls, host: '', port: 0, path: parseFilePath(url, afterScheme) };
  }
  if (!afterScheme.startsWith('//')) throw invalid(url, `expected "//" after "${scheme}:"`);
  const afterSlashes = afterScheme.slice(2);
  const pathStart = afterSlashes.search(/[/?#]/);
  const authority = pathStart < 0 ? afterSlashes : afterSlashes.slice(0, pathStart);
  const pathPart = pathStart < 0 ? '' : afterSlashes.slice(pathStart);
  // Anywhere in the path, not only right after the host: a raw "?" or "#"
  // would otherwise become part of a name, unlike in any other URL parser.
  if (/[?#]/.test(pathPart)) throw invalid(url, NO_QUERIES);

  // The last "@" ends the user info, so an unencoded "@" in a password still works.
  const at = authority.lastIndexOf('@');
  const userInfo = at < 0 ? null : authority.slice(0, at);
  const hostPort = at < 0 ? authority : authority.slice(at + 1);

  const { host, rest } = parseHost(url, hostPort);
  let port = info.port;
  if (rest !== '') {
    if (!rest.startsWith(':')) throw invalid(url, `unexpected "${rest}" after the host`);
    port = parsePort(url, rest.slice(1));
  }

  const parsed: FerryUrl = {
    scheme,
    protocol: info.protocol,
    tls: info.tls,
    host,
    port,
    path: decode(url, pathPart, 'path'),
  };
  if (userInfo !== null) {
    const colon = userInfo.indexOf(':');
    const user = decode(url, colon < 0 ? userInfo : userInfo.slice(0, colon), 'user name');
    if (user === '') throw invalid(url, 'the user name before "@" is empty');
    parsed.user = user;
    if (colon >= 0) parsed.password = decode(url, userInfo.slice(colon + 1), 'password');
  }
  return parsed;
}
