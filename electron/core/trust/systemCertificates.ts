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
 * The system bundle where the system store cannot be read through Node:
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

/** Node's roots as Node itself would trust them: its bundled set and the NODE_EXTRA_CA_CERTS file. */
function nodeDefaults(sources: CertificateSources): string[] {
  // Passing `ca` to a TLS context replaces Node's roots, NODE_EXTRA_CA_CERTS
  // included, so the file has to be read here.
  const extraPath = sources.env['NODE_EXTRA_CA_CERTS'];
  const extra = extraPath ? sources.readText(extraPath) : undefined;
  return [...sources.bundled, ...(extra === undefined ? [] : [extra])];
}

/** `getCACertificates(type)`, or undefined where Node lacks it or it fails. */
function askNode(sources: CertificateSources, type: CaType): string[] | undefined {
  if (!sources.getCACertificates) return undefined;
  try {
    return sources.getCACertificates(type);
  } catch {
    // Electron's BoringSSL build may not implement a store on every
    // platform; an exception here would fail every FTPS connection, when
    // the fallbacks trust as much as an older Node would.
    return undefined;
  }
}

// Base64 has no '-', so a block missing its END line cannot swallow the next one.
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----/g;

/**
 * Every certificate block in `texts`, once each, in first-seen order.
 * NODE_EXTRA_CA_CERTS often names the system bundle, which holds Node's
 * roots too, and OpenSSL parses every copy when the TLS context is built:
 * three copies of ~140 roots took ~100 ms of blocked thread at the first
 * FTPS connection. Copies are matched on their DER bytes, as bundles wrap
 * and end lines differently.
 */
function uniqueCertificates(texts: readonly string[]): string[] {
  const seen = new Set<string>();
  const unique: string[] = [];
  for (const text of texts) {
    for (const [block, body = ''] of text.matchAll(CERTIFICATE_BLOCK)) {
      const der = Buffer.from(body, 'base64').toString('base64');
      if (der === '' || seen.has(der)) continue;
      seen.add(der);
      unique.push(block);
    }
  }
  return unique;
}

/**
 * The CA certificates an FTPS server's certificate is checked against:
 * Node's bundled roots, the file NODE_EXTRA_CA_CERTS names, and the
 * operating system's store. Node on its own trusts only the first two, so
 * a company CA the administrator installed system-wide would be refused,
 * where FileZilla and curl accept it. Each entry is one PEM certificate;
 * text outside certificate blocks (comments, CRLs, keys) is left out.
 */
export function trustedCertificates(sources: CertificateSources = processSources()): string[] {
  // 'default' is what Node would use (bundled and NODE_EXTRA_CA_CERTS);
  // 'system' reads the OS store on every platform, Windows and macOS included.
  const defaults = askNode(sources, 'default') ?? nodeDefaults(sources);
  const system = askNode(sources, 'system');
  // An empty 'system' on Linux or a BSD means Node found no store (as
  // Electron's BoringSSL may not), not that the machine trusts nothing.
  return uniqueCertificates([...defaults, ...(system?.length ? system : systemBundle(sources))]);
}
