import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Every `ferry` command pays for what its bundle loads before it starts, and
// a transfer benchmark counts that against Ferry. These checks read the
// built CLI (npm run build) and follow every import it can make, static or
// dynamic, to keep libraries the CLI never needs out of that path.

const cliEntry = fileURLToPath(new URL('../../out/main/cli.js', import.meta.url));

/** The files of our build the CLI can load, starting from its entry. */
function reachableFiles(entry: string): Map<string, string> {
  const seen = new Map<string, string>();
  const pending = [entry];
  for (let file = pending.pop(); file !== undefined; file = pending.pop()) {
    if (seen.has(file)) continue;
    const text = readFileSync(file, 'utf8');
    seen.set(file, text);
    for (const match of text.matchAll(/(?:from\s*|import\s*\(\s*)["'](\.{1,2}\/[^"']+)["']/g)) {
      pending.push(join(dirname(file), match[1] ?? ''));
    }
  }
  return seen;
}

describe('the built CLI', () => {
  const files = reachableFiles(cliEntry);

  it('finds its protocol engines through its imports', () => {
    // Guards the import scan itself: if it stopped following imports, the checks below would pass for nothing.
    const sources = [...files.values()].join('\n');
    expect(sources).toContain('electron/core/protocols/ftp/openFtp.ts');
    expect(sources).toContain('electron/core/protocols/sftp/openSftp.ts');
  });

  it('never loads zod, which only the IPC boundary needs', () => {
    const withZod = [...files].filter(([, text]) => text.includes('node_modules/zod/')).map(([file]) => file);
    expect(withZod).toEqual([]);
  });
});
