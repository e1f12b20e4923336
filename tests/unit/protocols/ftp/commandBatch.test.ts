import { describe, expect, it } from 'vitest';
import { FerryError } from '../../../../shared/errors.js';
import { exchange } from '../../../../electron/core/protocols/ftp/commandBatch.js';
import type { ControlConnection } from '../../../../electron/core/protocols/ftp/controlConnection.js';
import type { FtpReply } from '../../../../electron/core/protocols/ftp/reply.js';
import { silentLog } from '../../../../electron/core/log/messageLog.js';

/**
 * A control connection that records how commands were written and answers
 * each with the next scripted reply, or fails the read with `failOn`'s
 * error when that command is the one being answered.
 */
function scriptedControl(server: string, failOn?: { command: string; error: FerryError }) {
  const writes: string[][] = [];
  const pending: string[] = [];
  const answer = (): Promise<FtpReply> => {
    const command = pending.shift() ?? '';
    if (failOn && command.startsWith(failOn.command)) return Promise.reject(failOn.error);
    return Promise.resolve({ code: 213, lines: [`213 answer to ${command}`] });
  };
  const control = {
    server,
    sendAll(lines: readonly string[]) {
      writes.push([...lines]);
      pending.push(...lines);
    },
    read: () => answer(),
    execute(line: string) {
      control.sendAll([line]);
      return answer();
    },
  };
  return { control: control as unknown as ControlConnection, writes };
}

describe('exchange', () => {
  it('sends commands together in one write and returns their replies in order', async () => {
    const { control, writes } = scriptedControl('together.example:21');
    const replies = await exchange(control, ['SIZE /a', 'MDTM 20250101000000 /a'], {}, silentLog);
    expect(writes).toEqual([['SIZE /a', 'MDTM 20250101000000 /a']]);
    expect(replies.map((reply) => reply.lines[0])).toEqual([
      '213 answer to SIZE /a',
      '213 answer to MDTM 20250101000000 /a',
    ]);
  });

  it('sends a single command on its own', async () => {
    const { control, writes } = scriptedControl('single.example:21');
    await exchange(control, ['SIZE /a'], {}, silentLog);
    expect(writes).toEqual([['SIZE /a']]);
  });

  it('after a timeout, sends that server its commands one at a time, and tells the log', async () => {
    const timeout = new FerryError('TIMEOUT', 'no reply within 1 s');
    const first = scriptedControl('drops.example:21', { command: 'MDTM', error: timeout });
    const logged: string[] = [];
    await expect(
      exchange(first.control, ['SIZE /a', 'MDTM 20250101000000 /a'], {}, (_level, text) => logged.push(text)),
    ).rejects.toBe(timeout);
    expect(logged.join('\n')).toMatch(/one at a time/);

    const again = scriptedControl('drops.example:21');
    await exchange(again.control, ['SIZE /a', 'MDTM 20250101000000 /a'], {}, silentLog);
    expect(again.writes).toEqual([['SIZE /a'], ['MDTM 20250101000000 /a']]);

    // Another server is not affected.
    const other = scriptedControl('fine.example:21');
    await exchange(other.control, ['SIZE /a', 'MDTM 20250101000000 /a'], {}, silentLog);
    expect(other.writes).toEqual([['SIZE /a', 'MDTM 20250101000000 /a']]);
  });

  it('passes other failures on without giving up on sending together', async () => {
    const lost = new FerryError('CONNECTION_LOST', 'the server closed the connection');
    const first = scriptedControl('lost.example:21', { command: 'SIZE', error: lost });
    await expect(exchange(first.control, ['SIZE /a', 'MDTM 20250101000000 /a'], {}, silentLog)).rejects.toBe(lost);

    const again = scriptedControl('lost.example:21');
    await exchange(again.control, ['SIZE /a', 'MDTM 20250101000000 /a'], {}, silentLog);
    expect(again.writes).toEqual([['SIZE /a', 'MDTM 20250101000000 /a']]);
  });
});
