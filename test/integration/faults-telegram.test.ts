/**
 * The Telegram Bot API failing under the outbound queue: a fake Bot API as a real HTTP server
 * (TELEGRAM_API_ROOT) answers a chat's first sends with 429 (retry_after), 500, or not at all (past
 * the send timeout), then normally.
 *
 * What "exactly once" can mean: a 429 or a 500 tells the sender that nothing was delivered, so the
 * retry makes the only copy (asserted: no duplicates). A request that timed out may have been
 * delivered; Telegram has no idempotency key, so the retry can make a second copy: at least once
 * (asserted: that message, and only it, may arrive twice). In every case each chat's messages arrive
 * in the order they were queued: a failed batch holds its chat until it is sent (hold.ts).
 */
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { createChatHold, holdKey, lineKey } from '../../src/channels/telegram/hold.js';
import { sendJobId } from '../../src/channels/telegram/outbox.js';
import { startTelegramApp, type TelegramTestApp } from '../helpers/telegram.js';
import { BotApiServer } from '../helpers/telegram-server.js';

const TOO_MANY = { kind: 'error', status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 } as const;
const SERVER_ERROR = { kind: 'error', status: 500, description: 'Internal Server Error' } as const;

describe('Telegram Bot API answering 429, 500 or timing out', () => {
  let api: BotApiServer;
  let app: TelegramTestApp;
  beforeAll(async () => {
    api = await BotApiServer.start();
    // Short timings instead of sleeps: a send times out after 400 ms, retries start at 100 ms.
    app = await startTelegramApp({ TELEGRAM_API_ROOT: api.url }, { outbox: { sendTimeoutMs: 400, backoffMs: 100, holdRecheckMs: 100 } });
  });
  afterAll(async () => {
    await app?.dispose();
    await api?.close();
  });

  it('retries each failure, sends every message once (a timed-out one at least once) and keeps each chat in order', async () => {
    const channel = app.telegram!.runtime.channel;
    const queue = app.telegram!.runtime.queue;
    const [a, b, c] = ['710000001', '710000002', '710000003'];
    // a: the brief's sequence on its first message; the hung request did reach Telegram (worst case).
    api.script(a, [TOO_MANY, SERVER_ERROR, { kind: 'hang', delivered: true }]);
    // b: its first batch has two parts; the second is answered 500, then 429: the first part must not go twice.
    api.script(b, [{ kind: 'ok' }, SERVER_ERROR, TOO_MANY]);
    // c: a request that hung without reaching Telegram: retried, delivered once.
    api.script(c, [{ kind: 'hang', delivered: false }]);
    await channel.send(b, [{ text: 'b1' }, { text: 'b2' }], 'notice-b-1');
    for (let n = 1; n <= 6; n++) {
      await channel.send(a, [{ text: `a${n}` }], `notice-a-${n}`);
      if (n >= 3) await channel.send(b, [{ text: `b${n}` }], `notice-b-${n}`);
      await channel.send(c, [{ text: `c${n}` }], `notice-c-${n}`);
    }
    await app.settle();

    expect(api.answers(a).slice(0, 4)).toEqual([429, 500, 'hang', 'ok']);
    expect(api.answers(b).slice(0, 4)).toEqual(['ok', 500, 429, 'ok']);
    expect(api.answers(c).slice(0, 2)).toEqual(['hang', 'ok']);
    // Order kept; only a1, whose request timed out after reaching Telegram, arrived twice.
    expect(api.delivered(a)).toEqual(['a1', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6']);
    expect(api.delivered(b)).toEqual(['b1', 'b2', 'b3', 'b4', 'b5', 'b6']);
    expect(api.delivered(c)).toEqual(['c1', 'c2', 'c3', 'c4', 'c5', 'c6']);
    // The 429 spent no attempt; the 500 and the timeout one each. Waiting behind a hold spends none.
    const attempts = async (key: string) => (await queue.getJob(sendJobId(key)))?.attemptsMade;
    const plain = await attempts('notice-a-2');
    expect(await attempts('notice-a-1')).toBe(plain! + 2);
    expect(await attempts('notice-b-1')).toBe(plain! + 1);
    for (const key of ['notice-a-6', 'notice-b-6', 'notice-c-2']) expect(await attempts(key)).toBe(plain);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
    // Every hold was released by its holder.
    for (const chat of [a, b, c]) expect(await app.redis.exists(holdKey(app.prefix, chat), lineKey(app.prefix, chat))).toBe(0);
  }, 40_000);
});

describe('a chat hold', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `aduantest-hold-${process.pid}-${Date.now()}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('blocks other batches while its holder is pending, and lets the chat go once the holder failed for good or is gone', async () => {
    const states = new Map<string, string>([['1', 'delayed'], ['2', 'delayed']]);
    const hold = createChatHold(redis, prefix, (id) => Promise.resolve(states.get(id) ?? 'unknown'));
    expect(await hold.check('42', '1')).toBe('free');
    await hold.take('42', '1');
    await hold.take('42', '2'); // a second failure does not steal it
    expect(await hold.check('42', '1')).toBe('mine');
    expect(await hold.check('42', '2')).toBe('blocked');
    expect(await hold.check('43', '2')).toBe('free');
    await hold.release('42', '2'); // only the holder releases
    expect(await hold.check('42', '2')).toBe('blocked');
    // The holder failed for good: the first in line holds the chat while it sends.
    states.set('1', 'failed');
    expect(await hold.check('42', '2')).toBe('mine');
    await hold.release('42', '2');
    expect(await redis.exists(holdKey(prefix, '42'), lineKey(prefix, '42'))).toBe(0);
    // A holder that is gone (removed) holds nothing.
    await hold.take('42', '3');
    expect(await hold.check('42', '4')).toBe('free');
  });

  it('lets waiting batches go in the order they first waited, one at a time', async () => {
    const states = new Map<string, string>([['10', 'delayed'], ['11', 'delayed'], ['12', 'delayed']]);
    const hold = createChatHold(redis, prefix, (id) => Promise.resolve(states.get(id) ?? 'unknown'));
    await hold.take('50', '10');
    expect(await hold.check('50', '11')).toBe('blocked');
    expect(await hold.check('50', '12')).toBe('blocked');
    await hold.release('50', '10');
    states.set('10', 'completed');
    // 12 comes back first, but 11 waited longer.
    expect(await hold.check('50', '12')).toBe('blocked');
    expect(await hold.check('50', '11')).toBe('mine');
    expect(await hold.check('50', '12')).toBe('blocked');
    await hold.release('50', '11');
    expect(await hold.check('50', '12')).toBe('mine');
    // A waiter that was removed from the queue is skipped.
    await hold.release('50', '12');
    states.set('20', 'delayed');
    await hold.take('50', '20');
    expect(await hold.check('50', '21')).toBe('blocked');
    expect(await hold.check('50', '22')).toBe('blocked');
    await hold.release('50', '20');
    states.set('22', 'delayed'); // 21 is gone
    expect(await hold.check('50', '22')).toBe('mine');
  });
});
