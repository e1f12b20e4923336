import { describe, it, expect } from 'vitest';
import { buildBridge, eventMethodName, type BridgeTransport } from '../../../shared/api.js';
import { EVENT_CHANNELS, INVOKE_CHANNELS, type Envelope, type LogEntry } from '../../../shared/contract.js';

/** A transport that records invokes and delivers events to subscribers, like the real ones do. */
class RecordingTransport implements BridgeTransport {
  readonly calls: { channel: string; args: unknown[] }[] = [];
  readonly listeners = new Map<string, Set<(payload: unknown) => void>>();
  reply: Envelope = { ok: true, value: 'reply' };

  invoke(channel: string, args: unknown[]): Promise<Envelope> {
    this.calls.push({ channel, args });
    return Promise.resolve(this.reply);
  }

  subscribe(channel: string, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  emit(channel: string, payload: unknown): void {
    for (const listener of this.listeners.get(channel) ?? []) listener(payload);
  }
}

const logLine: LogEntry = { id: 1, time: 0, session: null, kind: 'info', text: 'hello' };

describe('eventMethodName', () => {
  it('turns the name after the group into on + Capitalised', () => {
    expect(eventMethodName('log.entry')).toBe('onEntry');
    expect(eventMethodName('transfers.progressBatch')).toBe('onProgressBatch');
  });
});

describe('buildBridge', () => {
  it('has one group per contract prefix and exactly the contract methods', () => {
    const bridge = buildBridge(new RecordingTransport()) as unknown as Record<string, Record<string, unknown>>;
    const expected: Record<string, string[]> = {};
    for (const channel of INVOKE_CHANNELS) {
      const [group = '', method = ''] = channel.split('.');
      (expected[group] ??= []).push(method);
    }
    for (const channel of EVENT_CHANNELS) {
      const [group = ''] = channel.split('.');
      (expected[group] ??= []).push(eventMethodName(channel));
    }
    expect(Object.keys(bridge).sort()).toEqual(Object.keys(expected).sort());
    for (const [group, methods] of Object.entries(expected)) {
      expect(Object.keys(bridge[group] ?? {}).sort()).toEqual([...methods].sort());
      for (const method of methods) expect(typeof bridge[group]?.[method]).toBe('function');
    }
  });

  it('exposes today’s contract grouped by feature', () => {
    const bridge = buildBridge(new RecordingTransport()) as unknown as Record<string, Record<string, unknown>>;
    expect(Object.keys(bridge).sort()).toEqual(['local', 'log', 'remote', 'sessions', 'tftpServer', 'transfers']);
    expect(Object.keys(bridge.sessions ?? {}).sort()).toEqual([
      'answerPrompt',
      'connect',
      'disconnect',
      'list',
      'onPrompt',
      'prompts',
    ]);
    expect(Object.keys(bridge.transfers ?? {}).sort()).toEqual([
      'add',
      'answer',
      'cancel',
      'cancelAll',
      'clear',
      'list',
      'move',
      'onChanged',
      'onQuestion',
      'onTotals',
      'pause',
      'pauseAll',
      'questions',
      'remove',
      'resume',
      'resumeAll',
      'retry',
      'retryAllFailed',
      'setSpeedLimit',
      'speedLimit',
    ]);
    expect(Object.keys(bridge.local ?? {}).sort()).toEqual(['delete', 'home', 'list', 'mkdir', 'rename']);
    expect(Object.keys(bridge.remote ?? {}).sort()).toEqual(['delete', 'list', 'mkdir', 'rename']);
    expect(Object.keys(bridge.log ?? {}).sort()).toEqual(['history', 'onEntry']);
    expect(Object.keys(bridge.tftpServer ?? {}).sort()).toEqual(['onStatus', 'onTransfer', 'start', 'status', 'stop']);
  });

  it('offers no generic way to name a channel', () => {
    const bridge = buildBridge(new RecordingTransport()) as unknown as Record<string, unknown>;
    for (const name of ['invoke', 'send', 'on', 'subscribe', 'emit', 'ipcRenderer']) {
      expect(bridge[name]).toBeUndefined();
    }
    const local = bridge.local as Record<string, unknown>;
    expect(local.invoke).toBeUndefined();
    expect(local.onEntry).toBeUndefined();
  });

  it('passes the arguments through as an array to the matching channel', async () => {
    const transport = new RecordingTransport();
    const bridge = buildBridge(transport);
    await bridge.local.list('/tmp');
    await bridge.local.rename('/tmp', 'a', 'b');
    await bridge.local.delete('/tmp', ['x', 'y']);
    await bridge.local.home();
    await bridge.log.history();
    expect(transport.calls).toEqual([
      { channel: 'local.list', args: ['/tmp'] },
      { channel: 'local.rename', args: ['/tmp', 'a', 'b'] },
      { channel: 'local.delete', args: ['/tmp', ['x', 'y']] },
      { channel: 'local.home', args: [] },
      { channel: 'log.history', args: [] },
    ]);
  });

  it('resolves to the envelope the transport returns, failures included', async () => {
    const transport = new RecordingTransport();
    const bridge = buildBridge(transport);
    expect(await bridge.local.home()).toEqual({ ok: true, value: 'reply' });
    transport.reply = { ok: false, error: { code: 'NOT_FOUND', message: 'gone', retryable: false } };
    expect(await bridge.local.list('/nope')).toEqual(transport.reply);
  });

  it('delivers events to a subscriber until it unsubscribes', () => {
    const transport = new RecordingTransport();
    const bridge = buildBridge(transport);
    const seen: LogEntry[] = [];
    const unsubscribe = bridge.log.onEntry((entry) => seen.push(entry));
    expect(transport.listeners.get('log.entry')?.size).toBe(1);
    transport.emit('log.entry', logLine);
    expect(seen).toEqual([logLine]);
    unsubscribe();
    expect(transport.listeners.get('log.entry')?.size).toBe(0);
    transport.emit('log.entry', { ...logLine, id: 2 });
    expect(seen).toEqual([logLine]);
  });

  it('keeps other subscribers when one unsubscribes', () => {
    const transport = new RecordingTransport();
    const bridge = buildBridge(transport);
    const first: number[] = [];
    const second: number[] = [];
    const stopFirst = bridge.log.onEntry((entry) => first.push(entry.id));
    bridge.log.onEntry((entry) => second.push(entry.id));
    stopFirst();
    transport.emit('log.entry', logLine);
    expect(first).toEqual([]);
    expect(second).toEqual([1]);
  });

  it('refuses a listener that is not a function', () => {
    const transport = new RecordingTransport();
    const bridge = buildBridge(transport) as unknown as { log: { onEntry: (listener: unknown) => unknown } };
    expect(() => bridge.log.onEntry('not a function')).toThrow(TypeError);
    expect(() => bridge.log.onEntry(undefined)).toThrow(/log\.entry: listener must be a function/);
    expect(transport.listeners.size).toBe(0);
  });
});
