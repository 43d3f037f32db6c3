/**
 * Masks personal numbers in free text before it reaches a log: Indonesian phone numbers
 * (+62…, 62…, 08…, with spaces, dots or dashes between groups) and 16-digit NIK. Keeps the last
 * 3 digits of a phone number so an operator can still tell two numbers apart.
 */

/** A NIK: exactly 16 digits, not part of a longer number. */
const NIK = /(?<![\d])\d{16}(?![\d])/g;
/** +62 / 62 / 0 followed by 8 and 7-12 more digits, optionally separated by space, dot or dash. */
const PHONE = /(?<![\d+])(?:\+62|62|0)[\s.-]?8(?:[\s.-]?\d){7,12}(?![\d])/g;

export function redactText(text: string): string {
  return text.replace(NIK, '[NIK]').replace(PHONE, (match) => `[telp …${match.replace(/\D/g, '').slice(-3)}]`);
}

/** Masks every string inside a value (objects and arrays, depth-limited); other values pass unchanged. */
export function redactDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return redactText(value);
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  if (value instanceof Error) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, depth + 1)]));
}
