import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';

/** Where Debian's chromium lives; the tests never download a browser. */
const CHROMIUM = process.env.FERRY_CHROMIUM ?? '/usr/bin/chromium';

const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface BrowserMode {
  url: string;
  home: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * Starts the built browser mode (`out/main/web.js`) with a throwaway data
 * folder and waits for the one line that says where it runs.
 */
export async function startBrowserMode(): Promise<BrowserMode> {
  const home = await mkdtemp(join(tmpdir(), 'ferry-e2e-home-'));
  const child = spawn(process.execPath, ['out/main/web.js'], {
    env: { ...process.env, FERRY_HOME: home, FERRY_PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const lines = createInterface({ input: child.stdout });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`browser mode did not start in 15 s: ${stderr}`)), 15_000);
    child.once('exit', (code) => reject(new Error(`browser mode exited with ${String(code)}: ${stderr}`)));
    lines.on('line', (line) => {
      const match = /^Ferry is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/.exec(line);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
  });
  return {
    url,
    home,
    process: child,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(home, { recursive: true, force: true });
    },
  };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_FLAGS });
}

/** Collects page errors so a test can assert the app ran without any. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  return errors;
}

/** The app open in a fresh page, and the page's errors as they happen. */
export interface AppPage {
  page: Page;
  errors: string[];
}

/**
 * Starts browser mode and Chromium once for the calling test file, stops
 * both after it, and returns a function that opens the app in a new page.
 */
export function useBrowserMode(): (viewport?: { width: number; height: number }) => Promise<AppPage> {
  let app: BrowserMode | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    app = await startBrowserMode();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await app?.stop();
  });
  return async (viewport = { width: 1280, height: 800 }) => {
    if (!app || !browser) throw new Error('browser mode is not running');
    const page = await browser.newPage({ viewport });
    const errors = watchErrors(page);
    await page.goto(app.url);
    return { page, errors };
  };
}
