/** Session rows as stored, with their state decoded the way the service reads it (the stored form is compact). */
import { isLanguage } from '../../src/domain/index.js';
import { decodeSessionState } from '../../src/engine/index.js';
import type { ChatRef } from '../../src/services/ports.js';
import type { Db } from '../../src/store/prisma.js';

type Row = NonNullable<Awaited<ReturnType<Db['conversationSession']['findUnique']>>>;

function decoded(row: Row) {
  return { ...row, state: decodeSessionState(row.state, { language: isLanguage(row.language) ? row.language : 'id', updatedAt: row.updatedAt }) };
}

/** The chat's session row, or null when it has none; `state` is null when the stored state does not decode. */
export async function storedSession(db: Db, chat: ChatRef) {
  const row = await db.conversationSession.findUnique({ where: { channel_chatId: chat } });
  return row ? decoded(row) : null;
}

/** The session rows of these chat ids, in chat id order. */
export async function storedSessions(db: Db, chatIds: string[]) {
  const rows = await db.conversationSession.findMany({ where: { chatId: { in: chatIds } }, orderBy: { chatId: 'asc' } });
  return rows.map(decoded);
}
