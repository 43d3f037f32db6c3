/**
 * Redis Cluster: BullMQ's scripts touch several keys of a queue at once, and Redis Cluster refuses a
 * script whose keys live in different slots. With the default prefix `{aduan}` (a hash tag) every key
 * the service builds, ours and BullMQ's, must hash to the slot of "aduan". The key builders are
 * exercised through a recording stand-in for the Redis client, so a new key that forgets the prefix
 * shows up here.
 */
import { QueueKeys } from 'bullmq';
import type { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { WebchatChannel } from '../../src/channels/webchat/outbox.js';
import { TELEGRAM_OUT_QUEUE } from '../../src/channels/telegram/outbox.js';
import { holdKey, lineKey } from '../../src/channels/telegram/hold.js';
import { ConfigSchema } from '../../src/config.js';
import { QUEUE } from '../../src/queue/queues.js';
import { RedisChatGate, RedisInboundDedupe, RedisRateLimiter } from '../../src/store/redis.js';
import { createInbox, TELEGRAM_IN_QUEUE } from '../../src/channels/telegram/inbox.js';
import { WHATSAPP_OUT_QUEUE } from '../../src/channels/whatsapp/outbox.js';
import { WEBHOOK_QUEUE } from '../../src/queue/webhooks.js';
import { RecentChoices } from '../../src/channels/whatsapp/choices.js';
import pino from 'pino';

/** CRC16-XMODEM over the hash tag, as Redis Cluster computes a key's slot (cluster-spec "Keys hash tags"). */
export function hashSlot(key: string): number {
  const open = key.indexOf('{');
  let hashed = key;
  if (open >= 0) {
    const close = key.indexOf('}', open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(hashed, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

/** A stand-in Redis that records the keys each command is given (and answers like a quiet server). */
function recordingRedis(keys: string[]): Redis {
  const multi = (): unknown =>
    new Proxy(
      {},
      {
        get: (_target, name) => (name === 'exec' ? () => Promise.resolve([[null, 1], [null, 1], [null, 1000]]) : (key: string) => (keys.push(key), multi())),
      },
    );
  const fake = new Proxy(
    {},
    {
      get: (_target, name) => {
        if (name === 'multi') return multi;
        if (name === 'eval' || name === 'evalsha') return (_script: string, n: number, ...rest: string[]) => Promise.resolve((keys.push(...rest.slice(0, n)), 1));
        if (name === 'xrange') return (key: string) => Promise.resolve((keys.push(key), []));
        return (key: string) => Promise.resolve((keys.push(key), 'OK'));
      },
    },
  );
  return fake as unknown as Redis;
}

describe('Redis keys and the Cluster hash tag', () => {
  it('known slots: the function agrees with Redis (CLUSTER KEYSLOT)', () => {
    // foo is 12182 in the cluster spec; a hash tag makes keys share the slot of the tag.
    expect(hashSlot('foo')).toBe(12182);
    expect(hashSlot('{user1000}.following')).toBe(hashSlot('{user1000}.followers'));
    expect(hashSlot('{}foo')).toBe(hashSlot('{}foo'));
    expect(hashSlot('{aduan}:lock:x')).toBe(hashSlot('aduan'));
  });

  it('the default prefix is a hash tag', () => {
    const config = ConfigSchema.parse({});
    expect(config.REDIS_PREFIX).toBe('{aduan}');
    expect(ConfigSchema.safeParse({ REDIS_PREFIX: 'aduan}{' }).success).toBe(false);
    expect(ConfigSchema.safeParse({ REDIS_PREFIX: '{}' }).success).toBe(false);
    expect(ConfigSchema.safeParse({ REDIS_PREFIX: '{kota-malang}prod' }).success).toBe(true);
  });

  it('every key the service builds, and every BullMQ queue key, lands in the prefix slot', async () => {
    const prefix = ConfigSchema.parse({}).REDIS_PREFIX;
    const keys: string[] = [];
    const redis = recordingRedis(keys);
    const entry = await new RedisChatGate(redis, prefix).enter({ channel: 'WEBCHAT', chatId: 'chat-1' }, 'm1', 10);
    await entry?.markHandled();
    await entry?.leave();
    const dedupe = new RedisInboundDedupe(redis, prefix);
    await dedupe.seen({ channel: 'TELEGRAM', chatId: '42' }, '7');
    await dedupe.remember({ channel: 'WEBCHAT', chatId: 'c' }, 'm1');
    await new RedisRateLimiter(redis, prefix).hit('lookup:WEBCHAT:c', 10, 60_000);
    const webchat = new WebchatChannel(redis, prefix, 200);
    await webchat.send('chat-1', [{ text: 'halo' }]);
    await webchat.read('chat-1', undefined);
    // The Telegram inbox's re-delivery marker (the queue itself is checked below with the others).
    const queue = { add: () => Promise.resolve(undefined) } as unknown as Parameters<typeof createInbox>[0]['queue'];
    await createInbox({ queue, redis, prefix, log: pino({ level: 'silent' }) }).enqueue({ update_id: 1 });
    const choices = new RecentChoices(redis, prefix);
    await choices.remember('6281234567890', [{ text: 'pilih', choices: [{ id: 'a', label: 'A' }] }]);
    // The Telegram sender's per-chat hold and line (order through retries).
    keys.push(holdKey(prefix, '42'), lineKey(prefix, '42'));
    const queueKeys = new QueueKeys(prefix);
    for (const name of [...Object.values(QUEUE), TELEGRAM_OUT_QUEUE, TELEGRAM_IN_QUEUE, WHATSAPP_OUT_QUEUE, WEBHOOK_QUEUE]) {
      for (const type of ['wait', 'active', 'meta', 'events', 'id', 'repeat', 'de', 'stalled-check', 'ADU-7KQ2-M9XD']) keys.push(queueKeys.toKey(name, type));
    }

    expect(keys.length).toBeGreaterThan(40);
    const slot = hashSlot('aduan');
    const strays = keys.filter((key) => hashSlot(key) !== slot);
    expect(strays).toEqual([]);
    for (const key of keys) expect(key.startsWith(`${prefix}:`)).toBe(true);
  });
});
