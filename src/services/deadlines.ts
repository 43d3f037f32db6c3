/**
 * The SP4N-LAPOR! clocks on the working-day calendar: planned after every change of a complaint,
 * fired by delayed timer jobs (deterministic ids, rescheduled on every change), and caught by a
 * periodic sweep when a timer was lost. Before a deadline the responsible officers are reminded;
 * when it passes, the breach is recorded and the admin koordinator is told. The auto-close clock
 * closes an answered complaint the citizen left without reply.
 */
import { clockDays, DEADLINE_KINDS, runningClocks, type ComplaintStatus, type DeadlineKind, type DeadlinePolicy, type WorkingDayCalendar } from '../domain/index.js';
import type { CaseRecord, CaseStore, NewEvent } from './case-ports.js';
import type { ChatRef } from './ports.js';

export type DeadlineState = 'ACTIVE' | 'PAUSED' | 'MET' | 'BREACHED' | 'CANCELLED';

export interface DeadlineRow {
  complaintId: string;
  kind: DeadlineKind;
  state: DeadlineState;
  dueAt: Date;
  remindAt: Date | null;
  remainingWorkingDays: number | null;
  remindedAt: Date | null;
  breachedAt: Date | null;
}

export interface DeadlineStore {
  findDeadlines(complaintId: string): Promise<DeadlineRow[]>;
  saveDeadline(row: DeadlineRow): Promise<void>;
  /**
   * Writes the first clocks of a complaint in one statement, only while the complaint is still at
   * `version` (nobody acted on it); a clock that already exists is left as it is. Returns the kinds written.
   */
  insertDeadlines(rows: DeadlineRow[], version: number): Promise<DeadlineKind[]>;
  /** Saves only if the clock is still ACTIVE (and, with `unreminded`, not yet reminded): timer and sweep may race. */
  saveDeadlineIfActive(row: DeadlineRow, unreminded: boolean): Promise<boolean>;
  /** ACTIVE clocks whose reminder or deadline time has come. */
  findDueDeadlines(now: Date, limit: number): Promise<{ complaintId: string; kind: DeadlineKind }[]>;
  appendEvents(complaintId: string, events: NewEvent[], now: Date): Promise<void>;
  timeZoneOf(regionCode: string | null): Promise<string | null>;
}

export interface DeadlineTimers {
  /** Replaces the clock's timers: a reminder job (when still ahead) and a deadline job, per complaint and clock. */
  schedule(complaintId: string, kind: DeadlineKind, times: { remindAt: Date | null; dueAt: Date }, now: Date): Promise<void>;
  /** Adds the timers of clocks that have none yet (a new complaint), in one round trip; an existing timer is kept. */
  scheduleNew(clocks: { complaintId: string; kind: DeadlineKind; times: { remindAt: Date | null; dueAt: Date } }[], now: Date): Promise<void>;
  cancel(complaintId: string, kind: DeadlineKind): Promise<void>;
}

export interface DeadlineDeps {
  store: DeadlineStore;
  cases: CaseStore;
  timers: DeadlineTimers;
  calendar: WorkingDayCalendar;
  policy: DeadlinePolicy;
  defaultTimeZone: string;
  alertOfficers: (chats: ChatRef[], text: string) => Promise<void>;
  autoClose: (complaintId: string, now: Date) => Promise<boolean>;
}

/** Which leaving state a clock takes when its status is left: met when its goal was reached. */
function leavingState(kind: DeadlineKind, status: ComplaintStatus): DeadlineState {
  switch (kind) {
    case 'VERIFY':
      return 'MET';
    case 'FIRST_ANSWER':
      return status === 'FOLLOWED_UP' || status === 'DONE' ? 'MET' : 'CANCELLED';
    default:
      return status === 'DONE' ? 'MET' : 'CANCELLED';
  }
}

/** Verification restarts after "bukan wewenang"; auto-close restarts with every new answer. */
const restarts = (kind: DeadlineKind, row: DeadlineRow) => row.state === 'CANCELLED' || ((kind === 'VERIFY' || kind === 'AUTO_CLOSE') && row.state !== 'BREACHED');

