/**
 * Conversation sessions in PostgreSQL, saved with an optimistic version check. Every inbound
 * message loads and saves one, so these two are hand-written single statements on the shared pool
 * (a Prisma interactive transaction costs three round trips and most of a millisecond of CPU).
 */
import { isLanguage, type Language } from '../domain/index.js';
import { idleState, SessionStateSchema, type SessionState } from '../engine/index.js';
import type { ChatRef, SessionSave, SessionStore, StoredSession } from '../services/ports.js';
import { isUniqueViolation, utc, type Db, type Pool } from './prisma.js';

const FIND = `SELECT id, state, version, language, "lastMessageId", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt" FROM "ConversationSession" WHERE channel = $1::"Channel" AND "chatId" = $2`;
const INSERT = `INSERT INTO "ConversationSession" (id, channel, "chatId", version, language, state, "updatedAt", "expiresAt", "lastMessageId")
  VALUES (gen_random_uuid(), $1::"Channel", $2, 1, $3, $4::jsonb, ${utc('$5')}, ${utc('$6')}, $7)
  ON CONFLICT (channel, "chatId") DO NOTHING`;
/**
 * The version check also names the row ($9, when known): a session deleted (expired) and created
 * again starts at version 1 anew, and a copy of the old row must not pass for it. A save that answers
 * no message (a flow the bot opens, an expiry) keeps the last message id.
 */
const UPDATE = `UPDATE "ConversationSession" SET state = $4::jsonb, language = $3, "updatedAt" = ${utc('$5')},
  "expiresAt" = ${utc('$6')}, "lastMessageId" = COALESCE($7, "lastMessageId"), version = version + 1
  WHERE channel = $1::"Channel" AND "chatId" = $2 AND version = $8 AND ($9::uuid IS NULL OR id = $9::uuid)`;
const PREFERRED_LANGUAGE = `SELECT c."preferredLanguage" AS language FROM "ChannelIdentity" i JOIN "Citizen" c ON c.id = i."citizenId"
  WHERE i.channel = $1::"Channel" AND i."externalId" = $2`;
/** The session write and the confirmed form in one statement: the submission row exists only if the session saved. */
const withSubmission = (save: string, first: number) =>
  `WITH saved AS (${save} RETURNING id) INSERT INTO "Submission" ("trackingCode", payload) SELECT $${first}, $${first + 1}::jsonb FROM saved RETURNING (SELECT id FROM saved) AS id`;
const INSERT_WITH_SUBMISSION = withSubmission(INSERT, 8);
const UPDATE_WITH_SUBMISSION = withSubmission(UPDATE, 10);
const INSERT_ALONE = `${INSERT} RETURNING id`;
const UPDATE_ALONE = `${UPDATE} RETURNING id`;

const recentKey = (chat: ChatRef) => `${chat.channel}:${chat.chatId}`;

/** Sessions kept in memory, most recently used last; beyond this the oldest are forgotten. */
const RECENT_SESSIONS = 5_000;

/**
 * Every message reads its chat's session and saves it, so the session this process saved last is
 * kept in memory and the read is skipped. That copy may be stale (another process, or its worker
 * role, saved since): the save's version check then refuses it, the copy is dropped and the caller
 * reads again. Engine states are immutable values, so sharing the object is safe.
 */
export class PgSessionStore implements SessionStore {
  /** The session and the id of the row it was read from or saved to. */
  private readonly recent = new Map<string, { session: StoredSession; rowId: string }>();

  constructor(private readonly db: Db, private readonly pool: Pool) {}

  async findSession(chat: ChatRef): Promise<StoredSession | null> {
    const key = recentKey(chat);
    const known = this.recent.get(key);
    if (known) {
      this.keep(key, known.session, known.rowId);
      return known.session;
    }
    const { rows } = await this.pool.query<{ id: string; state: unknown; version: number; language: string; lastMessageId: string | null; updatedAt: Date }>({
      name: 'session-find',
      text: FIND,
      values: [chat.channel, chat.chatId],
    });
    const row = rows[0];
    if (!row) return null;
    const parsed = SessionStateSchema.safeParse(row.state);
    // A state written by an older flow version that no longer parses starts the chat afresh.
    const state = parsed.success ? parsed.data : idleState(isLanguage(row.language) ? row.language : 'id', row.updatedAt);
    const session = { state, version: row.version, lastMessageId: row.lastMessageId };
    this.keep(key, session, row.id);
    return session;
  }

