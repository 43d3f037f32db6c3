import { UnrecoverableError, Worker } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BullIntakeQueue, BullNotificationQueue } from '../../src/queue/queues.js';
import { storeSubmission } from '../../src/services/intake.js';
import { recoverAllPendingSubmissions, recoverUnsentNotices } from '../../src/services/recovery.js';
import { PgCaseStore } from '../../src/store/cases.js';
import { PgComplaintStore } from '../../src/store/complaints.js';
import { createRedis } from '../../src/store/redis.js';
import { deleteKeys, eventually, startTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { fileComplaint, fillToSummary, WebchatClient } from '../helpers/webchat-client.js';
import { storedSession } from '../helpers/sessions.js';

/**
 * For the complaints these tests store and leave open: a category whose agency no officer test lists,
 * so they do not crowd the task lists (20 at most) that other files read from the same database.
 */
const QUIET = { category: 'Lingkungan Hidup dan Kehutanan', subcategory: 'Sampah' };

describe('a confirmed complaint is never lost or doubled', () => {
  let web: TestApp;
  beforeAll(async () => {
    // Only the web role: nothing consumes the queue, so the confirm sits between Redis and the worker.
    web = await startTestApp({ role: 'web' });
  });
  afterAll(async () => {
    await web.dispose();
  });

  it('survives Redis being flushed between the confirm and the worker: recovery re-enqueues it', async () => {
    const { code } = await fileComplaint(new WebchatClient(web.http!));
    expect(await web.db.submission.findUnique({ where: { trackingCode: code } })).toMatchObject({ state: 'PENDING' });
    expect(await web.queues.intake.getJob(code)).toBeDefined();

    await deleteKeys(web.config.REDIS_URL, web.prefix); // the flush: queue, job and locks are gone
    expect(await web.queues.intake.getJob(code)).toBeUndefined();
    expect(await web.db.complaint.findUnique({ where: { trackingCode: code } })).toBeNull();

    const worker = await startTestApp({ role: 'worker', config: { ...testConfig(), REDIS_PREFIX: web.prefix } });
    try {
      const complaint = await eventually(() => worker.db.complaint.findUnique({ where: { trackingCode: code } }), 'the recovered complaint');
      expect(complaint.status).toBe('FORWARDED');
      expect(await worker.db.submission.findUnique({ where: { trackingCode: code } })).toMatchObject({ state: 'STORED' });
    } finally {
      await worker.close();
    }
  });

  it('re-enqueues every pending submission after a Redis loss, not only the first batch', async () => {
    const client = new WebchatClient(web.http!);
    const codes = [(await fileComplaint(client, QUIET)).code, (await fileComplaint(client, QUIET)).code, (await fileComplaint(client, QUIET)).code];
    await deleteKeys(web.config.REDIS_URL, web.prefix);
    const recovery = { store: new PgComplaintStore(web.db, web.pool), intake: new BullIntakeQueue(web.queues.intake) };
    // Batches of two, and older submissions other tests left pending come first: three batches at least.
    const count = await recoverAllPendingSubmissions(recovery, new Date(Date.now() + 1), 2);
    expect(count).toBeGreaterThanOrEqual(3);
    for (const code of codes) expect(await web.queues.intake.getJob(code)).toMatchObject({ data: { trackingCode: code } });
  });

  it('stores one complaint when the same job runs twice, and queues one notice', async () => {
    const { code } = await fileComplaint(new WebchatClient(web.http!));
    const store = new PgComplaintStore(web.db, web.pool);
    const notices: string[] = [];
    const deps = { store, now: () => new Date(), notifications: { enqueueNotification: (job: { eventId: string }) => Promise.resolve(void notices.push(job.eventId)) } };
    const [first, second] = await Promise.all([storeSubmission(deps, code), storeSubmission(deps, code)]);
    const third = await storeSubmission(deps, code);
    expect(await web.db.complaint.count({ where: { trackingCode: code } })).toBe(1);
    expect(new Set([first.complaintId, second.complaintId, third.complaintId]).size).toBe(1);
    expect(new Set(notices).size).toBe(1);
    expect(await web.db.complaintEvent.count({ where: { complaint: { trackingCode: code }, type: 'CREATED' } })).toBe(1);
  });

  it('re-enqueues a notice whose enqueue was lost after the officer action committed (outbox)', async () => {
    const { code } = await fileComplaint(new WebchatClient(web.http!));
    const store = new PgComplaintStore(web.db, web.pool);
    await storeSubmission({ store, now: () => new Date(), notifications: { enqueueNotification: () => Promise.resolve() } }, code);
    const complaint = await web.db.complaint.findUniqueOrThrow({ where: { trackingCode: code } });
    // The action commits; Redis fails before its notice is enqueued (nothing is enqueued here).
    const applied = await new PgCaseStore(web.db, web.pool).applyChange(
      complaint.id,
      complaint.version,
      { status: 'IN_PROGRESS', events: [{ type: 'STATUS_CHANGED', actorType: 'SYSTEM', data: { action: 'start' }, notify: true }] },
      new Date(Date.now() - 120_000),
    );
    if (!applied.ok) throw new Error('conflict');
    const jobId = `notice-${applied.notifyEventIds[0]}`;
    expect(await web.queues.notify.getJob(jobId)).toBeUndefined();
    const recovery = { store, intake: new BullIntakeQueue(web.queues.intake), notifications: new BullNotificationQueue(web.queues.notify) };
    expect((await recoverUnsentNotices(recovery, new Date())).checked).toBeGreaterThanOrEqual(1);
    expect(await web.queues.notify.getJob(jobId)).toMatchObject({ data: { complaintId: complaint.id, eventId: applied.notifyEventIds[0] } });
  });

  it('re-enqueues the routing notice of a complaint whose notice job was lost after intake completed', async () => {
    const { code } = await fileComplaint(new WebchatClient(web.http!), QUIET);
    const store = new PgComplaintStore(web.db, web.pool);
    // Intake stores and routes it; the notice's job is lost on the way (Redis flushed, say).
    const stored = await storeSubmission({ store, now: () => new Date(Date.now() - 120_000), notifications: { enqueueNotification: () => Promise.resolve() } }, code);
    expect(await web.queues.notify.getJob(`notice-${stored.noticeEventId}`)).toBeUndefined();
    const recovery = { store, intake: new BullIntakeQueue(web.queues.intake), notifications: new BullNotificationQueue(web.queues.notify) };
    await recoverUnsentNotices(recovery, new Date());
    expect(await web.queues.notify.getJob(`notice-${stored.noticeEventId}`)).toMatchObject({ data: { complaintId: stored.complaintId, eventId: stored.noticeEventId } });
  });

  it('runs a notice again whose job used up its retries in an outage, but not one stopped on purpose', async () => {
    const store = new PgComplaintStore(web.db, web.pool);
    const file = async () => {
      const { code } = await fileComplaint(new WebchatClient(web.http!), QUIET);
      const stored = await storeSubmission({ store, now: () => new Date(Date.now() - 120_000), notifications: { enqueueNotification: () => Promise.resolve() } }, code);
      return { complaintId: stored.complaintId, eventId: stored.noticeEventId };
    };
    const [outage, stopped] = [await file(), await file()];
    const jobId = (notice: { eventId: string }) => `notice-${notice.eventId}`;
    // Their jobs ran and failed: one at its last attempt (the channel was down), the other stopped at
    // its first (the chat cannot be reached).
    await web.queues.notify.add('notice', outage, { jobId: jobId(outage), attempts: 2, backoff: 0 });
    await web.queues.notify.add('notice', stopped, { jobId: jobId(stopped), attempts: 5 });
    const connection = createRedis(web.config.REDIS_URL, { forWorker: true });
    const failing = new Worker(
      web.queues.notify.name,
      (job) => Promise.reject(job.id === jobId(outage) ? new Error('channel down') : new UnrecoverableError('chat cannot be reached')),
      { connection, prefix: web.prefix },
    );
    try {
      for (const notice of [outage, stopped]) await eventually(async () => ((await (await web.queues.notify.getJob(jobId(notice)))?.isFailed()) ? true : null), `${jobId(notice)} to fail`);
    } finally {
      await failing.close();
      connection.disconnect();
    }
    const recovery = { store, intake: new BullIntakeQueue(web.queues.intake), notifications: new BullNotificationQueue(web.queues.notify) };
    await recoverUnsentNotices(recovery, new Date());
    const again = await web.queues.notify.getJob(jobId(outage));
    expect(await again?.getState()).toBe('waiting');
    expect(again?.attemptsMade).toBe(0);
    expect(await (await web.queues.notify.getJob(jobId(stopped)))?.getState()).toBe('failed');
  });

  it('walks past notices that can never be sent: each sweep goes on where the last one stopped', async () => {
    const store = new PgComplaintStore(web.db, web.pool);
    const file = async () => {
      const { code } = await fileComplaint(new WebchatClient(web.http!), QUIET);
      const stored = await storeSubmission({ store, now: () => new Date(Date.now() - 120_000), notifications: { enqueueNotification: () => Promise.resolve() } }, code);
      return stored.noticeEventId;
    };
    // The first two stay unsent however often they are tried (their chats blocked the bot); the third
    // was lost in an outage. With a batch of two, a sweep of the oldest batch would never reach it.
    const [blockedA, blockedB, lost] = [await file(), await file(), await file()];
    const requeued: string[] = [];
    const notifications = { enqueueNotification: () => Promise.resolve(), requeueNotification: (notice: { eventId: string }) => Promise.resolve(void requeued.push(notice.eventId)) };
    const recovery = { store, intake: new BullIntakeQueue(web.queues.intake), notifications };
    // Notices other tests left unsent in this database come before these: start the walk at the first.
    const first = await recoverUnsentNotices(recovery, new Date(), { after: (BigInt(blockedA) - 1n).toString(), limit: 2 });
    expect(first).toEqual({ checked: 2, next: blockedB });
    expect(requeued).toEqual([blockedA, blockedB]);

    const second = await recoverUnsentNotices(recovery, new Date(), { after: first.next, limit: 2 });
    expect(requeued).toEqual([blockedA, blockedB, lost]);
    expect(second).toEqual({ checked: 1, next: null }); // the end: the next sweep starts from the oldest again
  });

  it('runs an intake job that used up its retries again from its first attempt', async () => {
    const { code } = await fileComplaint(new WebchatClient(web.http!));
    // Its job (nothing consumes this queue here) fails at its last attempt, as in a long outage.
    await (await web.queues.intake.getJob(code))?.remove();
    await web.queues.intake.add('store', { trackingCode: code }, { jobId: code, attempts: 1 });
    const connection = createRedis(web.config.REDIS_URL, { forWorker: true });
    const failing = new Worker(web.queues.intake.name, (job) => Promise.reject(new Error(`database down (${job.id ?? '?'})`)), { connection, prefix: web.prefix });
    try {
      await eventually(async () => ((await (await web.queues.intake.getJob(code))?.isFailed()) ? true : null), 'the intake job to fail');
    } finally {
      await failing.close();
      connection.disconnect();
    }
    await new BullIntakeQueue(web.queues.intake).requeueIntake(code);
    const again = await web.queues.intake.getJob(code);
    expect(await again?.getState()).toBe('waiting');
    expect(again?.attemptsMade).toBe(0);
  });

  it('stores and routes a complaint whose category was switched off after the citizen chose it', async () => {
    const { code } = await fileComplaint(new WebchatClient(web.http!), QUIET);
    const submission = await web.db.submission.findUniqueOrThrow({ where: { trackingCode: code } });
    const payload = submission.payload as { categoryId: string };
    await web.db.category.update({ where: { id: payload.categoryId }, data: { active: false } });
    try {
      const store = new PgComplaintStore(web.db, web.pool);
      const stored = await storeSubmission({ store, now: () => new Date(), notifications: { enqueueNotification: () => Promise.resolve() } }, code);
      expect(stored.created).toBe(true);
      const complaint = await web.db.complaint.findUniqueOrThrow({ where: { trackingCode: code } });
      expect(complaint).toMatchObject({ categoryId: payload.categoryId });
      expect(complaint.agencyId).not.toBeNull();
      expect(await web.db.submission.findUnique({ where: { trackingCode: code } })).toMatchObject({ state: 'STORED', lastError: null });
    } finally {
      await web.db.category.update({ where: { id: payload.categoryId }, data: { active: true } });
    }
  });

  /** Breaks the chat's reply stream (a key that is not a stream), so appending its replies fails. */
  const breakReplies = async (client: WebchatClient) => {
    await web.redis.del(`${web.prefix}:webchat:${client.chatId}`);
    await web.redis.set(`${web.prefix}:webchat:${client.chatId}`, 'not a stream');
  };

  it('queues a confirmed complaint for intake, and hands the code over in the answer, when the reply with it cannot be stored', async () => {
    const client = new WebchatClient(web.http!);
    const { summary } = await fillToSummary(client, QUIET);
    await breakReplies(client);
    const res = await client.post({ choice: WebchatClient.choice(summary, 'Kirim') });
    const submission = await web.db.submission.findFirstOrThrow({ where: { payload: { path: ['chatId'], equals: client.chatId } } });
    expect(submission.state).toBe('PENDING');
    expect(await web.queues.intake.getJob(submission.trackingCode)).toMatchObject({ data: { trackingCode: submission.trackingCode } });
    // Taken (a retry would be a duplicate), so not "try again": the replies come with the 202.
    expect(res.status).toBe(202);
    expect(res.json).toMatchObject({ accepted: true, duplicate: false });
    const messages = res.json.messages as { id: string; text: string; time: string }[];
    expect(messages.at(-1)?.text).toContain(submission.trackingCode);
    expect(messages.every((m) => m.id.startsWith('unsent-') && m.time === messages[0]!.time)).toBe(true);
  });

  it('answers a step whose replies cannot be stored with them in the 202, and takes the next answer as the next step', async () => {
    const client = new WebchatClient(web.http!);
    await client.say({ command: 'start' });
    await breakReplies(client);
    const res = await client.post({ choice: 'main.report' });
    expect(res.status).toBe(202);
    const messages = res.json.messages as { text: string; choices?: { id: string }[] }[];
    expect(messages.map((m) => m.text)).toEqual(['Apa jenis laporan Anda?']);
    expect(messages[0]?.choices?.length).toBeGreaterThan(1);
    expect(await storedSession(web.db, { channel: 'WEBCHAT', chatId: client.chatId })).toMatchObject({ version: 2, state: { flowId: 'complaint' } });
    // The stream mended, the citizen answers the question they were shown.
    await web.redis.del(`${web.prefix}:webchat:${client.chatId}`);
    const next = await client.say({ choice: messages[0]!.choices![0]!.id });
    expect(next.length).toBeGreaterThan(0);
    expect(await web.db.conversationSession.findUniqueOrThrow({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: client.chatId } } })).toMatchObject({ version: 3 });
  });

  it("answers an officer's command whose reply cannot be stored with it in the 202, and takes it once", async () => {
    const client = new WebchatClient(web.http!);
    await breakReplies(client);
    const body = { chatId: client.chatId, clientMessageId: `daftar-${client.chatId}`, text: 'daftar BUKAN-KODE' };
    const res = await web.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: body });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ accepted: true, duplicate: false, messages: [{ text: 'Kode pendaftaran tidak dikenal.' }] });
    // The command ran and counts as handled: sent again, it is a duplicate, not a second run.
    const again = await web.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: body });
    expect(again.json()).toEqual({ accepted: true, duplicate: true });
  });

  it('keeps one queued job when a submission is enqueued again', async () => {
    const { code } = await fileComplaint(new WebchatClient(web.http!));
    expect(await web.recover()).toBeGreaterThanOrEqual(1);
    await web.recover();
    const waiting = await web.queues.intake.getJobs(['waiting', 'delayed', 'active']);
    expect(waiting.filter((j) => j.id === code)).toHaveLength(1);
  });

  it('handles the same inbound message once', async () => {
    const client = new WebchatClient(web.http!);
    await client.say({ command: 'start' });
    const body = { chatId: client.chatId, clientMessageId: 'same-message-1', choice: 'main.report' };
    const first = await web.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: body });
    const again = await web.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: body });
    expect(first.json()).toEqual({ accepted: true, duplicate: false });
    expect(again.json()).toEqual({ accepted: true, duplicate: true });
    const replies = await client.read();
    expect(replies.map((m) => m.text)).toEqual(['Apa jenis laporan Anda?']);
    const session = await web.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: client.chatId } } });
    expect(session?.version).toBe(2);
  });

  it('recognises a redelivered message whose Redis mark was lost after its step was saved (a crash before leaving the gate)', async () => {
    const client = new WebchatClient(web.http!);
    await client.say({ command: 'start' });
    const body = { chatId: client.chatId, clientMessageId: 'same-message-2', choice: 'main.report' };
    expect((await web.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: body })).json()).toEqual({ accepted: true, duplicate: false });
    // What a crash between the session save and the gate's leave leaves behind: no seen mark.
    expect(await web.redis.del(`${web.prefix}:seen:WEBCHAT:${client.chatId}:same-message-2`)).toBe(1);
    const again = await web.http!.inject({ method: 'POST', url: '/api/webchat/messages', payload: body });
    expect(again.json()).toEqual({ accepted: true, duplicate: true });
    const session = await web.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId: client.chatId } } });
    expect(session).toMatchObject({ version: 2, lastMessageId: 'same-message-2' });
    expect((await client.read()).map((m) => m.text)).toEqual(['Apa jenis laporan Anda?']);
    // The mark is written again, so the next redelivery stops at Redis.
    expect(await web.redis.exists(`${web.prefix}:seen:WEBCHAT:${client.chatId}:same-message-2`)).toBe(1);
  });

  it('fails a job whose payload breaks its schema at once, keeping it for an operator', async () => {
    const worker = await startTestApp({ role: 'worker', config: { ...testConfig(), REDIS_PREFIX: web.prefix } });
    try {
      const job = await worker.queues.intake.add('store', { trackingCode: 'not a code' }, { jobId: 'broken-payload-1' });
      const failed = await eventually(async () => ((await job.getState()) === 'failed' ? job : null), 'the failed job');
      const reloaded = await worker.queues.intake.getJob(failed.id!);
      expect(reloaded?.failedReason).toMatch(/payload does not match its schema/);
      expect(reloaded?.attemptsMade).toBe(1);
    } finally {
      await worker.close();
    }
  });
});
