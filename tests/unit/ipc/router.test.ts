import { describe, it, expect, beforeEach } from 'vitest';
import { z } from 'zod';
import type { Envelope, LogEntry } from '../../../shared/contract.js';
import { TFTP_SERVER_STOPPED } from '../../../shared/tftpServerStopped.js';
import type { FolderListing } from '../../../shared/entries.js';
import { envelopeSchema } from '../../../shared/contract.js';
import { FerryError, type FerryErrorShape } from '../../../shared/errors.js';
import { createRouter, toFerryError, type Handlers, type Router } from '../../../electron/ipc/router.js';

const listing: FolderListing = { path: '/tmp', parent: '/', separator: '/', entries: [] };
const stopped = TFTP_SERVER_STOPPED;

/** Handlers that record what they were called with; one can be told to throw. */
const capabilities = {
  list: true,
  stat: true,
  mkdir: true,
  delete: true,
  rename: true,
  chmod: true,
  setModified: true,
  resumeDownload: true,
  resumeUpload: true,
  hash: [],
  symlinks: true,
};

class FakeServices {
  calls: { channel: string; args: unknown[] }[] = [];
  failWith: unknown = undefined;

  private record(channel: string, args: unknown[]): void {
    this.calls.push({ channel, args });
    // Handlers may throw anything, strings included; the router must cope.
    // eslint-disable-next-line @typescript-eslint/only-throw-error
    if (this.failWith !== undefined) throw this.failWith;
  }

  handlers(): Handlers {
    return {
      'local.home': () => {
        this.record('local.home', []);
        return '/home/me';
      },
      'local.list': async (path) => {
        await Promise.resolve();
        this.record('local.list', [path]);
        return { ...listing, path };
      },
      'local.mkdir': (folder, name) => this.record('local.mkdir', [folder, name]),
      'local.rename': (folder, from, to) => this.record('local.rename', [folder, from, to]),
      'local.delete': (folder, names) => this.record('local.delete', [folder, names]),
      'log.history': (): LogEntry[] => {
        this.record('log.history', []);
        return [];
      },
      'tftpServer.start': (config) => {
        this.record('tftpServer.start', [config]);
        return { ...stopped, running: true, ...config };
      },
      'tftpServer.stop': () => {
        this.record('tftpServer.stop', []);
        return stopped;
      },
      'tftpServer.status': () => {
        this.record('tftpServer.status', []);
        return stopped;
      },
      'sessions.connect': (request) => {
        this.record('sessions.connect', [request]);
        return { site: 'sftp://me@host:22', protocol: 'sftp', initialFolder: '/home/me', capabilities };
      },
      'sessions.disconnect': (site) => this.record('sessions.disconnect', [site]),
      'sessions.answerPrompt': (id, answers) => this.record('sessions.answerPrompt', [id, answers]),
      'sessions.list': () => {
        this.record('sessions.list', []);
        return [];
      },
      'sessions.prompts': () => {
        this.record('sessions.prompts', []);
        return [];
      },
      'remote.list': (site, path) => {
        this.record('remote.list', [site, path]);
        return [];
      },
      'remote.mkdir': (site, folder, name) => this.record('remote.mkdir', [site, folder, name]),
      'remote.rename': (site, folder, from, to) => this.record('remote.rename', [site, folder, from, to]),
      'remote.delete': (site, folder, names) => this.record('remote.delete', [site, folder, names]),
      'transfers.add': (items) => {
        this.record('transfers.add', [items]);
        return [];
      },
      'transfers.list': () => {
        this.record('transfers.list', []);
        return [];
      },
      'transfers.pause': (id) => this.record('transfers.pause', [id]),
      'transfers.resume': (id) => this.record('transfers.resume', [id]),
      'transfers.cancel': (id) => this.record('transfers.cancel', [id]),
      'transfers.retry': (id) => this.record('transfers.retry', [id]),
      'transfers.pauseAll': () => this.record('transfers.pauseAll', []),
      'transfers.resumeAll': () => this.record('transfers.resumeAll', []),
      'transfers.cancelAll': () => this.record('transfers.cancelAll', []),
      'transfers.retryAllFailed': () => this.record('transfers.retryAllFailed', []),
      'transfers.move': (id, index) => this.record('transfers.move', [id, index]),
      'transfers.remove': (id) => this.record('transfers.remove', [id]),
      'transfers.clear': (list) => this.record('transfers.clear', [list]),
      'transfers.speedLimit': () => {
        this.record('transfers.speedLimit', []);
        return { download: 0, upload: 0 };
      },
      'transfers.setSpeedLimit': (limit) => this.record('transfers.setSpeedLimit', [limit]),
      'transfers.answer': (id, answer) => this.record('transfers.answer', [id, answer]),
      'transfers.questions': () => {
        this.record('transfers.questions', []);
        return [];
      },
    };
  }
}

