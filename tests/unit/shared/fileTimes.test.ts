import { describe, expect, it } from 'vitest';
import { compareFileTimes, resolutionOf } from '../../../shared/fileTimes.js';

const at = (text: string): number => Date.parse(text);

describe('resolutionOf', () => {
  it('takes a whole day or minute as cut there, unless told times are never cut, and is never finer than a second', () => {
    expect(resolutionOf(at('2025-11-22T00:00:00Z'))).toBe(86_400_000);
    expect(resolutionOf(at('2026-11-22T11:36:00Z'))).toBe(60_000);
    expect(resolutionOf(at('2026-11-22T11:36:00Z'), false)).toBe(1000);
    expect(resolutionOf(at('2026-11-22T11:36:48Z'))).toBe(1000);
    expect(resolutionOf(at('2026-11-22T11:36:48.784Z'))).toBe(1000);
  });
});

describe('compareFileTimes', () => {
  it('calls a time the same as its own rounding to seconds, or its cutting to minutes or the day', () => {
    const local = at('2026-11-22T11:36:48.784Z');
    expect(compareFileTimes(local, at('2026-11-22T11:36:48Z'))).toBe(0);
    expect(compareFileTimes(local, at('2026-11-22T11:36:49Z'))).toBe(0);
    expect(compareFileTimes(at('2026-11-22T11:36:00Z'), at('2026-11-22T11:36:48Z'))).toBe(0);
    expect(compareFileTimes(at('2025-11-22T00:00:00Z'), at('2025-11-22T17:05:09Z'))).toBe(0);
  });

  it('orders times that fall in different steps of the coarser resolution', () => {
    expect(compareFileTimes(at('2026-11-22T11:37:00Z'), at('2026-11-22T11:36:48Z'))).toBe(1);
    expect(compareFileTimes(at('2026-11-22T11:36:46.5Z'), at('2026-11-22T11:36:48Z'))).toBe(-1);
    expect(compareFileTimes(at('2026-11-22T11:36:50.1Z'), at('2026-11-22T11:36:48.7Z'))).toBe(1);
  });

  it('compares at a step the caller gives', () => {
    expect(compareFileTimes(at('2026-11-22T11:36:00Z'), at('2026-11-22T11:36:48Z'), 1000)).toBe(-1);
  });
});