function startOf(kind: DeadlineKind, c: CaseRecord, restarted: boolean, now: Date): Date {
  // Verification counts from filing, or from the moment a complaint came back to the koordinator.
  if (kind === 'VERIFY') return restarted || c.forwardedAt ? now : c.submittedAt;
  if (kind === 'AUTO_CLOSE') return c.followedUpAt ?? now;
  return c.forwardedAt ?? now;
}

/** One clock's change: the row to write, and its timers to put in place (or `null`: to cancel). */
interface ClockStep {
  kind: DeadlineKind;
  row: DeadlineRow;
  timer: { remindAt: Date | null; dueAt: Date } | null;
}

/** What re-planning `c` (with its current clock rows) changes; reads and writes nothing. */
function planClocks(deps: DeadlineDeps, c: CaseRecord, rows: ReadonlyMap<DeadlineKind, DeadlineRow>, zone: string, now: Date, restart: readonly DeadlineKind[]): ClockStep[] {
  const complaintId = c.id;
  const desired = runningClocks(c.status);
  const { calendar, policy } = deps;
  const steps: ClockStep[] = [];
  for (const kind of DEADLINE_KINDS) {
    const row = rows.get(kind);
    if (desired.includes(kind)) {
      let start: Date;
      let days: number;
      const restarting = restart.includes(kind);
      if (!restarting && row?.state === 'ACTIVE' && !(kind === 'AUTO_CLOSE' && c.followedUpAt && row.dueAt < c.followedUpAt)) continue;
      if (row?.state === 'PAUSED' && !restarting) {
        start = now;
        days = Math.max(1, row.remainingWorkingDays ?? 1);
      } else if (!row || restarting || restarts(kind, row)) {
        start = startOf(kind, c, row !== undefined, now);
        days = clockDays(kind, c.resolutionTier, policy);
      } else continue;
      const dueAt = calendar.addWorkingDays(start, days, zone);
      const remindAt = days > policy.reminderDaysBefore ? calendar.addWorkingDays(start, days - policy.reminderDaysBefore, zone) : null;
      steps.push({
        kind,
        row: { complaintId, kind, state: 'ACTIVE', dueAt, remindAt, remainingWorkingDays: null, remindedAt: null, breachedAt: null },
        timer: { remindAt: remindAt && remindAt > now ? remindAt : null, dueAt },
      });
    } else if (row?.state === 'ACTIVE') {
      // A hold pauses the clock with the working days it had left; any other status ends it.
      const paused = c.status === 'ON_HOLD';
      const remaining = paused ? Math.max(1, calendar.workingDaysBetween(now, row.dueAt, zone)) : null;
      steps.push({ kind, row: { ...row, state: paused ? 'PAUSED' : leavingState(kind, c.status), remainingWorkingDays: remaining }, timer: null });
    }
  }
  return steps;
}

/**
 * Re-plans a complaint's clocks for its current status. `restart` names clocks that begin again
 * whatever their state: a complaint re-routed to another agency gives that agency its own days.
 * `loaded` is the complaint when the caller has just read it (saves reading it again).
 */
export async function syncDeadlines(deps: DeadlineDeps, complaintId: string, now: Date, restart: readonly DeadlineKind[] = [], loaded?: CaseRecord): Promise<void> {
  const c = loaded ?? (await deps.cases.findCaseById(complaintId));
  if (!c) return;
  const rows = new Map((await deps.store.findDeadlines(complaintId)).map((r) => [r.kind, r]));
  const zone = (await deps.store.timeZoneOf(c.regionCode)) ?? deps.defaultTimeZone;
  for (const step of planClocks(deps, c, rows, zone, now, restart)) {
    await deps.store.saveDeadline(step.row);
    if (step.timer) await deps.timers.schedule(complaintId, step.kind, step.timer, now);
    else await deps.timers.cancel(complaintId, step.kind);
  }
}

/**
 * The first planning of a complaint intake has just created (nobody acted on it yet): it has no
 * clocks and no timers, so none are read or cancelled. The same plan syncDeadlines makes, its rows
 * written in one statement and its timers added in one round trip. A clock that exists after all
 * (a concurrent re-plan got there first) is kept, and so is its timer.
 */
