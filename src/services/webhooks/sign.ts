/**
 * Webhook signatures: `Aduan-Webhook-Signature: v1=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`
 * with the unix-seconds timestamp in `Aduan-Webhook-Timestamp`. Receivers recompute it over the raw
 * bytes they got, compare in constant time and refuse timestamps outside their replay window.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'aduan-webhook-signature';
export const TIMESTAMP_HEADER = 'aduan-webhook-timestamp';
export const ID_HEADER = 'aduan-webhook-id';
/** Default replay window a receiver should allow (seconds either side of its clock). */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** A new signing secret: 32 random bytes, prefixed so it is recognisable in a secret scanner. */
export const newWebhookSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

export function signWebhook(secret: string, timestamp: number, rawBody: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest('hex')}`;
}

export type VerifyResult = { ok: true } | { ok: false; reason: 'missing' | 'stale' | 'mismatch' };

/**
 * Checks a received webhook: the timestamp within `toleranceSeconds` of `now` and one of the v1
 * signatures (comma-separated, so a sender may sign with an old and a new secret) matching.
 */
export function verifyWebhook(input: { secret: string; rawBody: string; signature: string | undefined; timestamp: string | undefined; now: Date; toleranceSeconds?: number }): VerifyResult {
  if (!input.signature || !input.timestamp || !/^\d{1,12}$/.test(input.timestamp)) return { ok: false, reason: 'missing' };
  const timestamp = Number(input.timestamp);
  if (Math.abs(input.now.getTime() / 1000 - timestamp) > (input.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return { ok: false, reason: 'stale' };
  const expected = Buffer.from(signWebhook(input.secret, timestamp, input.rawBody));
  const matches = input.signature.split(',').some((candidate) => {
    const given = Buffer.from(candidate.trim());
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? { ok: true } : { ok: false, reason: 'mismatch' };
}
