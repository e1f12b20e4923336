import { mkdir, mkdtemp, readdir, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useBrowserMode } from './browserMode.js';

const openApp = useBrowserMode();
let page: Page;
let errors: string[];
let folder: string;

/** Names of the data rows in the local grid, in displayed order. */
async function rowNames(grid: Locator): Promise<string[]> {
  const rows = grid.locator('[role="row"][aria-label]');
  // The callback runs in the page; the test's tsconfig has no DOM types, so
  // describe the one member it uses.
  return rows.evaluateAll((elements: { getAttribute(name: string): string | null }[]) =>
    elements.map((e) => e.getAttribute('aria-label') ?? ''),
  );
}

function localPane(): Locator {
  return page.getByRole('region', { name: 'Local files' });
}

function localGrid(): Locator {
  return localPane().getByRole('grid');
}

async function openFolder(path: string): Promise<void> {
  const box = localPane().getByRole('textbox', { name: 'Local path' });
  await box.fill(path);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe(path);
}

afterEach(async () => {
  await page.close();
  await rm(folder, { recursive: true, force: true });
});

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'ferry-e2e-files-'));
  // Sizes and names chosen so that name order and size order differ.
  await writeFile(join(folder, 'alpha.txt'), 'x'.repeat(300));
  await writeFile(join(folder, 'bravo.bin'), 'x'.repeat(10));
  await writeFile(join(folder, 'charlie.iso'), 'x'.repeat(5000));
  await writeFile(join(folder, '.hidden-config'), 'secret');
  await mkdir(join(folder, 'delta-folder'));
  await writeFile(join(folder, 'delta-folder', 'inner.txt'), 'inside');
  await symlink(join(folder, 'delta-folder'), join(folder, 'echo-link'));
  const old = new Date('2020-01-02T03:04:05Z');
  await utimes(join(folder, 'alpha.txt'), old, old);

  ({ page, errors } = await openApp());
  // Let the pane show its first folder (home), as a person would see it, before typing a path.
  await expect.poll(() => localPane().getByRole('textbox', { name: 'Local path' }).inputValue()).not.toBe('');
  await openFolder(folder);
});

