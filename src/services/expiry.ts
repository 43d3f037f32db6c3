/**
 * Tells citizens whose unfinished form ran past the idle limit that it was dropped, without waiting
 * for their next message. The sweep takes no chat lock: it leaves a session alone until three minutes
 * past its limit, so a message that came just in time has been saved (and moved the limit) by then;
 * and its save is version-checked, so should the two still meet, the first to save wins.
 */
import { expireSession, sessionExpiresAt, type FlowSet } from '../engine/index.js';
import type { ChatRef, MessageSender, SessionStore } from './ports.js';

export interface ExpiryDeps {
  sessions: SessionStore;
  sender: MessageSender;
  flows: FlowSet;
  idleMinutes: number;
  /** Where a chat that could not be told its form ended is reported (the form has ended all the same). */
  onSendFailure?: (chat: ChatRef, error: unknown) => void;
}

const BATCH = 200;
/** How long past its limit a session is left before the sweep ends it: longer than a message may hold its chat (two minutes). */
export const EXPIRY_GRACE_MS = 3 * 60_000;

export async function expireIdleSessions(deps: ExpiryDeps, now: Date): Promise<number> {
  let told = 0;
  const cutoff = new Date(now.getTime() - EXPIRY_GRACE_MS);
  for (const session of await deps.sessions.findExpiredSessions(cutoff, BATCH)) {
    const result = expireSession(deps, session.state, now);
    if (!result) {
      const lapsesAt = sessionExpiresAt(session.state, deps.idleMinutes);
      if (session.state.flowId !== null && lapsesAt > cutoff) {
        // A form or question that has not run out by the limits in force now: its row was saved
        // under a shorter limit (SESSION_IDLE_MINUTES raised since). Kept, and its row given the
        // limit it has now, so it leaves the sweep's oldest batch rather than stay in it for good.
        await deps.sessions.saveSession(session.chat, session.state, { expectedVersion: session.version, expiresAt: lapsesAt });
        continue;
      }
      // Run out with nothing to say (the menu, a finished conversation past its keep time): nothing to keep.
      await deps.sessions.deleteSession(session.chat, session.version);
      continue;
    }
    // Keep the ended session a day, so a citizen who writes again keeps their language.
    const keepUntil = new Date(now.getTime() + 24 * 3600_000);
    if ((await deps.sessions.saveSession(session.chat, result.state, { expectedVersion: session.version, expiresAt: keepUntil })) !== 'saved') continue;
    try {
      await deps.sender.send(session.chat, result.messages);
      told++;
    } catch (error) {
      // One chat that cannot be told (it blocked the bot, its channel is down) does not stop the batch.
      deps.onSendFailure?.(session.chat, error);
    }
  }
  return told;
}
