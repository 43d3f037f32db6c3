/**
 * Conversation sessions in PostgreSQL, saved with an optimistic version check. Every inbound
 * message loads and saves one, so these two are hand-written single statements on the shared pool
 * (a Prisma interactive transaction costs three round trips and most of a millisecond of CPU).
 */
import { isLanguage, type Language } from '../domain/index.js';
import { decodeSessionState, encodeSessionState, idleState, type SessionState } from '../engine/index.js';
import type { ChatRef, SessionSave, SessionStore, StoredSession } from '../services/ports.js';
import { isUniqueViolation, utc, type Db, type Pool } from './prisma.js';

const FIND = `SELECT id, state, version, language, "lastMessageId", "updatedAt" AT TIME ZONE 'UTC' AS "updatedAt" FROM "ConversationSession" WHERE channel = $1::"Channel" AND "chatId" = $2`;
/** FIND, and when the chat has no session, its sender's preferred language ($3): always one row. */
const OPEN = `SELECT s.id, s.state, s.version, s.language, s."lastMessageId", s."updatedAt" AT TIME ZONE 'UTC' AS "updatedAt",
    CASE WHEN s.id IS NULL THEN (SELECT c."preferredLanguage" FROM "ChannelIdentity" i JOIN "Citizen" c ON c.id = i."citizenId"
      WHERE i.channel = $1::"Channel" AND i."externalId" = $3) END AS preferred
  FROM (SELECT 1) AS one LEFT JOIN "ConversationSession" s ON s.channel = $1::"Channel" AND s."chatId" = $2`;
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
/** The session write and the confirmed form in one statement: the submission row exists only if the session saved. */
const withSubmission = (save: string, first: number) =>
  `WITH saved AS (${save} RETURNING id) INSERT INTO "Submission" ("trackingCode", payload, "createdAt")
    SELECT $${first}, $${first + 1}::jsonb, now() AT TIME ZONE 'UTC' FROM saved RETURNING (SELECT id FROM saved) AS id`;
const INSERT_WITH_SUBMISSION = withSubmission(INSERT, 8);
const UPDATE_WITH_SUBMISSION = withSubmission(UPDATE, 10);
const INSERT_ALONE = `${INSERT} RETURNING id`;
const UPDATE_ALONE = `${UPDATE} RETURNING id`;
/**
 * UPDATE for several chats at once; each chat at most once (SessionUpdates sees to it), so RETURNING
 * names who saved. The rows come as one JSON array ($1): node-postgres would send a jsonb[] parameter
 * as an array literal, escaping every quote of every state on the way (most of a grouped save's
 * allocation). The LIMIT ($2, their number) is for the planner: it counts a set-returning function as
 * 100 rows, and for that many a hash join over the whole session table looks cheaper than one index
 * lookup per row (it chose so from a few thousand sessions up), while with LIMIT it takes the lookups,
 * in the order of the array. (Exported for the test that checks that plan.)
 */
export const UPDATE_MANY = `UPDATE "ConversationSession" s SET state = v.state, language = v.language, "updatedAt" = ${utc('v.updated')},
  "expiresAt" = ${utc('v.expires')}, "lastMessageId" = COALESCE(v.message, s."lastMessageId"), version = s.version + 1
  FROM (SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS r(channel "Channel", chat text, language text, state jsonb, updated text, expires text, message text, version int, id uuid) LIMIT $2) AS v
  WHERE s.channel = v.channel AND s."chatId" = v.chat AND s.version = v.version AND (v.id IS NULL OR s.id = v.id)
  RETURNING s.channel::text AS channel, s."chatId" AS "chatId", s.id`;

/** Enough to empty a backlog in a few statements without one statement carrying megabytes of state. */
const MAX_GROUPED_UPDATES = 200;

type UpdateValues = [channel: string, chatId: string, language: string, state: string, updatedAt: string, expiresAt: string, messageId: string | null, version: number, rowId: string | null];

