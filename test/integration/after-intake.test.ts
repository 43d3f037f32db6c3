import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startDeadlines, syncDeadlines } from '../../src/services/deadlines.js';
import { storeSubmission } from '../../src/services/intake.js';
import { sendNotification } from '../../src/services/notify.js';
import type { ChatRef } from '../../src/services/ports.js';
import { PgComplaintStore } from '../../src/store/complaints.js';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { addOfficer, agencyByCode, Chat, file, settled } from '../helpers/officers.js';
import { fillToSummary, WebchatClient } from '../helpers/webchat-client.js';

/** Friday 9 January 2026, 10:00 WIB: a weekend follows, and Friday 16 January is Isra Mikraj. */
const FRIDAY = new Date('2026-01-09T03:00:00Z');
const PARKIR = { category: 'Perhubungan', subcategory: 'Parkir Liar', description: 'Juru parkir liar menarik tarif dua kali lipat di depan minimarket setiap malam.' };

describe('after intake: a new complaint\'s clocks and its notices', () => {
  let app: TestApp;
  let clock = FRIDAY;

  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, config: testConfig({ WEBCHAT_RATE_LIMIT: '10000' }) });
    // Timers stay delayed jobs to look at: nothing fires them here.
    await app.workers.find((w) => w.name === 'deadlines')!.pause(true);
  });
  afterAll(async () => {
    await app.dispose();
  });

  /** The clock rows, without the time they were written. */
  const clocks = async (complaintId: string) =>
    (await app.db.complaintDeadline.findMany({ where: { complaintId } }))
      .map(({ updatedAt: _written, ...row }) => row)
      .sort((a, b) => a.kind.localeCompare(b.kind));
  const jobsOf = async (complaintId: string): Promise<Job[]> =>
    (await app.queues.deadlines.getJobs(['delayed', 'waiting', 'active', 'prioritized', 'completed', 'failed'])).filter((j) => j.id?.startsWith(`deadline-${complaintId}-`));
  /** Every timer of the complaint as it is queued: id, name, payload, delay and state. */
  const timers = async (complaintId: string) =>
    Promise.all((await jobsOf(complaintId)).map(async (j) => ({ id: j.id, name: j.name, data: j.data as unknown, delay: j.delay, state: await j.getState() }))).then((list) =>
      list.sort((a, b) => (a.id ?? '').localeCompare(b.id ?? '')),
    );
  /** Forgets every clock and timer of the complaint, as before its first planning. */
  const forget = async (complaintId: string) => {
    await app.db.complaintDeadline.deleteMany({ where: { complaintId } });
    for (const job of await jobsOf(complaintId)) await job.remove();
  };
  const due = (id: string, kind: string, phase: string) => `deadline-${id}-${kind}-${phase}`;
  /**
   * A complaint filed on FRIDAY, then put back as if intake had sent it to the koordinator: SUBMITTED,
   * never forwarded, nobody acted (version 0), no clocks or timers yet. Returns its id.
   */
  const fileAwaitingVerification = async () => {
    clock = FRIDAY;
    const { id } = await file(app, new Chat(app), PARKIR);
    await forget(id);
    await app.db.complaint.update({ where: { id }, data: { status: 'SUBMITTED', forwardedAt: null } });
    return id;
  };
  /** Forgets the complaint's clocks and timers, plans them again with syncDeadlines, and compares. */
  const expectGeneralPlanningGives = async (id: string, expected: { clocks: Awaited<ReturnType<typeof clocks>>; timers: Awaited<ReturnType<typeof timers>> }) => {
    await forget(id);
    await syncDeadlines(app.cases.deadlines, id, clock);
    expect(await clocks(id)).toEqual(expected.clocks);
    expect(await timers(id)).toEqual(expected.timers);
  };

  describe('clocks', () => {
    it('a complaint routed at intake gets the clock rows and timers the general planning gives it', async () => {
      clock = FRIDAY;
      const { id } = await file(app, new Chat(app), PARKIR);
      const fast = { clocks: await clocks(id), timers: await timers(id) };
      // Five working days from Friday 9 January (weekend, Isra Mikraj on Friday 16): Monday 19; reminded Thursday 15.
      expect(fast.clocks.map((c) => [c.kind, c.state])).toEqual([
        ['FIRST_ANSWER', 'ACTIVE'],
        ['RESOLUTION', 'ACTIVE'],
      ]);
      expect(fast.clocks[0]).toMatchObject({ dueAt: new Date('2026-01-19T16:59:59.999Z'), remindAt: new Date('2026-01-15T16:59:59.999Z'), remindedAt: null, breachedAt: null, remainingWorkingDays: null });
      expect(fast.timers.map((t) => [t.id, t.state])).toEqual([
        [due(id, 'FIRST_ANSWER', 'due'), 'delayed'],
        [due(id, 'FIRST_ANSWER', 'remind'), 'delayed'],
        [due(id, 'RESOLUTION', 'due'), 'delayed'],
        [due(id, 'RESOLUTION', 'remind'), 'delayed'],
      ]);
      expect(fast.timers[0]).toMatchObject({ name: 'fire', data: { complaintId: id, kind: 'FIRST_ANSWER' }, delay: new Date('2026-01-19T16:59:59.999Z').getTime() - FRIDAY.getTime() });

      // The same complaint planned from nothing by syncDeadlines (reads, upserts, replaces timers one by one).
      await expectGeneralPlanningGives(id, fast);
    });

    it('a complaint awaiting verification gets the same VERIFY clock and timers from both plannings', async () => {
      const id = await fileAwaitingVerification();
      clock = new Date('2026-01-09T05:00:00Z');
      const c = await app.cases.casework.cases.findCaseById(id);
      expect(c).toMatchObject({ status: 'SUBMITTED', version: 0, forwardedAt: null });
      await startDeadlines(app.cases.deadlines, c!, clock);
      const fast = { clocks: await clocks(id), timers: await timers(id) };
      // Three working days from filing: Mon 12, Tue 13, Wed 14.
      expect(fast.clocks).toEqual([expect.objectContaining({ kind: 'VERIFY', state: 'ACTIVE', dueAt: new Date('2026-01-14T16:59:59.999Z'), remindAt: new Date('2026-01-13T16:59:59.999Z') })]);
      expect(fast.timers.map((t) => [t.id, t.delay])).toEqual([
        [due(id, 'VERIFY', 'due'), new Date('2026-01-14T16:59:59.999Z').getTime() - clock.getTime()],
        [due(id, 'VERIFY', 'remind'), new Date('2026-01-13T16:59:59.999Z').getTime() - clock.getTime()],
      ]);

      await expectGeneralPlanningGives(id, fast);
    });

    it('a retried intake job (created false) and a second first planning leave one set of clocks and timers', async () => {
      clock = FRIDAY;
      const { id, code } = await file(app, new Chat(app), PARKIR);
      const before = { clocks: await clocks(id), timers: await timers(id) };
      expect(before.timers).toHaveLength(4);

      clock = new Date('2026-01-09T04:00:00Z');
      const intake = { store: new PgComplaintStore(app.db, app.pool), notifications: { enqueueNotification: () => Promise.resolve() }, afterStore: app.cases.afterStore, now: () => clock };
      const retried = await storeSubmission(intake, code);
      expect(retried).toMatchObject({ complaintId: id, created: false });
      expect(await clocks(id)).toEqual(before.clocks);
      expect(await timers(id)).toEqual(before.timers);

      // Two intake jobs that both believe they created it: the second insert and bulk add change nothing.
      await app.cases.afterStore(id, true);
      expect(await clocks(id)).toEqual(before.clocks);
      expect(await timers(id)).toEqual(before.timers);
    });
  });

  describe('a first planning that comes too late', () => {
    it('writes no clock the status no longer wants when an officer acted before it ran, and plans for the status it has', async () => {
      const id = await fileAwaitingVerification();
      const stale = await app.cases.casework.cases.findCaseById(id);
      expect(stale).toMatchObject({ status: 'SUBMITTED', version: 0 });
      // Meanwhile the koordinator forwards it: version 1, FORWARDED (its own re-plan is lost here).
      await app.db.complaint.update({ where: { id }, data: { status: 'FORWARDED', forwardedAt: clock, version: { increment: 1 } } });
      await startDeadlines(app.cases.deadlines, stale!, clock);
      // Not the VERIFY clock the stale copy asked for: the clocks of a forwarded complaint.
      expect((await clocks(id)).map((c) => c.kind)).toEqual(['FIRST_ANSWER', 'RESOLUTION']);
      expect((await timers(id)).map((t) => t.id)).toEqual([due(id, 'FIRST_ANSWER', 'due'), due(id, 'FIRST_ANSWER', 'remind'), due(id, 'RESOLUTION', 'due'), due(id, 'RESOLUTION', 'remind')]);
    });
  });

  describe('notices', () => {
    it("tells the agency's officers of a new complaint once, also when a run of its intake failed after storing it", async () => {
      clock = FRIDAY;
      const officer = await addOfficer(app, { role: 'ADMIN_INSTANSI', agencyCode: 'dishub-malang-parkir' }, clock);
      const intakeWorker = app.workers.find((w) => w.name === 'intake')!;
      await intakeWorker.pause(true);
      let code = '';
      try {
        const citizen = new WebchatClient(app.http!);
        const { summary } = await fillToSummary(citizen, PARKIR);
        const confirmed = await citizen.say({ choice: WebchatClient.choice(summary, 'Kirim') });
        code = /\*([A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4})\*/.exec(confirmed.at(-1)?.text ?? '')?.[1] ?? '';
        const store = new PgComplaintStore(app.db, app.pool);
        // The first run stores it, then Redis blips on its notice: the job fails before the officers are told.
        const blip = { store, notifications: { enqueueNotification: () => Promise.reject(new Error('redis blip')) }, afterStore: app.cases.afterStore, now: () => clock };
        await expect(storeSubmission(blip, code)).rejects.toThrow('redis blip');
        // Its retry finds it stored (created false) and tells them; a duplicate run that thinks it created it does not.
        const retry = { ...blip, notifications: { enqueueNotification: () => Promise.resolve() } };
        const stored = await storeSubmission(retry, code);
        expect(stored.created).toBe(false);
        await app.cases.afterStore(stored.complaintId, true);
      } finally {
        await intakeWorker.resume();
      }
      await settled(app, code); // and the queued job, run at last, does not either
      const alerts = (await officer.chat.refresh()).filter((text) => text.includes(`Laporan baru ${code}`));
      expect(alerts).toHaveLength(1);
    });

    it('reads a notice with whether it was sent, and records it (message and MESSAGE_OUT event) once', async () => {
      clock = FRIDAY;
      const citizen = new Chat(app);
      const { id, code } = await file(app, citizen, PARKIR);
      const store = new PgComplaintStore(app.db, app.pool);
      const forwarded = await app.db.complaintEvent.findFirstOrThrow({ where: { complaintId: id, type: 'FORWARDED' } });
      const eventId = forwarded.id.toString();
      const key = `notice-${eventId}`;
      const agency = await agencyByCode(app, 'dishub-malang-parkir');

      // The notify worker already sent and recorded the routing notice.
      const found = await store.findNotification(id, eventId, key);
      expect(found).toEqual({
        sent: true,
        target: {
          chat: { channel: 'WEBCHAT', chatId: citizen.chatId },
          alsoTell: [],
          confidential: false,
          language: 'id',
          trackingCode: code,
          complaintId: id,
          event: { id: eventId, type: 'FORWARDED', toStatus: 'FORWARDED', agencyName: agency.name, agencyKind: 'rule', action: null, publicText: null, into: null },
        },
      });
      const recorded = async () => ({
        messages: await app.db.message.findMany({ where: { dedupeKey: key } }),
        events: (await app.db.complaintEvent.findMany({ where: { complaintId: id, type: 'MESSAGE_OUT' } })).filter((e) => (e.data as { notice?: string }).notice === eventId),
      });
      const first = await recorded();
      expect(first.messages).toHaveLength(1);
      expect(first.events).toHaveLength(1);

      // Recorded again (a retried job, twice at once): nothing more is written.
      await Promise.all([store.recordSent(found!.target, key, 'lagi', new Date()), store.recordSent(found!.target, key, 'lagi', new Date())]);
      expect(await recorded()).toEqual(first);
      const sent: ChatRef[] = [];
      const deps = { store, sender: { send: (chat: ChatRef) => Promise.resolve(void sent.push(chat)) }, texts: app.flows.texts, now: () => clock };
      expect(await sendNotification(deps, { complaintId: id, eventId })).toBe('already-sent');
      expect(sent).toEqual([]);
      // An event of another complaint is not this complaint's notice.
      const other = await file(app, new Chat(app), PARKIR);
      expect(await store.findNotification(other.id, eventId, key)).toBeNull();
    });

    it('records a notice not sent yet with its text, chat and time, and its MESSAGE_OUT event, together', async () => {
      clock = FRIDAY;
      const citizen = new Chat(app);
      const { id } = await file(app, citizen, PARKIR);
      const store = new PgComplaintStore(app.db, app.pool);
      // A notice nobody sent yet (an answer, written straight into the log).
      const event = await app.db.complaintEvent.create({ data: { complaintId: id, type: 'MESSAGE_OUT', actorType: 'OFFICER', data: { action: 'answer', publicText: 'Sudah ditertibkan.' } } });
      const eventId = event.id.toString();
      const key = `notice-${eventId}`;
      const found = await store.findNotification(id, eventId, key);
      expect(found).toMatchObject({ sent: false, target: { event: { action: 'answer', publicText: 'Sudah ditertibkan.' } } });

      const at = new Date('2026-01-09T03:05:00.123Z');
      await Promise.all([store.recordSent(found!.target, key, 'Jawaban instansi', at), store.recordSent(found!.target, key, 'Jawaban instansi', at)]);
      expect(await app.db.message.findMany({ where: { dedupeKey: key } })).toEqual([
        expect.objectContaining({ complaintId: id, channel: 'WEBCHAT', chatId: citizen.chatId, direction: 'OUT', text: 'Jawaban instansi', createdAt: at, platformMessageId: null }),
      ]);
      const outs = (await app.db.complaintEvent.findMany({ where: { complaintId: id, type: 'MESSAGE_OUT', actorType: 'SYSTEM' } })).filter((e) => (e.data as { notice?: string }).notice === eventId);
      expect(outs).toEqual([expect.objectContaining({ actorType: 'SYSTEM', actorId: null, agencyId: null, data: { notice: eventId }, createdAt: at })]);
      expect((await store.findNotification(id, eventId, key))?.sent).toBe(true);
    });

    it('names the complaint\'s agency, its merged reporters, and the answer\'s own files in the order the event lists them', async () => {
      clock = FRIDAY;
      const { id } = await file(app, new Chat(app), PARKIR);
      const merged = new Chat(app);
      const copy = await file(app, merged, PARKIR);
      const elsewhere = await file(app, new Chat(app), PARKIR);
      await app.db.complaint.update({ where: { id: copy.id }, data: { mergedIntoId: id } });
      const attach = (complaintId: string, name: string | null, mimeType: string) =>
        app.db.attachment.create({ data: { complaintId, channel: 'WEBCHAT', chatId: 'officer', kind: 'document', mimeType, sizeBytes: 1, originalName: name, storageKey: `k-${name ?? 'none'}`, sha256: 'x' } });
      const photo = await attach(id, null, 'image/jpeg');
      const pdf = await attach(id, 'jadwal.pdf', 'application/pdf');
      const foreign = await attach(elsewhere.id, 'bukan.pdf', 'application/pdf');
      const event = await app.db.complaintEvent.create({
        data: { complaintId: id, type: 'MESSAGE_OUT', actorType: 'OFFICER', data: { action: 'answer', publicText: 'Terlampir.', attachmentIds: [pdf.id, foreign.id, 'not-a-file', photo.id].join(',') } },
      });
      const store = new PgComplaintStore(app.db, app.pool);
      const found = await store.findNotification(id, event.id.toString(), `notice-${event.id.toString()}`);
      const agency = await agencyByCode(app, 'dishub-malang-parkir');
      expect(found?.target).toMatchObject({ alsoTell: [{ channel: 'WEBCHAT', chatId: merged.chatId }], confidential: false, event: { agencyName: agency.name, agencyKind: null } });
      expect(found?.target.event.media).toEqual([
        { attachmentId: pdf.id, mimeType: 'application/pdf', name: 'jadwal.pdf' },
        { attachmentId: photo.id, mimeType: 'image/jpeg' },
      ]);
    });
  });
});
