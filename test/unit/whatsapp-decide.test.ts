import { DisconnectReason } from '@whiskeysockets/baileys';
import { describe, expect, it } from 'vitest';
import { decideReconnect } from '../../src/channels/whatsapp/index.js';
import { MAX_RECONNECT_ATTEMPTS, RECONNECT_BASE_MS, RECONNECT_MAX_MS } from '../../src/channels/whatsapp/limits.js';

const half = () => 0.5;

describe('decideReconnect: every DisconnectReason', () => {
  it.each([
    ['restartRequired', DisconnectReason.restartRequired, 'restart'],
    ['loggedOut', DisconnectReason.loggedOut, 'logged-out'],
    ['multideviceMismatch', DisconnectReason.multideviceMismatch, 'logged-out'],
    ['connectionReplaced', DisconnectReason.connectionReplaced, 'stop'],
    ['forbidden', DisconnectReason.forbidden, 'stop'],
    ['connectionClosed', DisconnectReason.connectionClosed, 'reconnect'],
    ['connectionLost / timedOut', DisconnectReason.connectionLost, 'reconnect'],
    ['badSession', DisconnectReason.badSession, 'reconnect'],
    ['unavailableService', DisconnectReason.unavailableService, 'reconnect'],
    ['no status (network error)', undefined, 'reconnect'],
    ['an unknown status', 999, 'reconnect'],
  ] as const)('%s → %s', (_name, code, action) => {
    expect(decideReconnect(code, 0, half).action).toBe(action);
  });

  it('backs off exponentially with bounded jitter, capped', () => {
    const delays = [0, 1, 2, 3].map((attempt) => decideReconnect(DisconnectReason.connectionLost, attempt, half));
    expect(delays.map((d) => (d.action === 'reconnect' ? d.delayMs : -1))).toEqual([1, 2, 4, 8].map((f) => RECONNECT_BASE_MS * f));
    const low = decideReconnect(DisconnectReason.connectionLost, 0, () => 0);
    const high = decideReconnect(DisconnectReason.connectionLost, 0, () => 0.999);
    expect(low.action === 'reconnect' && low.delayMs).toBeLessThan(RECONNECT_BASE_MS);
    expect(high.action === 'reconnect' && high.delayMs).toBeGreaterThan(RECONNECT_BASE_MS);
    const late = decideReconnect(DisconnectReason.connectionLost, MAX_RECONNECT_ATTEMPTS - 1, () => 0.999);
    expect(late.action === 'reconnect' && late.delayMs).toBeLessThanOrEqual(RECONNECT_MAX_MS * 1.2);
  });

  it('stops after too many failed reconnects instead of looping', () => {
    expect(decideReconnect(DisconnectReason.connectionLost, MAX_RECONNECT_ATTEMPTS, half).action).toBe('stop');
    // Restart after pairing never counts as a failure.
    expect(decideReconnect(DisconnectReason.restartRequired, MAX_RECONNECT_ATTEMPTS, half).action).toBe('restart');
  });
});
