import { describe, expect, it } from 'vitest';
import { absoluteBlock, blocksAhead, wireBlock } from '../../../../electron/core/protocols/tftp/blockNumber.js';
import { RetransmitTimer } from '../../../../electron/core/protocols/tftp/retransmitTimer.js';
import { retransmitBounds } from '../../../../electron/core/protocols/tftp/transferLink.js';

describe('block numbers', () => {
  it('roll over from 65535 to 0', () => {
    expect(wireBlock(1)).toBe(1);
    expect(wireBlock(65535)).toBe(65535);
    expect(wireBlock(65536)).toBe(0);
    expect(wireBlock(65537)).toBe(1);
    expect(wireBlock(3 * 65536 + 5)).toBe(5);
  });

  it('map a wire number back into a window that spans the rollover', () => {
    expect(absoluteBlock(0, 65530, 65545)).toBe(65536);
    expect(absoluteBlock(65535, 65530, 65545)).toBe(65535);
    expect(absoluteBlock(9, 65530, 65545)).toBe(65545);
    expect(absoluteBlock(10, 65530, 65545)).toBeNull();
    expect(absoluteBlock(65529, 65530, 65545)).toBeNull();
    expect(absoluteBlock(5, 0, 10)).toBe(5);
  });

  it('tell how far ahead a wire number is, across the rollover', () => {
    expect(blocksAhead(0, 65536)).toBe(0);
    expect(blocksAhead(2, 65535)).toBe(3);
    expect(blocksAhead(65535, 65536)).toBe(65535);
    expect(blocksAhead(4, 5)).toBe(65535);
  });
});

describe('adaptive retransmit timer', () => {
  it('starts at the initial timeout and adapts to measured round trips within bounds', () => {
    const timer = new RetransmitTimer({ initialMs: 1000, minMs: 50, maxMs: 3000 });
    expect(timer.timeoutMs).toBe(1000);
    timer.sample(100);
    // SRTT 100, RTTVAR 50: 100 + 4 × 50.
    expect(timer.timeoutMs).toBe(300);
    for (let i = 0; i < 50; i++) timer.sample(1);
    expect(timer.timeoutMs).toBe(50);
    for (let i = 0; i < 50; i++) timer.sample(10_000);
    expect(timer.timeoutMs).toBe(3000);
  });

  it('doubles on backoff up to the maximum', () => {
    const timer = new RetransmitTimer({ initialMs: 400, minMs: 50, maxMs: 1000 });
    timer.backoff();
    expect(timer.timeoutMs).toBe(800);
    timer.backoff();
    expect(timer.timeoutMs).toBe(1000);
  });

  it('takes its ceiling from the negotiated timeout option', () => {
    expect(retransmitBounds(5)).toEqual({ initialMs: 1000, minMs: 50, maxMs: 5000 });
    expect(retransmitBounds(null).maxMs).toBe(3000);
    expect(retransmitBounds(1)).toEqual({ initialMs: 1000, minMs: 50, maxMs: 1000 });
  });
});
