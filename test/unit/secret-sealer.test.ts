import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseKey32, SecretSealer, SecretSealError } from '../../src/store/secret-sealer.js';

const key = randomBytes(32);
const rowId = '7f0c2a8e-4a61-4e0f-9d7e-2b1c3d4e5f60';

describe('sealed secrets', () => {
  it('seals with the key (each time afresh) and opens for the same row', () => {
    const sealer = new SecretSealer(key.toString('hex'));
    const first = sealer.seal('whsec_abc', rowId);
    const second = sealer.seal('whsec_abc', rowId);
    expect(first).toMatch(/^sealed1:/);
    expect(first).not.toContain('whsec_abc');
    expect(first).not.toBe(second);
    expect(sealer.open(first, rowId)).toBe('whsec_abc');
    expect(new SecretSealer(key.toString('base64')).open(second, rowId)).toBe('whsec_abc');
  });

  it('refuses to open for another row, with another key, without a key, or when damaged', () => {
    const sealed = new SecretSealer(key.toString('hex')).seal('whsec_abc', rowId);
    expect(() => new SecretSealer(key.toString('hex')).open(sealed, 'another-row')).toThrow(SecretSealError);
    expect(() => new SecretSealer(randomBytes(32).toString('hex')).open(sealed, rowId)).toThrow(/does not open with the configured key/);
    expect(() => new SecretSealer(undefined).open(sealed, rowId)).toThrow(/no key is configured/);
    expect(() => new SecretSealer(key.toString('hex')).open('sealed1:AAAA', rowId)).toThrow(/truncated/);
    const flipped = `${sealed.slice(0, -4)}${sealed.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    expect(() => new SecretSealer(key.toString('hex')).open(flipped, rowId)).toThrow(SecretSealError);
  });

  it('stores and reads plain values as they are without a key, and reads them with one', () => {
    const none = new SecretSealer(undefined);
    expect(none.sealing).toBe(false);
    expect(none.seal('whsec_abc', rowId)).toBe('whsec_abc');
    expect(none.open('whsec_abc', rowId)).toBe('whsec_abc');
    expect(new SecretSealer(key.toString('hex')).open('whsec_abc', rowId)).toBe('whsec_abc');
  });

  it('takes a 32-byte key as hex or base64 only', () => {
    expect(parseKey32(key.toString('hex'))?.equals(key)).toBe(true);
    expect(parseKey32(key.toString('base64url'))?.equals(key)).toBe(true);
    expect(parseKey32(randomBytes(16).toString('hex'))).toBeNull();
    expect(() => new SecretSealer('not a key')).toThrow(SecretSealError);
  });
});
