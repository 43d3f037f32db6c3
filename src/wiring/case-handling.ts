/**
 * Builds officer case handling for the composition root: casework, deadlines and their timers,
 * onboarding, the officer desk and the citizen's replies and verdicts.
 */
import type { Logger } from 'pino';
import { DEFAULT_POLICY, type WorkingDayCalendar } from '../domain/index.js';
import type { InboundDeps } from '../services/handle-inbound.js';
import type { Config } from '../config.js';
import type { Queues } from '../queue/queues.js';
import { BullNotificationQueue } from '../queue/queues.js';
import { autoClose, rateAsCitizen, replyAsCitizen, type CaseworkDeps } from '../services/casework.js';
import { startDeadlines, syncDeadlines, type DeadlineDeps } from '../services/deadlines.js';
import { handleDesk, isForDesk, type OfficerDeskDeps } from '../services/officer-desk.js';
import type { ChatRef, MessageSender } from '../services/ports.js';
import { PgCaseStore } from '../store/cases.js';
import { BullDeadlineTimers, PgDeadlineStore } from '../store/deadlines.js';
import { PgOfficerStore } from '../store/officers.js';
import type { Db, Pool } from '../store/prisma.js';

export interface CaseHandling {
  casework: CaseworkDeps;
  deadlines: DeadlineDeps;
  officers: PgOfficerStore;
  desk: NonNullable<InboundDeps['desk']>;
  citizenCases: NonNullable<InboundDeps['citizenCases']>;
  /** After intake: start the clocks, and tell the receiving agency about a new complaint. */
  afterStore: (complaintId: string, created: boolean) => Promise<void>;
  refreshOfficerChats: () => Promise<void>;
  stop: () => void;
}

export async function buildCaseHandling(input: { db: Db; pool: Pool; queues: Queues; sender: MessageSender; config: Config; log: Logger; calendar: WorkingDayCalendar; now: () => Date }): Promise<CaseHandling> {
  const { db, pool, queues, sender, config, log, calendar, now } = input;
  const nextYear = now().getUTCFullYear() + 1;
  const missing = [nextYear - 1, nextYear].filter((year) => !calendar.coveredYears().includes(year));
  if (missing.length > 0) log.warn({ missing }, `no holiday file for ${missing.join(', ')} in CALENDAR_DIR: deadlines there count weekdays only`);
  const cases = new PgCaseStore(db, pool);
  const officers = new PgOfficerStore(db);

  const alertOfficers = async (chats: ChatRef[], text: string) => {
    for (const chat of chats) {
      await sender.send(chat, [{ text }]).catch((error: unknown) => log.warn({ err: error, channel: chat.channel }, 'could not alert an officer'));
    }
  };

  // Boxed so casework and deadlines can refer to each other.
  const box: { deadlines?: DeadlineDeps } = {};
  const casework: CaseworkDeps = {
    cases,
    notifications: new BullNotificationQueue(queues.notify),
    syncDeadlines: (complaintId, at, restart) => (box.deadlines ? syncDeadlines(box.deadlines, complaintId, at, restart) : Promise.resolve()),
    alertOfficers,
    showOfficerNames: config.SHOW_OFFICER_NAMES,
    onFollowUpFailure: (complaintId, error) => log.error({ complaintId, err: error }, "after a citizen's reply or rating was stored, its clocks, notices or alerts failed"),
  };
  const deadlines: DeadlineDeps = {
    store: new PgDeadlineStore(db, pool),
    cases,
    timers: new BullDeadlineTimers(queues.deadlines),
    calendar,
    policy: { ...DEFAULT_POLICY, reminderDaysBefore: config.DEADLINE_REMINDER_DAYS },
    defaultTimeZone: config.TIME_ZONE,
    alertOfficers,
    autoClose: (complaintId, at) => autoClose(casework, complaintId, at),
  };
  box.deadlines = deadlines;

  // Linked officer chats, so their messages skip the citizen flows; refreshed for other processes' links.
  let officerChats = new Set(await officers.findIdentityKeys());
  const refreshOfficerChats = async () => {
    officerChats = new Set(await officers.findIdentityKeys());
  };
  const timer = setInterval(() => void refreshOfficerChats().catch((error: unknown) => log.warn({ err: error }, 'officer chats refresh failed')), 15_000);
  timer.unref();

  const deskDeps: OfficerDeskDeps = {
    casework,
    cases,
    officers,
    isOfficerChat: (key) => officerChats.has(key),
    onLinked: (key) => officerChats.add(key),
    timeZone: config.TIME_ZONE,
  };

  return {
    casework,
    deadlines,
    officers,
    desk: { isForDesk: (message) => isForDesk(deskDeps, message), handle: (message) => handleDesk(deskDeps, message) },
    citizenCases: { reply: (i, at) => replyAsCitizen(casework, i, at), rate: (i, at) => rateAsCitizen(casework, i, at) },
    afterStore: async (complaintId, created) => {
      const c = await cases.findCaseById(complaintId);
      if (!c) return;
      // Just created and nobody acted on it yet (version 0): it has no clocks or timers to read or
      // replace. A retried intake (created false) re-plans like any change, so nothing is doubled.
      if (created && c.version === 0) await startDeadlines(deadlines, c, now());
      else await syncDeadlines(deadlines, complaintId, now(), [], c);
      // The officers hear of it at most once, from whichever run of intake gets here first: a run that failed
      // before this point (a Redis blip on the notice) leaves it to the retry. Once an officer acted
      // (version > 0) they know of it already.
      if (c.version !== 0) return;
      const koordinator = c.status === 'SUBMITTED';
      const chats = await cases.findOfficerChats({ agencyId: c.agencyId, regionCode: c.regionCode, assigneeId: null, koordinator });
      if (!(await cases.claimOfficerAlert(c.id, now()))) return;
      const duplicate = c.duplicateOfCode ? ` Kemungkinan duplikat dari ${c.duplicateOfCode}.` : '';
      await alertOfficers(chats, `📥 Laporan baru ${c.trackingCode} (${c.categoryName}): ${c.title.slice(0, 80)}.${duplicate} Lihat: lihat ${c.trackingCode}`);
    },
    refreshOfficerChats,
    stop: () => clearInterval(timer),
  };
}
