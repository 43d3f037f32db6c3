/** Conversation sessions in PostgreSQL, saved with an optimistic version check. */
import { isLanguage, type Language, type SubmittedForm } from '../domain/index.js';
import { idleState, SessionStateSchema, type SessionState } from '../engine/index.js';
import type { ChatRef, SessionStore, StoredSession } from '../services/ports.js';
import { isUniqueViolation, type Db } from './prisma.js';

export class PgSessionStore implements SessionStore {
  constructor(private readonly db: Db) {}

  async findSession(chat: ChatRef): Promise<StoredSession | null> {
    const row = await this.db.conversationSession.findUnique({ where: { channel_chatId: chat } });
    if (!row) return null;
    const parsed = SessionStateSchema.safeParse(row.state);
    // A state written by an older flow version that no longer parses starts the chat afresh.
    if (!parsed.success) return { state: idleState(isLanguage(row.language) ? row.language : 'id', row.updatedAt), version: row.version };
    return { state: parsed.data, version: row.version };
  }

  async saveSession(chat: ChatRef, state: SessionState, expectedVersion: number | null, expiresAt: Date, submission?: SubmittedForm): Promise<'saved' | 'conflict'> {
    const data = { state, language: state.language, updatedAt: new Date(state.lastActiveAt), expiresAt };
    try {
      return await this.db.$transaction(async (tx) => {
        if (expectedVersion === null) {
          await tx.conversationSession.create({ data: { ...chat, ...data, version: 1 } });
        } else {
          const { count } = await tx.conversationSession.updateMany({ where: { ...chat, version: expectedVersion }, data: { ...data, version: { increment: 1 } } });
          if (count === 0) return 'conflict';
        }
        if (submission) await tx.submission.create({ data: { trackingCode: submission.trackingCode, payload: submission } });
        return 'saved';
      });
    } catch (error) {
      // A concurrent first message created the row: the caller reloads and steps again.
      if (isUniqueViolation(error)) return 'conflict';
      throw error;
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
