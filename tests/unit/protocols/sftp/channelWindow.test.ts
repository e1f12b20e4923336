import type { SFTPWrapper } from 'ssh2';
import { describe, expect, it } from 'vitest';
import { keepReceiveWindow } from '../../../../electron/core/protocols/sftp/channelWindow.js';

const MiB = 1024 * 1024;

/** Just the parts of an ssh2 SFTP channel the window keeper touches. */
function fakeChannel() {
  const adjustments: number[] = [];
  const pushed: (Buffer | null)[] = [];
  const channel = {
    incoming: { window: 2 * MiB },
    outgoing: { id: 7 },
    _protocol: {
      channelWindowAdjust(id: number, amount: number) {
        expect(id).toBe(7);
        adjustments.push(amount);
      },
    },
    push(data: Buffer | null) {
      pushed.push(data);
    },
  };
  return { channel, adjustments, pushed };
}

describe('keepReceiveWindow', () => {
  it('opens the window to the target at once and tops it up when half is used', () => {
    const { channel, adjustments, pushed } = fakeChannel();
    expect(keepReceiveWindow(channel as unknown as SFTPWrapper, 8 * MiB)).toBe(true);
    expect(adjustments).toEqual([6 * MiB]);
    expect(channel.incoming.window).toBe(8 * MiB);

    // ssh2 lowers the window as data arrives, then calls push.
    channel.incoming.window -= 3 * MiB;
    channel.push(Buffer.alloc(1));
    expect(adjustments).toHaveLength(1);
    channel.incoming.window -= 2 * MiB;
    channel.push(Buffer.alloc(1));
    expect(adjustments).toEqual([6 * MiB, 5 * MiB]);
    expect(channel.incoming.window).toBe(8 * MiB);
    expect(pushed).toHaveLength(2);
  });

  it('leaves a channel alone when the target is not larger than ssh2s own window or the fields differ', () => {
    const small = fakeChannel();
    expect(keepReceiveWindow(small.channel as unknown as SFTPWrapper, 2 * MiB)).toBe(false);
    const odd = { incoming: {}, outgoing: { id: 1 }, push() {} };
    expect(keepReceiveWindow(odd as unknown as SFTPWrapper, 8 * MiB)).toBe(false);
  });
});
