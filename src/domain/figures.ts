/**
 * Monitoring figures (pure): what coordinators are graded on, computed from one row per complaint.
 *
 * Every figure is about the COHORT of complaints received (submittedAt) in the period; "overdue now"
 * is measured at the moment of the request. The definitions (README "Monitoring figures"):
 * - received: complaints in the cohort (merged duplicates included: each was a report).
 * - verified: the koordinator's verification ended: the first event out of SUBMITTED to FORWARDED
 *   (disposisi, also the automatic routing at intake) or ARCHIVED (rejected as spam or out of scope).
 * - forwarded: reached an agency at least once (a FORWARDED event).
 * - answered: got at least one answer of the agency (MESSAGE_OUT with action answer or resolve).
 * - done: status DONE, except complaints merged into another one.
 * - responseRate: answered ÷ forwarded (null when nothing was forwarded).
 * - days to verification / first answer / resolution: working days (WorkingDayCalendar
 *   .workingDaysBetween, in the deployment's zone) from submittedAt to verifiedAt, to the first
 *   answer, and to closedAt of done complaints; median (mean of the two middle values for an even
 *   count) and 90th percentile (nearest rank: the ⌈0.9·n⌉-th smallest).
 * - overdueNow: open complaints with a VERIFY, FIRST_ANSWER or RESOLUTION clock that is BREACHED or
 *   ACTIVE past its due time.
 * - deadlineBreaches: DEADLINE_BREACHED events of the cohort (one complaint can breach several clocks).
 * - averageRating: mean of the citizens' ratings (1-5) of rated complaints, with their count.
 */
import type { ComplaintStatus } from './complaint.js';

export interface FigureRow {
  complaintId: string;
  agencyId: string | null;
  regionCode: string | null;
  status: ComplaintStatus;
  outcome: string | null;
  rating: number | null;
  submittedAt: Date;
  verifiedAt: Date | null;
  forwardedAt: Date | null;
  firstAnswerAt: Date | null;
  closedAt: Date | null;
  breaches: number;
  overdue: boolean;
}

export interface Spread {
  /** How many complaints the median and p90 are taken over. */
  count: number;
  median: number | null;
  p90: number | null;
}

export interface Figures {
  received: number;
  verified: number;
  forwarded: number;
  answered: number;
  done: number;
  responseRate: number | null;
  daysToVerification: Spread;
  daysToFirstAnswer: Spread;
  daysToResolution: Spread;
  overdueNow: number;
  deadlineBreaches: number;
  averageRating: number | null;
  ratings: number;
}

/** Working days from one instant to a later one (the calendar's count, in the deployment's zone). */
export type WorkingDays = (from: Date, to: Date) => number;

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** Nearest-rank percentile: the ⌈p/100·n⌉-th smallest value. */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

function spread(values: readonly number[]): Spread {
  return { count: values.length, median: median(values), p90: percentile(values, 90) };
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

export function computeFigures(rows: readonly FigureRow[], workingDays: WorkingDays): Figures {
  const verified = rows.filter((r) => r.verifiedAt);
  const forwarded = rows.filter((r) => r.forwardedAt).length;
  const answered = rows.filter((r) => r.firstAnswerAt);
  const done = rows.filter((r) => r.status === 'DONE' && r.outcome !== 'MERGED');
  const rated = rows.flatMap((r) => (r.rating === null ? [] : [r.rating]));
  const days = (list: readonly FigureRow[], end: (r: FigureRow) => Date | null) =>
    list.flatMap((r) => {
      const at = end(r);
      return at ? [workingDays(r.submittedAt, at)] : [];
    });
  return {
    received: rows.length,
    verified: verified.length,
    forwarded,
    answered: answered.length,
    done: done.length,
    responseRate: forwarded === 0 ? null : round(answered.length / forwarded, 4),
    daysToVerification: spread(days(verified, (r) => r.verifiedAt)),
    daysToFirstAnswer: spread(days(answered, (r) => r.firstAnswerAt)),
    daysToResolution: spread(days(done, (r) => r.closedAt)),
    overdueNow: rows.filter((r) => r.overdue).length,
    deadlineBreaches: rows.reduce((sum, r) => sum + r.breaches, 0),
    averageRating: rated.length === 0 ? null : round(rated.reduce((a, b) => a + b, 0) / rated.length, 2),
    ratings: rated.length,
  };
}

/** Figures per key (agency, region); rows whose key is null are grouped under null. */
export function groupFigures(rows: readonly FigureRow[], keyOf: (row: FigureRow) => string | null, workingDays: WorkingDays): Map<string | null, Figures> {
  const groups = new Map<string | null, FigureRow[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return new Map([...groups].map(([key, list]) => [key, computeFigures(list, workingDays)]));
}

/** The flat columns of a figures table, in CSV order. */
export const FIGURE_COLUMNS = [
  'received', 'verified', 'forwarded', 'answered', 'done', 'response_rate',
  'verification_days_median', 'verification_days_p90', 'first_answer_days_median', 'first_answer_days_p90',
  'resolution_days_median', 'resolution_days_p90', 'overdue_now', 'deadline_breaches', 'average_rating', 'ratings',
] as const;

export function flattenFigures(f: Figures): (number | null)[] {
  return [
    f.received, f.verified, f.forwarded, f.answered, f.done, f.responseRate,
    f.daysToVerification.median, f.daysToVerification.p90, f.daysToFirstAnswer.median, f.daysToFirstAnswer.p90,
    f.daysToResolution.median, f.daysToResolution.p90, f.overdueNow, f.deadlineBreaches, f.averageRating, f.ratings,
  ];
}