describe('browser mode', () => {
  it('opens the app with both panes, the queue and the log', async () => {
    for (const name of ['Local files', 'Remote files', 'Transfer queue', 'Message log']) {
      await expect.poll(() => page.getByRole('region', { name }).isVisible()).toBe(true);
    }
    expect(
      await page
        .getByRole('region', { name: 'Remote files' })
        .getByRole('textbox', { name: 'Remote path' })
        .isDisabled(),
    ).toBe(true);
    expect(errors).toEqual([]);
  });

  it('moves between the queue tabs with the arrow keys, one Tab stop for all three', async () => {
    const tabs = page.getByRole('region', { name: 'Transfer queue' }).getByRole('tab');
    await tabs.filter({ hasText: 'Queued' }).focus();
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => tabs.filter({ hasText: 'Failed' }).getAttribute('aria-selected')).toBe('true');
    expect(await page.locator(':focus').textContent()).toMatch(/^Failed/);
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => tabs.filter({ hasText: 'Successful' }).getAttribute('aria-selected')).toBe('true');
    expect(
      await tabs.evaluateAll((all: { getAttribute(name: string): string | null }[]) =>
        all.map((tab) => tab.getAttribute('tabindex')),
      ),
    ).toEqual(['-1', '-1', '0']);
    await page.keyboard.press('Home');
  });

  it("keeps each pane's commands on one line in a 1280-pixel window", async () => {
    await page.setViewportSize({ width: 1280, height: 800 });
    for (const name of ['Local files', 'Remote files']) {
      const buttons = page.getByRole('region', { name }).getByRole('toolbar').getByRole('button');
      const tops = new Set<number>();
      for (const button of await buttons.all()) tops.add(Math.round((await button.boundingBox())?.y ?? -1));
      expect({ name, rows: tops.size }).toEqual({ name, rows: 1 });
    }
    // The short label is only what shows: the button keeps its whole name.
    const verify = page
      .getByRole('region', { name: 'Remote files' })
      .getByRole('button', { name: 'Download and verify…' });
    expect(await verify.innerText()).toBe('Verify…');
    await page.setViewportSize({ width: 1600, height: 900 });
    await expect.poll(() => verify.innerText()).toBe('Download and verify…');
  });

  it('takes the token out of the address bar and still works after a reload', async () => {
    await expect.poll(() => page.url()).not.toContain('token');
    await page.reload();
    await expect.poll(() => localPane().getByRole('textbox', { name: 'Local path' }).inputValue()).not.toBe('');
    expect(errors).toEqual([]);
  });

  it('lists the folder the test created, folders first and hidden files hidden', async () => {
    await expect
      .poll(() => rowNames(localGrid()))
      .toEqual(['delta-folder', 'echo-link', 'alpha.txt', 'bravo.bin', 'charlie.iso']);
    const alpha = localGrid().getByRole('row', { name: 'alpha.txt' });
    await expect.poll(() => alpha.textContent()).toContain('300 B');
    await expect.poll(() => alpha.textContent()).toContain('2020-01-0');

    await localPane().getByRole('checkbox', { name: 'Show hidden files' }).check();
    await expect.poll(() => rowNames(localGrid())).toContain('.hidden-config');
  });

  it('sorts by size when the Size header is clicked, and reverses on a second click', async () => {
    await expect.poll(() => rowNames(localGrid())).toHaveLength(5);
    await localGrid().getByRole('columnheader', { name: /Size/ }).click();
    // Size sorts largest first, as file managers do; folders stay on top.
    await expect
      .poll(() => rowNames(localGrid()))
      .toEqual(['delta-folder', 'echo-link', 'charlie.iso', 'alpha.txt', 'bravo.bin']);
    expect(await localGrid().getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort')).toBe('descending');
    await localGrid().getByRole('columnheader', { name: /Size/ }).click();
    await expect
      .poll(() => rowNames(localGrid()))
      .toEqual(['delta-folder', 'echo-link', 'bravo.bin', 'alpha.txt', 'charlie.iso']);

    await localGrid()
      .getByRole('columnheader', { name: /Modified/ })
      .click();
    const names = await rowNames(localGrid());
    expect(names.at(-1)).toBe('alpha.txt');
  });

  it('sorts from the keyboard: Tab from the rows to the sorted header, arrows along, Enter, ArrowDown back', async () => {
    await expect.poll(() => rowNames(localGrid())).toHaveLength(5);
    await localGrid().focus();
    await page.keyboard.press('Tab');
    const focused = page.locator(':focus');
    const focusedLabel = (): Promise<string | null> => focused.textContent();
    await expect.poll(focusedLabel).toContain('Name');
    await page.keyboard.press('ArrowRight');
    await expect.poll(focusedLabel).toContain('Size');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => localGrid().getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort'))
      .toBe('descending');
    await expect
      .poll(() => rowNames(localGrid()))
      .toEqual(['delta-folder', 'echo-link', 'charlie.iso', 'alpha.txt', 'bravo.bin']);
    // Space sorts too, and never reaches the rows (where it would select).
    await page.keyboard.press(' ');
    await expect
      .poll(() => localGrid().getByRole('columnheader', { name: /Size/ }).getAttribute('aria-sort'))
      .toBe('ascending');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focused.getAttribute('role')).toBe('grid');
  });

  it('navigates with the path box, double-click, the keyboard and Up', async () => {
    const pathBox = localPane().getByRole('textbox', { name: 'Local path' });
    await localGrid().getByRole('row', { name: 'delta-folder' }).dblclick();
    await expect.poll(() => pathBox.inputValue()).toBe(join(folder, 'delta-folder'));
    await expect.poll(() => rowNames(localGrid())).toEqual(['inner.txt']);

    await localPane().getByRole('button', { name: 'Up', exact: true }).click();
    await expect.poll(() => pathBox.inputValue()).toBe(folder);
    // Coming back up selects the folder we came from.
    await expect
      .poll(() => localGrid().getByRole('row', { name: 'delta-folder' }).getAttribute('aria-selected'))
      .toBe('true');

    // Keyboard: focus the grid, move down to the link, open it, go back with Backspace.
    await localGrid().focus();
    await page.keyboard.press('Home');
    await page.keyboard.press('ArrowDown');
    await expect
      .poll(() => localGrid().getByRole('row', { name: 'echo-link' }).getAttribute('aria-selected'))
      .toBe('true');
    await page.keyboard.press('Enter');
    await expect.poll(() => pathBox.inputValue()).toBe(join(folder, 'echo-link'));
    await page.keyboard.press('Backspace');
    await expect.poll(() => pathBox.inputValue()).toBe(folder);

    // A relative path is taken inside the folder shown, and ".." leads back.
    await pathBox.fill('delta-folder');
    await pathBox.press('Enter');
    await expect.poll(() => pathBox.inputValue()).toBe(join(folder, 'delta-folder'));
    await pathBox.fill('..');
    await pathBox.press('Enter');
    await expect.poll(() => pathBox.inputValue()).toBe(folder);

    // A path that does not exist leaves the pane where it was and says why.
    await pathBox.fill(join(folder, 'no-such-folder'));
    await pathBox.press('Enter');
    await expect.poll(() => localPane().getByRole('alert').textContent()).toContain('does not exist');
    expect(await pathBox.inputValue()).toBe(folder);
  });

  it('creates, renames and deletes with dialogs, asking before deleting', async () => {
    await localPane().getByRole('button', { name: 'New folder' }).click();
    const create = page.getByRole('dialog', { name: 'New folder' });
    await create.getByRole('textbox', { name: 'Folder name' }).fill('made-by-test');
    await create.getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => rowNames(localGrid())).toContain('made-by-test');
    expect(await readdir(folder)).toContain('made-by-test');

    await localGrid().getByRole('row', { name: 'made-by-test' }).click();
    await page.keyboard.press('F2');
    const rename = page.getByRole('dialog', { name: 'Rename' });
    await rename.getByRole('textbox', { name: 'New name' }).fill('renamed');
    await rename.getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => rowNames(localGrid())).toContain('renamed');

    await localGrid().getByRole('row', { name: 'renamed' }).click();
    await localPane().getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('dialog', { name: 'Confirm delete' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    expect(await readdir(folder)).toContain('renamed');

    // The dialog opens on Cancel: Enter right after Delete deletes nothing.
    await localGrid().getByRole('row', { name: 'renamed' }).click();
    await page.keyboard.press('Delete');
    const asked = page.getByRole('dialog', { name: 'Confirm delete' });
    await expect.poll(() => asked.isVisible()).toBe(true);
    expect(await asked.locator(':focus').textContent()).toBe('Cancel');
    await page.keyboard.press('Enter');
    await expect.poll(() => asked.count()).toBe(0);
    expect(await readdir(folder)).toContain('renamed');
    // Focus goes back to the files, not to the top of the page.
    const focusInGrid = await localGrid().evaluate(
      (grid: { contains(node: unknown): boolean; ownerDocument: { activeElement: unknown } }) =>
        grid.contains(grid.ownerDocument.activeElement),
    );
    expect(focusInGrid).toBe(true);

    await localGrid().getByRole('row', { name: 'renamed' }).click();
    await page.keyboard.press('Delete');
    await page.getByRole('dialog', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => rowNames(localGrid())).not.toContain('renamed');
    expect(await readdir(folder)).not.toContain('renamed');

    // Every change is in the message log.
    const log = page.getByRole('region', { name: 'Message log' });
    await expect.poll(() => log.textContent()).toContain('Deleted renamed');
    expect(errors).toEqual([]);
  });

  it('scrolls a folder of 20,000 entries without rendering them all', async () => {
    const big = join(folder, 'big');
    await mkdir(big);
    // In batches: 20,000 files opened at once would exhaust file handles.
    for (let start = 0; start < 20_000; start += 500) {
      await Promise.all(
        Array.from({ length: 500 }, (_, i) =>
          writeFile(join(big, `file-${String(start + i).padStart(5, '0')}.dat`), ''),
        ),
      );
    }
    await openFolder(big);
    await expect.poll(() => localGrid().getAttribute('aria-rowcount')).toBe('20001');
    const rendered = await localGrid().locator('[role="row"][aria-label]').count();
    expect(rendered).toBeGreaterThan(10);
    expect(rendered).toBeLessThan(200);
    await localGrid().focus();
    await page.keyboard.press('End');
    await expect
      .poll(() => localGrid().getByRole('row', { name: 'file-19999.dat' }).getAttribute('aria-selected'))
      .toBe('true');
    await rm(big, { recursive: true, force: true });
  });
});
