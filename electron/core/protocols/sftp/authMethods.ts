import type {
  AnyAuthMethod,
  AuthenticationType,
  AuthHandlerMiddleware,
  KeyboardInteractiveCallback,
  ParsedKey,
  Prompt,
} from 'ssh2';
import type { SftpPromptRequest } from '../../remote/connectOptions.js';
import type { LogSink } from '../../log/messageLog.js';
import type { DefaultIdentity } from './defaultIdentities.js';

/** What a login may use; each is tried only if present and the server allows it. */
export interface AuthMaterial {
  username: string;
  password: string | undefined;
  /** An already decrypted identity file. */
  privateKey: ParsedKey | undefined;
  /** The default identity files (~/.ssh/id_*), read only when no identity file was named. */
  defaultKeys: readonly DefaultIdentity[];
  /** An agent socket path (or 'pageant') known to answer. */
  agent: string | undefined;
  onPrompt: ((request: SftpPromptRequest) => Promise<string[] | null>) | undefined;
  log: LogSink;
}

/** Which methods were tried, so a failed login can say what it tried. */
export interface AuthAttempts {
  tried: string[];
}

type Step = { method: AuthenticationType; label: string; build: () => AnyAuthMethod };

/**
 * A hidden prompt that asks for the account's password and nothing else:
 * "Password:", "me@host's password:", "Password for me@REALM:". Prompts
 * for one-time codes often say "password" or "passcode" too ("One-time
 * password (OATH) for `me':", "Enter PASSCODE:"); those are the user's to answer.
 */
function isPasswordPrompt(prompt: Prompt): boolean {
  return !prompt.echo && /^\s*(?:\S+'s\s+)?password(?:\s+for\s+[^:]+)?\s*:\s*$/i.test(prompt.prompt);
}

/**
 * The keyboard-interactive responder: the first round that only asks for
 * the password is answered with it; anything else, and any later round
 * (a second factor, or the password asked again because it was wrong),
 * goes to `onPrompt` (the UI), and is declined when there is none.
 */
function keyboardResponder(material: AuthMaterial, answeredWithPassword: { value: boolean }) {
  return (
    name: string,
    instructions: string,
    _lang: string,
    prompts: Prompt[],
    finish: KeyboardInteractiveCallback,
  ): void => {
    const { password, onPrompt } = material;
    if (
      password !== undefined &&
      !answeredWithPassword.value &&
      prompts.length > 0 &&
      prompts.every(isPasswordPrompt)
    ) {
      answeredWithPassword.value = true;
      finish(prompts.map(() => password));
      return;
    }
    if (!onPrompt) {
      material.log('info', 'Declining a keyboard-interactive question no one can answer');
      finish([]);
      return;
    }
    const request: SftpPromptRequest = {
      name,
      instructions,
      prompts: prompts.map((p) => ({ prompt: p.prompt, echo: p.echo ?? false })),
    };
    onPrompt(request).then(
      (answers) => finish(answers ?? []),
      () => finish([]),
    );
  };
}

/**
 * An ssh2 auth handler that tries methods in OpenSSH's order: `none`
 * first (to learn what the server allows), then public keys (the agent's,
 * then the identity file, or else the default ones in OpenSSH's order),
 * then keyboard-interactive, then password. A method the server does not
 * list is skipped; the password is not sent a second time after
 * keyboard-interactive already answered with it.
 */
export function openSshOrderAuthHandler(material: AuthMaterial, attempts: AuthAttempts): AuthHandlerMiddleware {
  const { username } = material;
  const answeredWithPassword = { value: false };
  const steps: Step[] = [];
  const { agent, privateKey, defaultKeys, password } = material;
  if (agent !== undefined) {
    steps.push({ method: 'publickey', label: 'publickey (agent)', build: () => ({ type: 'agent', username, agent }) });
  }
  if (privateKey !== undefined) {
    steps.push({
      method: 'publickey',
      label: 'publickey (identity file)',
      build: () => ({ type: 'publickey', username, key: privateKey }),
    });
  }
  for (const { path, key } of defaultKeys) {
    steps.push({
      method: 'publickey',
      label: `publickey (${path})`,
      build: () => ({ type: 'publickey', username, key }),
    });
  }
  if (password !== undefined || material.onPrompt !== undefined) {
    steps.push({
      method: 'keyboard-interactive',
      label: 'keyboard-interactive',
      build: () => ({
        type: 'keyboard-interactive',
        username,
        prompt: keyboardResponder(material, answeredWithPassword),
      }),
    });
  }
  if (password !== undefined) {
    steps.push({ method: 'password', label: 'password', build: () => ({ type: 'password', username, password }) });
  }
  let next = 0;
  let started = false;
  return (methodsLeft, _partialSuccess, callback) => {
    if (!started) {
      started = true;
      callback({ type: 'none', username });
      return;
    }
    // ssh2 passes null when the server sent no list; then try everything.
    const allowed: readonly string[] | null = Array.isArray(methodsLeft) ? methodsLeft : null;
    while (next < steps.length) {
      const step = steps[next++];
      if (step === undefined) break;
      if (allowed !== null && !allowed.includes(step.method)) continue;
      if (step.method === 'password' && answeredWithPassword.value) continue;
      attempts.tried.push(step.label);
      material.log('info', `Trying ${step.label} authentication as ${username}`);
      callback(step.build());
      return;
    }
    // ssh2 types the callback with method names and objects only; false ends the login.
    (callback as unknown as (done: false) => void)(false);
  };
}
