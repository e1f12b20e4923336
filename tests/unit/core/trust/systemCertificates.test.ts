import { describe, expect, it } from 'vitest';
import {
  SYSTEM_BUNDLE_PATHS,
  trustedCertificates,
  type CertificateSources,
} from '../../../../electron/core/trust/systemCertificates.js';

/** Sources with Node's old API (no getCACertificates) and the given readable files. */
function oldNode(files: Record<string, string>, env: NodeJS.ProcessEnv = {}, platform: NodeJS.Platform = 'linux') {
  const read: string[] = [];
  const sources: CertificateSources = {
    bundled: ['BUNDLED-1', 'BUNDLED-2'],
    env,
    platform,
    readText: (path) => {
      read.push(path);
      return files[path];
    },
  };
  return { sources, read };
}

describe('trustedCertificates', () => {
  it('adds the first system bundle found to Node’s roots', () => {
    const second = SYSTEM_BUNDLE_PATHS[1] ?? '';
    const third = SYSTEM_BUNDLE_PATHS[2] ?? '';
    const { sources } = oldNode({ [second]: 'FEDORA-BUNDLE', [third]: 'SUSE-BUNDLE' });
    expect(trustedCertificates(sources)).toEqual(['BUNDLED-1', 'BUNDLED-2', 'FEDORA-BUNDLE']);
  });

  it('takes SSL_CERT_FILE alone when it is set, as OpenSSL does', () => {
    const debian = SYSTEM_BUNDLE_PATHS[0] ?? '';
    const { sources, read } = oldNode(
      { [debian]: 'DEBIAN-BUNDLE', '/opt/ca.pem': 'COMPANY-CA' },
      {
        SSL_CERT_FILE: '/opt/ca.pem',
      },
    );
    expect(trustedCertificates(sources)).toEqual(['BUNDLED-1', 'BUNDLED-2', 'COMPANY-CA']);
    expect(read).toEqual(['/opt/ca.pem']);
  });

  it('keeps NODE_EXTRA_CA_CERTS, which a context with its own CA list would otherwise drop', () => {
    const debian = SYSTEM_BUNDLE_PATHS[0] ?? '';
    const { sources } = oldNode(
      { [debian]: 'DEBIAN-BUNDLE', '/srv/extra.pem': 'EXTRA' },
      {
        NODE_EXTRA_CA_CERTS: '/srv/extra.pem',
      },
    );
    expect(trustedCertificates(sources)).toEqual(['BUNDLED-1', 'BUNDLED-2', 'EXTRA', 'DEBIAN-BUNDLE']);
  });

  it('trusts Node’s roots alone when nothing else can be read', () => {
    const { sources } = oldNode({}, { NODE_EXTRA_CA_CERTS: '/gone.pem', SSL_CERT_FILE: '/gone-too.pem' });
    expect(trustedCertificates(sources)).toEqual(['BUNDLED-1', 'BUNDLED-2']);
  });

  it.each<NodeJS.Platform>(['win32', 'darwin'])('looks for no bundle file on %s', (platform) => {
    const debian = SYSTEM_BUNDLE_PATHS[0] ?? '';
    const { sources, read } = oldNode({ [debian]: 'DEBIAN-BUNDLE' }, {}, platform);
    expect(trustedCertificates(sources)).toEqual(['BUNDLED-1', 'BUNDLED-2']);
    expect(read).toEqual([]);
  });

  it('asks a Node that can read the system store for it, once per certificate', () => {
    const asked: string[] = [];
    const { sources, read } = oldNode({ [SYSTEM_BUNDLE_PATHS[0] ?? '']: 'DEBIAN-BUNDLE' });
    sources.getCACertificates = (type) => {
      asked.push(type);
      return type === 'default' ? ['ROOT-A', 'ROOT-B'] : ['ROOT-B', 'COMPANY-CA'];
    };
    expect(trustedCertificates(sources)).toEqual(['ROOT-A', 'ROOT-B', 'COMPANY-CA']);
    expect(asked).toEqual(['default', 'system']);
    expect(read).toEqual([]);
  });

  it('reads this process’s sources by default', () => {
    // Node's bundled roots are always there, whatever the machine holds besides.
    expect(trustedCertificates().length).toBeGreaterThan(100);
  });
});
