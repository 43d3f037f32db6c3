/**
 * Conversation sessions in PostgreSQL, saved with an optimistic version check. Every inbound
 * message loads and saves one, so these two are hand-written single statements on the shared pool
 * (a Prisma interactive transaction costs three round trips and most of a millisecond of CPU).
 */
import { isLanguage, type Language, type SubmittedForm } from '../domain/index.js';
import { idleState, SessionStateSchema, type SessionState } from '../engine/index.js';
import type { ChatRef, SessionStore, StoredSession } from '../services/ports.js';
import { isUniqueViolation, type Db, type Pool } from './prisma.js';

const UNIQUE_VIOLATION = '23505';
const isPgUnique = (error: unknown) => typeof error === 'object' && error !== null && 'code' in error && error.code === UNIQUE_VIOLATION;

const FIND = `SELECT state, version, language, "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt" FROM "ConversationSession" WHERE channel = $1::"Channel" AND "chatId" = $2`;
const INSERT = `INSERT INTO "ConversationSession" (id, channel, "chatId", version, language, state, "updatedAt", "expiresAt")
  VALUES (gen_random_uuid(), $1::"Channel", $2, 1, $3, $4::jsonb, $5::timestamptz AT TIME ZONE 'UTC', $6::timestamptz AT TIME ZONE 'UTC')
  ON CONFLICT (channel, "chatId") DO NOTHING`;
const UPDATE = `UPDATE "ConversationSession" SET state = $4::jsonb, language = $3, "updatedAt" = $5::timestamptz AT TIME ZONE 'UTC',
  "expiresAt" = $6::timestamptz AT TIME ZONE 'UTC', version = version + 1 WHERE channel = $1::"Channel" AND "chatId" = $2 AND version = $7`;
const INSERT_SUBMISSION = `INSERT INTO "Submission" ("trackingCode", payload) VALUES ($1, $2::jsonb)`;

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: Db, private readonly pool: Pool) {}

  async findSession(chat: ChatRef): Promise<StoredSession | null> {
    const { rows } = await this.pool.query<{ state: unknown; version: number; language: string; updatedAt: Date }>(FIND, [chat.channel, chat.chatId]);
    const row = rows[0];
    if (!row) return null;
    const parsed = SessionStateSchema.safeParse(row.state);
    // A state written by an older flow version that no longer parses starts the chat afresh.
    if (!parsed.success) return { state: idleState(isLanguage(row.language) ? row.language : 'id', row.updatedAt), version: row.version };
    return { state: parsed.data, version: row.version };
  }

  async saveSession(chat: ChatRef, state: SessionState, expectedVersion: number | null, expiresAt: Date, submission?: SubmittedForm): Promise<'saved' | 'conflict'> {
    const params = [chat.channel, chat.chatId, state.language, JSON.stringify(state), state.lastActiveAt, expiresAt.toISOString()];
    const statement = expectedVersion === null ? { text: INSERT, values: params } : { text: UPDATE, values: [...params, expectedVersion] };
    if (!submission) {
      const result = await this.pool.query(statement);
      return result.rowCount === 1 ? 'saved' : 'conflict';
    }
    // The confirmed form and the session move together: the code the citizen sees is always backed by a row.
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await client.query(statement);
      if (result.rowCount !== 1) {
        await client.query('ROLLBACK');
        return 'conflict';
      }
      await client.query(INSERT_SUBMISSION, [submission.trackingCode, JSON.stringify(submission)]);
      await client.query('COMMIT');
      return 'saved';
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      if (isPgUnique(error)) return 'conflict';
      throw error;
    } finally {
      client.release();
    }
  }

  async findExpiredSessions(now: Date, limit: number): Promise<(StoredSession & { chat: ChatRef })[]> {
    const rows = await this.db.conversationSession.findMany({ where: { expiresAt: { lt: now } }, orderBy: { expiresAt: 'asc' }, take: limit });
    return rows.map((row) => {
      const parsed = SessionStateSchema.safeParse(row.state);
      const state = parsed.success ? parsed.data : { ...idleState('id', row.updatedAt) };
      return { chat: { channel: row.channel, chatId: row.chatId }, state, version: row.version };
    });
  }

  async deleteSession(chat: ChatRef, version: number): Promise<boolean> {
    const { count } = await this.db.conversationSession.deleteMany({ where: { ...chat, version } });
    return count > 0;
  }

  async findPreferredLanguage(chat: ChatRef, senderId: string): Promise<Language | null> {
    const identity = await this.db.channelIdentity.findUnique({ where: { channel_externalId: { channel: chat.channel, externalId: senderId } }, include: { citizen: true } });
    const language = identity?.citizen.preferredLanguage;
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