interface PendingUpdate {
  key: string;
  values: UpdateValues;
  resolve: (rowId: string | undefined) => void;
  reject: (error: unknown) => void;
}

/**
 * The plain session updates (most messages' only write), one statement in flight at a time: an update
 * that comes while one runs waits and goes with the others that came meanwhile, as one statement,
 * when it returns. A quiet service sends each at once; a busy one sends fewer, larger statements, so
 * the round trips (each wakes PostgreSQL and then this process: most of a save's cost on a small
 * machine) grow more slowly than the messages. Each statement holds a chat at most once: a second
 * update of the same chat (the expiry sweep racing a message) waits for the next one, so the version
 * check decides between them as it would between two statements. Rows go in key order, and the plan
 * (one index lookup per row, in that order) locks them so, so two processes' statements do not
 * deadlock on each other; a grouped statement that fails all the same (or for any reason) is retried
 * row by row, so one bad row (a state PostgreSQL refuses) fails only its own chat.
 */
class SessionUpdates {
  private waiting = new Map<string, PendingUpdate>();
  private later: PendingUpdate[] = [];
  private running = false;

  constructor(private readonly pool: Pool) {}

  update(key: string, values: UpdateValues): Promise<string | undefined> {
    return new Promise((resolve, reject) => {
      this.add({ key, values, resolve, reject });
      if (!this.running) this.send();
    });
  }

  private add(update: PendingUpdate): void {
    if (this.waiting.has(update.key)) this.later.push(update);
    else this.waiting.set(update.key, update);
  }

  private send(): void {
    const batch = [...this.waiting.values()].slice(0, MAX_GROUPED_UPDATES);
    for (const update of batch) this.waiting.delete(update.key);
    const later = this.later;
    this.later = [];
    for (const update of later) this.add(update);
    this.running = true;
    this.run(batch)
      .catch((error: unknown) => {
        for (const update of batch) update.reject(error);
      })
      .finally(() => {
        this.running = false;
        if (this.waiting.size > 0) this.send();
      });
  }

  private async run(batch: PendingUpdate[]): Promise<void> {
    const only = batch.length === 1 ? batch[0] : undefined;
    if (only) {
      only.resolve(await this.updateOne(only));
      return;
    }
    batch.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    let rows: { channel: string; chatId: string; id: string }[];
    try {
      ({ rows } = await this.pool.query<{ channel: string; chatId: string; id: string }>({
        name: 'session-update-many',
        text: UPDATE_MANY,
        values: [`[${batch.map((update) => groupedRow(update.values)).join(',')}]`, batch.length],
      }));
    } catch {
      await Promise.all(batch.map((update) => this.updateOne(update).then(update.resolve, update.reject)));
      return;
    }
    const saved = new Map(rows.map((row) => [`${row.channel}:${row.chatId}`, row.id]));
    for (const update of batch) update.resolve(saved.get(update.key));
  }

  private async updateOne(update: PendingUpdate): Promise<string | undefined> {
    const { rows } = await this.pool.query<{ id: string }>({ name: 'session-update', text: UPDATE_ALONE, values: update.values });
    return rows[0]?.id;
  }
}

/** One row of UPDATE_MANY's array; the state is JSON already (the text a single save sends), so it goes in as it is. */
function groupedRow([channel, chat, language, state, updated, expires, message, version, id]: UpdateValues): string {
  const scalars = JSON.stringify({ channel, chat, language, updated, expires, message, version, id });
  return `${scalars.slice(0, -1)},"state":${state}}`;
}

/** A row's state, or a fresh one in the row's language when it no longer parses. */
function storedState(row: { state: unknown; language: string; updatedAt: Date }): SessionState {
  const language = isLanguage(row.language) ? row.language : 'id';
  return decodeSessionState(row.state, { language, updatedAt: row.updatedAt }) ?? idleState(language, row.updatedAt);
}

const recentKey = (chat: ChatRef) => `${chat.channel}:${chat.chatId}`;

