import { describe, expect, it } from 'vitest';
import { parseExpectedHash } from '../../../shared/expectedHash.js';

const md5 = 'd41d8cd98f00b204e9800998ecf8427e';
const sha1 = 'da39a3ee5e6b4b0d3255bfef95601890afd80709';
const sha256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';
const sha512 = 'cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce'.repeat(2);

describe('parseExpectedHash', () => {
  it.each([
    [`sha256:${sha256}`, 'sha256', sha256],
    [`SHA-256: ${sha256.toUpperCase()}`, 'sha256', sha256],
    [`md5:${md5.match(/../g)?.join(':') ?? ''}`, 'md5', md5],
    [`sha1:${sha1}`, 'sha1', sha1],
    [`sha-512:${sha512}`, 'sha512', sha512],
  ])('reads %j', (text, algorithm, hex) => {
    expect(parseExpectedHash(text)).toEqual({ algorithm, hex });
  });

  it.each([
    [md5, 'md5'],
    [sha1.toUpperCase(), 'sha1'],
    [` ${sha256} `, 'sha256'],
    [sha512, 'sha512'],
  ])('knows bare hex %j by its length', (text, algorithm) => {
    expect(parseExpectedHash(text)).toEqual({ algorithm, hex: text.trim().toLowerCase() });
  });

  it.each([
    ['abc', 'ALGORITHM:HEX'],
    [`${sha256}0`, 'ALGORITHM:HEX'],
    [`sha256:${md5}`, 'has 64 hex digits'],
    [`crc32:${md5}`, 'ALGORITHM:HEX'],
    [`sha256:${sha256.slice(0, 63)}g`, 'ALGORITHM:HEX'],
  ])('refuses %j', (text, words) => {
    expect(() => parseExpectedHash(text)).toThrow(words);
  });
});
