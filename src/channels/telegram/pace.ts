/**
 * Telegram's per-chat limits, kept across every sender process in Redis: about one message a second
 * in a private chat (short bursts allowed) and 20 a minute in a group (supergroups and their topics).
 * A send that would break them is given a later slot and waits for it: delayed, never dropped.
 *
 * The rule is GCRA with reservations: each chat has a theoretical arrival time (TAT); a send takes
 * the slot max(now, TAT − τ), τ = (burst − 1) · interval, and moves TAT on by one interval. Any
 * window of length W then holds at most floor((W + τ) / interval) + 1 sends: with interval 3.75 s
 * and burst 4 that is 20 per minute for a group.
 */
import type { Redis } from 'ioredis';

export interface PaceRule {
  intervalMs: number;
  burst: number;
}

/** A private chat: one a second, bursts of 3 (a question and its buttons arrive together). */
export const PRIVATE_CHAT_PACE: PaceRule = { intervalMs: 1_000, burst: 3 };
/** A group or supergroup (each forum topic counts against its group): 20 in any minute. */
export const GROUP_PACE: PaceRule = { intervalMs: 3_750, burst: 4 };

export interface PaceRules {
  private: PaceRule;
  group: PaceRule;
}
export const TELEGRAM_PACE: PaceRules = { private: PRIVATE_CHAT_PACE, group: GROUP_PACE };

/** Group and supergroup ids are negative; users' private chats positive. */
export function isGroupChat(chatId: string): boolean {
  return chatId.startsWith('-');
}

/** The slot of one send and the chat's TAT after it (pure; times in ms). */
export function decideSlot(tat: number | null, now: number, rule: PaceRule): { sendAt: number; tat: number } {
  const from = Math.max(tat ?? now, now);
  return { sendAt: Math.max(now, from - (rule.burst - 1) * rule.intervalMs), tat: from + rule.intervalMs };
}

/** {@link decideSlot} in Redis, atomically: KEYS[1] the chat's TAT; ARGV now, interval, burst. */
const RESERVE = `
local tat = tonumber(redis.call('GET', KEYS[1]))
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local from = now
if tat and tat > now then from = tat end
local sendAt = from - (tonumber(ARGV[3]) - 1) * interval
if sendAt < now then sendAt = now end
redis.call('SET', KEYS[1], tostring(from + interval), 'PX', math.max(1000, from + interval - now + 1000))
return sendAt
`;

/** Reserves the next slot for a send to `chatId`; resolves to the time (ms) it may go out. */
export type Pacer = (chatId: string, now: number) => Promise<number>;

export function createPacer(redis: Redis, prefix: string, rules: PaceRules = TELEGRAM_PACE): Pacer {
  return async (chatId, now) => {
    const rule = isGroupChat(chatId) ? rules.group : rules.private;
    const sendAt = await redis.eval(RESERVE, 1, `${prefix}:telegram:pace:${chatId}`, String(now), String(rule.intervalMs), String(rule.burst));
    return Number(sendAt);
  };
}
