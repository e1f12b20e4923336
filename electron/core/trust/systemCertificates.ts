import { readFileSync } from 'node:fs';
import * as tls from 'node:tls';

/**
 * Where Linux and the BSDs keep the system's bundle of trusted CA
 * certificates, in the order OpenSSL-based tools look for it. An
 * administrator who adds a company CA with update-ca-certificates or
 * update-ca-trust lands in one of these.
 */
export const SYSTEM_BUNDLE_PATHS: readonly string[] = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Arch, Gentoo
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL, CentOS
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/pki/tls/cacert.pem', // OpenELEC
  '/etc/ssl/cert.pem', // Alpine, FreeBSD, OpenBSD
];

type CaType = 'default' | 'system';

/** What the trusted set is read from; the defaults are this process's. */
export interface CertificateSources {
  /** `tls.getCACertificates`, where Node has it (22.15 and later, so Electron). */
  getCACertificates?: (type: CaType) => string[];
  /** Node's bundled Mozilla roots (`tls.rootCertificates`). */
  bundled: readonly string[];
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** A file's text, or undefined when it cannot be read. */
  readText: (path: string) => string | undefined;
}

function readTextOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function processSources(): CertificateSources {
  const reader = (tls as { getCACertificates?: (type: CaType) => string[] }).getCACertificates;
  return {
    ...(typeof reader === 'function' ? { getCACertificates: (type: CaType) => reader(type) } : {}),
    bundled: tls.rootCertificates,
    env: process.env,
    platform: process.platform,
    readText: readTextOrUndefined,
  };
}

/**
 * The system bundle on Node versions that cannot read the system store:
 * SSL_CERT_FILE when set (only it, as OpenSSL does), else the first
 * readable well-known path. Windows and macOS keep no such file.
 */
function systemBundle(sources: CertificateSources): string[] {
  if (sources.platform === 'win32' || sources.platform === 'darwin') return [];
  const chosen = sources.env['SSL_CERT_FILE'];
  const candidates = chosen ? [chosen] : SYSTEM_BUNDLE_PATHS;
  for (const path of candidates) {
    const text = sources.readText(path);
    if (text !== undefined) return [text];
  }
  return [];
}

/**
 * The CA certificates an FTPS server's certificate is checked against:
 * Node's bundled roots, the file NODE_EXTRA_CA_CERTS names, and the
 * operating system's store. Node on its own trusts only the first two, so
 * a company CA the administrator installed system-wide would be refused,
 * where FileZilla and curl accept it. Each entry is PEM text and may hold
 * many certificates (a bundle file is passed whole).
 */
export function trustedCertificates(sources: CertificateSources = processSources()): string[] {
  if (sources.getCACertificates) {
    // 'default' is what Node would use (bundled and NODE_EXTRA_CA_CERTS);
    // 'system' reads the OS store on every platform, Windows and macOS included.
    return [...new Set([...sources.getCACertificates('default'), ...sources.getCACertificates('system')])];
  }
  // Passing `ca` to a TLS context replaces Node's roots, NODE_EXTRA_CA_CERTS
  // included, so everything is listed here.
  const extraPath = sources.env['NODE_EXTRA_CA_CERTS'];
  const extra = extraPath ? sources.readText(extraPath) : undefined;
  return [...sources.bundled, ...(extra === undefined ? [] : [extra]), ...systemBundle(sources)];
}
