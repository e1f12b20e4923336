import type { SFTPWrapper } from 'ssh2';

/** ssh2's own window for every channel: 2 MiB, topped up when half is used. */
export const SSH2_DEFAULT_WINDOW = 2 * 1024 * 1024;

interface ChannelInternals {
  incoming?: { window?: unknown };
  outgoing?: { id?: unknown };
  _protocol?: { channelWindowAdjust?: unknown };
  push?: unknown;
}

/**
 * Keeps the SFTP channel's receive window at `target` bytes instead of
 * ssh2's fixed 2 MiB. With many large READs in flight the server fills a
 * 2 MiB window long before our requests run out and then waits a round trip
 * for each top-up; a window that holds everything in flight lets replies
 * stream. ssh2 offers no setting for it, so the channel's data entry point
 * is wrapped to send WINDOW_ADJUST whenever less than half the target is
 * left (ssh2's own top-up, at 1 MiB left, then never triggers). If ssh2's
 * private channel fields ever look different, nothing is changed.
 */
export function keepReceiveWindow(sftp: SFTPWrapper, target: number): boolean {
  const channel = sftp as unknown as ChannelInternals;
  const incoming = channel.incoming;
  const outgoingId = channel.outgoing?.id;
  const adjust = channel._protocol?.channelWindowAdjust;
  const push = channel.push;
  if (
    target <= SSH2_DEFAULT_WINDOW ||
    incoming === undefined ||
    typeof incoming.window !== 'number' ||
    typeof outgoingId !== 'number' ||
    typeof adjust !== 'function' ||
    typeof push !== 'function'
  ) {
    return false;
  }
  const protocol = channel._protocol;
  const topUp = (): void => {
    const window = incoming.window;
    if (typeof window !== 'number' || window >= target / 2) return;
    incoming.window = target;
    (adjust as (id: number, amount: number) => void).call(protocol, outgoingId, target - window);
  };
  channel.push = function pushAndTopUp(this: unknown, data: Buffer | null): unknown {
    const result: unknown = (push as (data: Buffer | null) => unknown).call(this, data);
    if (data !== null) topUp();
    return result;
  };
  topUp();
  return true;
}
