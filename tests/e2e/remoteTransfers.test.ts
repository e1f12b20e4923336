import { createHash, randomBytes } from 'node:crypto';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { beforeEach, describe, expect, it } from 'vitest';
import { loadServers, type TestUser } from '../servers/config.js';
import { startHostileFtpServer } from '../servers/hostileFtpServer.js';
import { startScriptedSftpServer } from '../servers/scriptedSftpServer.js';
import { useBrowserMode } from './browserMode.js';

// The quick-connect bar, the remote pane, drag and drop, the queue and its
// prompts, driven like a person would against the real vsftpd and sshd.

const servers = loadServers();
const ftpUser = servers.users.password;
const openApp = useBrowserMode();
let page: Page;
let errors: string[];
let local: string;
let remote: string;

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');

/** A fresh folder in the user's home on the server, owned by that user. */
async function remoteFolder(user: TestUser): Promise<string> {
  const folder = join(user.home, `e2e-${randomBytes(4).toString('hex')}`);
  await mkdir(folder);
  await chown(folder, user.uid, user.gid);
  return folder;
}

async function remoteFile(path: string, content: Buffer, user: TestUser): Promise<void> {
  await writeFile(path, content);
  await chown(path, user.uid, user.gid);
}

const localPane = (): Locator => page.getByRole('region', { name: 'Local files' });
const remotePane = (): Locator => page.getByRole('region', { name: 'Remote files' });
const queue = (): Locator => page.getByRole('region', { name: 'Transfer queue' });
const field = (name: string): Locator => page.getByRole('textbox', { name, exact: true });

async function quickConnect(protocol: string, port: number, user: TestUser): Promise<void> {
  await page.getByRole('combobox', { name: 'Protocol' }).selectOption({ label: protocol });
  await field('Host').fill('127.0.0.1');
  await field('Port').fill(String(port));
  await field('Username').fill(user.name);
  await field('Password').fill(user.password);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
}

async function openFolder(pane: Locator, label: string, path: string): Promise<void> {
  const box = pane.getByRole('textbox', { name: label });
  await expect.poll(() => box.isEnabled()).toBe(true);
  // The pane's first folder (home, after a connect) shows first, as a person
  // would see it: typed before it arrives, the path would lose to it.
  await expect.poll(() => box.inputValue()).not.toBe('');
  await box.fill(path);
  await box.press('Enter');
  await expect.poll(() => box.inputValue()).toBe(path);
}

function row(pane: Locator, name: string): Locator {
  return pane.getByRole('row', { name, exact: true });
}

async function showTab(name: RegExp): Promise<void> {
  await queue().getByRole('tab', { name }).click();
}

/**
 * Downloads file.txt from a server that says 150 and then sends nothing
 * (startHostileFtpServer's stall-after-150), which holds the transfer
 * running for as long as a test needs: no real server stalls on purpose.
 * Resolves with its queue row once it shows as transferring.
 */
async function startStalledDownload(port: number): Promise<Locator> {
  await quickConnect('FTP', port, ftpUser);
  await expect.poll(() => row(remotePane(), 'file.txt').isVisible()).toBe(true);
  await row(remotePane(), 'file.txt').dblclick();
  const transfer = row(queue(), 'file.txt');
  await expect.poll(() => transfer.textContent()).toContain('Transferring');
  return transfer;
}

/**
 * Connects to vsftpd, opens a folder it cannot write (`locked` in the test's
 * remote folder) and uploads each of `names` from the local folder there,
 * where each fails with PERMISSION_DENIED. Resolves with that folder's path.
 */
async function uploadIntoReadOnlyFolder(names: readonly string[]): Promise<string> {
  await localPane().getByRole('button', { name: 'Refresh' }).click();
  const locked = join(remote, 'locked');
  await mkdir(locked, { mode: 0o555 });
  await chown(locked, ftpUser.uid, ftpUser.gid);
  await quickConnect('FTP', servers.ftp.port, ftpUser);
  await openFolder(remotePane(), 'Remote path', locked);
  for (const name of names) {
    await row(localPane(), name).click();
    await localPane().getByRole('button', { name: 'Upload', exact: true }).click();
  }
  return locked;
}

