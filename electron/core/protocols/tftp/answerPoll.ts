/**
 * Lock-step TFTP is one round trip per block, so its speed is the time
 * from our packet to the peer's answer. On loopback or a fast LAN the
 * answer comes in tens of microseconds, and waking a sleeping event loop
 * for it (the thread parked in epoll_wait, the CPU in an idle state) costs
 * as much again: a lock-step download ran at under half the speed the
 * network allowed. While an answer is due that soon, the loop is kept
 * polling (epoll with a zero timeout, through setImmediate) instead of
 * sleeping, for at most POLL_BUDGET_MS after each send: busy polling, as
 * network stacks do for low-latency sockets. It costs a core while a fast
 * transfer runs, which then finishes sooner; it stays off when answers
 * take longer than POLL_WHEN_ANSWERED_WITHIN_MS on average, where a
 * wake-up is a small part of the wait.
 */

/** Poll for at most this long after a send; a lost packet then waits on the retransmit timer asleep. */
export const POLL_BUDGET_MS = 0.5;
/** Poll only while the peer's answers have come this quickly on average. */
export const POLL_WHEN_ANSWERED_WITHIN_MS = 0.25;
/** A slow answer (a retransmission, a stall) counts as no slower than this, so fast answers soon bring polling back. */
const LONGEST_SAMPLE_MS = 4 * POLL_BUDGET_MS;
/** Weight of the newest answer time in the average. */
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

/** Keeps one transfer's event loop polling between a send and its answer, while answers are quick. */
export class AnswerPoll {
  /** When the oldest unanswered send went out; null when nothing is outstanding. */
  private sentAt: number | null = null;
  /** Smoothed time from a send to the peer's answer; null before the first answer. */
  private averageMs: number | null = null;
  private pollUntil = 0;
  private scheduled = false;

  constructor(private readonly environment: PollEnvironment = eventLoop) {}

  /** Whether the loop is being kept awake right now. */
  get polling(): boolean {
    return this.scheduled;
  }

  /** The smoothed answer time, or null before the first answer. */
  get averageAnswerMs(): number | null {
    return this.averageMs;
  }

  /** A packet went to the peer: poll for its answer if answers come quickly (or none has been timed yet). */
  sent(): void {
    const now = this.environment.now();
    this.sentAt ??= now;
    if (this.averageMs !== null && this.averageMs > POLL_WHEN_ANSWERED_WITHIN_MS) return;
    this.pollUntil = now + POLL_BUDGET_MS;
    if (!this.scheduled) {
      this.scheduled = true;
      this.environment.afterPoll(this.tick);
    }
  }

  /** A packet came from the peer: time the answer and stop polling (the handler's next send starts it again). */
  answered(): void {
    if (this.sentAt !== null) {
      const sample = Math.min(this.environment.now() - this.sentAt, LONGEST_SAMPLE_MS);
      this.averageMs = this.averageMs === null ? sample : this.averageMs + SAMPLE_WEIGHT * (sample - this.averageMs);
      this.sentAt = null;
    }
    this.pollUntil = 0;
  }

  /** The transfer is over: let the loop sleep. */
  stop(): void {
    this.pollUntil = 0;
    this.sentAt = null;
  }

  private readonly tick = (): void => {
    if (this.environment.now() < this.pollUntil) this.environment.afterPoll(this.tick);
    else this.scheduled = false;
  };
}
