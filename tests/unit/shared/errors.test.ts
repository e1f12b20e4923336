import { describe, it, expect } from 'vitest';
import { ferryErrorShapeSchema } from '../../../shared/errorShapeSchema.js';
import { ERROR_CODES, FerryError, isFerryError, type FerryErrorCode } from '../../../shared/errors.js';

describe('FerryError', () => {
  it('is an Error with a name, code and message', () => {
    const error = new FerryError('NOT_FOUND', 'No such file "x"');
    expect(error).toBeInstanceOf(Error);
    expect(error).toBeInstanceOf(FerryError);
    expect(error.name).toBe('FerryError');
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('No such file "x"');
    expect(error.replyCode).toBeUndefined();
    expect(error.cause).toBeUndefined();
    expect(isFerryError(error)).toBe(true);
    expect(isFerryError(new Error('x'))).toBe(false);
    expect(isFerryError({ code: 'NOT_FOUND', message: 'x', retryable: false })).toBe(false);
  });

  it('makes CONNECTION_LOST and TIMEOUT retryable by default, and nothing else', () => {
    const retryable = ERROR_CODES.filter((code) => new FerryError(code, 'x').retryable);
    expect(retryable).toEqual(['CONNECTION_LOST', 'TIMEOUT']);
  });

  it('lets the thrower override retryable either way', () => {
    expect(new FerryError('CONNECTION_LOST', 'x', { retryable: false }).retryable).toBe(false);
    expect(new FerryError('PROTOCOL', '421 Too many connections', { retryable: true, replyCode: 421 }).retryable).toBe(
      true,
    );
  });

  it('keeps the cause it was given', () => {
    const cause = new Error('ECONNRESET');
    expect(new FerryError('CONNECTION_LOST', 'lost', { cause }).cause).toBe(cause);
  });
});

describe('FerryError shapes', () => {
  it('toShape gives a plain object with exactly code, message and retryable', () => {
    const shape = new FerryError('TIMEOUT', 'No reply in 30 s').toShape();
    expect(shape).toStrictEqual({ code: 'TIMEOUT', message: 'No reply in 30 s', retryable: true });
    expect(Object.getPrototypeOf(shape)).toBe(Object.prototype);
    expect('replyCode' in shape).toBe(false);
    expect(ferryErrorShapeSchema.parse(shape)).toStrictEqual(shape);
  });

  it('toShape keeps the reply code', () => {
    const shape = new FerryError('PERMISSION_DENIED', '550 Permission denied', { replyCode: 550 }).toShape();
    expect(shape).toStrictEqual({
      code: 'PERMISSION_DENIED',
      message: '550 Permission denied',
      retryable: false,
      replyCode: 550,
    });
  });

  it('survives a JSON round trip through fromShape', () => {
    const original = new FerryError('AUTH_FAILED', '530 Login incorrect', { replyCode: 530 });
    const copy = FerryError.fromShape(ferryErrorShapeSchema.parse(JSON.parse(JSON.stringify(original.toShape()))));
    expect(copy).toBeInstanceOf(FerryError);
    expect(copy.code).toBe('AUTH_FAILED');
    expect(copy.message).toBe('530 Login incorrect');
    expect(copy.replyCode).toBe(530);
    expect(copy.retryable).toBe(false);
    expect(copy.toShape()).toStrictEqual(original.toShape());
  });

  it('round-trips details as a copy, and leaves them out when there are none', () => {
    const details = { fingerprint: 'SHA256:abc', bits: 2048, selfSigned: true };
    const original = new FerryError('TLS_UNTRUSTED', 'certificate not trusted', { details });
    const shape = original.toShape();
    expect(shape.details).toEqual(details);
    expect(shape.details).not.toBe(details);
    const copy = FerryError.fromShape(ferryErrorShapeSchema.parse(JSON.parse(JSON.stringify(shape))));
    expect(copy.details).toEqual(details);
    expect('details' in new FerryError('TIMEOUT', 't').toShape()).toBe(false);
  });

  it('fromShape keeps the retryable flag of the shape rather than the default', () => {
    expect(FerryError.fromShape({ code: 'TIMEOUT', message: 'x', retryable: false }).retryable).toBe(false);
    expect(FerryError.fromShape({ code: 'PROTOCOL', message: 'x', retryable: true }).retryable).toBe(true);
    expect(FerryError.fromShape({ code: 'PROTOCOL', message: 'x', retryable: true }).replyCode).toBeUndefined();
  });

  it('round-trips every code', () => {
    for (const code of ERROR_CODES) {
      const shape = new FerryError(code, `m ${code}`).toShape();
      expect(FerryError.fromShape(shape).toShape()).toStrictEqual(shape);
    }
  });

  it('the shape schema refuses unknown codes and non-integer reply codes', () => {
    expect(ferryErrorShapeSchema.safeParse({ code: 'OOPS', message: 'x', retryable: false }).success).toBe(false);
    expect(
      ferryErrorShapeSchema.safeParse({ code: 'PROTOCOL', message: 'x', retryable: false, replyCode: 5.5 }).success,
    ).toBe(false);
    expect(ferryErrorShapeSchema.safeParse({ code: 'PROTOCOL', message: 'x' }).success).toBe(false);
  });

  it('has the closed set of codes DESIGN.md lists', () => {
    const expected: FerryErrorCode[] = [
      'AUTH_FAILED',
      'NOT_FOUND',
      'PERMISSION_DENIED',
      'ALREADY_EXISTS',
      'CONNECTION_LOST',
      'TIMEOUT',
      'CANCELED',
      'HOSTKEY_UNKNOWN',
      'HOSTKEY_MISMATCH',
      'TLS_UNTRUSTED',
      'TLS_REQUIRED',
      'PROTOCOL',
      'LOCAL_IO',
      'UNSAFE_NAME',
      'VERIFY_FAILED',
      'UNSUPPORTED',
      'INVALID_INPUT',
    ];
    expect([...ERROR_CODES].sort()).toEqual([...expected].sort());
  });
});