beforeEach(async () => {
  local = await mkdtemp(join(tmpdir(), 'ferry-e2e-local-'));
  remote = await remoteFolder(ftpUser);
  ({ page, errors } = await openApp({ width: 1400, height: 900 }));
  // Let the pane show its first folder (home), as a person would see it, before typing a path.
  await expect.poll(() => localPane().getByRole('textbox', { name: 'Local path' }).inputValue()).not.toBe('');
  await openFolder(localPane(), 'Local path', local);
  return async () => {
    // The next test starts disconnected: a session left open would come back
    // in its page and reconnect under its feet.
    const disconnect = page.getByRole('button', { name: 'Disconnect' });
    if (await disconnect.isEnabled()) {
      await disconnect.click();
      // Disconnected, or asked first what becomes of running transfers.
      const asked = page.getByRole('dialog', { name: 'Transfers are running' });
      await expect.poll(async () => (await asked.isVisible()) || !(await disconnect.isEnabled())).toBe(true);
      if (await asked.isVisible()) await asked.getByRole('button', { name: 'Stop and disconnect' }).click();
      await expect.poll(() => disconnect.isEnabled()).toBe(false);
    }
    await page.close();
    await rm(local, { recursive: true, force: true });
    await rm(remote, { recursive: true, force: true });
  };
});

