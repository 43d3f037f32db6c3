import net from 'node:net';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { idleState } from '../../src/engine/index.js';
import { createDb, createPool, utc } from '../../src/store/prisma.js';
import { PgSessionStore, UPDATE_MANY } from '../../src/store/sessions.js';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { WebchatClient } from '../helpers/webchat-client.js';
import { storedSession, storedSessions } from '../helpers/sessions.js';

describe('one writer per chat', () => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    a = await startTestApp({ role: 'web' });
    // A second process on the same database and Redis: only the Redis lock and the session version order them.
    b = await startTestApp({ role: 'web', config: { ...testConfig(), REDIS_PREFIX: a.prefix } });
  });
  afterAll(async () => {
    await b.close();
    await a.dispose();
  });

  it('handles two quick messages from one chat in order, in one process', async () => {
    const client = new WebchatClient(a.http!);
    await client.say({ command: 'report' });
    const [first, second] = await Promise.all([client.post({ text: '1' }), client.post({ text: '1' })]);
    expect([first.status, second.status]).toEqual([202, 202]);
    const texts = (await client.read()).map((m) => m.text);
    // The first "1" picks the type, the second picks the first category: both advanced, one after the other.
    expect(texts).toEqual(['Pilih kategori laporan:', 'Pilih sub-kategori:']);
  });

  it('takes turns between two processes without losing a step (each process keeps its last copy of the session; a stale one is refused and read again)', async () => {
    const client = new WebchatClient(a.http!);
    const other = new WebchatClient(b.http!, client.chatId);
    await client.say({ command: 'report' });
    await other.say({ text: '1' }); // b: type
    await client.say({ text: '1' }); // a, whose copy still waits for the type: refused, read again, so this picks the category
    await other.say({ text: '1' }); // b: sub-category
    const session = await storedSession(a.db, { channel: 'WEBCHAT', chatId: client.chatId });
    expect(session?.state?.history).toEqual(['type', 'category', 'subcategory']);
    expect(session?.state?.stepId).toBe('description');
    expect(session?.version).toBe(4);
  });

  it('never takes a copy of a session that was deleted and created again for the new one (same version, another row)', async () => {
    const chat = { channel: 'WEBCHAT' as const, chatId: `aba-${Date.now()}` };
    const first = new PgSessionStore(a.db, a.pool);
    const other = new PgSessionStore(b.db, b.pool);
    const at = new Date('2026-11-23T08:00:00Z');
    const state = (stepId: string | null) => ({ ...idleState('id', at), stepId, flowId: stepId ? 'complaint' : null });
    const keep = new Date(at.getTime() + 3600_000);
    expect(await first.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm1' })).toBe('saved');
    expect(await first.saveSession(chat, state(null), { expectedVersion: 1, expiresAt: keep, messageId: 'm2' })).toBe('saved');
    // Another process expires it and the citizen starts again there: versions 1 and 2 of a new row.
    expect(await other.deleteSession(chat, 2)).toBe(true);
    expect(await other.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm3' })).toBe('saved');
    expect(await other.saveSession(chat, state('type'), { expectedVersion: 1, expiresAt: keep, messageId: 'm4' })).toBe('saved');
    // The first process still holds its copy at version 2: the save is refused, the read is fresh.
    const copy = await first.findSession(chat);
    expect(copy?.version).toBe(2);
    expect(await first.saveSession(chat, state(null), { expectedVersion: 2, expiresAt: keep, messageId: 'm5' })).toBe('conflict');
    expect(await first.findSession(chat)).toMatchObject({ version: 2, lastMessageId: 'm4', state: { stepId: 'type' } });
    // A save that answers no message (the bot opening a flow) keeps the last message id.
    expect(await first.saveSession(chat, state('type'), { expectedVersion: 2, expiresAt: keep })).toBe('saved');
    expect(await new PgSessionStore(a.db, a.pool).findSession(chat)).toMatchObject({ version: 3, lastMessageId: 'm4' });
  });

  it('never lets two processes advance the form from the same state', async () => {
    const client = new WebchatClient(a.http!);
    const other = new WebchatClient(b.http!, client.chatId);
    await client.say({ command: 'report' });
    const results = await Promise.all([client.post({ text: '1' }), other.post({ text: '1' }), client.post({ text: '1' })]);
    expect(results.every((r) => r.status === 202)).toBe(true);
    const session = await storedSession(a.db, { channel: 'WEBCHAT', chatId: client.chatId });
    expect(session?.state?.history).toEqual(['type', 'category', 'subcategory']);
    expect(session?.state?.stepId).toBe('description');
    expect(session?.version).toBe(4);
  });
});

