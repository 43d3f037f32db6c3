import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { sendNotification } from '../../src/services/notify.js';
import { PgComplaintStore } from '../../src/store/complaints.js';
import { eventually } from '../helpers/app.js';
import { fileWithButtons } from '../helpers/telegram-flows.js';
import { fixture, startTelegramApp, TelegramCitizen, type TelegramTestApp } from '../helpers/telegram.js';

describe('Telegram webhook: queued, answered at once, de-duplicated', () => {
  let app: TelegramTestApp;
  const post = (body: unknown) =>
    app.http!.inject({ method: 'POST', url: '/telegram/webhook', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': app.config.TELEGRAM_WEBHOOK_SECRET ?? '' } });
  beforeAll(async () => {
    app = await startTelegramApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('answers before the update is handled, with the update queued once under its update_id', async () => {
    const { inbox } = app.telegram!.runtime;
    const citizen = new TelegramCitizen(app);
    const update = fixture('text', citizen.chatId);
    // Nothing handles updates while the queue is paused: the answer cannot wait for the handling.
    await inbox.pause();
    try {
      const first = await post(update);
      expect(first.statusCode).toBe(200);
      expect(first.json()).toEqual({ ok: true });
      expect((await post(update)).json()).toEqual({ ok: true, duplicate: true });
      const job = await inbox.getJob(`upd-${update.update_id}`);
      expect(await job?.getState()).toBe('waiting');
      expect(await inbox.getJobCounts('wait')).toEqual({ wait: 1 });
      expect(app.fake.sent(citizen.chatId)).toEqual([]);
    } finally {
      await inbox.resume();
    }
    const replies = await citizen.news();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Selamat datang');
    // Telegram re-sending it later (after the job is gone) is still answered duplicate and handled no more.
    expect((await post(update)).json()).toEqual({ ok: true, duplicate: true });
    expect(await citizen.news()).toEqual([]);
  });

  it('a notice whose notify job is retried after sending is sent once', async () => {
    const citizen = new TelegramCitizen(app);
    const { code, seen } = await fileWithButtons(citizen);
    const complaint = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: code } }), 'the complaint');
    // A fast intake sends the routing notice along with the confirmation: look there too.
    await eventually(async () => {
      seen.push(...(await citizen.news()));
      return seen.find((m) => m.text.includes('diteruskan ke'));
    }, 'the routing notice');
    const event = await app.db.complaintEvent.findFirstOrThrow({ where: { complaintId: complaint.id, type: 'FORWARDED' } });
    const real = new PgComplaintStore(app.db, app.pool);
    const channel = app.telegram!.runtime.channel;
    // The job "crashed" after the send and before recording it: the store says not sent, twice.
    const deps = {
      store: {
        findNotification: async (complaintId: string, eventId: string, dedupeKey: string) => {
          const found = await real.findNotification(complaintId, eventId, dedupeKey);
          return found && { ...found, sent: false };
        },
        recordSent: () => Promise.resolve(),
      },
      sender: { send: (chat: { chatId: string }, messages: readonly { text: string }[], options?: { key?: string }) => channel.send(chat.chatId, messages, options?.key) },
      texts: app.flows.texts,
      now: () => new Date(),
    };
    const job = { complaintId: complaint.id, eventId: event.id.toString() };
    await sendNotification(deps, job);
    await sendNotification(deps, job);
    const resent = await citizen.news();
    // The original notice went out under the same key, so both retries were absorbed.
    expect(resent.filter((m) => m.text.includes('diteruskan ke'))).toHaveLength(0);
    const ids = (await app.telegram!.runtime.queue.getJobs(['completed'])).map((j) => j.id ?? '').filter((id) => id.startsWith('tg-notice-'));
    expect(ids.every((id) => !id.includes(':') && !/^\d+$/.test(id))).toBe(true);
    expect(ids).toContain(`tg-notice-${event.id.toString()}-telegram-${citizen.chatId}`);
  });

  it('keeps inbound platform message ids unique per chat, not per channel', async () => {
    const row = (chatId: string) => ({ channel: 'TELEGRAM' as const, chatId, direction: 'IN' as const, platformMessageId: 'm-42', text: 'x' });
    await app.db.message.create({ data: row('-1001') });
    await app.db.message.create({ data: row('-1002') });
    await expect(app.db.message.create({ data: row('-1001') })).rejects.toMatchObject({ code: 'P2002' });
  });
});

describe('Telegram long polling survives a PostgreSQL outage', () => {
  let app: TelegramTestApp;
  const databaseUrl = inject('databaseUrl');
  const database = new URL(databaseUrl).pathname.slice(1);
  const admin = () => {
    const url = new URL(databaseUrl);
    url.pathname = '/postgres';
    return new pg.Client({ connectionString: url.toString() });
  };
  const setConnections = async (allow: boolean) => {
    const client = admin();
    await client.connect();
    try {
      await client.query(`ALTER DATABASE "${database}" ALLOW_CONNECTIONS ${allow ? 'true' : 'false'}`);
      if (!allow) await client.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    } finally {
      await client.end();
    }
  };
  beforeAll(async () => {
    app = await startTelegramApp({ TELEGRAM_MODE: 'polling' }, { inboxBackoffMs: 200 });
  });
  afterAll(async () => {
    await setConnections(true);
    await app.dispose();
  });

  it('an update polled while the database is down is handled once it is back', async () => {
    const citizen = new TelegramCitizen(app);
    await setConnections(false);
    let job;
    try {
      const update = fixture('text', citizen.chatId);
      app.fake.updates.push(update);
      // The runner confirmed the update (getUpdates moved on); its job fails and waits for a retry.
      job = await eventually(async () => {
        const found = await app.telegram!.runtime.inbox.getJob(`upd-${update.update_id}`);
        return found && found.attemptsMade >= 1 ? found : null;
      }, 'a failed attempt while PostgreSQL is down');
      expect(app.fake.sent(citizen.chatId)).toEqual([]);
    } finally {
      await setConnections(true);
    }
    const reply = await eventually(() => Promise.resolve(app.fake.sent(citizen.chatId)[0]), 'the reply once PostgreSQL is back', 20_000);
    expect(reply.text).toContain('Selamat datang');
    expect(job.opts.attempts).toBeGreaterThan(job.attemptsMade);
  });
});