  async saveSession(chat: ChatRef, state: SessionState, { expectedVersion, expiresAt, messageId, submission }: SessionSave): Promise<'saved' | 'conflict'> {
    const key = recentKey(chat);
    const params: unknown[] = [chat.channel, chat.chatId, state.language, JSON.stringify(state), state.lastActiveAt, expiresAt.toISOString(), messageId ?? null];
    if (expectedVersion !== null) {
      const known = this.recent.get(key);
      params.push(expectedVersion, known?.session.version === expectedVersion ? known.rowId : null);
    }
    if (submission) params.push(submission.trackingCode, JSON.stringify(submission));
    // Named statements: each pooled connection parses and plans them once.
    const [name, text] =
      expectedVersion === null
        ? submission
          ? ['session-insert-submit', INSERT_WITH_SUBMISSION]
          : ['session-insert', INSERT_ALONE]
        : submission
          ? ['session-update-submit', UPDATE_WITH_SUBMISSION]
          : ['session-update', UPDATE_ALONE];
    let rowId: string | undefined;
    try {
      rowId = (await this.pool.query<{ id: string }>({ name, text, values: params })).rows[0]?.id;
    } catch (error) {
      this.recent.delete(key);
      // A tracking code drawn twice (the submission's key): the caller steps again with a new one.
      if (isUniqueViolation(error)) return 'conflict';
      throw error;
    }
    if (rowId === undefined) {
      this.recent.delete(key);
      return 'conflict';
    }
    const lastMessageId = messageId ?? (expectedVersion === null ? null : (this.recent.get(key)?.session.lastMessageId ?? null));
    this.keep(key, { state, version: (expectedVersion ?? 0) + 1, lastMessageId }, rowId);
    return 'saved';
  }

  private keep(key: string, session: StoredSession, rowId: string): void {
    this.recent.delete(key);
    this.recent.set(key, { session, rowId });
    if (this.recent.size > RECENT_SESSIONS) {
      const oldest = this.recent.keys().next();
      if (!oldest.done) this.recent.delete(oldest.value);
    }
  }

  async findExpiredSessions(now: Date, limit: number): Promise<(StoredSession & { chat: ChatRef })[]> {
    const rows = await this.db.conversationSession.findMany({ where: { expiresAt: { lt: now } }, orderBy: { expiresAt: 'asc' }, take: limit });
    return rows.map((row) => {
      const parsed = SessionStateSchema.safeParse(row.state);
      const state = parsed.success ? parsed.data : { ...idleState('id', row.updatedAt) };
      return { chat: { channel: row.channel, chatId: row.chatId }, state, version: row.version, lastMessageId: row.lastMessageId };
    });
  }

  async deleteSession(chat: ChatRef, version: number): Promise<boolean> {
    this.recent.delete(recentKey(chat));
    const { count } = await this.db.conversationSession.deleteMany({ where: { ...chat, version } });
    return count > 0;
  }

  /** Read for every chat's first message (no session yet): one plain statement. */
  async findPreferredLanguage(chat: ChatRef, senderId: string): Promise<Language | null> {
    const { rows } = await this.pool.query<{ language: string }>({ name: 'session-language', text: PREFERRED_LANGUAGE, values: [chat.channel, senderId] });
    const language = rows[0]?.language;
    return isLanguage(language) ? language : null;
  }

  async savePreferredLanguage(chat: ChatRef, senderId: string, language: Language): Promise<void> {
    const key = { channel: chat.channel, externalId: senderId };
    const identity = await this.db.channelIdentity.findUnique({ where: { channel_externalId: key } });
    if (identity) await this.db.citizen.update({ where: { id: identity.citizenId }, data: { preferredLanguage: language } });
    else {
      await this.db.citizen
        .create({ data: { preferredLanguage: language, identities: { create: key } } })
        .catch((error: unknown) => {
          if (!isUniqueViolation(error)) throw error;
        });
    }
  }
}
