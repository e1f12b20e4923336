import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultDataFolder } from '../core/appData.js';
import { createFerryServices } from '../ipc/services.js';
import { startWebServer } from './server.js';

/** `FERRY_PORT` as a port number, 0 (any free port) when unset. */
function portFromEnv(value: string | undefined): number {
  if (value === undefined || value === '') return 0;
  const port = Number(value);
  if (!/^[0-9]+$/.test(value) || port > 65535) {
    throw new Error(`FERRY_PORT must be a port number from 0 to 65535, not "${value}"`);
  }
  return port;
}

async function main(): Promise<void> {
  const port = portFromEnv(process.env.FERRY_PORT);
  const services = await createFerryServices({ dataFolder: defaultDataFolder() });
  const here = dirname(fileURLToPath(import.meta.url));
  const server = await startWebServer({ services, rendererFolder: join(here, '../renderer'), port });
  // The one line scripts and people look for; keep its wording stable.
  console.log(`Ferry is running at ${server.url}`);
  const stop = (): void => {
    void server
      .close()
      .then(() => services.dispose())
      .finally(() => process.exit(0));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((error: unknown) => {
  console.error(`Ferry could not start browser mode: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
