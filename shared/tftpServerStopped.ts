import type { TftpServerStatus } from './contract.js';

/** The TFTP server's status while it does not run, as main reports it and the window starts with. */
export const TFTP_SERVER_STOPPED: TftpServerStatus = Object.freeze({
  running: false,
  folder: null,
  address: null,
  port: null,
  writable: false,
  overwrite: false,
});