function errorOf(envelope: Envelope): FerryErrorShape {
  if (envelope.ok) throw new Error(`expected a failure, got ${JSON.stringify(envelope)}`);
  return envelope.error;
}

describe('createRouter', () => {
  let services: FakeServices;
  let unexpected: unknown[];
  let router: Router;

  beforeEach(() => {
    services = new FakeServices();
    unexpected = [];
    router = createRouter(services.handlers(), (error) => unexpected.push(error));
  });

  it('calls the handler with the validated arguments and wraps the value', async () => {
    expect(await router.invoke('local.list', ['/var/tmp'])).toEqual({
      ok: true,
      value: { ...listing, path: '/var/tmp' },
    });
    expect(await router.invoke('local.home', [])).toEqual({ ok: true, value: '/home/me' });
    expect(await router.invoke('local.rename', ['C:\\Users', 'a', 'b'])).toEqual({ ok: true, value: undefined });
    expect(await router.invoke('local.delete', ['/x', ['a', 'b c']])).toEqual({ ok: true, value: undefined });
    expect(services.calls).toEqual([
      { channel: 'local.list', args: ['/var/tmp'] },
      { channel: 'local.home', args: [] },
      { channel: 'local.rename', args: ['C:\\Users', 'a', 'b'] },
      { channel: 'local.delete', args: ['/x', ['a', 'b c']] },
    ]);
  });

  it('answers envelopes the contract schema accepts', async () => {
    envelopeSchema.parse(await router.invoke('local.home', []));
    envelopeSchema.parse(await router.invoke('nope', []));
  });

  it.each(['local.unknown', 'invoke', '', 'toString', '__proto__', 'constructor', 42, null, undefined, { a: 1 }])(
    'refuses the unknown channel %j with INVALID_INPUT',
    async (channel) => {
      const error = errorOf(await router.invoke(channel, []));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.message).toContain('Unknown channel');
      expect(error.retryable).toBe(false);
      expect(services.calls).toEqual([]);
      expect(unexpected).toEqual([]);
    },
  );

  it.each([
    ['local.list', [42], 'argument 0'],
    ['local.list', ['relative/path'], 'path must be absolute'],
    ['local.list', [''], 'argument 0'],
    ['local.list', ['/a\0b'], 'NUL'],
    ['local.list', ['/' + 'a'.repeat(5000)], 'argument 0'],
    ['local.list', [], 'Too small'],
    ['local.list', ['/a', '/b'], 'Too big'],
    ['local.home', ['extra'], 'Too big'],
    ['local.mkdir', ['/tmp', 'a', 'b'], 'Too big'],
    ['local.mkdir', ['/tmp', 'a/b'], 'path separator'],
    ['local.mkdir', ['/tmp', '..'], 'refers to a folder'],
    ['local.mkdir', ['/tmp', '.'], 'refers to a folder'],
    ['local.mkdir', ['/tmp', ''], 'empty'],
    ['local.mkdir', ['/tmp', 'a\\b'], 'path separator'],
    ['local.mkdir', ['/tmp', 'a\nb'], 'control character'],
    ['local.mkdir', ['tmp', 'a'], 'path must be absolute'],
    ['local.rename', ['/tmp', 'a', '../b'], 'argument 2'],
    ['local.rename', ['/tmp', '../a', 'b'], 'argument 1'],
    ['local.delete', ['/tmp', []], 'argument 1'],
    ['local.delete', ['/tmp', ['ok', '../../etc']], 'path separator'],
    ['local.delete', ['/tmp', 'a'], 'argument 1'],
    ['remote.mkdir', ['ftp://h:21', '/srv', '../x'], 'path separator'],
    ['remote.mkdir', ['ftp://h:21', '/srv\r\nDELE x', 'a'], 'NUL, CR or LF'],
    ['remote.rename', ['ftp://h:21', '/srv', 'a', 'b/c'], 'path separator'],
    ['remote.delete', ['ftp://h:21', '/srv', ['..']], 'refers to a folder'],
    ['remote.delete', ['ftp://h:21', '/srv', []], 'argument 2'],
  ])('refuses %s with %j and does not call the handler', async (channel, args, words) => {
    const error = errorOf(await router.invoke(channel, args));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(words);
    expect(services.calls).toEqual([]);
    expect(unexpected).toEqual([]);
  });

  it.each([undefined, null, '/tmp', { 0: '/tmp' }])('refuses arguments that are not a list: %j', async (args) => {
    const error = errorOf(await router.invoke('local.list', args));
    expect(error.code).toBe('INVALID_INPUT');
    expect(services.calls).toEqual([]);
  });

  it('keeps the code, message, reply code and retryable flag of a FerryError', async () => {
    services.failWith = new FerryError('PERMISSION_DENIED', '550 Permission denied', { replyCode: 550 });
    expect(errorOf(await router.invoke('local.mkdir', ['/tmp', 'x']))).toStrictEqual({
      code: 'PERMISSION_DENIED',
      message: '550 Permission denied',
      retryable: false,
      replyCode: 550,
    });
    services.failWith = new FerryError('CONNECTION_LOST', 'gone');
    expect(errorOf(await router.invoke('local.mkdir', ['/tmp', 'x']))).toStrictEqual({
      code: 'CONNECTION_LOST',
      message: 'gone',
      retryable: true,
    });
    expect(unexpected).toEqual([]);
  });

  it('keeps a FerryError thrown by an async handler', async () => {
    services.failWith = new FerryError('NOT_FOUND', 'no /x');
    expect(errorOf(await router.invoke('local.list', ['/x'])).code).toBe('NOT_FOUND');
  });

  it('reports an unexpected Error as LOCAL_IO and tells onUnexpected', async () => {
    const bug = new TypeError('cannot read properties of undefined');
    services.failWith = bug;
    const error = errorOf(await router.invoke('local.mkdir', ['/tmp', 'x']));
    expect(error.code).toBe('LOCAL_IO');
    expect(error.message).toBe('Unexpected error in Ferry: cannot read properties of undefined');
    expect(error.retryable).toBe(false);
    expect(unexpected).toEqual([bug]);
  });

  it('reports a thrown non-Error too', async () => {
    services.failWith = 'just a string';
    const error = errorOf(await router.invoke('local.home', []));
    expect(error.code).toBe('LOCAL_IO');
    expect(error.message).toContain('Unexpected');
    expect(error.message).toContain('just a string');
    expect(unexpected).toEqual(['just a string']);
  });

  it('never throws, even without an onUnexpected callback', async () => {
    services.failWith = new Error('boom');
    const quiet = createRouter(services.handlers());
    await expect(quiet.invoke('local.home', [])).resolves.toMatchObject({ ok: false, error: { code: 'LOCAL_IO' } });
  });
});

describe('toFerryError', () => {
  it('passes a FerryError through', () => {
    const error = new FerryError('TIMEOUT', 't');
    expect(toFerryError(error)).toBe(error);
  });

  it('turns a ZodError into INVALID_INPUT naming the argument', () => {
    const result = z.tuple([z.string()]).safeParse([1]);
    if (result.success) throw new Error('expected a parse failure');
    const error = toFerryError(result.error);
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toMatch(/^argument 0: /);
  });

  it('turns anything else into LOCAL_IO keeping the cause', () => {
    const cause = new Error('x');
    const error = toFerryError(cause);
    expect(error.code).toBe('LOCAL_IO');
    expect(error.cause).toBe(cause);
  });
});
