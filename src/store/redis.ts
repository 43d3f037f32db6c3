/** Redis-backed coordination: per-chat locks, inbound de-duplication, rate limits. */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { ChatLock, ChatRef, InboundDedupe, RateLimiter } from '../services/ports.js';

export { Redis };

/**
 * A connection for commands on the message path: fail fast (one retry, short timeouts) so a
 * Redis outage turns into a "coba lagi" reply instead of a hung request.
 */
export function createRedis(url: string, options: { forWorker?: boolean; name?: string } = {}): Redis {
  return new Redis(url, {
    lazyConnect: false,
    // Shown by CLIENT LIST, so an operator (or a test) can tell the service's connections apart.
    ...(options.name ? { connectionName: options.name } : {}),
    connectTimeout: 2_000,
    enableOfflineQueue: options.forWorker ?? false,
    // BullMQ workers block on Redis and must never give up a command; the message path must.
    maxRetriesPerRequest: options.forWorker ? null : 1,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}

const LOCK_TTL_MS = 10_000;
const RELEASE = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class RedisChatLock implements ChatLock {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async acquire(key: string, waitMs: number): Promise<(() => Promise<void>) | null> {
    const fullKey = `${this.prefix}:lock:${key}`;
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      if ((await this.redis.set(fullKey, token, 'PX', LOCK_TTL_MS, 'NX')) === 'OK') {
        return async () => {
          await this.redis.eval(RELEASE, 1, fullKey, token);
        };
      }
      if (Date.now() >= deadline) return null;
      await sleep(delay);
    }
  }
}

const DEDUPE_TTL_SECONDS = 7 * 24 * 3600;

export class RedisInboundDedupe implements InboundDedupe {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  private key(chat: ChatRef, id: string) {
    // Platform ids are unique per chat on some channels (Telegram message_id), so the chat is part of the key.
    return `${this.prefix}:seen:${chat.channel}:${chat.chatId}:${id}`;
  }

  async seen(chat: ChatRef, platformMessageId: string): Promise<boolean> {
    return (await this.redis.exists(this.key(chat, platformMessageId))) === 1;
  }

  async remember(chat: ChatRef, platformMessageId: string): Promise<void> {
    await this.redis.set(this.key(chat, platformMessageId), '1', 'EX', DEDUPE_TTL_SECONDS);
  }
}

/** Fixed-window counter: INCR, and the window starts with the first hit. */
export class RedisRateLimiter implements RateLimiter {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async hit(key: string, limit: number, windowMs: number): Promise<{ allowed: boolean; retryAfterMs: number }> {
    const fullKey = `${this.prefix}:rate:${key}`;
    const results = await this.redis.multi().incr(fullKey).pexpire(fullKey, windowMs, 'NX').pttl(fullKey).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? windowMs);
    return { allowed: count <= limit, retryAfterMs: count <= limit ? 0 : Math.max(ttl, 0) };
  }
}

/** Deletes every key under `prefix:` (a test run's or the benchmark's namespace), in batches. */
export async function deleteKeysWithPrefix(redisUrl: string, prefix: string): Promise<void> {
  const redis = new Redis(redisUrl);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.unlink(...keys);
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
}
