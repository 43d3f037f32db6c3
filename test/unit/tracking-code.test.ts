import { describe, expect, it } from 'vitest';
import {
  CODE_ALPHABET,
  TRACKING_CODE_PATTERN,
  findTrackingCode,
  newTrackingCode,
  parseTrackingCode,
} from '../../src/domain/index.js';

const FORMAT = /^[A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const bytes = (...values: number[]) => () => Buffer.from(values);

describe('newTrackingCode', () => {
  it.each(['AD', 'ADU', 'LAPOR'])('prefix %s gives PRE-XXXX-XXXX', (prefix) => {
    const code = newTrackingCode(prefix);
    expect(code).toMatch(FORMAT);
    expect(code).toMatch(TRACKING_CODE_PATTERN);
    expect(code.startsWith(`${prefix}-`)).toBe(true);
  });

  it('uses Crockford base32: 32 symbols, none of I, L, O, U', () => {
    expect(CODE_ALPHABET).toHaveLength(32);
    expect(new Set(CODE_ALPHABET).size).toBe(32);
    for (const letter of ['I', 'L', 'O', 'U']) expect(CODE_ALPHABET).not.toContain(letter);
  });

  it.each([
    { name: 'all bits set', random: bytes(0xff, 0xff, 0xff, 0xff, 0xff), code: 'ADU-ZZZZ-ZZZZ' },
    { name: 'no bits set', random: bytes(0, 0, 0, 0, 0), code: 'ADU-0000-0000' },
    // 0x00 0x00 0x00 0x00 0x01: only the lowest bit, the last symbol.
    { name: 'lowest bit', random: bytes(0, 0, 0, 0, 1), code: 'ADU-0000-0001' },
    // The highest bit of 40 is the top bit of the first 5-bit group: 10000 = 16 = "G".
    { name: 'highest bit', random: bytes(0x80, 0, 0, 0, 0), code: 'ADU-G000-0000' },
  ])('encodes 40 random bits ($name)', ({ random, code }) => {
    expect(newTrackingCode('ADU', random)).toBe(code);
  });

  it('asks for exactly 5 random bytes (40 bits)', () => {
    const asked: number[] = [];
    newTrackingCode('ADU', (n) => {
      asked.push(n);
      return Buffer.alloc(n);
    });
    expect(asked).toEqual([5]);
  });

  it.each(['', 'A', 'ABCDEF', 'adu', 'AD1', 'AD-U', 'ÄDU'])('rejects the prefix "%s"', (prefix) => {
    expect(() => newTrackingCode(prefix)).toThrow(/prefix must be 2-5 letters/);
  });

  it('10,000 generated codes are unique and each parses back to itself', () => {
    const codes = new Set<string>();
    for (let i = 0; i < 10_000; i++) {
      const code = newTrackingCode('ADU');
      expect(parseTrackingCode(code)).toBe(code);
      codes.add(code);
    }
    expect(codes.size).toBe(10_000);
  });
});

describe('parseTrackingCode', () => {
  it.each([
    ['ADU-7KQ2-M9XD', 'ADU-7KQ2-M9XD'],
    ['adu-7kq2-m9xd', 'ADU-7KQ2-M9XD'],
    ['Adu-7Kq2-m9Xd', 'ADU-7KQ2-M9XD'],
    ['ADU7KQ2M9XD', 'ADU-7KQ2-M9XD'],
    ['adu 7kq2 m9xd', 'ADU-7KQ2-M9XD'],
    ['  ADU - 7KQ2 - M9XD  ', 'ADU-7KQ2-M9XD'],
    ['adu_7kq2.m9xd', 'ADU-7KQ2-M9XD'],
    // Read-aloud confusions: O is zero, I and L are one.
    ['ADU-7KQ2-M9XO', 'ADU-7KQ2-M9X0'],
    ['ADU-OOOO-OOOO', 'ADU-0000-0000'],
    ['ADU-I1L1-iiLl', 'ADU-1111-1111'],
    ['AB-0000-0000', 'AB-0000-0000'],
    ['LAPOR-ZZZZ-ZZZZ', 'LAPOR-ZZZZ-ZZZZ'],
  ])('"%s" → %s', (input, expected) => {
    expect(parseTrackingCode(input)).toBe(expected);
  });

  it.each([
    ['', 'empty'],
    ['ADU', 'prefix only'],
    ['ADU-7KQ2-M9X', 'body one short'],
    ['ADU-7KQ2-M9XDD', 'body one long'],
    ['ADU-7KQ2', 'half a body'],
    ['A-7KQ2-M9XD', 'one-letter prefix'],
    ['ABCDEF-7KQ2-M9XD', 'six-letter prefix'],
    ['AD1-7KQ2-M9XD', 'digit in the prefix'],
    ['123-7KQ2-M9XD', 'numeric prefix'],
    ['ADU-7KQ2-M9X#', 'symbol in the body'],
    ['ADU-7KQ2-M9XÉ', 'accented letter in the body'],
    ['cek ADU-7KQ2-M9XD', 'surrounding words (use findTrackingCode)'],
  ])('rejects "%s" (%s)', (input) => {
    expect(parseTrackingCode(input)).toBeNull();
  });
});

describe('findTrackingCode', () => {
  it.each([
    ['cek adu-7kq2-m9xd ya', 'ADU-7KQ2-M9XD'],
    ['ADU-7KQ2-M9XD', 'ADU-7KQ2-M9XD'],
    ['kode saya ADU-7KQ2-M9XD, tolong dicek', 'ADU-7KQ2-M9XD'],
    ['status: adu 7kq2 m9xd.', 'ADU-7KQ2-M9XD'],
    ['(ADU-7KQ2-M9XO)', 'ADU-7KQ2-M9X0'],
    // Written without dashes after a word: the word must not become the prefix (CEK-ADV7-KQ2M).
    ['cek ADU7KQ2M9XD', 'ADU-7KQ2-M9XD'],
    ['status adu7kq2m9xd', 'ADU-7KQ2-M9XD'],
    ['lacak laporan ADU7KQ2M9XD sekarang', 'ADU-7KQ2-M9XD'],
  ])('finds the code in "%s"', (text, expected) => {
    expect(findTrackingCode(text)).toBe(expected);
  });

  it.each(['halo', 'saya mau lapor', 'ADU-7KQ2', '12345678901', ''])('finds nothing in "%s"', (text) => {
    expect(findTrackingCode(text)).toBeNull();
  });
});
