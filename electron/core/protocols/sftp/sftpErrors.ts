import { FerryError, type FerryErrorCode } from '../../../../shared/errors.js';

/** SFTP status codes (draft-ietf-secsh-filexfer: v3, plus the v5/v6 ones some servers send). */
export const SFTP_STATUS = {
  OK: 0,
  EOF: 1,
  NO_SUCH_FILE: 2,
  PERMISSION_DENIED: 3,
  FAILURE: 4,
  BAD_MESSAGE: 5,
  NO_CONNECTION: 6,
  CONNECTION_LOST: 7,
  OP_UNSUPPORTED: 8,
  INVALID_HANDLE: 9,
  NO_SUCH_PATH: 10,
  FILE_ALREADY_EXISTS: 11,
  WRITE_PROTECT: 12,
  NO_MEDIA: 13,
  NO_SPACE_ON_FILESYSTEM: 14,
  QUOTA_EXCEEDED: 15,
  DIR_NOT_EMPTY: 18,
  NOT_A_DIRECTORY: 19,
  INVALID_FILENAME: 20,
  LINK_LOOP: 21,
  FILE_IS_A_DIRECTORY: 24,
} as const;

const CODE_BY_STATUS: Record<number, FerryErrorCode> = {
  [SFTP_STATUS.NO_SUCH_FILE]: 'NOT_FOUND',
  [SFTP_STATUS.NO_SUCH_PATH]: 'NOT_FOUND',
  [SFTP_STATUS.NOT_A_DIRECTORY]: 'NOT_FOUND',
  [SFTP_STATUS.PERMISSION_DENIED]: 'PERMISSION_DENIED',
  [SFTP_STATUS.WRITE_PROTECT]: 'PERMISSION_DENIED',
  [SFTP_STATUS.FILE_ALREADY_EXISTS]: 'ALREADY_EXISTS',
  [SFTP_STATUS.DIR_NOT_EMPTY]: 'ALREADY_EXISTS',
  [SFTP_STATUS.NO_CONNECTION]: 'CONNECTION_LOST',
  [SFTP_STATUS.CONNECTION_LOST]: 'CONNECTION_LOST',
  [SFTP_STATUS.OP_UNSUPPORTED]: 'UNSUPPORTED',
  [SFTP_STATUS.INVALID_FILENAME]: 'INVALID_INPUT',
  [SFTP_STATUS.FILE_IS_A_DIRECTORY]: 'INVALID_INPUT',
};

/** The SFTP status code an ssh2 (or ssh2-sftp-client) error carries, if any. */
export function sftpStatusOf(error: unknown): number | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number') {
    return error.code;
  }
  return undefined;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** True for the failures that mean the SSH connection or the SFTP channel is gone. */
export function isConnectionGone(error: unknown): boolean {
  const message = messageOf(error);
  const code = typeof error === 'object' && error !== null && 'code' in error ? error.code : undefined;
  return (
    message === 'No response from server' ||
    /not connected|no sftp connection|connection (lost|closed|reset)|channel (closed|not open)/i.test(message) ||
    code === 'ERR_NOT_CONNECTED' ||
    code === 'ECONNRESET' ||
    code === 'EPIPE'
  );
}

/**
 * Turns a failed SFTP request into a FerryError that names the action and
 * the path, e.g. `Cannot list "/srv": permission denied (SFTP status 3)`.
 * `sessionLost` says the connection dropped, whatever the request reported.
 */
export function fromSftpError(error: unknown, action: string, path: string, sessionLost = false): FerryError {
  if (error instanceof FerryError) return error;
  const status = sftpStatusOf(error);
  const serverText = messageOf(error).replace(/^[_a-zA-Z]+(->[_a-zA-Z]+)?: /, '');
  if (sessionLost || isConnectionGone(error)) {
    return new FerryError('CONNECTION_LOST', `Connection lost while trying to ${action} "${path}"`, { cause: error });
  }
  if (status === undefined) {
    if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') {
      return new FerryError('NOT_FOUND', `Cannot ${action} "${path}": no such file or folder`, { cause: error });
    }
    return new FerryError('PROTOCOL', `Cannot ${action} "${path}": ${serverText}`, { cause: error });
  }
  const code = CODE_BY_STATUS[status] ?? 'PROTOCOL';
  return new FerryError(code, `Cannot ${action} "${path}": ${serverText} (SFTP status ${status})`, {
    cause: error,
    replyCode: status,
  });
}
