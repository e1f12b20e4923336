import { stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { FerryError } from '../../../shared/errors.js';
import { formatSize } from '../../../shared/format.js';
import { joinRemote, remoteBaseName } from '../../../shared/remotePath.js';
import { downloadFile } from '../../core/transfers/downloadFile.js';
import { uploadFile } from '../../core/transfers/uploadFile.js';
import { remotePathOf, withRemote, type CliContext } from '../session.js';

export interface TransferOptions {
  resume: boolean;
  json: boolean;
}

/** The one JSON object --json prints for a transfer. */
interface Summary {
  files: number;
  bytes: number;
  seconds: number;
  verified: string;
}

function report(summary: Summary, options: TransferOptions, context: CliContext, what: string): void {
  if (options.json) {
    context.output.out(`${JSON.stringify(summary)}\n`);
    return;
  }
  const rate = summary.seconds > 0 ? `, ${formatSize(summary.bytes / summary.seconds)}/s` : '';
  const check = summary.verified === 'none' ? 'not verified' : `verified by ${summary.verified}`;
  context.output.err(`${what}: ${formatSize(summary.bytes)} in ${summary.seconds.toFixed(2)} s${rate} (${check})\n`);
}

async function isFolder(path: string): Promise<boolean> {
  return stat(path).then(
    (info) => info.isDirectory(),
    () => false,
  );
}

/** `ferry get URL [LOCAL]`: downloads one file, into the current folder by default. */
export async function get(url: string, local: string | undefined, options: TransferOptions, context: CliContext) {
  await withRemote(url, context, async (remote, target) => {
    const remotePath = remotePathOf(target, remote);
    const name = remoteBaseName(remotePath);
    if (name === '') throw new FerryError('INVALID_INPUT', `${url} names a folder, not a file`);
    let destination = resolve(local ?? name);
    if (await isFolder(destination)) destination = join(destination, name);
    const started = performance.now();
    const result = await downloadFile(remote, remotePath, destination, {
      resume: options.resume,
      signal: context.signal,
    });
    const seconds = (performance.now() - started) / 1000;
    report({ files: 1, bytes: result.transferred, seconds, verified: result.verified }, options, context, destination);
  });
}

/** `ferry put LOCAL URL`: uploads one file; a URL ending in '/' names the folder to put it in. */
export async function put(local: string, url: string, options: TransferOptions, context: CliContext) {
  await withRemote(url, context, async (remote, target) => {
    const base = remotePathOf(target, remote);
    const remotePath = target.path === '' || target.path.endsWith('/') ? joinRemote(base, basename(local)) : base;
    const started = performance.now();
    const result = await uploadFile(remote, resolve(local), remotePath, {
      resume: options.resume,
      signal: context.signal,
    });
    const seconds = (performance.now() - started) / 1000;
    report({ files: 1, bytes: result.transferred, seconds, verified: result.verified }, options, context, remotePath);
  });
}
