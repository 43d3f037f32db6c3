import type { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DeadlineKind } from '../../src/domain/index.js';
import { fireDeadline, sweepDeadlines, syncDeadlines } from '../../src/services/deadlines.js';
import { startTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { addOfficer, Chat, complaintOf, file, type Officer } from '../helpers/officers.js';
import { WebchatClient } from '../helpers/webchat-client.js';

/** End of a working day in Malang (WIB, UTC+7), as stored. */
const endOf = (isoDate: string) => new Date(`${isoDate}T16:59:59.999Z`);
/** Friday 9 January 2026, 10:00 WIB: a weekend follows, and Friday 16 January is Isra Mikraj. */
const FRIDAY = new Date('2026-01-09T03:00:00Z');
/** Monday 12 January 2026, 10:00 WIB. */
const MONDAY = new Date('2026-01-12T03:00:00Z');

describe('SP4N-LAPOR! clocks on the working-day calendar', () => {
  let app: TestApp;
  let clock = FRIDAY;
  let koordinator: Officer;
  let parkir: Officer;
  let lalin: Officer;

  const rows = async (complaintId: string) => {
    const list = await app.db.complaintDeadline.findMany({ where: { complaintId } });
    return Object.fromEntries(list.map((r) => [r.kind, r])) as Partial<Record<DeadlineKind, (typeof list)[number]>>;
  };
  const eventsOf = async (complaintId: string, types: ('REMINDER_SENT' | 'DEADLINE_BREACHED' | 'ESCALATED')[]) =>
    (await app.db.complaintEvent.findMany({ where: { complaintId, type: { in: types } }, orderBy: { id: 'asc' } })).map((e) => ({ type: e.type, actor: e.actorType, kind: (e.data as { kind?: string }).kind, at: e.createdAt }));
  const jobs = async (complaintId: string): Promise<Job[]> =>
    (await app.queues.deadlines.getJobs(['delayed', 'waiting', 'active', 'prioritized', 'completed', 'failed'])).filter((j) => j.id?.startsWith(`deadline-${complaintId}-`));
  const sweepAt = async (at: Date) => {
    clock = at;
    return sweepDeadlines(app.cases.deadlines, at);
  };

  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, config: testConfig({ WEBCHAT_RATE_LIMIT: '10000' }) });
    // The tests fire the clocks themselves, at the instants they choose.
    await app.workers.find((w) => w.name === 'deadlines')!.pause(true);
    koordinator = await addOfficer(app, { role: 'ADMIN_KOORDINATOR', agencyCode: 'diskominfo-malang' }, clock);
    parkir = await addOfficer(app, { role: 'ADMIN_INSTANSI', agencyCode: 'dishub-malang-parkir' }, clock);
    lalin = await addOfficer(app, { role: 'ADMIN_INSTANSI', agencyCode: 'dishub-malang-lalin' }, clock);
  });
  afterAll(async () => {
    await app.dispose();
  });

  /** Files at `at` (Perhubungan › Parkir Liar, a SIMPLE tier: 5 working days to resolve). */
  async function filed(at: Date) {
    clock = at;
    const citizen = new Chat(app);
    const complaint = await file(app, citizen, { category: 'Perhubungan', subcategory: 'Parkir Liar', description: 'Juru parkir liar menarik tarif dua kali lipat di depan minimarket setiap malam.' });
    return { ...complaint, citizen };
  }

  /** Filed, returned by the parking unit ("bukan wewenang") and forwarded by the koordinator, all at `at`. */
  async function forwarded(at: Date) {
    const c = await filed(at);
    expect(await parkir.run(`bukanwewenang ${c.code} Lokasi ini urusan lalu lintas`)).toMatch(/^✅/);
    expect(await koordinator.run(`teruskan ${c.code} dishub-malang-lalin`)).toMatch(/^✅/);
    return c;
  }

  /** The agency answers at `at`; the citizen gets the feedback question. */
  async function answered(c: { code: string; citizen: Chat }, at: Date) {
    clock = at;
    expect(await lalin.run(`balas ${c.code} Petugas sudah menertibkan juru parkir tersebut.`)).toMatch(/^✅/);
    await c.citizen.waitFor(`Apakah masalah pada laporan ${c.code} sudah selesai?`);
  }

  // Regression (was a bug): intake stamps forwardedAt with the wall clock (`new Date()` in PgComplaintStore.insertComplaint)
  // instead of the app's clock, so the clocks of a complaint routed at intake start at the wrong
  // instant whenever the two differ (here: the FIRST_ANSWER due date is computed from today, not 9 Jan).
  it('after intake, a forwarded complaint has FIRST_ANSWER and RESOLUTION due 5 working days after forwarding', async () => {
    const { code, id } = await filed(FRIDAY);
    expect((await complaintOf(app, code)).forwardedAt).toEqual(FRIDAY);
    const r = await rows(id);
    for (const kind of ['FIRST_ANSWER', 'RESOLUTION'] as const) expect(r[kind]).toMatchObject({ state: 'ACTIVE', dueAt: endOf('2026-01-19'), remindAt: endOf('2026-01-15') });
  });

  it('plans VERIFY (3 working days) and then FIRST_ANSWER and RESOLUTION (5), skipping the weekend and Isra Mikraj', async () => {
    const { code, id } = await filed(FRIDAY);
    expect(await parkir.run(`bukanwewenang ${code} Lokasi ini urusan lalu lintas`)).toMatch(/^✅/);
    let r = await rows(id);
    expect((await complaintOf(app, code)).status).toBe('SUBMITTED');
    // Fri 9 → Mon 12, Tue 13, Wed 14; reminded at the end of the working day before.
    expect(r.VERIFY).toMatchObject({ state: 'ACTIVE', dueAt: endOf('2026-01-14'), remindAt: endOf('2026-01-13'), remindedAt: null, breachedAt: null });
    expect(r.FIRST_ANSWER?.state).toBe('CANCELLED');

    expect(await koordinator.run(`teruskan ${code} dishub-malang-lalin`)).toMatch(/^✅/);
    r = await rows(id);
    expect(r.VERIFY?.state).toBe('MET');
    // Fri 9 → Mon 12, Tue 13, Wed 14, Thu 15, (Fri 16 Isra Mikraj, weekend) Mon 19.
    for (const kind of ['FIRST_ANSWER', 'RESOLUTION'] as const) expect(r[kind]).toMatchObject({ state: 'ACTIVE', dueAt: endOf('2026-01-19'), remindAt: endOf('2026-01-15') });
    expect(r.AUTO_CLOSE).toBeUndefined();
  });

  // Regression (was a bug): "bukan wewenang" back to the koordinator should restart verification (the comment on `restarts`
  // says so), but a complaint that never had a VERIFY row gets one counted from its original
  // submittedAt (startOf(VERIFY, c, restarted=false)): four working days after filing it is born overdue.
  it('restarts verification when an agency hands a complaint back days after it was filed', async () => {
    const { code, id } = await filed(new Date('2026-01-05T02:00:00Z'));
    clock = FRIDAY;
    await parkir.run(`bukanwewenang ${code} Lokasi ini urusan lalu lintas`);
    expect((await rows(id)).VERIFY).toMatchObject({ state: 'ACTIVE', dueAt: endOf('2026-01-14'), remindAt: endOf('2026-01-13') });
  });

  // Regression (was a bug): re-routing a forwarded complaint ("bukanwewenang KODE instansi", or the koordinator's "teruskan")
  // stamps a new forwardedAt, but syncDeadlines skips ACTIVE clocks: the new agency inherits the old
  // agency's remaining days (or a clock already breached) instead of its own 5 working days.
  it('gives the agency a complaint is re-routed to its own 5 working days', async () => {
    const { code, id } = await forwarded(FRIDAY);
    clock = new Date('2026-01-14T03:00:00Z');
    expect(await lalin.run(`bukanwewenang ${code} dishub-malang-parkir Ternyata soal juru parkir`)).toMatch(/^✅/);
    expect((await complaintOf(app, code)).forwardedAt).toEqual(clock);
    // Wed 14 → Thu 15, (Isra Mikraj) Mon 19, Tue 20, Wed 21, Thu 22.
    expect((await rows(id)).FIRST_ANSWER).toMatchObject({ state: 'ACTIVE', dueAt: endOf('2026-01-22') });
  });

  it('reminds the responsible officers once at remindAt', async () => {
    const { code, id } = await forwarded(FRIDAY);
    const since = lalin.chat.seen.length;
    await sweepAt(new Date(endOf('2026-01-15').getTime() - 1));
    expect(await eventsOf(id, ['REMINDER_SENT'])).toEqual([]);

    const remindAt = endOf('2026-01-15');
    await sweepAt(remindAt);
    expect(await eventsOf(id, ['REMINDER_SENT'])).toEqual([
      { type: 'REMINDER_SENT', actor: 'SYSTEM', kind: 'FIRST_ANSWER', at: remindAt },
      { type: 'REMINDER_SENT', actor: 'SYSTEM', kind: 'RESOLUTION', at: remindAt },
    ]);
    expect((await rows(id)).FIRST_ANSWER).toMatchObject({ state: 'ACTIVE', remindedAt: remindAt });
    // The deadline's own timer is still waiting after the reminder: the breach does not depend on the sweep.
    expect(await (await jobs(id)).find((j) => j.id === `deadline-${id}-FIRST_ANSWER-due`)?.getState()).toBe('delayed');
    const title = (await complaintOf(app, code)).title;
    await lalin.chat.waitFor(`🔔 Pengingat — ${code}: batas tindak lanjut pertama hari kerja ini/besok. ${title.slice(0, 80)}`, since);

    await sweepAt(new Date(remindAt.getTime() + 3_600_000));
    expect(await eventsOf(id, ['REMINDER_SENT'])).toHaveLength(2);
    expect((await lalin.chat.refresh()).slice(since).filter((t) => t.includes(`Pengingat — ${code}`))).toHaveLength(2);
  });

  it('records a breach once, escalates to the koordinator, and leaves it there', async () => {
    const { code, id } = await forwarded(FRIDAY);
    const since = koordinator.chat.seen.length;
    const due = endOf('2026-01-19');
    const late = new Date(due.getTime() + 1);
    await sweepAt(late);
    expect(await rows(id)).toMatchObject({ FIRST_ANSWER: { state: 'BREACHED', breachedAt: late }, RESOLUTION: { state: 'BREACHED', breachedAt: late } });
    const breach = (kind: string) => [
      { type: 'DEADLINE_BREACHED', actor: 'SYSTEM', kind, at: late },
      { type: 'ESCALATED', actor: 'SYSTEM', kind, at: late },
    ];
    expect(await eventsOf(id, ['DEADLINE_BREACHED', 'ESCALATED', 'REMINDER_SENT'])).toEqual([...breach('FIRST_ANSWER'), ...breach('RESOLUTION')]);
    const agency = (await complaintOf(app, code)).agency?.name;
    await koordinator.chat.waitFor(`⏰ Eskalasi — ${code}: batas tindak lanjut pertama terlewati (${agency}). Lihat: lihat ${code}`, since);

    await sweepAt(new Date(late.getTime() + 86_400_000));
    expect(await eventsOf(id, ['DEADLINE_BREACHED', 'ESCALATED', 'REMINDER_SENT'])).toHaveLength(4);
    expect((await koordinator.chat.refresh()).slice(since).filter((t) => t.includes(`Eskalasi — ${code}`))).toHaveLength(2);
  });

  // Regression (was a bug): fireDeadline reads the row, then writes BREACHED without a state check: a timer job and the sweep
  // (or two sweeps) firing the same clock at once both escalate, logging the breach twice.
  it('escalates once when the timer and the sweep fire the same clock at the same moment', async () => {
    const { id } = await forwarded(FRIDAY);
    const late = new Date(endOf('2026-01-19').getTime() + 1);
    clock = late;
    await Promise.all([fireDeadline(app.cases.deadlines, id, 'FIRST_ANSWER', late), fireDeadline(app.cases.deadlines, id, 'FIRST_ANSWER', late)]);
    expect(await eventsOf(id, ['DEADLINE_BREACHED'])).toHaveLength(1);
  });

  it('keeps a reminder job and a deadline job per clock, with the planned delays, and replaces them when the status changes', async () => {
    const c = await forwarded(FRIDAY);
    const delayOf = (job: Job | undefined) => job && { id: job.id, delay: job.delay };
    /** Jobs by "KIND-phase": deadline-<complaint>-<KIND>-<remind|due>. */
    const byKind = async (): Promise<Record<string, Job>> => Object.fromEntries((await jobs(c.id)).map((j) => [j.id?.split('-').slice(-2).join('-') ?? '', j]));
    const idOf = (kind: DeadlineKind, phase: 'remind' | 'due') => `deadline-${c.id}-${kind}-${phase}`;

    let planned = await byKind();
    expect(Object.keys(planned).sort()).toEqual(['FIRST_ANSWER-due', 'FIRST_ANSWER-remind', 'RESOLUTION-due', 'RESOLUTION-remind']);
    expect(delayOf(planned['FIRST_ANSWER-remind'])).toEqual({ id: idOf('FIRST_ANSWER', 'remind'), delay: endOf('2026-01-15').getTime() - FRIDAY.getTime() });
    // Five working days from Friday 9 January skip the weekend and Isra Mikraj (Friday 16): Monday 19.
    expect(delayOf(planned['FIRST_ANSWER-due'])).toEqual({ id: idOf('FIRST_ANSWER', 'due'), delay: endOf('2026-01-19').getTime() - FRIDAY.getTime() });

    clock = MONDAY;
    await lalin.run(`tunda ${c.code} Jam berapa juru parkirnya datang?`);
    expect(await jobs(c.id)).toEqual([]);
    expect((await rows(c.id)).FIRST_ANSWER).toMatchObject({ state: 'PAUSED', remainingWorkingDays: 4 });

    // Resumed on Tuesday with the 4 working days it had left: Wed 14, Thu 15, (Isra Mikraj) Mon 19, Tue 20.
    // The citizen answers the next day, opening the reply form themselves ("tambah KODE").
    await c.citizen.waitFor(`Tulis pesan Anda untuk laporan ${c.code}:`);
    clock = new Date('2026-01-13T03:00:00Z');
    expect((await c.citizen.say(`tambah ${c.code}`)).at(-1)?.text).toBe(`Tulis pesan Anda untuk laporan ${c.code}:`);
    await c.citizen.say('Biasanya mulai jam tujuh malam sampai tengah malam.');
    expect((await rows(c.id)).FIRST_ANSWER).toMatchObject({ state: 'ACTIVE', dueAt: endOf('2026-01-20'), remindAt: endOf('2026-01-19') });
    planned = await byKind();
    expect(Object.keys(planned).sort()).toEqual(['FIRST_ANSWER-due', 'FIRST_ANSWER-remind', 'RESOLUTION-due', 'RESOLUTION-remind']);
    expect(planned['FIRST_ANSWER-remind']?.delay).toBe(endOf('2026-01-19').getTime() - clock.getTime());
    expect(planned['FIRST_ANSWER-due']?.delay).toBe(endOf('2026-01-20').getTime() - clock.getTime());

    // Answered on Tuesday: 10 working days later is Wednesday 28 January.
    const answeredAt = new Date('2026-01-13T04:00:00Z');
    await answered(c, answeredAt);
    const r = await rows(c.id);
    expect(r.FIRST_ANSWER?.state).toBe('MET');
    expect(r.AUTO_CLOSE).toMatchObject({ state: 'ACTIVE', dueAt: endOf('2026-01-28'), remindAt: endOf('2026-01-27') });
    planned = await byKind();
    expect(Object.keys(planned).filter((k) => !k.startsWith('RESOLUTION')).sort()).toEqual(['AUTO_CLOSE-due', 'AUTO_CLOSE-remind']);
    expect(delayOf(planned['AUTO_CLOSE-remind'])).toEqual({ id: idOf('AUTO_CLOSE', 'remind'), delay: endOf('2026-01-27').getTime() - answeredAt.getTime() });
    expect(delayOf(planned['AUTO_CLOSE-due'])).toEqual({ id: idOf('AUTO_CLOSE', 'due'), delay: endOf('2026-01-28').getTime() - answeredAt.getTime() });
    expect(await planned['AUTO_CLOSE-due']?.getState()).toBe('delayed');
  });

  it('closes an answered complaint 10 working days later when the citizen stays silent', async () => {
    const c = await forwarded(FRIDAY);
    await answered(c, MONDAY);
    const due = endOf('2026-01-27');
    expect(await fireDeadline(app.cases.deadlines, c.id, 'AUTO_CLOSE', new Date(due.getTime() - 1))).toBe('reminded');
    expect((await complaintOf(app, c.code)).status).toBe('FOLLOWED_UP');

    clock = due;
    expect(await fireDeadline(app.cases.deadlines, c.id, 'AUTO_CLOSE', due)).toBe('closed');
    const done = await complaintOf(app, c.code);
    expect(done).toMatchObject({ status: 'DONE', outcome: 'CLOSED_UNCONFIRMED', closedAt: due, rating: null });
    expect(done.events.filter((e) => e.type === 'STATUS_CHANGED').at(-1)).toMatchObject({ fromStatus: 'FOLLOWED_UP', toStatus: 'DONE', actorType: 'SYSTEM', actorId: null, createdAt: due });
    await c.citizen.waitFor(`Laporan ${c.code} ditutup otomatis karena tidak ada tanggapan dalam 10 hari kerja setelah jawaban instansi.`);
    expect(await rows(c.id)).toMatchObject({ AUTO_CLOSE: { state: 'MET' }, RESOLUTION: { state: 'MET' } });
    expect(await jobs(c.id)).toEqual([]);
    expect(await fireDeadline(app.cases.deadlines, c.id, 'AUTO_CLOSE', new Date(due.getTime() + 86_400_000))).toBe('none');
  });

  it('a citizen reply before the auto-close cancels that clock', async () => {
    const c = await forwarded(FRIDAY);
    await answered(c, MONDAY);
    // Two days later the citizen opens the rating form themselves ("nilai KODE").
    clock = new Date('2026-01-14T03:00:00Z');
    await c.citizen.say(`nilai ${c.code}`);
    await c.citizen.say({ choice: WebchatClient.choice(c.citizen.seen, 'Belum') });
    await c.citizen.say({ choice: WebchatClient.choice(c.citizen.seen, '2') });
    await c.citizen.say('Malam ini juru parkirnya masih ada dan tetap menarik tarif tinggi.');
    expect((await complaintOf(app, c.code)).status).toBe('CITIZEN_REPLIED');
    expect((await rows(c.id)).AUTO_CLOSE?.state).toBe('CANCELLED');
    expect((await jobs(c.id)).map((j) => j.id)).not.toContain(`deadline-${c.id}-AUTO_CLOSE`);
    const later = endOf('2026-01-28');
    clock = later;
    expect(await fireDeadline(app.cases.deadlines, c.id, 'AUTO_CLOSE', later)).toBe('none');
    expect((await complaintOf(app, c.code)).status).toBe('CITIZEN_REPLIED');
  });

  it('the sweep catches a clock whose timer was lost', async () => {
    const { id } = await forwarded(FRIDAY);
    for (const phase of ['remind', 'due']) await (await jobs(id)).find((j) => j.id === `deadline-${id}-FIRST_ANSWER-${phase}`)!.remove();
    expect((await jobs(id)).map((j) => j.id).sort()).toEqual([`deadline-${id}-RESOLUTION-due`, `deadline-${id}-RESOLUTION-remind`]);
    const late = new Date(endOf('2026-01-19').getTime() + 60_000);
    expect(await sweepAt(late)).toBeGreaterThanOrEqual(1);
    expect((await rows(id)).FIRST_ANSWER).toMatchObject({ state: 'BREACHED', breachedAt: late });
    expect(await eventsOf(id, ['DEADLINE_BREACHED'])).toContainEqual({ type: 'DEADLINE_BREACHED', actor: 'SYSTEM', kind: 'FIRST_ANSWER', at: late });
  });

  it('syncDeadlines is idempotent: planning again changes nothing', async () => {
    const { id } = await forwarded(FRIDAY);
    const before = await rows(id);
    await syncDeadlines(app.cases.deadlines, id, MONDAY);
    expect(await rows(id)).toEqual(before);
  });
});
