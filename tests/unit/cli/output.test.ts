import { describe, expect, it } from 'vitest';
import { terminalSafe, terminalSafeOutput } from '../../../electron/cli/output.js';

describe('terminalSafe', () => {
  it('keeps ordinary text, newlines and tabs as they are', () => {
    expect(terminalSafe('get a.bin\tok\nété 名前\n')).toBe('get a.bin\tok\nété 名前\n');
  });

  it('writes escape sequences, carriage returns, C1 controls and bidirectional overrides as \\uNNNN', () => {
    expect(terminalSafe('\u001b[2J\rverified\u009b31m\u007f\u202e')).toBe(
      '\\u001b[2J\\u000dverified\\u009b31m\\u007f\\u202e',
    );
  });

  it('keeps a JSON line valid JSON that decodes to the original text', () => {
    const value = { name: 'x\u009b\u007f\u202ey', error: 'a\u001bb' };
    const line = terminalSafe(JSON.stringify(value));
    // eslint-disable-next-line no-control-regex
    expect(line).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u202e]/);
    expect(JSON.parse(line)).toEqual(value);
  });

  it('wraps both streams of an output', () => {
    const written: string[] = [];
    const output = terminalSafeOutput({
      out: (text) => written.push(`out:${text}`),
      err: (text) => written.push(`err:${text}`),
    });
    output.out('a\u001b');
    output.err('b\r');
    expect(written).toEqual(['out:a\\u001b', 'err:b\\u000d']);
  });
});
