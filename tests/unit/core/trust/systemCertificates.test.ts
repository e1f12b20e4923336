import { X509Certificate } from 'node:crypto';
import { rootCertificates } from 'node:tls';
import { describe, expect, it } from 'vitest';
import {
  SYSTEM_BUNDLE_PATHS,
  trustedCertificates,
  type CertificateSources,
} from '../../../../electron/core/trust/systemCertificates.js';

const DEBIAN = SYSTEM_BUNDLE_PATHS[0] ?? '';

/** A certificate block holding `base64`, wrapped every `width` characters. */
function block(base64: string, width = 64, eol = '\n'): string {
  const lines = base64.match(new RegExp(`.{1,${width}}`, 'g')) ?? [];
  return ['-----BEGIN CERTIFICATE-----', ...lines, '-----END CERTIFICATE-----'].join(eol);
}

/** A fake certificate block whose bytes spell `name`. */
function pem(name: string): string {
  return block(Buffer.from(`fake certificate: ${name}`).toString('base64'));
}

/** A bundle file's text, each certificate under a comment naming it, as Fedora writes them. */
function bundle(...names: string[]): string {
  return names.map((name) => `# ${name}\n${pem(name)}\n`).join('\n');
}

/** Sources with Node's old API (no getCACertificates) and the given readable files. */
function oldNode(files: Record<string, string>, env: NodeJS.ProcessEnv = {}, platform: NodeJS.Platform = 'linux') {
  const read: string[] = [];
  const sources: CertificateSources = {
    bundled: [pem('BUNDLED-1'), pem('BUNDLED-2')],
    env,
    platform,
    readText: (path) => {
      read.push(path);
      return files[path];
    },
  };
  return { sources, read };
}

/** Sources of a Node with getCACertificates, answering each type as `answers` says. */
function newNode(
  answers: Record<'default' | 'system', () => string[]>,
  files: Record<string, string> = { [DEBIAN]: bundle('DEBIAN') },
  env: NodeJS.ProcessEnv = {},
  platform: NodeJS.Platform = 'linux',
) {
  const asked: string[] = [];
  const { sources, read } = oldNode(files, env, platform);
  sources.getCACertificates = (type) => {
    asked.push(type);
    return answers[type]();
  };
  return { sources, read, asked };
}

const fails = (): string[] => {
  throw new Error('no certificate store in this build');
};

