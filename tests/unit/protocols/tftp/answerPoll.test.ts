import { describe, expect, it } from 'vitest';
import {
  AnswerPoll,
  POLL_BUDGET_MS,
  POLL_WHEN_ANSWERED_WITHIN_MS,
  type PollEnvironment,
} from '../../../../electron/core/protocols/tftp/answerPoll.js';

/** A clock that moves only when told to, and an event loop whose polls run one at a time. */
function fakeLoop(): PollEnvironment & { time: number; pending: (() => void)[]; runPoll(): void } {
  const loop = {
    time: 0,
    pending: [] as (() => void)[],
    now: () => loop.time,
    afterPoll: (task: () => void) => {
      loop.pending.push(task);
    },
    /** One turn of the loop: the tasks queued before it run. */
    runPoll: () => {
      const tasks = loop.pending;
      loop.pending = [];
      for (const task of tasks) task();
    },
  };
  return loop;
}

describe('AnswerPoll', () => {
  it('keeps the loop polling from an expectation until the packet comes', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.expect();
    expect(poll.polling).toBe(true);
    loop.time = 0.02;
    loop.runPoll();
    expect(loop.pending).toHaveLength(1);
    poll.arrived();
    loop.runPoll();
    expect(poll.polling).toBe(false);
    expect(loop.pending).toHaveLength(0);
    expect(poll.averageWaitMs).toBeCloseTo(0.02);
  });

  it('stops polling when the budget runs out without a packet', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.expect();
    loop.time = POLL_BUDGET_MS / 2;
    loop.runPoll();
    expect(poll.polling).toBe(true);
    loop.time = POLL_BUDGET_MS;
    loop.runPoll();
    expect(poll.polling).toBe(false);
    expect(loop.pending).toHaveLength(0);
  });

  it('keeps one chain of polls when sends follow each other', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.expect();
    poll.expect();
    poll.arrived();
    poll.expect();
    expect(loop.pending).toHaveLength(1);
  });

  it('times the wait from the first of several expectations', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.expect();
    loop.time = 0.1;
    poll.expect();
    loop.time = 0.15;
    poll.arrived();
    expect(poll.averageWaitMs).toBeCloseTo(0.15);
  });

  it('stays off while answers are slow, and comes back when they are quick again', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    // A peer a LAN away: answers in a millisecond.
    for (let i = 0; i < 5; i++) {
      poll.expect();
      loop.time += 1;
      loop.runPoll();
      poll.arrived();
    }
    expect(poll.averageWaitMs).toBeGreaterThan(POLL_WHEN_ANSWERED_WITHIN_MS);
    loop.runPoll();
    poll.expect();
    expect(poll.polling).toBe(false);
    expect(loop.pending).toHaveLength(0);
    // The same peer now answers in 20 µs: polling returns within a few dozen answers.
    let answers = 0;
    while (!poll.polling && answers < 100) {
      loop.time += 0.02;
      poll.arrived();
      poll.expect();
      answers++;
    }
    expect(poll.polling).toBe(true);
    expect(answers).toBeLessThan(40);
  });

  it('does not poll after stop()', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.expect();
    poll.stop();
    loop.runPoll();
    expect(poll.polling).toBe(false);
    expect(loop.pending).toHaveLength(0);
  });
});
