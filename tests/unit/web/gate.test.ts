import { describe, it, expect } from 'vitest';
import {
  checkRequest,
  isAllowedHost,
  isAllowedOrigin,
  isLoopbackAddress,
  tokenMatches,
  type GateRequest,
} from '../../../electron/web/gate.js';

const PORT = 43210;
const TOKEN = 'tok_abcdefghijklmnopqrstuvwx';

/** A WebSocket request that passes the gate; each test breaks one thing. */
function good(overrides: Partial<GateRequest> = {}): GateRequest {
  return {
    remoteAddress: '127.0.0.1',
    host: `127.0.0.1:${PORT}`,
    origin: `http://127.0.0.1:${PORT}`,
    queryToken: TOKEN,
    isSocket: true,
    ...overrides,
  };
}

describe('isLoopbackAddress', () => {
  it.each(['127.0.0.1', '127.5.6.7', '127.255.255.254', '::1', '::ffff:127.0.0.1', '::ffff:127.1.2.3'])(
    '%s is loopback',
    (address) => {
      expect(isLoopbackAddress(address)).toBe(true);
    },
  );

  it.each([
    '10.0.0.1',
    '192.168.1.1',
    '0.0.0.0',
    '128.0.0.1',
    '::ffff:10.0.0.1',
    '::ffff:192.168.0.1',
    'fe80::1',
    '::',
    '::2',
    '127.0.0.1.evil',
    '127.evil',
    'localhost',
    '',
    undefined,
  ])('%j is not loopback', (address) => {
    expect(isLoopbackAddress(address)).toBe(false);
  });
});

describe('isAllowedHost and isAllowedOrigin', () => {
  it('accept 127.0.0.1 and localhost on our port only', () => {
    expect(isAllowedHost(`127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost(`LOCALHOST:${PORT}`, PORT)).toBe(true);
    expect(isAllowedHost('127.0.0.1', PORT)).toBe(false);
    expect(isAllowedHost(`127.0.0.1:${PORT + 1}`, PORT)).toBe(false);
    expect(isAllowedHost(`evil.example:${PORT}`, PORT)).toBe(false);
    expect(isAllowedHost(`127.0.0.1:${PORT}.evil.example`, PORT)).toBe(false);
    expect(isAllowedHost(undefined, PORT)).toBe(false);
    expect(isAllowedOrigin(`http://127.0.0.1:${PORT}`, PORT)).toBe(true);
    expect(isAllowedOrigin(`http://localhost:${PORT}`, PORT)).toBe(true);
    expect(isAllowedOrigin(`https://127.0.0.1:${PORT}`, PORT)).toBe(false);
    expect(isAllowedOrigin(`http://127.0.0.1:${PORT}/`, PORT)).toBe(false);
    expect(isAllowedOrigin('null', PORT)).toBe(false);
    expect(isAllowedOrigin(undefined, PORT)).toBe(false);
  });
});

describe('tokenMatches', () => {
  it('matches only the exact token', () => {
    expect(tokenMatches(TOKEN, TOKEN)).toBe(true);
    expect(tokenMatches(`${TOKEN}x`, TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.slice(1), TOKEN)).toBe(false);
    expect(tokenMatches(TOKEN.toUpperCase(), TOKEN)).toBe(false);
    expect(tokenMatches('', TOKEN)).toBe(false);
    expect(tokenMatches(null, TOKEN)).toBe(false);
    expect(tokenMatches(undefined, TOKEN)).toBe(false);
  });
});

describe('checkRequest', () => {
  it('allows a loopback request with our Host and the token in the query', () => {
    expect(checkRequest(good(), PORT, TOKEN)).toEqual({ allowed: true });
    expect(checkRequest(good({ host: `localhost:${PORT}`, remoteAddress: '::1' }), PORT, TOKEN)).toEqual({
      allowed: true,
    });
  });

  it('serves the page and its files without the token, but only to this machine under our Host and Origin', () => {
    const page = { isSocket: false, queryToken: null, origin: undefined };
    expect(checkRequest(good(page), PORT, TOKEN)).toEqual({ allowed: true });
    expect(checkRequest(good({ ...page, origin: `http://127.0.0.1:${PORT}` }), PORT, TOKEN)).toEqual({ allowed: true });
    expect(checkRequest(good({ ...page, host: `evil.example:${PORT}` }), PORT, TOKEN)).toMatchObject({ status: 403 });
    expect(checkRequest(good({ ...page, origin: 'http://evil.example' }), PORT, TOKEN)).toMatchObject({ status: 403 });
    expect(checkRequest(good({ ...page, remoteAddress: '10.0.0.1' }), PORT, TOKEN)).toMatchObject({ status: 403 });
  });

  it.each(['10.0.0.1', '192.168.1.1', '::ffff:10.0.0.1', 'fe80::1', undefined])(
    'refuses the peer %j with 403 even with the token',
    (remoteAddress) => {
      const verdict = checkRequest(good({ remoteAddress }), PORT, TOKEN);
      expect(verdict).toMatchObject({ allowed: false, status: 403 });
      if (!verdict.allowed) expect(verdict.reason).toContain('this machine');
    },
  );

  it.each([`evil.example:${PORT}`, `127.0.0.1:${PORT + 1}`, '127.0.0.1', `[::1]:${PORT}`, '', undefined])(
    'refuses the Host %j with 403 (DNS rebinding)',
    (host) => {
      const verdict = checkRequest(good({ host }), PORT, TOKEN);
      expect(verdict).toMatchObject({ allowed: false, status: 403 });
      if (!verdict.allowed) expect(verdict.reason).toContain('Host');
    },
  );

  it.each(['http://evil.example', `http://127.0.0.1:${PORT + 1}`, 'null', `https://localhost:${PORT}`, ''])(
    'refuses the Origin %j with 403',
    (origin) => {
      const verdict = checkRequest(good({ origin }), PORT, TOKEN);
      expect(verdict).toMatchObject({ allowed: false, status: 403 });
      if (!verdict.allowed) expect(verdict.reason).toContain('Origin');
    },
  );

  it('allows our own Origin', () => {
    expect(checkRequest(good({ origin: `http://127.0.0.1:${PORT}` }), PORT, TOKEN)).toEqual({ allowed: true });
  });

  it('refuses a WebSocket without an Origin with 403, and allows it with ours', () => {
    expect(checkRequest(good({ origin: undefined }), PORT, TOKEN)).toMatchObject({ allowed: false, status: 403 });
    expect(checkRequest(good({ origin: `http://localhost:${PORT}` }), PORT, TOKEN)).toEqual({
      allowed: true,
    });
  });

  it('refuses a WebSocket with a missing or wrong token with 401', () => {
    for (const tokens of [{ queryToken: null }, { queryToken: 'wrong' }, { queryToken: '' }]) {
      const verdict = checkRequest(good(tokens), PORT, TOKEN);
      expect(verdict).toMatchObject({ allowed: false, status: 401 });
      if (!verdict.allowed) expect(verdict.reason).toContain('token');
    }
  });

  it('checks the peer and Host before the token, so a stranger learns nothing about it', () => {
    expect(checkRequest(good({ remoteAddress: '10.0.0.1', queryToken: null }), PORT, TOKEN)).toMatchObject({
      status: 403,
    });
    expect(checkRequest(good({ host: 'evil.example', queryToken: null }), PORT, TOKEN)).toMatchObject({
      status: 403,
    });
  });
});
