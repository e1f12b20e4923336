/**
 * Parses the timestamps FTP servers send in MDTM and MLSD/MLST (RFC 3659
 * section 2.3): "YYYYMMDDHHMMSS" with optional fractional seconds, always
 * UTC. Returns ms since the epoch, or null when the text is not one.
 */
export function parseFtpTimestamp(text: string): number | null {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d{1,9}))?$/.exec(text.trim());
  if (!match) return null;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) return null;
  const fraction = match[7] === undefined ? 0 : Math.floor(Number(`0.${match[7]}`) * 1000);
  return Date.UTC(year, month - 1, day, hour, minute, second) + fraction;
}

/** Formats a time as MFMT and MDTM-with-a-time take it: "YYYYMMDDHHMMSS", UTC. */
export function formatFtpTimestamp(time: Date): string {
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return (
    pad(time.getUTCFullYear(), 4) +
    pad(time.getUTCMonth() + 1) +
    pad(time.getUTCDate()) +
    pad(time.getUTCHours()) +
    pad(time.getUTCMinutes()) +
    pad(time.getUTCSeconds())
  );
}
