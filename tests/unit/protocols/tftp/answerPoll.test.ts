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
  it('keeps the loop polling after a send until the answer comes', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.sent();
    expect(poll.polling).toBe(true);
    loop.time = 0.02;
    loop.runPoll();
    expect(loop.pending).toHaveLength(1);
    poll.answered();
    loop.runPoll();
    expect(poll.polling).toBe(false);
    expect(loop.pending).toHaveLength(0);
    expect(poll.averageAnswerMs).toBeCloseTo(0.02);
  });

  it('stops polling when the budget runs out without an answer', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.sent();
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
    poll.sent();
    poll.sent();
    poll.answered();
    poll.sent();
    expect(loop.pending).toHaveLength(1);
  });

  it('times an answer from the oldest unanswered send', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.sent();
    loop.time = 0.1;
    poll.sent();
    loop.time = 0.15;
    poll.answered();
    expect(poll.averageAnswerMs).toBeCloseTo(0.15);
  });

  it('stays off while answers are slow, and comes back when they are quick again', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    // A peer a LAN away: answers in a millisecond.
    for (let i = 0; i < 5; i++) {
      poll.sent();
      loop.time += 1;
      loop.runPoll();
      poll.answered();
    }
    expect(poll.averageAnswerMs).toBeGreaterThan(POLL_WHEN_ANSWERED_WITHIN_MS);
    loop.runPoll();
    poll.sent();
    expect(poll.polling).toBe(false);
    expect(loop.pending).toHaveLength(0);
    // The same peer now answers in 20 µs: polling returns within a few dozen answers.
    let answers = 0;
    while (!poll.polling && answers < 100) {
      loop.time += 0.02;
      poll.answered();
      poll.sent();
      answers++;
    }
    expect(poll.polling).toBe(true);
    expect(answers).toBeLessThan(40);
  });

  it('does not poll after stop()', () => {
    const loop = fakeLoop();
    const poll = new AnswerPoll(loop);
    poll.sent();
    poll.stop();
    loop.runPoll();
    expect(poll.polling).toBe(false);
    expect(loop.pending).toHaveLength(0);
  });
});
