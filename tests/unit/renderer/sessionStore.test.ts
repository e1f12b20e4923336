import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, ServerPromptEvent } from '../../../shared/contract.js';
import { FerryError } from '../../../shared/errors.js';

let prompt: (event: ServerPromptEvent) => void = () => undefined;
let finishConnect: (envelope: Envelope) => void = () => undefined;
(globalThis as { window?: unknown }).window = {
  ferry: {
    sessions: {
      onPrompt: (listener: (event: ServerPromptEvent) => void) => {
        prompt = listener;
        return () => undefined;
      },
      connect: () =>
        new Promise<Envelope>((resolve) => {
          finishConnect = resolve;
        }),
      disconnect: () => Promise.resolve<Envelope>({ ok: true, value: undefined }),
      prompts: () => Promise.resolve<Envelope>({ ok: true, value: [] }),
      list: () => Promise.resolve<Envelope>({ ok: true, value: [] }),
    },
  },
};
let useSession: (typeof import('../../../renderer/src/stores/session.js'))['useSession'];
beforeAll(async () => {
  ({ useSession } = await import('../../../renderer/src/stores/session.js'));
});

describe('the window session', () => {
  it('drops a one-time-code question once the login it belongs to has failed', async () => {
    useSession.getState().start();
    const connecting = useSession
      .getState()
      .connect({ scheme: 'sftp', host: 'example.org', port: '', user: 'me', password: 'pw', passive: true });
    prompt({
      id: 1,
      site: 'sftp://me@example.org:22',
      name: '',
      instructions: '',
      prompts: [{ prompt: 'Verification code: ', echo: false }],
    });
    expect(useSession.getState().prompts).toHaveLength(1);
    finishConnect({ ok: false, error: new FerryError('CONNECTION_LOST', 'Unexpected end event').toShape() });
    expect(await connecting).toBe(false);
    expect(useSession.getState().prompts).toEqual([]);
    expect(useSession.getState().error).toContain('Unexpected end event');
  });
});
