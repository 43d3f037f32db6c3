/**
 * The one path in: every channel hands its normalised messages here. Per chat, messages are taken
 * one at a time (an in-process queue, then a Redis lock across processes, then an optimistic
 * version check on the session), de-duplicated by platform message id, stepped through the engine,
 * saved, answered; a confirmed form is stored durably before the citizen sees its code.
 */
import { newTrackingCode, type InboundMessage, type Language, type OutboundMessage } from '../domain/index.js';
import { beginFlow, sessionExpiresAt, step, type Effect, type EngineContext, type FlowSet, type SessionState } from '../engine/index.js';
import type { CitizenOutcome } from './casework.js';
import { KeyedSerialiser } from './keyed-serialiser.js';
import { lookUpComplaint, type LookupDeps } from './lookup.js';
import type { CatalogSource, ChatGate, ChatRef, GateEntry, IntakeQueue, MessageSender, SessionStore } from './ports.js';

export interface InboundDeps {
  flows: FlowSet;
  catalog: CatalogSource;
  sessions: SessionStore;
  gate: ChatGate;
  sender: MessageSender;
  intake: IntakeQueue;
  lookup: Omit<LookupDeps, 'texts'>;
  settings: {
    idleMinutes: number;
    timeZone: string;
    defaultLanguage: Language;
    trackingCodePrefix: string;
  };
  /** Officers' commands and link requests bypass the citizen flows (officer-desk.ts). */
  desk?: { isForDesk: (message: InboundMessage) => boolean; handle: (message: InboundMessage) => Promise<OutboundMessage[]> };
  /** The citizen's replies and verdicts on their complaints (casework.ts). */
  citizenCases?: {
    reply: (input: { code: string; chat: ChatRef; text: string; platformMessageId?: string }, now: Date) => Promise<CitizenOutcome>;
    rate: (input: { code: string; chat: ChatRef; resolved: boolean; rating: number; comment: string | null }, now: Date) => Promise<CitizenOutcome>;
  };
  /** Where a failed enqueue is reported; the recovery sweep re-enqueues the submission later. */
  onEnqueueFailure: (trackingCode: string, error: unknown) => void;
  /** Where replies the channel refused after their step was saved are reported (the outcome says so too). */
  onSendFailure?: (chat: ChatRef, error: unknown) => void;
  /** Where a citizen's reply or rating that could not be stored is reported (the citizen is told how to send it again). */
  onEffectFailure?: (chat: ChatRef, effect: 'reply' | 'feedback', error: unknown) => void;
  newCode?: (prefix: string) => string;
}

/**
 * `undelivered`: the message was taken (its step is saved, a retry is a duplicate) but the channel
 * refused its replies; a caller that answers synchronously (the web chat) hands them over itself.
 */
export type InboundOutcome =
  | { kind: 'handled'; replies: OutboundMessage[]; trackingCode?: string; undelivered?: true }
  | { kind: 'duplicate' };

/** The chat is held by another message for too long, or Redis is unreachable: ask to try again. */
export class BusyError extends Error {
  constructor(cause?: unknown) {
    super('chat busy or coordination store unavailable', { cause });
  }
}

const LOCK_WAIT_MS = 3_000;
const MAX_CONFLICT_RETRIES = 3;

export function createInboundHandler(deps: InboundDeps) {
  const serialiser = new KeyedSerialiser();
  return (message: InboundMessage): Promise<InboundOutcome> =>
    serialiser.run(`${message.channel}:${message.chatId}`, () => handleLocked(deps, message));
}

/**
 * Redis on the way in: one round trip takes the chat's lock and says whether the message was handled
 * before. On the way out, one more marks it handled (once its step is saved) and unlocks; an
 * officer's message is marked before its command runs. The session row keeps the last message it
 * took too, for a crash (or a lost mark) in between.
 */
