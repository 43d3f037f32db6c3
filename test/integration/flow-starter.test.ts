/**
 * The follow-up question a notice opens (feedback after an answer, reply after a hold) runs in the
 * worker's process, while the citizen's messages may be handled by another: its session must come
 * from the database, not from the copy its own process saved last.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { OutboundMessage } from '../../src/domain/index.js';
import { idleState } from '../../src/engine/index.js';
import { createFlowStarter, type InboundDeps } from '../../src/services/handle-inbound.js';
import type { ChatRef } from '../../src/services/ports.js';
import { createDb, createPool } from '../../src/store/prisma.js';
import { createRedis, deleteKeysWithPrefix, RedisChatGate, RedisRateLimiter, type Redis } from '../../src/store/redis.js';
import { PgSessionStore } from '../../src/store/sessions.js';
import { testCatalog } from '../helpers/catalog.js';
import { realFlows } from '../helpers/engine.js';
import { storedSession } from '../helpers/sessions.js';

describe('opening a follow-up flow from a notice', () => {
  const prefix = `aduantest-starter-${randomBytes(4).toString('hex')}`;
  const pool = createPool(inject('databaseUrl'), () => undefined, { size: 2 });
  const db = createDb(pool);
  let redis: Redis;
  beforeAll(async () => {
    redis = createRedis(inject('redisUrl'));
    await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(inject('redisUrl'), prefix);
    redis.disconnect();
    await db.$disconnect();
    await pool.end();
  });

  /** One process's side: its own session store (and copy), the shared lock, and what it sent. */
  async function side(sent: { chat: ChatRef; messages: readonly OutboundMessage[] }[]) {
    const sessions = new PgSessionStore(db, pool);
    const deps: InboundDeps = {
      flows: await realFlows(),
      catalog: { catalog: () => testCatalog },
      sessions,
      gate: new RedisChatGate(redis, prefix),
      sender: {
        send: (chat, messages) => {
          sent.push({ chat, messages });
          return Promise.resolve();
        },
      },
      intake: { enqueueIntake: () => Promise.resolve(), requeueIntake: () => Promise.resolve() },
      lookup: {
        complaints: { findForLookup: () => Promise.resolve(null), isSubmissionPending: () => Promise.resolve(false) },
        limiter: new RedisRateLimiter(redis, prefix),
        timeZone: 'Asia/Jakarta',
        limit: 10,
        windowMs: 60_000,
      },
      settings: { idleMinutes: 60, timeZone: 'Asia/Jakarta', defaultLanguage: 'id', trackingCodePrefix: 'ADU' },
      onEnqueueFailure: () => undefined,
    };
    return { sessions, start: createFlowStarter(deps, () => new Date()) };
  }

  it('asks the follow-up question even when its process holds an old copy of the session', async () => {
    const chat: ChatRef = { channel: 'WEBCHAT', chatId: `starter-${randomBytes(4).toString('hex')}` };
    const sent: { chat: ChatRef; messages: readonly OutboundMessage[] }[] = [];
    const worker = await side(sent);
    const web = await side([]);
    // The agency answered: the worker opens the feedback question, and keeps that session as its copy.
    await worker.start(chat, 'feedback', 'ADU-7KQ2-M9XD');
    expect(sent).toHaveLength(1);
    // The citizen then leaves it through the web process ("batal"): the chat is idle again.
    const feedback = await web.sessions.findSession(chat);
    expect(feedback?.state.flowId).toBe('feedback');
    const keep = new Date(Date.now() + 3600_000);
    expect(await web.sessions.saveSession(chat, idleState('id', new Date()), { expectedVersion: feedback!.version, expiresAt: keep, messageId: 'm-batal' })).toBe('saved');
    // An officer puts another of their complaints on hold: the worker asks for the missing information.
    await worker.start(chat, 'reply', 'ADU-4HJK-P2RT');
    expect(sent).toHaveLength(2);
    expect(sent[1]!.messages.map((m) => m.text).join('\n')).toContain('ADU-4HJK-P2RT');
    expect(await storedSession(db, chat)).toMatchObject({ version: 3, state: { flowId: 'reply', complaintCode: 'ADU-4HJK-P2RT' } });
  });

  it('leaves a citizen who is filling in a form alone', async () => {
    const chat: ChatRef = { channel: 'WEBCHAT', chatId: `starter-${randomBytes(4).toString('hex')}` };
    const sent: { chat: ChatRef; messages: readonly OutboundMessage[] }[] = [];
    const worker = await side(sent);
    const web = await side([]);
    const filling = { ...idleState('id', new Date()), flowId: 'complaint', stepId: 'description' };
    expect(await web.sessions.saveSession(chat, filling, { expectedVersion: null, expiresAt: new Date(Date.now() + 3600_000), messageId: 'm1' })).toBe('saved');
    await worker.start(chat, 'reply', 'ADU-4HJK-P2RT');
    expect(sent).toEqual([]);
    expect(await storedSession(db, chat)).toMatchObject({ version: 1, state: { flowId: 'complaint' } });
  });
});
