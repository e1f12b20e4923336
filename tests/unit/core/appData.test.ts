import { mkdtemp, rm, stat } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { defaultDataFolder, ensureDataFolder } from '../../../electron/core/appData.js';

describe('defaultDataFolder', () => {
  it('uses FERRY_HOME on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const) {
      expect(
        defaultDataFolder({ FERRY_HOME: '/srv/ferry', APPDATA: '/appdata', XDG_CONFIG_HOME: '/xdg' }, platform),
      ).toBe('/srv/ferry');
    }
  });

  it('ignores an empty FERRY_HOME', () => {
    expect(defaultDataFolder({ FERRY_HOME: '' }, 'darwin')).toBe(
      join(homedir(), 'Library', 'Application Support', 'Ferry'),
    );
  });

  it('uses APPDATA on Windows, else the roaming folder under home', () => {
    expect(defaultDataFolder({ APPDATA: '/appdata' }, 'win32')).toBe(join('/appdata', 'Ferry'));
    expect(defaultDataFolder({}, 'win32')).toBe(join(homedir(), 'AppData', 'Roaming', 'Ferry'));
  });

  it('uses Application Support on macOS, whatever XDG says', () => {
    expect(defaultDataFolder({ XDG_CONFIG_HOME: '/xdg' }, 'darwin')).toBe(
      join(homedir(), 'Library', 'Application Support', 'Ferry'),
    );
  });

  it('uses XDG_CONFIG_HOME on Linux and other Unixes, else ~/.config', () => {
    expect(defaultDataFolder({ XDG_CONFIG_HOME: '/xdg' }, 'linux')).toBe('/xdg/Ferry');
    expect(defaultDataFolder({}, 'linux')).toBe(join(homedir(), '.config', 'Ferry'));
    expect(defaultDataFolder({}, 'freebsd')).toBe(join(homedir(), '.config', 'Ferry'));
  });

  it('treats an empty or relative XDG_CONFIG_HOME as unset, as the XDG spec says', () => {
    expect(defaultDataFolder({ XDG_CONFIG_HOME: '' }, 'linux')).toBe(join(homedir(), '.config', 'Ferry'));
    expect(defaultDataFolder({ XDG_CONFIG_HOME: 'relative/config' }, 'linux')).toBe(
      join(homedir(), '.config', 'Ferry'),
    );
  });

  it('treats an empty APPDATA as unset', () => {
    expect(defaultDataFolder({ APPDATA: '' }, 'win32')).toBe(join(homedir(), 'AppData', 'Roaming', 'Ferry'));
  });
});

describe('ensureDataFolder', () => {
  let root: string;
  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'ferry-appdata-'));
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('creates missing parents and makes the folder owner-only', async () => {
    const folder = join(root, 'a', 'b', 'Ferry');
    expect(await ensureDataFolder(folder)).toBe(folder);
    const info = await stat(folder);
    expect(info.isDirectory()).toBe(true);
    expect(info.mode & 0o777).toBe(0o700);
  });

  it('accepts a folder that already exists', async () => {
    await ensureDataFolder(root);
    expect(await ensureDataFolder(root)).toBe(root);
    expect((await stat(root)).isDirectory()).toBe(true);
  });
});