interface SessionRow {
  id: string;
  state: unknown;
  version: number;
  language: string;
  lastMessageId: string | null;
  updatedAt: Date;
}

/** A row of OPEN: the session's columns, all null when the chat has none, and the sender's language. */
type OpenRow = (SessionRow | { [K in keyof SessionRow]: null }) & { preferred: string | null };

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

  private readonly updates: SessionUpdates;

  constructor(private readonly db: Db, private readonly pool: Pool) {
    this.updates = new SessionUpdates(pool);
  }

  async findSession(chat: ChatRef, { fresh = false }: { fresh?: boolean } = {}): Promise<StoredSession | null> {
    const key = recentKey(chat);
    const known = fresh ? undefined : this.recalled(key);
    if (known) return known;
    const { rows } = await this.pool.query<SessionRow>({ name: 'session-find', text: FIND, values: [chat.channel, chat.chatId] });
    return this.kept(key, rows[0]);
  }

  async openSession(chat: ChatRef, senderId: string): Promise<{ session: StoredSession | null; preferredLanguage: Language | null }> {
    const key = recentKey(chat);
    const known = this.recalled(key);
    if (known) return { session: known, preferredLanguage: null };
    const { rows } = await this.pool.query<OpenRow>({ name: 'session-open', text: OPEN, values: [chat.channel, chat.chatId, senderId] });
    const row = rows[0];
    const session = row && row.id !== null ? this.kept(key, row) : null;
    return { session, preferredLanguage: isLanguage(row?.preferred) ? row.preferred : null };
  }

  /** This process's copy of the chat's session (now the most recently used), if it has one. */
  private recalled(key: string): StoredSession | undefined {
    const known = this.recent.get(key);
    if (known) this.keep(key, known.session, known.rowId);
    return known?.session;
  }

  /** The session of a row read from the table (kept as this process's copy), or null for none. */
  private kept(key: string, row: SessionRow | undefined): StoredSession | null {
    if (!row) return null;
    // A state written by an older flow version that no longer parses starts the chat afresh.
    const state = storedState(row);
    const session = { state, version: row.version, lastMessageId: row.lastMessageId };
    this.keep(key, session, row.id);
    return session;
  }

  async saveSession(chat: ChatRef, state: SessionState, { expectedVersion, expiresAt, messageId, submission }: SessionSave): Promise<'saved' | 'conflict'> {
    const key = recentKey(chat);
    const base = [chat.channel, chat.chatId, state.language, encodeSessionState(state), state.lastActiveAt, expiresAt.toISOString(), messageId ?? null] as const;
    const known = this.recent.get(key);
    const check = expectedVersion === null ? null : ([expectedVersion, known?.session.version === expectedVersion ? known.rowId : null] as const);
    const form = submission ? ([submission.trackingCode, JSON.stringify(submission)] as const) : null;
    let rowId: string | undefined;
    try {
      if (check && !form) {
        rowId = await this.updates.update(key, [...base, ...check]);
      } else {
        // Named statements: each pooled connection parses and plans them once.
        const [name, text] = check
          ? ['session-update-submit', UPDATE_WITH_SUBMISSION]
          : form
            ? ['session-insert-submit', INSERT_WITH_SUBMISSION]
            : ['session-insert', INSERT_ALONE];
        const values = [...base, ...(check ?? []), ...(form ?? [])];
        rowId = (await this.pool.query<{ id: string }>({ name, text, values })).rows[0]?.id;
      }
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
    return rows.map((row) => ({ chat: { channel: row.channel, chatId: row.chatId }, state: storedState(row), version: row.version, lastMessageId: row.lastMessageId }));
  }

  async deleteSession(chat: ChatRef, version: number): Promise<boolean> {
    this.recent.delete(recentKey(chat));
    const { count } = await this.db.conversationSession.deleteMany({ where: { ...chat, version } });
    return count > 0;
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
