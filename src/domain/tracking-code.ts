/**
 * Tracking codes: the citizen's handle on a report, e.g. `ADU-7KQ2-M9XD`.
 *
 * Eight symbols of Crockford's base32 (digits and letters without I, L, O, U) give exactly 40 random
 * bits, enough that codes cannot be guessed. Read-aloud confusions are folded when parsing:
 * O is read as 0 and I/L as 1, so a citizen who types "adu-7kq2-m9xd", "ADU7KQ2M9XD" or an O for a
 * zero still finds the report.
 */
import { randomBytes } from 'node:crypto';

export const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const TRACKING_CODE_PATTERN = /^[A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
const PREFIX_PATTERN = /^[A-Z]{2,5}$/;

/** Creates a fresh code; `random` is injectable so tests can pin it. */
export function newTrackingCode(prefix: string, random: (n: number) => Buffer = randomBytes): string {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`tracking code prefix must be 2-5 letters A-Z, got "${prefix}"`);
  const bytes = random(5);
  let bits = 0n;
  for (const byte of bytes) bits = (bits << 8n) | BigInt(byte);
  let body = '';
  for (let i = 0; i < 8; i++) {
    body = CODE_ALPHABET.charAt(Number(bits & 31n)) + body;
    bits >>= 5n;
  }
  return `${prefix}-${body.slice(0, 4)}-${body.slice(4)}`;
}

const FOLD: Record<string, string> = { O: '0', I: '1', L: '1', U: 'V' };

/**
 * Normalises what a citizen typed into the canonical `PRE-XXXX-XXXX`, or returns null.
 * Accepts any case, with or without dashes or spaces.
 */
export function parseTrackingCode(input: string): string | null {
  const upper = input.toUpperCase().trim();
  const compact = upper.replace(/[\s\-_.]/g, '');
  const match = /^([A-Z]{2,5})([0-9A-Z]{8})$/.exec(compact);
  if (!match?.[1] || !match[2]) return null;
  // A prefix written on its own is the prefix: "ADU-7KQ2-M9X" is a short code, not AD-V7KQ-2M9X.
  const written = /^([A-Z]+)[\s\-_.]/.exec(upper)?.[1];
  if (written !== undefined && written !== match[1]) return null;
  const body = [...match[2]].map((ch) => FOLD[ch] ?? ch).join('');
  if (![...body].every((ch) => CODE_ALPHABET.includes(ch))) return null;
  return `${match[1]}-${body.slice(0, 4)}-${body.slice(4)}`;
}

/**
 * Finds a tracking code inside free text ("cek adu-7kq2-m9xd ya"). The code must stand as its own
 * word(s): without the boundaries "cek ADU7KQ2M9XD" would read as CEK-ADV7-KQ2M.
 */
export function findTrackingCode(text: string): string | null {
  const candidates = text.toUpperCase().match(/\b[A-Z]{2,5}[\s-]?[0-9A-Z]{4}[\s-]?[0-9A-Z]{4}\b/g) ?? [];
  for (const candidate of candidates) {
    const code = parseTrackingCode(candidate);
    if (code) return code;
  }
  return null;
}
