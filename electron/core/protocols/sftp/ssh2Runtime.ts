import ssh2 from 'ssh2';

/**
 * ssh2's runtime helpers. ssh2 is CommonJS, and Node's ESM loader sees
 * only some of its exports by name (`utils` is not among them), so they
 * are taken from the module object here, once.
 */
export const { utils: ssh2Utils, createAgent } = ssh2;

/** SFTP open flags (pflags) as ssh2 names them. */
export const OPEN_MODE = ssh2Utils.sftp.OPEN_MODE;
