import { describe, expect, it } from 'vitest';
import { decideSlot, GROUP_PACE, PRIVATE_CHAT_PACE, type PaceRule } from '../../src/channels/telegram/pace.js';

/** Slots of `count` sends all asked for at `now` (and the TAT carried from one to the next). */
function slots(rule: PaceRule, count: number, now = 0): number[] {
  let tat: number | null = null;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const decision = decideSlot(tat, now, rule);
    tat = decision.tat;
    out.push(decision.sendAt);
  }
  return out;
}

describe('Telegram pacing (GCRA with reservations)', () => {
  it('a group gets a burst of 4, then one slot every 3.75 s: never more than 20 in any minute', () => {
    const at = slots(GROUP_PACE, 30);
    expect(at.slice(0, 6)).toEqual([0, 0, 0, 0, 3_750, 7_500]);
    for (let i = 0; i < at.length; i++) {
      const start = at[i] ?? 0;
      expect(at.filter((t) => t >= start && t < start + 60_000).length).toBeLessThanOrEqual(20);
    }
    // Delayed, never dropped: every send has a slot, in order.
    expect(at).toHaveLength(30);
    expect([...at].sort((a, b) => a - b)).toEqual(at);
  });

  it('a private chat gets a burst of 3, then one a second', () => {
    expect(slots(PRIVATE_CHAT_PACE, 6, 1_000)).toEqual([1_000, 1_000, 1_000, 2_000, 3_000, 4_000]);
  });

  it('a chat that was quiet long enough has its burst again', () => {
    const first = decideSlot(null, 0, GROUP_PACE);
    expect(decideSlot(first.tat, 60_000, GROUP_PACE)).toEqual({ sendAt: 60_000, tat: 63_750 });
  });
});
