import type {
  AnyAuthMethod,
  AuthenticationType,
  AuthHandlerMiddleware,
  KeyboardInteractiveAuthMethod,
  ParsedKey,
} from 'ssh2';
import { describe, expect, it } from 'vitest';
import { openSshOrderAuthHandler, type AuthMaterial } from '../../../../electron/core/protocols/sftp/authMethods.js';

const fakeKey = { type: 'ssh-ed25519' } as unknown as ParsedKey;

function material(overrides: Partial<AuthMaterial>): AuthMaterial {
  return {
    username: 'me',
    password: undefined,
    privateKey: undefined,
    defaultKeys: [],
    agent: undefined,
    onPrompt: undefined,
    log: () => {},
    ...overrides,
  };
}

type Choice = AnyAuthMethod | AuthenticationType | false;

/** One call of the handler as ssh2 makes it; `left` is null on the first call. */
function choose(handler: AuthHandlerMiddleware, left: AuthenticationType[] | null): Choice {
  const box: { value: Choice } = { value: false };
  handler(left as AuthenticationType[], false, (next) => {
    box.value = next;
  });
  return box.value;
}

/** Drives the handler the way ssh2 does, the server failing every method; returns the methods tried. */
function attempts(auth: AuthMaterial, serverAllows: AuthenticationType[]): (string | false)[] {
  const handler = openSshOrderAuthHandler(auth, { tried: [] });
  const seen: (string | false)[] = [];
  for (let round = 0; round < 10; round++) {
    const chosen = choose(handler, round === 0 ? null : serverAllows);
    if (chosen === false) {
      seen.push(false);
      break;
    }
    seen.push(typeof chosen === 'string' ? chosen : chosen.type);
  }
  return seen;
}

function keyboardMethod(chosen: Choice): KeyboardInteractiveAuthMethod {
  if (typeof chosen === 'object' && chosen.type === 'keyboard-interactive') return chosen;
  throw new Error(`expected keyboard-interactive, got ${JSON.stringify(chosen)}`);
}

/**
 * The keyboard-interactive method a handler picks when the person answers
 * every question put to them with '123456'; `asked` collects those questions.
 */
function keyboardAnsweringCodes(password: string | undefined) {
  const asked: string[] = [];
  const handler = openSshOrderAuthHandler(
    material({
      ...(password === undefined ? {} : { password }),
      onPrompt: (request) => {
        asked.push(...request.prompts.map((p) => p.prompt));
        return Promise.resolve(['123456']);
      },
    }),
    { tried: [] },
  );
  choose(handler, null);
  return { keyboard: keyboardMethod(choose(handler, ['keyboard-interactive'])), asked };
}

describe('the OpenSSH order of authentication', () => {
  it('asks none, then agent, identity file, keyboard-interactive, password', () => {
    const all = material({ password: 'pw', privateKey: fakeKey, agent: '/tmp/agent.sock' });
    expect(attempts(all, ['publickey', 'keyboard-interactive', 'password'])).toEqual([
      'none',
      'agent',
      'publickey',
      'keyboard-interactive',
      'password',
      false,
    ]);
  });

  it('tries the default keys after the agent, in the order given, each named in what it tried', () => {
    const rsa = { type: 'ssh-rsa' } as unknown as ParsedKey;
    const auth = material({
      password: 'pw',
      agent: '/tmp/agent.sock',
      defaultKeys: [
        { path: '/home/me/.ssh/id_rsa', key: rsa },
        { path: '/home/me/.ssh/id_ed25519', key: fakeKey },
      ],
    });
    const handler = openSshOrderAuthHandler(auth, { tried: [] });
    const keys: unknown[] = [];
    const labels: (string | false)[] = [];
    choose(handler, null);
    for (let round = 0; round < 10; round++) {
      const chosen = choose(handler, ['publickey', 'keyboard-interactive', 'password']);
      if (chosen === false) break;
      if (typeof chosen === 'object') {
        labels.push(chosen.type);
        if (chosen.type === 'publickey') keys.push(chosen.key);
      }
    }
    expect(labels).toEqual(['agent', 'publickey', 'publickey', 'keyboard-interactive', 'password']);
    expect(keys).toEqual([rsa, fakeKey]);
    const attempted = { tried: [] as string[] };
    const again = openSshOrderAuthHandler(auth, attempted);
    choose(again, null);
    while (choose(again, ['publickey']) !== false);
    expect(attempted.tried).toEqual([
      'publickey (agent)',
      'publickey (/home/me/.ssh/id_rsa)',
      'publickey (/home/me/.ssh/id_ed25519)',
    ]);
  });

  it('skips what the server does not offer', () => {
    const all = material({ password: 'pw', privateKey: fakeKey, agent: '/tmp/agent.sock' });
    expect(attempts(all, ['password'])).toEqual(['none', 'password', false]);
    expect(attempts(all, ['publickey'])).toEqual(['none', 'agent', 'publickey', false]);
  });

  it('does not send the password again after keyboard-interactive answered with it', () => {
    const handler = openSshOrderAuthHandler(material({ password: 'pw' }), { tried: [] });
    choose(handler, null);
    const keyboard = keyboardMethod(choose(handler, ['keyboard-interactive', 'password']));
    let answers: string[] = [];
    keyboard.prompt('', '', '', [{ prompt: 'Password: ', echo: false }], (given) => {
      answers = given;
    });
    expect(answers).toEqual(['pw']);
    expect(choose(handler, ['keyboard-interactive', 'password'])).toBe(false);
  });

  it.each(['Password: ', "me@host's password: ", 'Password for me@EXAMPLE.ORG: ', 'password:'])(
    'answers the plain password prompt %j with the password',
    (prompt) => {
      const handler = openSshOrderAuthHandler(material({ password: 'pw' }), { tried: [] });
      choose(handler, null);
      const keyboard = keyboardMethod(choose(handler, ['keyboard-interactive']));
      let answers: string[] | undefined;
      keyboard.prompt('', '', '', [{ prompt, echo: false }], (given) => {
        answers = given;
      });
      expect(answers).toEqual(['pw']);
    },
  );

  it.each(["One-time password (OATH) for `me': ", 'Enter PASSCODE: ', 'Verification code: ', 'Password: '])(
    'asks the person for %j rather than answering it with the password (again)',
    async (second) => {
      const { keyboard, asked } = keyboardAnsweringCodes('pw');
      if (second === 'Password: ') {
        keyboard.prompt('', '', '', [{ prompt: 'Password: ', echo: false }], () => undefined);
      }
      const answers = await new Promise<string[]>((resolve) => {
        keyboard.prompt('', '', '', [{ prompt: second, echo: false }], resolve);
      });
      expect(asked).toEqual([second]);
      expect(answers).toEqual(['123456']);
    },
  );

  it('raises other questions through onPrompt', async () => {
    const { keyboard, asked } = keyboardAnsweringCodes(undefined);
    const answers = await new Promise<string[]>((resolve) => {
      keyboard.prompt('', 'Enter the code', '', [{ prompt: 'Code: ', echo: true }], resolve);
    });
    expect(asked).toEqual(['Code: ']);
    expect(answers).toEqual(['123456']);
  });

  it('declines a question it cannot answer when there is no onPrompt', () => {
    const handler = openSshOrderAuthHandler(material({ password: 'pw' }), { tried: [] });
    choose(handler, null);
    const keyboard = keyboardMethod(choose(handler, ['keyboard-interactive']));
    let answers: string[] | undefined;
    keyboard.prompt('', '', '', [{ prompt: 'Code: ', echo: true }], (given) => {
      answers = given;
    });
    expect(answers).toEqual([]);
  });
});
