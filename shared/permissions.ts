/**
 * Renders the permission bits of a POSIX mode as `ls` does (`rwxr-xr-x`),
 * including setuid, setgid and sticky bits (`s`, `S`, `t`, `T`).
 */
export function formatPermissions(mode: number): string {
  const triplet = (bits: number, special: boolean, specialChar: string): string => {
    const r = bits & 4 ? 'r' : '-';
    const w = bits & 2 ? 'w' : '-';
    const x = bits & 1;
    const exec = special ? (x ? specialChar : specialChar.toUpperCase()) : x ? 'x' : '-';
    return r + w + exec;
  };
  return (
    triplet((mode >> 6) & 7, (mode & 0o4000) !== 0, 's') +
    triplet((mode >> 3) & 7, (mode & 0o2000) !== 0, 's') +
    triplet(mode & 7, (mode & 0o1000) !== 0, 't')
  );
}
