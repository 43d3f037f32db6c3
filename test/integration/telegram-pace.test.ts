import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { TELEGRAM_PACE, createPacer } from '../../src/channels/telegram/pace.js';
import { eventually } from '../helpers/app.js';
import { startTelegramApp, type TelegramTestApp } from '../helpers/telegram.js';

const GROUP = '-1005550001111';
const T0 = new Date('2026-11-23T10:00:00Z').getTime();

describe('Telegram per-chat pacing in Redis', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = `aduantest-pace-${process.pid}-${Date.now()}`;
  afterAll(async () => {
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await redis.quit();
  });

  it('reserves slots across senders by the clock it is given: 20 a minute per group, 1 a second per private chat', async () => {
    const a = createPacer(redis, prefix);
    const b = createPacer(redis, prefix); // a second sender process shares the limit
    const group: number[] = [];
    for (let i = 0; i < 22; i++) group.push((await (i % 2 ? a : b)(GROUP, T0)) - T0);
    expect(group.slice(0, 6)).toEqual([0, 0, 0, 0, 3_750, 7_500]);
    // The 20th send of the minute lands on its last instant; the 21st is a minute after the first.
    expect(group.filter((t) => t <= 60_000)).toHaveLength(20);
    expect(group[20]).toBe(63_750);
    const person: number[] = [];
    for (let i = 0; i < 5; i++) person.push((await a('700123', T0)) - T0);
    expect(person).toEqual([0, 0, 0, 1_000, 2_000]);
    // A minute later the group has its burst back.
    expect(await a('-1005550002222', T0)).toBe(T0);
  });
});

describe('Telegram sender paces a group: delayed, not dropped', () => {
  let app: TelegramTestApp;
  beforeAll(async () => {
    app = await startTelegramApp({}, { now: () => new Date(T0), pace: TELEGRAM_PACE });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('sends the first four posts to a group at once and holds the rest for their slots', async () => {
    const channel = app.telegram!.runtime.channel;
    for (let i = 1; i <= 6; i++) await channel.sendToTopic(GROUP, 77, [{ text: `pesan ${i}` }]);
    const queue = app.telegram!.runtime.queue;
    const delayed = await eventually(async () => {
      const jobs = await queue.getJobs(['delayed']);
      return jobs.length === 2 && app.fake.sent(GROUP).length === 4 ? jobs : null;
    }, 'four sent and two delayed');
    expect(app.fake.sent(GROUP).map((m) => m.text)).toEqual(['pesan 1', 'pesan 2', 'pesan 3', 'pesan 4']);
    // Each delayed job holds its slot (by the sender's clock) and has spent no attempt.
    const held = delayed.map((j) => j.progress).sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    expect(held).toEqual([{ sent: 0, slotAt: T0 + 3_750 }, { sent: 0, slotAt: T0 + 7_500 }]);
    expect(delayed.every((j) => j.attemptsMade === 0)).toBe(true);
    expect(await queue.getJobCounts('failed')).toEqual({ failed: 0 });
  });
});
