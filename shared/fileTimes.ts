const SECOND_MS = 1000;
const MINUTE_MS = 60 * SECOND_MS;
const DAY_MS = 24 * 60 * MINUTE_MS;

/**
 * How finely a file's modification time was given, in milliseconds, and
 * never finer than a second: servers keep whole seconds (SFTP, MDTM,
 * MLSD), and a local file set to a server's time reads back to the
 * millisecond at best. FTP's `LIST` shows only minutes ("Nov 22 11:36"),
 * and only the day for older files ("Nov 22 2025"): with `mayBeCut` (the
 * time may come from such a listing) a time on a whole day or minute is
 * taken as cut there, as it nearly always was.
 */
export function resolutionOf(time: number, mayBeCut = true): number {
  if (mayBeCut) for (const step of [DAY_MS, MINUTE_MS]) if (time % step === 0) return step;
  return SECOND_MS;
}

/**
 * Compares two modification times of what may be one file, each as some
 * source reports it: -1 when `a` is older, 1 when newer, 0 when both fall
 * in the same step of the coarser one's resolution (`step`, by default
 * from resolutionOf) or lie within a second of each other (a server may
 * round a time it is given rather than cut it). Compared exactly, a file
 * uploaded with its time set to the second would look older than its
 * local copy, and a listing's minutes would never match the seconds MDTM
 * gives for the same file.
 */
export function compareFileTimes(a: number, b: number, step = Math.max(resolutionOf(a), resolutionOf(b))): -1 | 0 | 1 {
  if (Math.abs(a - b) < SECOND_MS) return 0;
  const stepA = Math.floor(a / step);
  const stepB = Math.floor(b / step);
  return stepA === stepB ? 0 : stepA < stepB ? -1 : 1;
}
