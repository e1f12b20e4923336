import { createAgent } from './ssh2Runtime.js';
import type { LogSink } from '../../log/messageLog.js';

const PROBE_TIMEOUT_MS = 3000;

/** The agent to use by default: SSH_AUTH_SOCK, or Pageant on Windows. */
export function defaultAgent(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string | undefined {
  if (env.SSH_AUTH_SOCK) return env.SSH_AUTH_SOCK;
  return platform === 'win32' ? 'pageant' : undefined;
}

/**
 * Asks the agent for its keys before the login. ssh2 reports an agent that
 * does not answer as a connection error, which would end a login that the
 * identity file or the password could still complete; so an agent that is
 * gone, silent or empty is left out here, with a line in the log.
 */
export async function usableAgent(agent: string | undefined, log: LogSink): Promise<string | undefined> {
  if (agent === undefined) return undefined;
  const count = await new Promise<number>((resolve) => {
    const timer = setTimeout(() => resolve(-1), PROBE_TIMEOUT_MS);
    try {
      createAgent(agent).getIdentities((error, keys) => {
        clearTimeout(timer);
        resolve(error ? -1 : (keys?.length ?? 0));
      });
    } catch {
      clearTimeout(timer);
      resolve(-1);
    }
  });
  if (count < 0) log('info', `The SSH agent at ${agent} does not answer; not using it`);
  else if (count === 0) log('info', `The SSH agent at ${agent} holds no keys`);
  else log('info', `The SSH agent at ${agent} offers ${count} key${count === 1 ? '' : 's'}`);
  return count > 0 ? agent : undefined;
}
