import { beforeAll, describe, expect, it } from 'vitest';
import type { Envelope, TftpServerStatus } from '../../../shared/contract.js';
import { TFTP_SERVER_STOPPED } from '../../../shared/tftpServerStopped.js';

const stopped = TFTP_SERVER_STOPPED;
const serving: TftpServerStatus = {
  running: true,
  folder: '/srv/tftp',
  address: '127.0.0.1',
  port: 6969,
  writable: false,
  overwrite: false,
};
let answerStatus: (envelope: Envelope) => void = () => undefined;
(globalThis as { window?: unknown }).window = {
  ferry: {
    tftpServer: {
      onStatus: () => () => undefined,
      onTransfer: () => () => undefined,
      status: () =>
        new Promise<Envelope>((resolve) => {
          answerStatus = resolve;
        }),
      start: () => Promise.resolve<Envelope>({ ok: true, value: serving }),
      stop: () => Promise.resolve<Envelope>({ ok: true, value: stopped }),
    },
  },
};
let useTftpServer: (typeof import('../../../renderer/src/stores/tftpServer.js'))['useTftpServer'];
beforeAll(async () => {
  ({ useTftpServer } = await import('../../../renderer/src/stores/tftpServer.js'));
});

describe('the window’s TFTP server state', () => {
  it('keeps a started server shown as serving when the first status answer comes late', async () => {
    useTftpServer.getState().start();
    await useTftpServer
      .getState()
      .serve({ folder: '/srv/tftp', address: '127.0.0.1', port: 6969, writable: false, overwrite: false });
    expect(useTftpServer.getState().status.running).toBe(true);
    // The answer to the status asked for on start, from before the server ran.
    answerStatus({ ok: true, value: stopped });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(useTftpServer.getState().status).toEqual(serving);
  });
});