describe('session updates under load', () => {
  const pool = createPool(inject('databaseUrl'), () => undefined, { size: 4 });
  const db = createDb(pool);
  /** The names of the statements the store sends; `failNext` makes the next combined update fail as a lost connection would. */
  const statements: string[] = [];
  let failNext = false;
  const watched = new Proxy(pool, {
    get(target, property, receiver) {
      if (property !== 'query') return Reflect.get(target, property, receiver) as unknown;
      return (config: { name?: string }, ...rest: unknown[]) => {
        statements.push(config.name ?? '(unnamed)');
        if (failNext && config.name === 'session-update-many') {
          failNext = false;
          return Promise.reject(new Error('connection terminated'));
        }
        const query = Reflect.get(target, 'query', target) as (...args: unknown[]) => Promise<unknown>;
        return query.apply(target, [config, ...rest]);
      };
    },
  });
  const at = new Date('2026-11-23T08:00:00Z');
  const keep = new Date(at.getTime() + 3600_000);
  const state = (stepId: string | null) => ({ ...idleState('id', at), stepId, flowId: stepId ? 'complaint' : null });
  const chats = (n: number) => Array.from({ length: n }, (_, i) => ({ channel: 'WEBCHAT' as const, chatId: `load-${Date.now()}-${i}` }));

  afterAll(async () => {
    await db.$disconnect();
    await pool.end();
  });

  it('sends the updates that come while one runs as one statement, each chat with its own version check', async () => {
    const store = new PgSessionStore(db, watched);
    const many = chats(12);
    for (const chat of many) expect(await store.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm1' })).toBe('saved');
    statements.length = 0;
    const [stale, racing] = [many[1]!, many[5]!];
    const outcomes = await Promise.all([
      ...many.map((chat) => (chat === stale ? store.saveSession(chat, state('type'), { expectedVersion: 5, expiresAt: keep, messageId: 'm2' }) : store.saveSession(chat, state('type'), { expectedVersion: 1, expiresAt: keep, messageId: 'm2' }))),
      // The same chat again from the same version (the expiry sweep racing a message): one of the two wins.
      store.saveSession(racing, state('category'), { expectedVersion: 1, expiresAt: keep, messageId: 'm3' }),
    ]);
    expect(outcomes.filter((o) => o === 'saved')).toHaveLength(11);
    expect(outcomes[1]).toBe('conflict');
    expect([outcomes[5], outcomes[12]]).toEqual(['saved', 'conflict']);
    // The first alone, the eleven others that came meanwhile together, and the second update of a chat
    // already in that statement after it.
    expect(statements).toEqual(['session-update', 'session-update-many', 'session-update']);
    const rows = await storedSessions(db, many.map((c) => c.chatId));
    const byChat = new Map(rows.map((r) => [r.chatId, r]));
    expect(byChat.get(stale.chatId)).toMatchObject({ version: 1, lastMessageId: 'm1' });
    expect(byChat.get(racing.chatId)).toMatchObject({ version: 2, lastMessageId: 'm2' });
    for (const chat of many.filter((c) => c !== stale)) expect(byChat.get(chat.chatId)).toMatchObject({ version: 2, lastMessageId: 'm2', state: { stepId: 'type' } });
  });

  it('sends at most 200 updates in one statement', async () => {
    const store = new PgSessionStore(db, watched);
    const backlog = chats(251);
    await Promise.all(backlog.map((chat) => store.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm1' })));
    statements.length = 0;
    const outcomes = await Promise.all(backlog.map((chat) => store.saveSession(chat, state('type'), { expectedVersion: 1, expiresAt: keep, messageId: 'm2' })));
    expect(outcomes.every((o) => o === 'saved')).toBe(true);
    expect(statements).toEqual(['session-update', 'session-update-many', 'session-update-many']);
  });

  it('keeps each chat its own: other channels, no message id, quotes, backslashes and emoji in the state', async () => {
    const store = new PgSessionStore(db, watched);
    const mixed = [...chats(2), { channel: 'TELEGRAM' as const, chatId: `load-${Date.now()}-tg` }, { channel: 'WHATSAPP' as const, chatId: `load-${Date.now()}-wa` }];
    for (const chat of mixed) expect(await store.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm1' })).toBe('saved');
    const text = 'Jalan "rusak" \\ di {gang} 3, NULL, 🚧 عربى';
    const answered = { ...state('title'), answers: { description: { kind: 'text' as const, text } } };
    statements.length = 0;
    // The bot opening a flow saves without a message id: the row keeps the last one.
    const outcomes = await Promise.all(mixed.map((chat, i) => store.saveSession(chat, answered, { expectedVersion: 1, expiresAt: keep, ...(i % 2 ? {} : { messageId: `m2-${i}` }) })));
    expect(outcomes).toEqual(['saved', 'saved', 'saved', 'saved']);
    expect(statements).toEqual(['session-update', 'session-update-many']);
    for (const [i, chat] of mixed.entries()) {
      const row = await storedSession(db, chat);
      expect(row).toMatchObject({ version: 2, lastMessageId: i % 2 ? 'm1' : `m2-${i}`, state: { answers: { description: { text } } } });
    }
  });

  it('goes on with a form saved in the object form of earlier versions, and saves it compact', async () => {
    const [chat] = chats(1);
    const old = { ...state('title'), answers: { type: { kind: 'choice', optionId: 'pengaduan', value: 'PENGADUAN' }, description: { kind: 'text', text: 'Jalan berlubang di depan pasar sejak dua minggu' } }, history: ['type', 'description'] };
    await pool.query(
      `INSERT INTO "ConversationSession" (id, channel, "chatId", version, language, state, "updatedAt", "expiresAt") VALUES (gen_random_uuid(), 'WEBCHAT', $1, 4, 'id', $2::jsonb, ${utc('$3')}, ${utc('$4')})`,
      [chat!.chatId, JSON.stringify(old), at.toISOString(), keep.toISOString()],
    );
    const store = new PgSessionStore(db, watched);
    const { session } = await store.openSession(chat!, chat!.chatId);
    expect(session).toMatchObject({ version: 4, state: old });
    // Saved later, in English: the language and the time come back from the row's columns.
    const later = { ...session!.state, stepId: 'incident_date', language: 'en' as const, lastActiveAt: '2026-11-23T08:05:06.789Z' };
    expect(await store.saveSession(chat!, later, { expectedVersion: 4, expiresAt: keep, messageId: 'm5' })).toBe('saved');
    const row = await db.conversationSession.findUniqueOrThrow({ where: { channel_chatId: chat! } });
    expect(Array.isArray(row.state)).toBe(true);
    // Read back as another process would: no copy in memory, through the service's own statement.
    expect(await new PgSessionStore(db, watched).findSession(chat!)).toEqual({ version: 5, lastMessageId: 'm5', state: later });
  });

  it('looks each grouped row up by its index, never by scanning the session table, planned for the values or not', async () => {
    const tag = `plan-${Date.now()}`;
    // Enough sessions that PostgreSQL would hash-join the whole table if it took the rows for 100.
    await pool.query(`INSERT INTO "ConversationSession" (id, channel, "chatId", version, language, state, "updatedAt", "expiresAt")
      SELECT gen_random_uuid(), 'WEBCHAT', $1 || g, 1, 'id', '{}'::jsonb, now(), now() + interval '1 hour' FROM generate_series(1, 12000) g`, [tag]);
    const client = await pool.connect();
    try {
      await client.query('ANALYZE "ConversationSession"');
      const rows = JSON.stringify([1, 2].map((i) => ({ channel: 'WEBCHAT', chat: `${tag}${i}`, language: 'id', updated: at.toISOString(), expires: keep.toISOString(), message: null, version: 1, id: null, state: {} })));
      for (const mode of ['force_custom_plan', 'force_generic_plan']) {
        await client.query(`SET plan_cache_mode = ${mode}`);
        const { rows: plan } = await client.query<{ 'QUERY PLAN': string }>({ text: `EXPLAIN ${UPDATE_MANY}`, values: [rows, 2] });
        const text = plan.map((line) => line['QUERY PLAN']).join('\n');
        expect(text, mode).toContain('Index Scan using "ConversationSession_channel_chatId_key"');
        expect(text, mode).not.toContain('Seq Scan on "ConversationSession"');
      }
    } finally {
      await client.query('RESET plan_cache_mode');
      client.release();
      await pool.query(`DELETE FROM "ConversationSession" WHERE "chatId" LIKE $1 || '%'`, [tag]);
      await pool.query('ANALYZE "ConversationSession"');
    }
  });

  it('retries a grouped statement that fails row by row: only a row PostgreSQL refuses fails', async () => {
    const store = new PgSessionStore(db, watched);
    const few = chats(4);
    for (const chat of few) expect(await store.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm1' })).toBe('saved');
    // A lost connection on the grouped statement: every row goes again alone and saves.
    failNext = true;
    statements.length = 0;
    const afterLoss = await Promise.all(few.slice(0, 3).map((chat) => store.saveSession(chat, state('type'), { expectedVersion: 1, expiresAt: keep, messageId: 'm2' })));
    expect(afterLoss).toEqual(['saved', 'saved', 'saved']);
    expect(statements).toEqual(['session-update', 'session-update-many', 'session-update', 'session-update']);
    // A NUL character jsonb refuses (a channel that let one through): its chat fails, the others save.
    const refused = { ...state('title'), answers: { description: { kind: 'text' as const, text: 'nul \u0000 here' } } };
    const outcomes = await Promise.allSettled([
      store.saveSession(few[0]!, state('category'), { expectedVersion: 2, expiresAt: keep, messageId: 'm3' }),
      store.saveSession(few[1]!, state('category'), { expectedVersion: 2, expiresAt: keep, messageId: 'm3' }),
      store.saveSession(few[2]!, refused, { expectedVersion: 2, expiresAt: keep, messageId: 'm3' }),
      store.saveSession(few[3]!, state('category'), { expectedVersion: 1, expiresAt: keep, messageId: 'm3' }),
    ]);
    expect(outcomes.map((o) => (o.status === 'fulfilled' ? o.value : 'rejected'))).toEqual(['saved', 'saved', 'rejected', 'saved']);
    const rows = await db.conversationSession.findMany({ where: { chatId: { in: few.map((c) => c.chatId) } }, orderBy: { chatId: 'asc' } });
    expect(rows.map((r) => [r.version, r.lastMessageId])).toEqual([
      [3, 'm3'],
      [3, 'm3'],
      [2, 'm2'],
      [2, 'm3'],
    ]);
  });
});

describe('a statement that never ends', () => {
  const databaseUrl = inject('databaseUrl');
  const at = new Date('2026-11-24T08:00:00Z');
  const keep = new Date(at.getTime() + 3600_000);
  const state = (stepId: string | null) => ({ ...idleState('id', at), stepId, flowId: stepId ? 'complaint' : null });
  const chats = (n: number) => Array.from({ length: n }, (_, i) => ({ channel: 'WEBCHAT' as const, chatId: `stuck-${Date.now()}-${i}` }));

  it('is cancelled after the statement timeout, and the session saves queued behind it go on', async () => {
    const pool = createPool(databaseUrl, () => undefined, { size: 4, statementTimeoutMs: 300 });
    const holder = await pool.connect();
    try {
      const store = new PgSessionStore(createDb(pool), pool);
      const [locked, ...others] = chats(3);
      for (const chat of [locked!, ...others]) expect(await store.saveSession(chat, state(null), { expectedVersion: null, expiresAt: keep, messageId: 'm1' })).toBe('saved');
      // Another transaction holds the first chat's row and never lets go.
      await holder.query('BEGIN');
      await holder.query(`SELECT 1 FROM "ConversationSession" WHERE "chatId" = $1 FOR UPDATE`, [locked!.chatId]);
      const outcomes = await Promise.allSettled([locked!, ...others].map((chat) => store.saveSession(chat, state('type'), { expectedVersion: 1, expiresAt: keep, messageId: 'm2' })));
      expect(outcomes[0]).toMatchObject({ status: 'rejected', reason: { code: '57014' } }); // query_canceled
      expect(outcomes.slice(1)).toEqual([
        { status: 'fulfilled', value: 'saved' },
        { status: 'fulfilled', value: 'saved' },
      ]);
      await holder.query('ROLLBACK');
      // The chat whose save was cancelled is as it was, and saves once the row is free.
      expect(await store.saveSession(locked!, state('type'), { expectedVersion: 1, expiresAt: keep, messageId: 'm2' })).toBe('saved');
    } finally {
      holder.release();
      await pool.end();
    }
  });

  /** A TCP relay to PostgreSQL that can stop passing the server's answers on, as a dead link would. */
  async function silentRelay() {
    const target = new URL(databaseUrl);
    const relay = { silent: false };
    const sockets = new Set<net.Socket>();
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      for (const socket of [client, upstream]) {
        sockets.add(socket);
        socket.on('error', () => undefined);
        socket.on('close', () => sockets.delete(socket));
      }
      client.pipe(upstream);
      upstream.on('data', (chunk: Buffer) => {
        if (!relay.silent) client.write(chunk);
      });
      upstream.on('close', () => client.destroy());
      client.on('close', () => upstream.destroy());
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    if (address === null || typeof address === 'string') throw new Error('relay has no port');
    const relayed = new URL(databaseUrl);
    relayed.hostname = '127.0.0.1';
    relayed.port = String(address.port);
    const close = async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    };
    return Object.assign(relay, { url: relayed.toString(), close });
  }

  it('fails when the server goes silent, and the pool carries on with a new connection', async () => {
    const relay = await silentRelay();
    const pool = createPool(relay.url, () => undefined, { size: 1, statementTimeoutMs: 200, unansweredGraceMs: 100 });
    try {
      expect((await pool.query<{ one: number }>('SELECT 1 AS one')).rows).toEqual([{ one: 1 }]);
      relay.silent = true;
      await expect(pool.query('SELECT 2')).rejects.toThrow(/timeout/i);
      relay.silent = false;
      // The silent connection was dropped; the next statement gets a new one.
      expect((await pool.query<{ two: number }>('SELECT 2 AS two')).rows).toEqual([{ two: 2 }]);
      expect(pool.totalCount).toBe(1);
    } finally {
      await pool.end();
      await relay.close();
    }
  });

  it('drops a connection left waiting for an answer by a transaction that gave up, instead of lending it again', async () => {
    const relay = await silentRelay();
    const pool = createPool(relay.url, () => undefined, { size: 1, statementTimeoutMs: 200, unansweredGraceMs: 100 });
    const db = createDb(pool);
    try {
      expect(await db.$queryRaw`SELECT 1 AS one`).toEqual([{ one: 1 }]);
      // The link goes silent in the middle of a transaction: its statement times out, and so does the
      // ROLLBACK Prisma sends after it (queued behind the first on the same connection).
      const transaction = db.$transaction(async (tx) => {
        await tx.$queryRaw`SELECT 2`;
        relay.silent = true;
        return tx.$queryRaw`SELECT 2`;
      });
      await expect(transaction).rejects.toThrow();
      relay.silent = false;
      // The transaction's connection still waits for the answer that never came: lent again, every
      // statement on it would queue behind that and time out in its turn.
      expect((await pool.query<{ three: number }>('SELECT 3 AS three')).rows).toEqual([{ three: 3 }]);
      expect(await db.$transaction(async (tx) => tx.$queryRaw`SELECT 4 AS four`)).toEqual([{ four: 4 }]);
    } finally {
      await db.$disconnect();
      await pool.end().catch(() => undefined);
      await relay.close();
    }
  });
});