export async function startDeadlines(deps: DeadlineDeps, c: CaseRecord, now: Date): Promise<void> {
  const zone = (await deps.store.timeZoneOf(c.regionCode)) ?? deps.defaultTimeZone;
  const steps = planClocks(deps, c, new Map(), zone, now, []);
  if (steps.length === 0) return;
  const written = new Set(await deps.store.insertDeadlines(steps.map((s) => s.row), c.version));
  // Nothing written: an officer acted in the meantime (or a re-plan got there first); plan as for any change.
  if (written.size === 0) return syncDeadlines(deps, c.id, now);
  await deps.timers.scheduleNew(steps.flatMap((s) => (s.timer && written.has(s.kind) ? [{ complaintId: c.id, kind: s.kind, times: s.timer }] : [])), now);
}

const KIND_WORD: Record<DeadlineKind, string> = {
  VERIFY: 'verifikasi dan disposisi',
  FIRST_ANSWER: 'tindak lanjut pertama',
  RESOLUTION: 'penyelesaian',
  AUTO_CLOSE: 'penutupan otomatis',
};

/** Runs one clock if its time has come (timer job or sweep); safe to call at any time, any number of times. */
export async function fireDeadline(deps: DeadlineDeps, complaintId: string, kind: DeadlineKind, now: Date): Promise<'reminded' | 'breached' | 'closed' | 'none'> {
  const row = (await deps.store.findDeadlines(complaintId)).find((r) => r.kind === kind);
  if (row?.state !== 'ACTIVE') return 'none';
  const c = await deps.cases.findCaseById(complaintId);
  if (!c) return 'none';
  if (!runningClocks(c.status).includes(kind)) {
    await syncDeadlines(deps, complaintId, now); // a change whose planning was lost
    return 'none';
  }
  const zone = (await deps.store.timeZoneOf(c.regionCode)) ?? deps.defaultTimeZone;
  if (now >= row.dueAt) {
    if (kind === 'AUTO_CLOSE') return (await deps.autoClose(complaintId, now)) ? 'closed' : 'none';
    const late = `${c.trackingCode}: batas ${KIND_WORD[kind]} terlewati (${c.agencyName ?? 'belum ada instansi'}). Lihat: lihat ${c.trackingCode}`;
    if (!(await deps.store.saveDeadlineIfActive({ ...row, state: 'BREACHED', breachedAt: now }, false))) return 'none';
    await deps.store.appendEvents(complaintId, [
      { type: 'DEADLINE_BREACHED', actorType: 'SYSTEM', agencyId: c.agencyId, data: { action: 'breach', kind, dueAt: row.dueAt.toISOString() }, notify: false },
      { type: 'ESCALATED', actorType: 'SYSTEM', agencyId: c.agencyId, data: { action: 'escalate', kind, to: 'ADMIN_KOORDINATOR' }, notify: false },
    ], now);
    await deps.alertOfficers(await deps.cases.findOfficerChats({ agencyId: c.agencyId, regionCode: c.regionCode, assigneeId: null, koordinator: true }), `⏰ Eskalasi — ${late}`);
    return 'breached';
  }
  if (row.remindAt && !row.remindedAt && now >= row.remindAt) {
    const left = deps.calendar.workingDaysBetween(now, row.dueAt, zone);
    if (!(await deps.store.saveDeadlineIfActive({ ...row, remindedAt: now }, true))) return 'none';
    await deps.store.appendEvents(complaintId, [{ type: 'REMINDER_SENT', actorType: 'SYSTEM', agencyId: c.agencyId, data: { action: 'remind', kind }, notify: false }], now);
    const koordinator = kind === 'VERIFY';
    await deps.alertOfficers(
      await deps.cases.findOfficerChats({ agencyId: c.agencyId, regionCode: c.regionCode, assigneeId: koordinator ? null : c.assigneeId, koordinator }),
      `🔔 Pengingat — ${c.trackingCode}: batas ${KIND_WORD[kind]} ${left <= 1 ? 'hari kerja ini/besok' : `dalam ${left} hari kerja`}. ${c.title.slice(0, 80)}`,
    );
    return 'reminded';
  }
  return 'none';
}

/** The safety net: every clock whose time has come, whatever happened to its timer. */
export async function sweepDeadlines(deps: DeadlineDeps, now: Date, limit = 500): Promise<number> {
  let fired = 0;
  for (const { complaintId, kind } of await deps.store.findDueDeadlines(now, limit)) {
    if ((await fireDeadline(deps, complaintId, kind, now)) !== 'none') fired++;
  }
  return fired;
}
