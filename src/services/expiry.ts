/**
 * Tells citizens whose unfinished form ran past the idle limit that it was dropped, without waiting
 * for their next message. The save is version-checked: a citizen who writes at the same moment wins.
 */
import { expireSession, type FlowSet } from '../engine/index.js';
import type { MessageSender, SessionStore } from './ports.js';

export interface ExpiryDeps {
  sessions: SessionStore;
  sender: MessageSender;
  flows: FlowSet;
  idleMinutes: number;
}

const BATCH = 200;

export async function expireIdleSessions(deps: ExpiryDeps, now: Date): Promise<number> {
  let told = 0;
  for (const session of await deps.sessions.findExpiredSessions(now, BATCH)) {
    const result = expireSession(deps, session.state, now);
    if (!result && session.state.complaintCode && session.state.flowId) continue; // a follow-up question still waiting
    if (!result) {
      // A finished conversation past its keep time: nothing to say, nothing to keep.
      await deps.sessions.deleteSession(session.chat, session.version);
      continue;
    }
    // Keep the ended session a day, so a citizen who writes again keeps their language.
    const keepUntil = new Date(now.getTime() + 24 * 3600_000);
    if ((await deps.sessions.saveSession(session.chat, result.state, { expectedVersion: session.version, expiresAt: keepUntil })) !== 'saved') continue;
    await deps.sender.send(session.chat, result.messages);
    told++;
  }
  return told;
}
