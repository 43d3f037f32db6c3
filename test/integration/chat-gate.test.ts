/** The per-chat gate on a real Redis: one holder at a time, the seen mark, and scripts lost by the server. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRedis, deleteKeysWithPrefix, RedisChatGate, type Redis, type Repeat } from '../../src/store/redis.js';

describe('RedisChatGate', () => {
  const prefix = `aduantest-gate-${randomBytes(4).toString('hex')}`;
  const chat = { channel: 'WEBCHAT' as const, chatId: 'gate-1' };
  let redis: Redis;
  let gate: RedisChatGate;
  beforeAll(async () => {
    redis = createRedis(inject('redisUrl'));
    gate = new RedisChatGate(redis, prefix);
    // The message-path connection has no offline queue: commands before it is ready fail at once.
    await new Promise((resolve) => redis.once('ready', resolve));
  });
  afterAll(async () => {
    await deleteKeysWithPrefix(inject('redisUrl'), prefix);
    redis.disconnect();
  });

  it('lets one holder in at a time, and the next one in when the first leaves', async () => {
    const first = await gate.enter(chat, 'm1', 100);
    expect(first).toMatchObject({ seen: false });
    expect(await gate.enter(chat, 'm2', 30)).toBeNull();
    const waiting = gate.enter(chat, 'm2', 2_000);
    await first!.markHandled();
    await first!.leave();
    const second = await waiting;
    expect(second).toMatchObject({ seen: false });
    await second!.leave();
  });

  it('marks a message seen only when told it was handled, and says so to the next delivery', async () => {
    const handled = await gate.enter(chat, 'm3', 100);
    await handled!.markHandled();
    await handled!.leave();
    const failed = await gate.enter(chat, 'm4', 100);
    await failed!.leave();
    const again = await gate.enter(chat, 'm3', 100);
    expect(again?.seen).toBe(true);
    await again!.leave();
    const retry = await gate.enter(chat, 'm4', 100);
    expect(retry?.seen).toBe(false);
    await retry!.leave();
    expect(await redis.ttl(`${prefix}:seen:WEBCHAT:gate-1:m3`)).toBeGreaterThan(6 * 24 * 3600);
  });

  it('marks a message handled with the unlock when told to, in the same call', async () => {
    const entry = await gate.enter(chat, 'left-handled', 100);
    await entry!.leave({ handled: true });
    expect(await redis.ttl(`${prefix}:seen:WEBCHAT:gate-1:left-handled`)).toBeGreaterThan(6 * 24 * 3600);
    const again = await gate.enter(chat, 'left-handled', 100);
    expect(again?.seen).toBe(true);
    await again!.leave({ handled: true }); // a duplicate's leave: the lock is freed all the same
    const next = await gate.enter(chat, 'left-unhandled', 30);
    expect(next).toMatchObject({ seen: false });
    await next!.leave();
    expect(await redis.exists(`${prefix}:seen:WEBCHAT:gate-1:left-unhandled`)).toBe(0); // left without the mark
  });

  it('never frees a lock another holder took after its own expired', async () => {
    const late = await gate.enter(chat, 'm5', 100);
    await redis.del(`${prefix}:lock:chat:WEBCHAT:gate-1`); // as if its 10 s expired
    const next = await gate.enter(chat, 'm6', 100);
    await late!.markHandled();
    await late!.leave();
    expect(await gate.enter(chat, 'm7', 30)).toBeNull(); // next still holds it
    await next!.markHandled();
    await next!.leave();
    const redelivered = await gate.enter(chat, 'm5', 100);
    expect(redelivered?.seen).toBe(true); // late's mark was written all the same
    await redelivered!.leave();
  });

  it('loads its scripts again after the server forgot them (restart, SCRIPT FLUSH)', async () => {
    await redis.script('FLUSH');
    const entry = await gate.enter(chat, 'm8', 100);
    expect(entry).toMatchObject({ seen: false });
    await redis.script('FLUSH');
    await entry!.markHandled();
    await entry!.leave();
    expect(await redis.exists(`${prefix}:lock:chat:WEBCHAT:gate-1`)).toBe(0);
  });

  it('renews the lock while its holder works, stops when it leaves, and gives up after two minutes', async () => {
    // The renewal timer, driven by hand: each tick is a third of the TTL passing.
    const running = new Map<() => void, number>();
    const repeat: Repeat = (task, ms) => {
      running.set(task, ms);
      return () => running.delete(task);
    };
    const tick = async () => {
      for (const task of running.keys()) task();
      await redis.ping(); // the renewal's script has run once this answers (one connection, in order)
    };
    const slow = new RedisChatGate(redis, prefix, { lockTtlMs: 9_000, repeat });
    const lock = `${prefix}:lock:chat:WEBCHAT:gate-1`;
    const entry = await slow.enter(chat, 'm9', 100);
    expect([...running.values()]).toEqual([3_000]);
    await tick(); // the first renewal loads its script (NOSCRIPT, then EVAL): the ones below are one command each
    await redis.ping();
    await redis.pexpire(lock, 50); // as if most of its TTL had gone by
    await tick();
    expect(await redis.pttl(lock)).toBeGreaterThan(8_000);
    expect(await slow.enter(chat, 'm10', 0)).toBeNull();
    await entry!.leave();
    expect(running.size).toBe(0);
    expect(await redis.exists(lock)).toBe(0);

    const stuck = await slow.enter(chat, 'm11', 100);
    for (let i = 0; i < 40; i++) await tick(); // 40 × 3 s: two minutes
    expect(running.size).toBe(1);
    await redis.pexpire(lock, 50);
    await tick(); // the 41st: no more
    expect(running.size).toBe(0);
    expect(await redis.pttl(lock)).toBeLessThanOrEqual(50);
    await stuck!.leave();
  });
});