async function handleLocked(deps: InboundDeps, message: InboundMessage): Promise<InboundOutcome> {
  const chat: ChatRef = { channel: message.channel, chatId: message.chatId };
  let entry: GateEntry | null;
  try {
    entry = await deps.gate.enter(chat, message.platformMessageId, LOCK_WAIT_MS);
  } catch (error) {
    throw new BusyError(error);
  }
  if (!entry) throw new BusyError();
  const gate = entry;
  let handled = false;
  try {
    if (gate.seen) return { kind: 'duplicate' };
    if (deps.desk?.isForDesk(message)) {
      // Officers' messages count as handled before their command runs: answered once, never retried.
      // Issued now and not awaited: it travels in the same socket write as what the command sends.
      gate.markHandled().catch(() => undefined);
      return await officerTurn(deps, deps.desk, chat, message);
    }
    return await stepAndSave(deps, chat, message, () => (handled = true));
  } finally {
    // Not awaited: the replies are with the channel already, and the command is issued here, before
    // this chat's next message can try to enter on the same connection, so Redis runs it first.
    gate.leave({ handled }).catch(() => undefined);
  }
}

/** The command has run (and counts as handled), so a refused reply is reported, not thrown, as for a citizen. */
async function officerTurn(deps: InboundDeps, desk: NonNullable<InboundDeps['desk']>, chat: ChatRef, message: InboundMessage): Promise<InboundOutcome> {
  const replies = await desk.handle(message);
  const delivered = await deliver(deps, chat, replies);
  return { kind: 'handled', replies, ...(delivered ? {} : { undelivered: true as const }) };
}

/** False when the channel refused the replies (reported to `onSendFailure`). */
function deliver(deps: InboundDeps, chat: ChatRef, replies: OutboundMessage[]): Promise<boolean> {
  return deps.sender.send(chat, replies).then(
    () => true,
    (error: unknown) => {
      deps.onSendFailure?.(chat, error);
      return false;
    },
  );
}

function engineContext(deps: InboundDeps, chat: ChatRef, senderId: string, language: Language): EngineContext {
  const prefix = deps.settings.trackingCodePrefix;
  const newCode = deps.newCode ?? newTrackingCode;
  return {
    flows: deps.flows,
    catalog: deps.catalog.catalog(),
    idleMinutes: deps.settings.idleMinutes,
    timeZone: deps.settings.timeZone,
    defaultLanguage: language,
    codePrefix: prefix,
    // Drawn only for a confirmed form, and afresh on each attempt (a code drawn twice retries).
    newTrackingCode: () => newCode(prefix),
    origin: { channel: chat.channel, chatId: chat.chatId, senderId },
  };
}

async function stepAndSave(deps: InboundDeps, chat: ChatRef, message: InboundMessage, onSaved: () => void): Promise<InboundOutcome> {
  for (let attempt = 0; ; attempt++) {
    const { session: stored, preferredLanguage } = await deps.sessions.openSession(chat, message.senderId);
    if (stored?.lastMessageId === message.platformMessageId) {
      onSaved(); // taken before, its mark lost with a crash: mark it now
      return { kind: 'duplicate' };
    }
    const language = stored?.state.language ?? preferredLanguage ?? deps.settings.defaultLanguage;
    const result = step(engineContext(deps, chat, message.senderId, language), stored?.state ?? null, message.content, message.receivedAt);
    const submit = result.effects.find((e): e is Extract<Effect, { type: 'submit' }> => e.type === 'submit');
    const expiresAt = sessionExpiresAt(result.state, deps.settings.idleMinutes);
    const saved = await deps.sessions.saveSession(chat, result.state, {
      expectedVersion: stored?.version ?? null,
      expiresAt,
      messageId: message.platformMessageId,
      ...(submit ? { submission: submit.form } : {}),
    });
    if (saved === 'conflict') {
      if (attempt < MAX_CONFLICT_RETRIES) continue;
      throw new BusyError();
    }
    // Saved: from here a retry of the same message must not step the form again, even if a reply fails.
    // So a refused reply does not fail the message: a retry would only find it taken, and the citizen,
    // told it failed, would send it again as the answer to a question they never saw.
    onSaved();
    try {
      const replies = [...result.messages, ...(await runEffects(deps, chat, message, result.state, result.effects))];
      const delivered = await deliver(deps, chat, replies);
      return { kind: 'handled', replies, ...(submit ? { trackingCode: submit.form.trackingCode } : {}), ...(delivered ? {} : { undelivered: true as const }) };
    } finally {
      // Whether or not the code reached the citizen: the confirmed form is stored, so it goes to intake now.
      if (submit) {
        await deps.intake.enqueueIntake(submit.form.trackingCode).catch((error: unknown) => deps.onEnqueueFailure(submit.form.trackingCode, error));
      }
    }
  }
}

