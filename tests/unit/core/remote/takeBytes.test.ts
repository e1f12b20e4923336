import { describe, expect, it } from 'vitest';
import { takeBytes } from '../../../../electron/core/remote/takeBytes.js';

const chunks = (...texts: string[]): Buffer[] => texts.map((text) => Buffer.from(text));

describe('takeBytes', () => {
  it('slices within the first chunk without copying, and leaves the rest queued', () => {
    const queue = chunks('abcdef', 'gh');
    const taken = takeBytes(queue, 4);
    expect(taken.toString()).toBe('abcd');
    expect(taken.buffer).toBe(queue[0]?.buffer);
    expect(queue.map(String)).toEqual(['ef', 'gh']);
  });

  it('joins across chunks, cutting the last one it touches', () => {
    const queue = chunks('ab', 'cd', 'efgh');
    expect(takeBytes(queue, 5).toString()).toBe('abcde');
    expect(queue.map(String)).toEqual(['fgh']);
  });

  it('takes what there is when asked for more, emptying the queue', () => {
    const queue = chunks('ab', 'c');
    expect(takeBytes(queue, 10).toString()).toBe('abc');
    expect(queue).toEqual([]);
  });
});
