import { FerryError } from './errors.js';
import { defaultPort, parseFerryUrl, type UrlScheme } from './url.js';

/** The schemes the quick-connect bar offers, in the order of its Protocol list. */
export const QUICK_CONNECT_PROTOCOLS = [
  { scheme: 'ftp', label: 'FTP' },
  { scheme: 'ftpes', label: 'FTPS (explicit)' },
  { scheme: 'ftps', label: 'FTPS (implicit)' },
  { scheme: 'sftp', label: 'SFTP' },
  { scheme: 'tftp', label: 'TFTP' },
] as const satisfies readonly { scheme: Exclude<UrlScheme, 'file'>; label: string }[];

export type RemoteScheme = (typeof QUICK_CONNECT_PROTOCOLS)[number]['scheme'];

/** What a person typed into the quick-connect bar. */
export interface QuickConnectForm {
  scheme: RemoteScheme;
  /** A host name, an address, or a whole URL such as `sftp://deploy@example.org:2222`. */
  host: string;
  /** Empty for the protocol's default. */
  port: string;
  user: string;
  password: string;
}

/** The site to connect to: a URL without the password, which travels on its own. */
export interface QuickConnectTarget {
  url: string;
  scheme: RemoteScheme;
  password: string | undefined;
}

function invalid(message: string): FerryError {
  return new FerryError('INVALID_INPUT', message);
}

/**
 * Turns the quick-connect fields into a URL, as FileZilla's bar does: a
 * URL typed into Host decides the protocol, and its port, user and
 * password win over the other fields; an empty Port means the default.
 */
export function quickConnectTarget(form: QuickConnectForm): QuickConnectTarget {
  const hostText = form.host.trim();
  if (hostText === '') throw invalid('Enter a host name or address to connect to.');
  const typedUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(hostText);
  // "example.org:2121" and "[::1]:2121" name a port, as in FileZilla's Host
  // field; a bare IPv6 address ("::1", "fe80::1") is put in brackets.
  const typedHostPort = !typedUrl && /^(?:[^:[\]]+|\[[^\]]*\]):[^:]*$/.test(hostText);
  const parsed = parseFerryUrl(
    typedUrl || typedHostPort
      ? `${typedUrl ? '' : `${form.scheme}://`}${hostText}`
      : `${form.scheme}://${hostText.includes(':') ? `[${hostText}]` : hostText}`,
  );
  if (parsed.protocol === 'file') throw invalid('Quick connect opens servers; the local pane shows this machine.');
  const scheme = parsed.scheme as RemoteScheme;
  if (parsed.path !== '' && parsed.path !== '/')
    throw invalid('Type only the server in Host; browse to folders after connecting.');

  const portText = form.port.trim();
  let port = parsed.port;
  const urlNamedPort =
    typedHostPort || (typedUrl && /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/]*):\d/i.test(hostText));
  if (!urlNamedPort && portText !== '') {
    if (!/^\d{1,5}$/.test(portText) || Number(portText) < 1 || Number(portText) > 65535) {
      throw invalid(`Port "${portText}" is not a number from 1 to 65535.`);
    }
    port = Number(portText);
  }

  const user = parsed.user ?? (form.user.trim() === '' ? undefined : form.user.trim());
  // eslint-disable-next-line no-control-regex
  if (user !== undefined && /[\u0000-\u001f\u007f]/.test(user))
    throw invalid('The user name contains a control character.');
  const password = parsed.password ?? (form.password === '' ? undefined : form.password);
  const host = parsed.host.includes(':') ? `[${parsed.host}]` : parsed.host;
  const userPart = user === undefined ? '' : `${encodeURIComponent(user)}@`;
  const portPart = port === defaultPort(scheme) ? '' : `:${port}`;
  return { url: `${scheme}://${userPart}${host}${portPart}`, scheme, password };
}
