import { readFileSync } from 'node:fs';

/**
 * CPU seconds (user + system) used so far by this process's children that
 * have ended and been waited for, with everything they waited for in turn:
 * Linux's cutime and cstime from /proc/self/stat, in clock ticks of 1/100 s.
 * The difference across one spawnSync is that command's CPU time, a steadier
 * measure than wall time on a busy machine.
 */
export function childCpuSeconds(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  // The command name (field 2) may hold spaces; the fields after it start at field 3 (state).
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const userTicks = Number(fields[16 - 3]);
  const systemTicks = Number(fields[17 - 3]);
  return (userTicks + systemTicks) / 100;
}
