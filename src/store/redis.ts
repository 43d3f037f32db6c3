/** Redis-backed coordination: per-chat locks, inbound de-duplication, rate limits. */
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { ChatGate, ChatRef, GateEntry, InboundDedupe, RateLimiter } from '../services/ports.js';

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
    // Commands issued in one event-loop turn (many chats at once) go out in one socket write.
    enableAutoPipelining: !options.forWorker,
    retryStrategy: (times) => Math.min(times * 200, 2_000),
  });
}

const LOCK_TTL_MS = 10_000;
/** Longest a holder keeps renewing its lock: a handler stuck past this (a bug) must not hold the chat for ever. */
const MAX_HOLD_MS = 120_000;
const DEDUPE_TTL_SECONDS = 7 * 24 * 3600;

/**
 * A Lua script run by its SHA1 (EVALSHA: the body crosses the wire once per server), loaded again
 * with EVAL when the server answers NOSCRIPT (after a restart or SCRIPT FLUSH).
 */
export class LuaScript {
  private readonly sha: string;
  constructor(private readonly source: string) {
    this.sha = createHash('sha1').update(source).digest('hex');
  }

  async run(redis: Redis, keys: string[], args: (string | number)[]): Promise<unknown> {
    try {
      return await redis.evalsha(this.sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return redis.eval(this.source, keys.length, ...keys, ...args);
    }
  }
}

/** Takes the lock (KEYS[1]) if free; then 2 if the message (KEYS[2], optional) was seen, else 1. 0: busy. */
const ENTER = new LuaScript(`if not redis.call('set', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX') then return 0 end
if KEYS[2] and redis.call('exists', KEYS[2]) == 1 then return 2 end
return 1`);
/**
 * Marks the message (KEYS[2], optional) handled for ARGV[2] seconds, whoever holds the lock now,
 * then frees the lock (KEYS[1]) if this holder still has it.
 */
const LEAVE = new LuaScript(`if KEYS[2] then redis.call('set', KEYS[2], '1', 'EX', ARGV[2]) end
if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end
return 0`);
/** Gives the lock (KEYS[1]) another ARGV[2] ms if this holder still has it. */
const RENEW = new LuaScript(`if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end
return 0`);

/** Runs `task` every `ms` until the returned function is called. */
export type Repeat = (task: () => void, ms: number) => () => void;

const repeatWithTimer: Repeat = (task, ms) => {
  const timer = setInterval(task, ms).unref();
  return () => clearInterval(timer);
};

export interface ChatGateOptions {
  lockTtlMs?: number;
  /** How the renewal is scheduled (a test drives it by hand). */
  repeat?: Repeat;
}

/**
 * The per-chat lock and the inbound de-duplication marks in one: entering takes the lock and reads
 * the message's mark in one round trip; leaving writes the mark (when told to) and unlocks in
 * another. The lock expires on its own (a process that dies holding it frees it within its TTL),
 * and a holder that is still at work when a third of the TTL has passed (a slow statement: they may
 * run up to the statement timeout) renews it, so no second message of the chat gets in while the
 * first one runs; up to two minutes, after which the lock lapses as before.
 */
export class RedisChatGate implements ChatGate {
  private readonly lockTtlMs: number;
  private readonly repeat: Repeat;

  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    { lockTtlMs = LOCK_TTL_MS, repeat = repeatWithTimer }: ChatGateOptions = {},
  ) {
    this.lockTtlMs = lockTtlMs;
    this.repeat = repeat;
  }

  async enter(chat: ChatRef, platformMessageId: string | null, waitMs: number): Promise<GateEntry | null> {
    const lock = `${this.prefix}:lock:chat:${chat.channel}:${chat.chatId}`;
    const seen = platformMessageId === null ? null : seenKey(this.prefix, chat, platformMessageId);
    const token = randomUUID();
    const deadline = Date.now() + waitMs;
    for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
      const entered = await ENTER.run(this.redis, seen === null ? [lock] : [lock, seen], [token, this.lockTtlMs]);
      if (entered !== 0) {
        const every = Math.max(1, Math.floor(this.lockTtlMs / 3));
        let renewals = Math.floor(MAX_HOLD_MS / every);
        const stopRenewing = this.repeat(() => {
          if (renewals-- <= 0) {
            stopRenewing();
            return;
          }
          // A renewal Redis does not answer is no worse than none: the holder goes on, the version check stands.
          RENEW.run(this.redis, [lock], [token, this.lockTtlMs]).catch(() => undefined);
        }, every);
        return {
          seen: entered === 2,
          markHandled: async () => {
            if (seen !== null) await this.redis.set(seen, '1', 'EX', DEDUPE_TTL_SECONDS);
          },
          leave: async ({ handled = false } = {}) => {
            stopRenewing();
            await LEAVE.run(this.redis, handled && seen !== null ? [lock, seen] : [lock], [token, DEDUPE_TTL_SECONDS]);
          },
        };
      }
      if (Date.now() >= deadline) return null;
      await sleep(delay);
    }
  }
}

// Platform ids are unique per chat on some channels (Telegram message_id), so the chat is part of the key.
const seenKey = (prefix: string, chat: ChatRef, id: string) => `${prefix}:seen:${chat.channel}:${chat.chatId}:${id}`;

/** The de-duplication marks alone, for a channel that checks before it queues (Telegram's inbox). */
export class RedisInboundDedupe implements InboundDedupe {
  constructor(private readonly redis: Redis, private readonly prefix: string) {}

  async seen(chat: ChatRef, platformMessageId: string): Promise<boolean> {
    return (await this.redis.exists(seenKey(this.prefix, chat, platformMessageId))) === 1;
  }

  async remember(chat: ChatRef, platformMessageId: string): Promise<void> {
    await this.redis.set(seenKey(this.prefix, chat, platformMessageId), '1', 'EX', DEDUPE_TTL_SECONDS);
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