describe('trustedCertificates', () => {
  it('adds the first system bundle found to Node’s roots', () => {
    const second = SYSTEM_BUNDLE_PATHS[1] ?? '';
    const third = SYSTEM_BUNDLE_PATHS[2] ?? '';
    const { sources } = oldNode({ [second]: bundle('FEDORA-1', 'FEDORA-2'), [third]: bundle('SUSE') });
    expect(trustedCertificates(sources)).toEqual([
      pem('BUNDLED-1'),
      pem('BUNDLED-2'),
      pem('FEDORA-1'),
      pem('FEDORA-2'),
    ]);
  });

  it('takes SSL_CERT_FILE alone when it is set, as OpenSSL does', () => {
    const { sources, read } = oldNode(
      { [DEBIAN]: bundle('DEBIAN'), '/opt/ca.pem': bundle('COMPANY-CA') },
      {
        SSL_CERT_FILE: '/opt/ca.pem',
      },
    );
    expect(trustedCertificates(sources)).toEqual([pem('BUNDLED-1'), pem('BUNDLED-2'), pem('COMPANY-CA')]);
    expect(read).toEqual(['/opt/ca.pem']);
  });

  it('keeps NODE_EXTRA_CA_CERTS, which a context with its own CA list would otherwise drop', () => {
    const { sources } = oldNode(
      { [DEBIAN]: bundle('DEBIAN'), '/srv/extra.pem': bundle('EXTRA') },
      {
        NODE_EXTRA_CA_CERTS: '/srv/extra.pem',
      },
    );
    expect(trustedCertificates(sources)).toEqual([pem('BUNDLED-1'), pem('BUNDLED-2'), pem('EXTRA'), pem('DEBIAN')]);
  });

  it('trusts Node’s roots alone when nothing else can be read', () => {
    const { sources } = oldNode({}, { NODE_EXTRA_CA_CERTS: '/gone.pem', SSL_CERT_FILE: '/gone-too.pem' });
    expect(trustedCertificates(sources)).toEqual([pem('BUNDLED-1'), pem('BUNDLED-2')]);
  });

  it.each<NodeJS.Platform>(['win32', 'darwin'])('looks for no bundle file on %s', (platform) => {
    const { sources, read } = oldNode({ [DEBIAN]: bundle('DEBIAN') }, {}, platform);
    expect(trustedCertificates(sources)).toEqual([pem('BUNDLED-1'), pem('BUNDLED-2')]);
    expect(read).toEqual([]);
  });

  it('lists each certificate once when NODE_EXTRA_CA_CERTS names the system bundle, which holds Node’s roots', () => {
    const { sources } = oldNode(
      { [DEBIAN]: bundle('BUNDLED-2', 'DEBIAN', 'BUNDLED-1') },
      { NODE_EXTRA_CA_CERTS: DEBIAN },
    );
    expect(trustedCertificates(sources)).toEqual([pem('BUNDLED-1'), pem('BUNDLED-2'), pem('DEBIAN')]);
  });

  it('knows a certificate again however its file wraps and ends its lines', () => {
    // Node's own roots against the same roots as another tool might write
    // them: 76 columns, CRLF, reversed, with comments between.
    const rewrapped = rootCertificates
      .map((root) => `# root\r\n${block(root.replace(/-----[A-Z ]+-----|\s/g, ''), 76, '\r\n')}`)
      .reverse()
      .join('\r\n');
    expect(rewrapped).not.toContain(rootCertificates[0]);
    const { sources } = oldNode({ [DEBIAN]: rewrapped });
    sources.bundled = rootCertificates;
    expect(trustedCertificates(sources)).toEqual([...rootCertificates]);
  });

  it('leaves out everything in a file that is not a whole certificate', () => {
    const file = [
      '# a comment mentioning -----BEGIN CERTIFICATE----- in passing',
      '-----BEGIN X509 CRL-----\nQ1JM\n-----END X509 CRL-----',
      '-----BEGIN PRIVATE KEY-----\nS0VZ\n-----END PRIVATE KEY-----',
      '-----BEGIN CERTIFICATE-----\nVFJVTkNBVEVE', // no END line
      pem('WHOLE'),
      '-----BEGIN CERTIFICATE-----\n-----END CERTIFICATE-----',
    ].join('\n');
    const { sources } = oldNode({ [DEBIAN]: file });
    expect(trustedCertificates(sources)).toEqual([pem('BUNDLED-1'), pem('BUNDLED-2'), pem('WHOLE')]);
  });

  it('asks a Node that can read the system store for it, once per certificate', () => {
    const { sources, read, asked } = newNode({
      default: () => [pem('ROOT-A'), pem('ROOT-B')],
      system: () => [pem('ROOT-B'), pem('COMPANY-CA')],
    });
    expect(trustedCertificates(sources)).toEqual([pem('ROOT-A'), pem('ROOT-B'), pem('COMPANY-CA')]);
    expect(asked).toEqual(['default', 'system']);
    expect(read).toEqual([]);
  });

  it('keeps Node’s default roots and reads the bundle file when the system store throws', () => {
    const { sources, asked } = newNode({ default: () => [pem('ROOT-A')], system: fails });
    expect(trustedCertificates(sources)).toEqual([pem('ROOT-A'), pem('DEBIAN')]);
    expect(asked).toEqual(['default', 'system']);
  });

  it('reads the bundle file when the system store is empty on Linux', () => {
    const { sources, read } = newNode(
      { default: () => [pem('ROOT-A')], system: () => [] },
      { '/opt/ca.pem': bundle('COMPANY-CA') },
      { SSL_CERT_FILE: '/opt/ca.pem' },
    );
    expect(trustedCertificates(sources)).toEqual([pem('ROOT-A'), pem('COMPANY-CA')]);
    expect(read).toEqual(['/opt/ca.pem']);
  });

  it.each<NodeJS.Platform>(['win32', 'darwin'])('keeps Node’s default roots when the store fails on %s', (platform) => {
    const { sources, read } = newNode({ default: () => [pem('ROOT-A')], system: fails }, undefined, {}, platform);
    expect(trustedCertificates(sources)).toEqual([pem('ROOT-A')]);
    expect(read).toEqual([]);
  });

  it('falls back to Node’s bundled roots and NODE_EXTRA_CA_CERTS when the default list throws', () => {
    const { sources } = newNode(
      { default: fails, system: () => [pem('COMPANY-CA')] },
      { '/srv/extra.pem': bundle('EXTRA') },
      { NODE_EXTRA_CA_CERTS: '/srv/extra.pem' },
    );
    expect(trustedCertificates(sources)).toEqual([pem('BUNDLED-1'), pem('BUNDLED-2'), pem('EXTRA'), pem('COMPANY-CA')]);
  });

  it('reads this process’s sources by default, one parsable certificate per entry, each once', () => {
    const trusted = trustedCertificates();
    // Node's bundled roots are always there, whatever the machine holds besides.
    expect(trusted.length).toBeGreaterThan(100);
    const fingerprints = trusted.map((entry) => new X509Certificate(entry).fingerprint256);
    expect(new Set(fingerprints).size).toBe(trusted.length);
    for (const entry of trusted) expect(entry.match(/BEGIN CERTIFICATE/g)).toHaveLength(1);
  });
});