describe('connecting and transferring', () => {
  it('keeps the typed password after a refused login, and clears it once connected', async () => {
    // Connected first: a refused login to the same server leaves it shown as not connected, as it is.
    await quickConnect('FTP', servers.ftp.port, ftpUser);
    const remotePath = remotePane().getByRole('textbox', { name: 'Remote path' });
    await expect.poll(() => remotePath.isEnabled()).toBe(true);
    await quickConnect('FTP', servers.ftp.port, { ...ftpUser, password: 'not-the-password' });
    await expect.poll(() => page.getByRole('alert').first().textContent()).toContain('530');
    await expect.poll(() => remotePath.isEnabled()).toBe(false);
    expect(await page.getByRole('button', { name: 'Disconnect' }).isDisabled()).toBe(true);
    expect(await field('Password').inputValue()).toBe('not-the-password');
    await field('Password').fill(ftpUser.password);
    await page.getByRole('button', { name: 'Connect', exact: true }).click();
    await expect.poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).inputValue()).toBe(ftpUser.home);
    expect(await field('Password').inputValue()).toBe('');
    expect(errors).toEqual([]);
  });

  it('asks about the FTPS certificate, remembers it when told to, and uploads a dragged file', async () => {
    const content = randomBytes(3 * 1024 * 1024 + 17);
    await writeFile(join(local, 'site.tar'), content);
    await localPane().getByRole('button', { name: 'Refresh' }).click();

    await quickConnect('FTPS (explicit)', servers.ftp.port, ftpUser);
    const prompt = page.getByRole('dialog', { name: 'Untrusted certificate' });
    await expect.poll(() => prompt.isVisible()).toBe(true);
    const fingerprint = servers.tls.fingerprint256;
    expect(await prompt.textContent()).toContain(fingerprint);
    // Opened on Cancel, so Enter cannot trust by accident.
    expect(await prompt.locator(':focus').textContent()).toBe('Cancel');
    await prompt.getByRole('button', { name: 'Always trust' }).click();

    await expect.poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).inputValue()).toBe(ftpUser.home);
    await openFolder(remotePane(), 'Remote path', remote);
    await row(localPane(), 'site.tar').dragTo(remotePane());

    await expect.poll(() => row(remotePane(), 'site.tar').isVisible()).toBe(true);
    await showTab(/^Successful/);
    const done = row(queue(), 'site.tar');
    await expect.poll(() => done.textContent()).toContain('Done');
    expect(await done.getByRole('progressbar').getAttribute('value')).toBe('100');
    expect(sha256(await readFile(join(remote, 'site.tar')))).toBe(sha256(content));

    // Pinned: a second connection asks nothing.
    await page.getByRole('button', { name: 'Disconnect' }).click();
    await expect.poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).isEnabled()).toBe(false);
    await quickConnect('FTPS (explicit)', servers.ftp.port, ftpUser);
    await expect.poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).inputValue()).toBe(ftpUser.home);
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('downloads by double-click, and asks before overwriting: Rename keeps both', async () => {
    const first = randomBytes(200_000);
    const second = randomBytes(150_000);
    await remoteFile(join(remote, 'report.pdf'), first, ftpUser);

    await quickConnect('FTP', servers.ftp.port, ftpUser);
    await openFolder(remotePane(), 'Remote path', remote);
    await row(remotePane(), 'report.pdf').dblclick();
    await expect.poll(() => row(localPane(), 'report.pdf').isVisible()).toBe(true);
    await expect.poll(async () => sha256(await readFile(join(local, 'report.pdf')))).toBe(sha256(first));

    await remoteFile(join(remote, 'report.pdf'), second, ftpUser);
    await remotePane().getByRole('button', { name: 'Refresh' }).click();
    await row(remotePane(), 'report.pdf').click();
    await remotePane().getByRole('button', { name: 'Download', exact: true }).click();
    const prompt = page.getByRole('dialog', { name: 'File exists' });
    await expect.poll(() => prompt.isVisible()).toBe(true);
    expect(await prompt.textContent()).toContain('200,000 bytes');
    expect(await prompt.getByRole('checkbox', { name: 'Apply to all' }).isChecked()).toBe(false);
    // Opened on Skip; a longer local file cannot be the start of the new one, so there is no Resume.
    expect(await prompt.locator(':focus').textContent()).toBe('Skip');
    expect(await prompt.getByRole('button', { name: 'Resume' }).isDisabled()).toBe(true);
    // A reloaded window asks the question still waiting again.
    await page.reload();
    await expect.poll(() => prompt.isVisible()).toBe(true);
    expect(await prompt.textContent()).toContain('200,000 bytes');
    // …and shows the server it is still connected to.
    await expect.poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).isEnabled()).toBe(true);
    await prompt.getByRole('button', { name: 'Rename' }).click();

    // The reloaded window shows the home folder, so the result is looked for on disk.
    await expect.poll(() => readdir(local)).toContain('report (1).pdf');
    expect(sha256(await readFile(join(local, 'report.pdf')))).toBe(sha256(first));
    expect(sha256(await readFile(join(local, 'report (1).pdf')))).toBe(sha256(second));
    expect(errors).toEqual([]);
  });

  it('checks a download against the hash its publisher gives, and keeps only a match', async () => {
    const image = randomBytes(400_000);
    await remoteFile(join(remote, 'ios.bin'), image, ftpUser);
    await quickConnect('FTP', servers.ftp.port, ftpUser);
    await openFolder(remotePane(), 'Remote path', remote);
    const verify = async (hash: string): Promise<void> => {
      await row(remotePane(), 'ios.bin').click();
      await remotePane().getByRole('button', { name: 'Download and verify…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Verify checksum' });
      await dialog.getByRole('textbox', { name: 'Expected hash' }).fill(hash);
      await dialog.getByRole('button', { name: 'Verify' }).click();
    };

    await verify('sha256:1234');
    const dialog = page.getByRole('dialog', { name: 'Verify checksum' });
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('64 hex digits');
    await dialog.getByRole('button', { name: 'Cancel' }).click();

    const wrong = sha256(Buffer.from('not the image'));
    await verify(`sha256:${wrong}`);
    await showTab(/^Failed/);
    await expect.poll(() => row(queue(), 'ios.bin').textContent()).toContain('VERIFY_FAILED');
    expect(await readdir(local)).not.toContain('ios.bin');

    await verify(`SHA-256: ${sha256(image).toUpperCase()}`);
    await showTab(/^Successful/);
    await expect.poll(() => row(queue(), 'ios.bin').textContent()).toContain('verified (sha256)');
    expect(sha256(await readFile(join(local, 'ios.bin')))).toBe(sha256(image));
    expect(errors).toEqual([]);
  });

  it('creates, renames and deletes remote folders, and downloads a folder over SFTP', async () => {
    const sshUser = servers.users.password;
    await mkdir(join(remote, 'docs', 'img'), { recursive: true });
    await remoteFile(join(remote, 'docs', 'a.txt'), Buffer.from('alpha\n'), sshUser);
    await remoteFile(join(remote, 'docs', 'img', 'b.png'), randomBytes(5000), sshUser);
    for (const folder of ['docs', 'docs/img']) await chown(join(remote, folder), sshUser.uid, sshUser.gid);

    await quickConnect('SFTP', servers.sftp.port, sshUser);
    const prompt = page.getByRole('dialog', { name: 'Unknown host key' });
    await expect.poll(() => prompt.isVisible()).toBe(true);
    expect(await prompt.textContent()).toContain(servers.sftp.hostKeyFingerprint);
    await prompt.getByRole('button', { name: 'Trust once' }).click();
    await openFolder(remotePane(), 'Remote path', remote);

    await remotePane().getByRole('button', { name: 'New folder' }).click();
    await page.getByRole('dialog', { name: 'New folder' }).getByRole('textbox').fill('drafts');
    await page.getByRole('dialog', { name: 'New folder' }).getByRole('button', { name: 'Create' }).click();
    await expect.poll(() => row(remotePane(), 'drafts').isVisible()).toBe(true);
    await remotePane().getByRole('button', { name: 'Rename' }).click();
    await page.getByRole('dialog', { name: 'Rename' }).getByRole('textbox').fill('final');
    await page.getByRole('dialog', { name: 'Rename' }).getByRole('button', { name: 'Rename' }).click();
    await expect.poll(() => row(remotePane(), 'final').isVisible()).toBe(true);
    expect(await readdir(remote)).toEqual(expect.arrayContaining(['final', 'docs']));

    await row(remotePane(), 'docs').dragTo(localPane());
    await expect
      .poll(async () => (await readdir(join(local, 'docs')).catch(() => [])).sort())
      .toEqual(['a.txt', 'img']);
    await expect.poll(async () => await readFile(join(local, 'docs', 'a.txt'), 'utf8').catch(() => '')).toBe('alpha\n');
    await expect.poll(async () => await readdir(join(local, 'docs', 'img')).catch(() => [])).toEqual(['b.png']);

    await row(remotePane(), 'docs').click();
    await remotePane().getByRole('button', { name: 'Delete' }).click();
    await page.getByRole('dialog', { name: 'Confirm delete' }).getByRole('button', { name: 'Delete' }).click();
    await expect.poll(async () => (await readdir(remote)).sort()).toEqual(['final']);
    await expect.poll(() => row(remotePane(), 'docs').count()).toBe(0);
    expect(errors).toEqual([]);
  });

  it('pauses, resumes and cancels a transfer, and retries a failed one', async () => {
    const stalling = await startHostileFtpServer('stall-after-150');
    try {
      const transfer = await startStalledDownload(stalling.port);

      await transfer.getByRole('button', { name: 'Pause' }).click();
      await expect.poll(() => transfer.textContent()).toContain('Paused');
      await transfer.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => transfer.textContent()).toMatch(/Waiting|Transferring/);

      // Resumed while its server is not connected, the row says what it waits for.
      await transfer.getByRole('button', { name: 'Pause' }).click();
      await expect.poll(() => transfer.textContent()).toContain('Paused');
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await transfer.getByRole('button', { name: 'Resume' }).click();
      await expect.poll(() => transfer.textContent()).toContain(`127.0.0.1:${stalling.port} to be connected`);

      await transfer.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => transfer.count()).toBe(0);
      // Nothing appears under the final name; a partial may wait to be resumed.
      expect(await readdir(local)).not.toContain('file.txt');
    } finally {
      const disconnect = page.getByRole('button', { name: 'Disconnect' });
      if (await disconnect.isEnabled()) await disconnect.click();
      await stalling.close();
    }

    // A refused upload fails, keeps its error, and succeeds on Retry once the folder allows it.
    await writeFile(join(local, 'index.html'), '<h1>hi</h1>\n');
    const locked = await uploadIntoReadOnlyFolder(['index.html']);
    await showTab(/^Failed/);
    const failed = row(queue(), 'index.html');
    await expect.poll(() => failed.textContent(), { timeout: 30_000 }).toContain('PERMISSION_DENIED');

    await chmod(locked, 0o755);
    await failed.getByRole('button', { name: 'Retry' }).click();
    await showTab(/^Successful/);
    await expect.poll(() => row(queue(), 'index.html').textContent()).toContain('Done');
    expect(await readFile(join(locked, 'index.html'), 'utf8')).toBe('<h1>hi</h1>\n');
    expect(errors).toEqual([]);
  });

  it('asks on Disconnect what becomes of running transfers, and stops them when told', async () => {
    const stalling = await startHostileFtpServer('stall-after-150');
    try {
      const transfer = await startStalledDownload(stalling.port);

      const disconnect = page.getByRole('button', { name: 'Disconnect' });
      const asked = page.getByRole('dialog', { name: 'Transfers are running' });
      await disconnect.click();
      await expect.poll(() => asked.textContent()).toContain('One transfer');
      // Cancel has the focus: Enter changes nothing.
      await page.keyboard.press('Enter');
      await expect.poll(() => asked.count()).toBe(0);
      expect(await disconnect.isEnabled()).toBe(true);

      await disconnect.click();
      await asked.getByRole('button', { name: 'Stop and disconnect' }).click();
      await expect.poll(() => transfer.textContent()).toContain('Paused');
      await expect.poll(() => disconnect.isEnabled()).toBe(false);
      await transfer.getByRole('button', { name: 'Cancel' }).click();
    } finally {
      await stalling.close();
    }
    expect(errors).toEqual([]);
  });

  it('cancels everything queued after asking, and empties the failed and successful lists', async () => {
    // The lists outlive a page: start from empty ones, whatever earlier tests left.
    for (const tab of [/^Failed/, /^Successful/]) {
      await showTab(tab);
      const clear = queue().getByRole('button', { name: 'Clear list' });
      if (await clear.isEnabled()) await clear.click();
      await expect.poll(() => queue().getByRole('tab', { name: tab }).textContent()).toMatch(/\(0\)$/);
    }
    await showTab(/^Queued/);
    const stalling = await startHostileFtpServer('stall-after-150');
    try {
      await startStalledDownload(stalling.port);

      // Asked first, and "Keep them" keeps them.
      await queue().getByRole('button', { name: 'Cancel all' }).click();
      await page
        .getByRole('dialog', { name: 'Cancel all transfers' })
        .getByRole('button', { name: 'Keep them' })
        .click();
      expect(await row(queue(), 'file.txt').count()).toBe(1);
      await queue().getByRole('button', { name: 'Cancel all' }).click();
      await page
        .getByRole('dialog', { name: 'Cancel all transfers' })
        .getByRole('button', { name: 'Cancel all' })
        .click();
      await expect.poll(() => row(queue(), 'file.txt').count()).toBe(0);
      await expect
        .poll(() =>
          queue()
            .getByRole('tab', { name: /^Queued/ })
            .textContent(),
        )
        .toBe('Queued (0)');
    } finally {
      const disconnect = page.getByRole('button', { name: 'Disconnect' });
      if (await disconnect.isEnabled()) await disconnect.click();
      await stalling.close();
    }

    // Two uploads a read-only folder refuses, and one that arrives.
    for (const name of ['one.txt', 'two.txt', 'three.txt']) await writeFile(join(local, name), `${name}\n`);
    await uploadIntoReadOnlyFolder(['one.txt', 'two.txt']);
    await showTab(/^Failed/);
    await expect
      .poll(
        () =>
          queue()
            .getByRole('tab', { name: /^Failed/ })
            .textContent(),
        { timeout: 30_000 },
      )
      .toBe('Failed (2)');
    await row(queue(), 'one.txt').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => row(queue(), 'one.txt').count()).toBe(0);
    await queue().getByRole('button', { name: 'Clear list' }).click();
    await expect
      .poll(() =>
        queue()
          .getByRole('tab', { name: /^Failed/ })
          .textContent(),
      )
      .toBe('Failed (0)');

    await openFolder(remotePane(), 'Remote path', remote);
    await row(localPane(), 'three.txt').click();
    await localPane().getByRole('button', { name: 'Upload', exact: true }).click();
    await showTab(/^Successful/);
    await expect.poll(() => row(queue(), 'three.txt').textContent()).toContain('Done');
    await queue().getByRole('button', { name: 'Clear list' }).click();
    await expect
      .poll(() =>
        queue()
          .getByRole('tab', { name: /^Successful/ })
          .textContent(),
      )
      .toBe('Successful (0)');
    expect(errors).toEqual([]);
  });

  it('keeps downloads to the speed limit set in the window, over a reload too', async () => {
    const content = randomBytes(512 * 1024);
    await remoteFile(join(remote, 'limited.bin'), content, ftpUser);
    const limitButton = (): Locator => queue().getByRole('button', { name: /^Speed limit/ });
    const setDownloadLimit = async (text: string): Promise<void> => {
      await limitButton().click();
      const dialog = page.getByRole('dialog', { name: 'Speed limit' });
      await dialog.getByRole('textbox', { name: 'Downloads (KiB/s)' }).fill(text);
      await dialog.getByRole('button', { name: 'Save' }).click();
    };
    try {
      await expect.poll(() => limitButton().getAttribute('aria-label')).toBe('Speed limit: off');
      await setDownloadLimit('128');
      await expect.poll(() => limitButton().getAttribute('aria-label')).toBe('Speed limit: ↓ 128 KiB/s ↑ off');
      await page.reload();
      await expect.poll(() => limitButton().textContent()).toBe('↓ 128 KiB/s ↑ off');

      await openFolder(localPane(), 'Local path', local);
      await quickConnect('FTP', servers.ftp.port, ftpUser);
      await openFolder(remotePane(), 'Remote path', remote);
      const started = Date.now();
      await row(remotePane(), 'limited.bin').dblclick();
      await showTab(/^Successful/);
      await expect.poll(() => row(queue(), 'limited.bin').textContent(), { timeout: 20_000 }).toContain('Done');
      // 512 KiB at 128 KiB/s, after the one second's worth a limit lets through at once: 3 s.
      expect(Date.now() - started).toBeGreaterThan(2500);
      expect(sha256(await readFile(join(local, 'limited.bin')))).toBe(sha256(content));
    } finally {
      await setDownloadLimit('');
    }
    await expect.poll(() => limitButton().textContent()).toBe('Speed limit');
    expect(errors).toEqual([]);
  });

  it('fetches a file by name from a TFTP server, which cannot list', async () => {
    const image = randomBytes(70_000);
    const folder = `e2e-${randomBytes(4).toString('hex')}`;
    await mkdir(join(servers.tftp.root, folder));
    await writeFile(join(servers.tftp.root, folder, 'c2960.bin'), image);
    try {
      await page.getByRole('combobox', { name: 'Protocol' }).selectOption({ label: 'TFTP' });
      await field('Host').fill('127.0.0.1');
      await field('Port').fill(String(servers.tftp.port));
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      await expect.poll(() => remotePane().textContent()).toContain('cannot list folders');

      await remotePane().getByRole('button', { name: 'Download file…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Download file' });
      await dialog.getByRole('textbox').fill(`${folder}/c2960.bin`);
      await dialog.getByRole('button', { name: 'Download' }).click();
      await expect.poll(() => row(localPane(), 'c2960.bin').isVisible()).toBe(true);
      expect(sha256(await readFile(join(local, 'c2960.bin')))).toBe(sha256(image));
      expect(errors).toEqual([]);
    } finally {
      await rm(join(servers.tftp.root, folder), { recursive: true, force: true });
    }
  });

  it("asks for an SSH server's one-time code after the password", async () => {
    const server = await startScriptedSftpServer({ verificationCode: '271828' });
    try {
      await page.getByRole('combobox', { name: 'Protocol' }).selectOption({ label: 'SFTP' });
      await field('Host').fill('127.0.0.1');
      await field('Port').fill(String(server.port));
      await field('Username').fill(server.user);
      await field('Password').fill(server.password);
      await page.getByRole('button', { name: 'Connect', exact: true }).click();
      const hostKey = page.getByRole('dialog', { name: 'Unknown host key' });
      await expect.poll(() => hostKey.isVisible()).toBe(true);
      await hostKey.getByRole('button', { name: 'Trust once' }).click();

      const question = page.getByRole('dialog', { name: 'Server question' });
      await expect.poll(() => question.isVisible()).toBe(true);
      const code = question.getByLabel('Verification code:');
      expect(await code.getAttribute('type')).toBe('password');
      await code.fill('271828');
      await question.getByRole('button', { name: 'Answer' }).click();
      await expect.poll(() => remotePane().getByRole('textbox', { name: 'Remote path' }).inputValue()).toBe('/');
      expect(errors).toEqual([]);
    } finally {
      await page.getByRole('button', { name: 'Disconnect' }).click();
      await server.close();
    }
  });
});
