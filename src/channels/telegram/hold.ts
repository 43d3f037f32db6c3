/**
 * Per-chat order through failures. A batch whose send failed (429, 5xx, a timeout, the network) goes
 * back to the queue to be retried later; without more, the chat's next batch would then be sent
 * first, and the citizen would read "answered" before "forwarded". So a failing batch takes its
 * chat's hold (a Redis key per chat), and every other batch of that chat waits (delayed, without
 * spending an attempt) in a line (a Redis list per chat, in the order they first had to wait).
 * When the holder is sent, fails for good or is gone, the first in line takes the hold, sends, and
 * releases it; only then may the next one go.
 *
 * The hold is taken before the failed batch goes back to the queue, so a batch already picked behind
 * it in this process sees it. Across several sender processes two batches of one chat picked at the
 * same instant, with no failure before them, are still sent side by side: the hold orders retries.
 */
import type { Redis } from 'ioredis';

/** Job states in which the holder still has to be sent: the chat waits for it. */
const PENDING_STATES = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);
/** A hold outlives the longest retry schedule; it is normally released long before. */
const HOLD_TTL_MS = 24 * 3600_000;

const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;
/** Joins the line once (KEYS[1] the line; ARGV job id, ttl). */
const ENROL = `
if not redis.call('LPOS', KEYS[1], ARGV[1]) then redis.call('RPUSH', KEYS[1], ARGV[1]) end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return 1
`;

/** Where a batch stands towards its chat's hold. */
export type HoldStanding = 'free' | 'mine' | 'blocked';

export interface ChatHold {
  /**
   * 'blocked' while another batch of the chat holds it or is ahead in line (this one joins the line);
   * 'mine' when this batch holds it (it must release it once sent); 'free' otherwise. Stale holders
   * and waiters (sent, failed for good, removed) are cleared on the way.
   */
  check(chatId: string, jobId: string): Promise<HoldStanding>;
  /** Taken by a batch whose send failed and will be retried (kept if another batch holds it). */
  take(chatId: string, jobId: string): Promise<void>;
  /** Released by its holder once sent (or given up). */
  release(chatId: string, jobId: string): Promise<void>;
}

export function holdKey(prefix: string, chatId: string): string {
  return `${prefix}:telegram:hold:${chatId}`;
}

export function lineKey(prefix: string, chatId: string): string {
  return `${prefix}:telegram:line:${chatId}`;
}

/** `stateOf` reads a job's BullMQ state ('unknown' when it is gone). */
export function createChatHold(redis: Redis, prefix: string, stateOf: (jobId: string) => Promise<string>): ChatHold {
  const release = async (chatId: string, jobId: string) => {
    await redis.eval(RELEASE, 1, holdKey(prefix, chatId), jobId);
  };
  const pending = async (jobId: string) => PENDING_STATES.has(await stateOf(jobId));
  const wait = async (chatId: string, jobId: string): Promise<HoldStanding> => {
    await redis.eval(ENROL, 1, lineKey(prefix, chatId), jobId, String(HOLD_TTL_MS));
    return 'blocked';
  };
  const take = async (chatId: string, jobId: string) => (await redis.set(holdKey(prefix, chatId), jobId, 'PX', HOLD_TTL_MS, 'NX')) === 'OK';

  return {
    async check(chatId, jobId) {
      // A few rounds at most: each either decides or clears one stale entry.
      for (let round = 0; round < 20; round++) {
        const holder = await redis.get(holdKey(prefix, chatId));
        if (holder === jobId) return 'mine';
        if (holder !== null) {
          if (await pending(holder)) return wait(chatId, jobId);
          await release(chatId, holder);
          continue;
        }
        const first = await redis.lindex(lineKey(prefix, chatId), 0);
        if (first === null) return 'free';
        if (first === jobId) {
          // First in line: hold the chat while sending, so the next in line waits for this one.
          if (await take(chatId, jobId)) {
            await redis.lrem(lineKey(prefix, chatId), 1, jobId);
            return 'mine';
          }
          continue;
        }
        if (await pending(first)) return wait(chatId, jobId);
        await redis.lrem(lineKey(prefix, chatId), 1, first);
      }
      return wait(chatId, jobId);
    },
    async take(chatId, jobId) {
      await take(chatId, jobId);
    },
    release,
  };
}
