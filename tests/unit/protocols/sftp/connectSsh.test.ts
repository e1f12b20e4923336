import { describe, expect, it } from 'vitest';
import { connectFailure, hostKeyAlgorithmOrder } from '../../../../electron/core/protocols/sftp/connectSsh.js';
import { fromSftpError } from '../../../../electron/core/protocols/sftp/sftpErrors.js';

function ssh2Error(message: string, extra: Record<string, unknown>): Error {
  return Object.assign(new Error(message), extra);
}

describe('connect failures', () => {
  const attempts = { tried: ['publickey (identity file)', 'password'] };

  it.each([
    [
      ssh2Error('All configured authentication methods failed', { level: 'client-authentication' }),
      'AUTH_FAILED',
      false,
    ],
    [ssh2Error('Timed out while waiting for handshake', { level: 'client-timeout' }), 'TIMEOUT', true],
    [ssh2Error('connect ECONNREFUSED 127.0.0.1:1', { code: 'ECONNREFUSED' }), 'CONNECTION_LOST', true],
    [ssh2Error('getaddrinfo ENOTFOUND nowhere', { code: 'ENOTFOUND' }), 'CONNECTION_LOST', false],
    [ssh2Error('Handshake failed: no matching cipher', { level: 'handshake' }), 'PROTOCOL', false],
    [ssh2Error('read ECONNRESET', { code: 'ECONNRESET' }), 'CONNECTION_LOST', true],
  ])('%s → %s', (error, code, retryable) => {
    const mapped = connectFailure(error, 'host:22', attempts);
    expect(mapped.code).toBe(code);
    expect(mapped.retryable).toBe(retryable);
  });

  it('says which methods a failed login tried', () => {
    const mapped = connectFailure(ssh2Error('x', { level: 'client-authentication' }), 'host:22', attempts);
    expect(mapped.message).toContain('publickey (identity file), password');
  });
});

describe('SFTP statuses', () => {
  it.each([
    [2, 'NOT_FOUND'],
    [3, 'PERMISSION_DENIED'],
    [4, 'PROTOCOL'],
    [8, 'UNSUPPORTED'],
    [11, 'ALREADY_EXISTS'],
    [18, 'ALREADY_EXISTS'],
  ])('status %i → %s', (status, code) => {
    const error = fromSftpError(ssh2Error('server says no', { code: status }), 'open', '/x');
    expect(error.code).toBe(code);
    expect(error.replyCode).toBe(status);
    expect(error.message).toContain('"/x"');
  });

  it('turns a channel that went away into a retryable CONNECTION_LOST', () => {
    const error = fromSftpError(new Error('No response from server'), 'read', '/x');
    expect(error.code).toBe('CONNECTION_LOST');
    expect(error.retryable).toBe(true);
  });
});

describe('host key algorithm order', () => {
  it('puts the types already known for the host first', () => {
    expect(hostKeyAlgorithmOrder(['ssh-rsa']).slice(0, 3)).toEqual(['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa']);
    expect(hostKeyAlgorithmOrder([])[0]).toBe('ssh-ed25519');
  });
});
