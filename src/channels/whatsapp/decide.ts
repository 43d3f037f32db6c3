/**
 * What to do when the WhatsApp connection closes, decided from the status code alone (pure, so
 * every DisconnectReason is unit-tested). Codes are Baileys' DisconnectReason values.
 */
import { MAX_RECONNECT_ATTEMPTS, RECONNECT_BASE_MS, RECONNECT_JITTER, RECONNECT_MAX_MS } from './limits.js';

export type ReconnectDecision =
  /** A transient failure: a new socket after `delayMs`. */
  | { action: 'reconnect'; delayMs: number; reason: string }
  /** 515 restartRequired (normal right after pairing): a new socket at once. */
  | { action: 'restart'; reason: string }
  /** 401 loggedOut / 411 multi-device mismatch: clear the auth state, alert, wait for a new pairing. */
  | { action: 'logged-out'; reason: string }
  /** 440 replaced elsewhere, 403 forbidden (banned?), or too many failures: stop and alert; no loop. */
  | { action: 'stop'; reason: string };

export const CODES = {
  connectionClosed: 428,
  connectionLost: 408,
  connectionReplaced: 440,
  loggedOut: 401,
  badSession: 500,
  restartRequired: 515,
  multideviceMismatch: 411,
  forbidden: 403,
  unavailableService: 503,
} as const;

/** `attempt` counts failed reconnects in a row (0 for the first); `random` in [0, 1) spreads retries. */
export function decideReconnect(statusCode: number | undefined, attempt: number, random: () => number = Math.random): ReconnectDecision {
  switch (statusCode) {
    case CODES.restartRequired:
      return { action: 'restart', reason: 'restart required (after pairing)' };
    case CODES.loggedOut:
      return { action: 'logged-out', reason: 'logged out from the phone' };
    case CODES.multideviceMismatch:
      return { action: 'logged-out', reason: 'multi-device mismatch: the session must be paired again' };
    case CODES.connectionReplaced:
      return { action: 'stop', reason: 'connection replaced: another client opened this session' };
    case CODES.forbidden:
      return { action: 'stop', reason: 'forbidden: the number may be banned or restricted' };
    default:
      break;
  }
  if (attempt >= MAX_RECONNECT_ATTEMPTS) return { action: 'stop', reason: `gave up after ${attempt} failed reconnects (last status ${statusCode ?? 'none'})` };
  const base = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** attempt);
  const delayMs = Math.round(base * (1 - RECONNECT_JITTER + 2 * RECONNECT_JITTER * random()));
  return { action: 'reconnect', delayMs, reason: `connection closed (status ${statusCode ?? 'none'})` };
}
