import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { FerryError } from '../../../shared/errors.js';
import { writeAtomically } from '../local/writeAtomically.js';

const fileSchema = z.object({
  version: z.literal(1),
  /** `host:port` → the certificate's SHA-256 fingerprint, upper-case hex with colons. */
  certificates: z.record(z.string(), z.string()),
});

/**
 * TLS certificates the user chose to "always trust" although the system
 * store does not (self-signed ones, mostly), kept in Ferry's data folder as
 * `trusted-certificates.json`. A pin names one server and one exact
 * certificate: a renewed certificate is asked about again, like a changed
 * SSH host key, because a pin is only worth anything if it can fail.
 */
export class PinnedCertificates {
  private readonly path: string;
  private saving: Promise<void> = Promise.resolve();

  constructor(dataFolder: string) {
    this.path = join(dataFolder, 'trusted-certificates.json');
  }

  /** The pinned fingerprint for a server, if any. A damaged file pins nothing. */
  async lookup(host: string, port: number): Promise<string | undefined> {
    return (await this.load())[key(host, port)];
  }

  /** Pins a fingerprint for a server, replacing an earlier one. */
  pin(host: string, port: number, fingerprint: string): Promise<void> {
    const next = this.saving.then(async () => {
      const certificates = { ...(await this.load()), [key(host, port)]: fingerprint };
      try {
        await writeAtomically(this.path, JSON.stringify({ version: 1, certificates }, null, 2));
      } catch (error) {
        throw new FerryError('LOCAL_IO', `Cannot save the trusted certificate in "${this.path}"`, { cause: error });
      }
    });
    // One failed save must not fail every later one.
    this.saving = next.catch(() => undefined);
    return next;
  }

  private async load(): Promise<Record<string, string>> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return {};
    }
    const parsed = fileSchema.safeParse(safeJson(text));
    return parsed.success ? parsed.data.certificates : {};
  }
}

function key(host: string, port: number): string {
  return `${host.includes(':') ? `[${host}]` : host}:${port}`;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
