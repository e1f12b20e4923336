import type { FerryUrl } from '../../../../shared/url.js';
import { silentLog } from '../../log/messageLog.js';
import type { ConnectOptions } from '../../remote/connectOptions.js';
import type { RemoteFileSystem } from '../../remote/remoteFileSystem.js';
import { connectSsh } from './connectSsh.js';
import { fromSftpError } from './sftpErrors.js';
import { SftpFileSystem } from './sftpFileSystem.js';

/**
 * Opens an SFTP session for an `sftp://` URL: connect, host key check,
 * login, SFTP channel, and the folder the server starts us in (realpath
 * of "."), which becomes `initialFolder`.
 */
export async function openSftp(target: FerryUrl, options: ConnectOptions): Promise<RemoteFileSystem> {
  const log = options.log ?? silentLog;
  const ssh = await connectSsh(target, options, log);
  let home: string;
  try {
    home = await ssh.library.realPath('.');
  } catch (error) {
    ssh.connection.destroy();
    throw fromSftpError(error, 'find the starting folder', '.');
  }
  return new SftpFileSystem(ssh, home || '/', options.sftp ?? {}, log);
}