async function runEffects(deps: InboundDeps, chat: ChatRef, message: InboundMessage, state: SessionState, effects: readonly Effect[]): Promise<OutboundMessage[]> {
  const replies: OutboundMessage[] = [];
  for (const effect of effects) {
    if (effect.type === 'lookup') {
      replies.push(await lookUpComplaint({ ...deps.lookup, texts: deps.flows.texts }, { code: effect.code, chat, senderId: message.senderId, language: state.language }));
    } else if (effect.type === 'language') {
      await deps.sessions.savePreferredLanguage(chat, message.senderId, effect.language);
    } else if (effect.type === 'reply' && deps.citizenCases) {
      const outcome = await deps.citizenCases
        .reply({ code: effect.code, chat, text: effect.text, platformMessageId: message.platformMessageId }, message.receivedAt)
        .catch((error: unknown) => notStored(deps, chat, 'reply', error));
      replies.push({ text: deps.flows.texts.t(citizenText(outcome, 'reply_received', 'reply_not_saved'), state.language, { code: effect.code }) });
    } else if (effect.type === 'feedback' && deps.citizenCases) {
      const outcome = await deps.citizenCases
        .rate({ code: effect.code, chat, resolved: effect.resolved, rating: effect.rating, comment: effect.comment }, message.receivedAt)
        .catch((error: unknown) => notStored(deps, chat, 'feedback', error));
      const reopened = !effect.resolved || effect.rating <= 2;
      replies.push({ text: deps.flows.texts.t(citizenText(outcome, reopened ? 'feedback_reopened' : 'feedback_thanks', 'feedback_not_saved'), state.language, { code: effect.code }) });
    }
  }
  return replies;
}

/**
 * The form that asked for it is finished and saved, so "try again" would be read as a new
 * conversation: the citizen is told it was not stored and how to send it again ("tambah KODE").
 */
function notStored(deps: InboundDeps, chat: ChatRef, effect: 'reply' | 'feedback', error: unknown): CitizenOutcome {
  deps.onEffectFailure?.(chat, effect, error);
  return { ok: false, reason: 'conflict' };
}

function citizenText(outcome: CitizenOutcome, success: 'reply_received' | 'feedback_thanks' | 'feedback_reopened', notSaved: 'reply_not_saved' | 'feedback_not_saved') {
  if (outcome.ok) return success;
  if (outcome.reason === 'conflict') return notSaved;
  if (outcome.reason === 'closed') return 'reply_closed';
  return outcome.reason === 'not_reporter' ? 'reply_not_yours' : 'lookup_not_found';
}

/**
 * Opens the feedback or reply flow in a citizen's chat from outside a conversation (after the
 * agency's answer, or a hold), under the same per-chat lock as their own messages. The session is
 * read from the database, not from this process's copy: the notice that asks runs wherever a worker
 * took it, and the citizen's messages may have gone to another process since (an old copy would
 * show a form long finished, or fail the version check).
 */
export function createFlowStarter(deps: InboundDeps, now: () => Date) {
  return async (chat: ChatRef, flowId: 'feedback' | 'reply', code: string): Promise<void> => {
    const entry = await deps.gate.enter(chat, null, LOCK_WAIT_MS);
    if (!entry) throw new BusyError();
    try {
      for (let attempt = 0; attempt <= MAX_CONFLICT_RETRIES; attempt++) {
        const stored = await deps.sessions.findSession(chat, { fresh: true });
        const language = stored?.state.language ?? deps.settings.defaultLanguage;
        const result = beginFlow(engineContext(deps, chat, chat.chatId, language), stored?.state ?? null, flowId, code, now());
        if (!result) return; // the citizen is filling in a form: "nilai <kode>" / "tambah <kode>" later
        const saved = await deps.sessions.saveSession(chat, result.state, { expectedVersion: stored?.version ?? null, expiresAt: sessionExpiresAt(result.state, deps.settings.idleMinutes) });
        if (saved === 'saved') return await deps.sender.send(chat, result.messages);
      }
      throw new BusyError();
    } finally {
      await entry.leave().catch(() => undefined);
    }
  };
}
