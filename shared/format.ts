const UNITS = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'] as const;

/** Formats a byte count for display: exact bytes below 1 KiB, one decimal above. */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  // Rates are fractional; bytes are shown whole.
  if (Math.round(bytes) < 1024) return `${Math.round(bytes)} B`;
  let value = bytes / 1024;
  let unit = 0;
  // Compare the rounded value, so 1048575 bytes reads "1.0 MiB", not "1024 KiB".
  const shown = (v: number): number => Number(v.toFixed(v < 10 ? 1 : 0));
  while (shown(value) >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${UNITS[unit] ?? 'PiB'}`;
}

/** Formats a modification time as local `YYYY-MM-DD HH:MM`, sortable as text. */
export function formatTime(ms: number | null): string {
  if (ms === null || !Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Formats a time of day as local `HH:MM:SS`, for log lines. */
export function formatClock(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

/** Formats seconds left as `M:SS` or `H:MM:SS`, for a transfer's ETA. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '';
  const total = Math.ceil(seconds);
  const pad = (n: number): string => String(n).padStart(2, '0');
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}
