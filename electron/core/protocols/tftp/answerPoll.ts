/**
 * Busy polling for a TFTP peer that answers within microseconds.
 *
 * Lock-step TFTP is one round trip per block, so its speed is the time
 * from our packet to the peer's answer. On loopback or a fast LAN the
 * answer comes in tens of microseconds, and waking a sleeping event loop
 * for it (the thread parked in epoll_wait, the CPU in an idle state) costs
 * as much again: a lock-step download ran at under half the speed the
 * network allowed. While an answer is due that soon, the event loop is kept
 * polling (epoll with a zero timeout, through setImmediate) instead of
 * sleeping, for at most POLL_BUDGET_MS after each send, as network stacks
 * busy-poll low-latency sockets. That costs a core while a fast transfer
 * runs, which then finishes sooner. It stays off while answers take longer
 * than POLL_WHEN_ANSWERED_WITHIN_MS on average (a WAN, a slow device),
 * where a wake-up is a small part of the wait, and a lost packet waits
 * asleep once the budget is spent.
 *
 * (Tried on SFTP too: a pipelined transfer keeps enough in flight that
 * polling gained about 3% on a download for a fifth more CPU, and nothing
 * on an upload, so it is not used there.)
 */

/** Poll for at most this long after each expectation. */
export const POLL_BUDGET_MS = 0.5;
/** Poll only while packets have come this quickly on average. */
export const POLL_WHEN_ANSWERED_WITHIN_MS = 0.25;
/** A slow answer (after a retransmission or a stall) counts as no slower than this, so quick ones soon bring polling back. */
const LONGEST_SAMPLE_MS = 4 * POLL_BUDGET_MS;
/** Weight of the newest wait in the average. */
const SAMPLE_WEIGHT = 0.125;

/** What the poller needs from its surroundings; replaced in tests. */
export interface PollEnvironment {
  /** Monotonic milliseconds. */
  now(): number;
  /** Runs `task` after the event loop's next poll for I/O, which then does not sleep. */
  afterPoll(task: () => void): void;
}

const eventLoop: PollEnvironment = {
  now: () => performance.now(),
  afterPoll: (task) => setImmediate(task),
};

/** Keeps the event loop polling between expecting a packet and its arrival, while packets come quickly. */
export class AnswerPoll {
  /** Since when a packet has been expected; null when none is. */
  private expectedSince: number | null = null;
  /** Smoothed wait from expecting a packet to its arrival; null before the first. */
  private averageMs: number | null = null;
  private pollUntil = 0;
  private scheduled = false;

  constructor(private readonly environment: PollEnvironment = eventLoop) {}

  /** Whether the loop is being kept awake right now. */
  get polling(): boolean {
    return this.scheduled;
  }

  /** The smoothed wait for a packet, or null before the first. */
  get averageWaitMs(): number | null {
    return this.averageMs;
  }

  /** A packet is due (we sent something the peer answers, or data is flowing): poll if packets come quickly. */
  expect(): void {
    const now = this.environment.now();
    this.expectedSince ??= now;
    if (this.averageMs !== null && this.averageMs > POLL_WHEN_ANSWERED_WITHIN_MS) return;
    this.pollUntil = now + POLL_BUDGET_MS;
    if (!this.scheduled) {
      this.scheduled = true;
      this.environment.afterPoll(this.tick);
    }
  }

  /** A packet came: time the wait and stop polling (whoever expects the next one starts it again). */
  arrived(): void {
    if (this.expectedSince !== null) {
      const sample = Math.min(this.environment.now() - this.expectedSince, LONGEST_SAMPLE_MS);
      this.averageMs = this.averageMs === null ? sample : this.averageMs + SAMPLE_WEIGHT * (sample - this.averageMs);
      this.expectedSince = null;
    }
    this.pollUntil = 0;
  }

  /** Nothing is due any more (the transfer ended): let the loop sleep. */
  stop(): void {
    this.pollUntil = 0;
    this.expectedSince = null;
  }

  private readonly tick = (): void => {
    if (this.environment.now() < this.pollUntil) this.environment.afterPoll(this.tick);
    else this.scheduled = false;
  };
}
