import { describe, it, expect } from 'vitest';
import type { LogEntry } from '../../../shared/contract.js';
import { logEntrySchema } from '../../../shared/contract.js';
import { MessageLog } from '../../../electron/core/log/messageLog.js';

describe('MessageLog', () => {
  it('records lines with increasing ids, the time, the session and the kind', () => {
    const log = new MessageLog();
    const before = Date.now();
    const first = log.add('command', 'USER bob', 'site-1');
    const second = log.add('reply', '331 Password required', 'site-1');
    const third = log.add('info', 'Ferry started');
    const after = Date.now();
    expect(first).toMatchObject({ id: 1, session: 'site-1', kind: 'command', text: 'USER bob' });
    expect(second.id).toBe(2);
    expect(third).toMatchObject({ id: 3, session: null, kind: 'info' });
    for (const entry of [first, second, third]) {
      expect(entry.time).toBeGreaterThanOrEqual(before);
      expect(entry.time).toBeLessThanOrEqual(after);
      expect(logEntrySchema.parse(entry)).toEqual(entry);
    }
    expect(log.history()).toEqual([first, second, third]);
  });

  it('keeps only the newest lines up to its capacity, ids still increasing', () => {
    const log = new MessageLog(3);
    for (let i = 1; i <= 7; i += 1) log.add('info', `line ${i}`);
    const history = log.history();
    expect(history.map((e) => e.id)).toEqual([5, 6, 7]);
    expect(history.map((e) => e.text)).toEqual(['line 5', 'line 6', 'line 7']);
    expect(log.add('error', 'next').id).toBe(8);
    expect(log.history().map((e) => e.id)).toEqual([6, 7, 8]);
  });

  it('is bounded by default', () => {
    const log = new MessageLog();
    for (let i = 0; i < 10_050; i += 1) log.add('info', 'x');
    const history = log.history();
    expect(history).toHaveLength(10_000);
    expect(history[0]?.id).toBe(51);
    expect(history.at(-1)?.id).toBe(10_050);
  });

  it('returns a copy of its history', () => {
    const log = new MessageLog();
    log.add('info', 'a');
    const copy = log.history();
    copy.pop();
    expect(log.history()).toHaveLength(1);
  });

  it('tells every listener about each new line until it unsubscribes', () => {
    const log = new MessageLog();
    const a: LogEntry[] = [];
    const b: LogEntry[] = [];
    const stopA = log.onEntry((entry) => a.push(entry));
    log.onEntry((entry) => b.push(entry));
    const first = log.add('info', 'one');
    stopA();
    const second = log.add('info', 'two');
    expect(a).toEqual([first]);
    expect(b).toEqual([first, second]);
  });

  it('tells listeners of lines even when they fall off the bounded history', () => {
    const log = new MessageLog(1);
    const seen: number[] = [];
    log.onEntry((entry) => seen.push(entry.id));
    log.add('info', 'a');
    log.add('info', 'b');
    expect(seen).toEqual([1, 2]);
    expect(log.history().map((e) => e.id)).toEqual([2]);
  });
});
