/** Deadline clocks in PostgreSQL, and their timers as delayed BullMQ jobs. */
import type { Queue } from 'bullmq';
import type { DeadlineKind } from '../domain/index.js';
import type { NewEvent } from '../services/case-ports.js';
import type { DeadlineRow, DeadlineStore, DeadlineTimers } from '../services/deadlines.js';
import { utc, type Db, type Pool } from './prisma.js';

const INSERT_DEADLINES = `INSERT INTO "ComplaintDeadline" ("complaintId", kind, state, "dueAt", "remindAt", "remainingWorkingDays", "remindedAt", "breachedAt", "updatedAt")
  SELECT r.complaint, r.kind, r.state, ${utc('r.due')}, ${utc('r.remind')}, r.remaining, ${utc('r.reminded')}, ${utc('r.breached')}, CURRENT_TIMESTAMP AT TIME ZONE 'UTC'
  FROM unnest($1::uuid[], $2::"DeadlineKind"[], $3::"DeadlineState"[], $4::text[], $5::text[], $6::int[], $7::text[], $8::text[])
    AS r(complaint, kind, state, due, remind, remaining, reminded, breached)
  WHERE EXISTS (SELECT 1 FROM "Complaint" c WHERE c.id = r.complaint AND c.version = $9)
  ON CONFLICT ("complaintId", kind) DO NOTHING
  RETURNING kind`;

export class PgDeadlineStore implements DeadlineStore {
  private readonly zones = new Map<string, string | null>();

  constructor(private readonly db: Db, private readonly pool: Pool) {}

  async findDeadlines(complaintId: string): Promise<DeadlineRow[]> {
    return this.db.complaintDeadline.findMany({ where: { complaintId } });
  }

  async saveDeadline(row: DeadlineRow): Promise<void> {
    const { complaintId, kind, ...data } = row;
    await this.db.complaintDeadline.upsert({ where: { complaintId_kind: { complaintId, kind } }, create: row, update: data });
  }

  async insertDeadlines(rows: DeadlineRow[], version: number): Promise<DeadlineKind[]> {
    if (rows.length === 0) return [];
    const iso = (at: Date | null) => at?.toISOString() ?? null;
    const { rows: written } = await this.pool.query<{ kind: DeadlineKind }>({
      name: 'deadlines-insert',
      text: INSERT_DEADLINES,
      values: [
        rows.map((r) => r.complaintId),
        rows.map((r) => r.kind),
        rows.map((r) => r.state),
        rows.map((r) => r.dueAt.toISOString()),
        rows.map((r) => iso(r.remindAt)),
        rows.map((r) => r.remainingWorkingDays),
        rows.map((r) => iso(r.remindedAt)),
        rows.map((r) => iso(r.breachedAt)),
        version,
      ],
    });
    return written.map((row) => row.kind);
  }

  async saveDeadlineIfActive(row: DeadlineRow, unreminded: boolean): Promise<boolean> {
    const { complaintId, kind, ...data } = row;
    const { count } = await this.db.complaintDeadline.updateMany({ where: { complaintId, kind, state: 'ACTIVE', ...(unreminded ? { remindedAt: null } : {}) }, data });
    return count === 1;
  }

  async findDueDeadlines(now: Date, limit: number): Promise<{ complaintId: string; kind: DeadlineKind }[]> {
    return this.db.complaintDeadline.findMany({
      where: { state: 'ACTIVE', OR: [{ dueAt: { lte: now } }, { remindAt: { lte: now }, remindedAt: null }] },
      select: { complaintId: true, kind: true },
      orderBy: { dueAt: 'asc' },
      take: limit,
    });
  }

  async appendEvents(complaintId: string, events: NewEvent[], now: Date): Promise<void> {
    await this.db.complaintEvent.createMany({
      data: events.map((e) => ({ complaintId, type: e.type, agencyId: e.agencyId ?? null, actorType: e.actorType, actorId: e.actorId ?? null, data: e.data, createdAt: now })),
    });
  }

  /** The region's zone (WIB, WITA, WIT), walking up to the nearest region that is known. */
  async timeZoneOf(regionCode: string | null): Promise<string | null> {
    if (!regionCode) return null;
    if (!this.zones.has(regionCode)) {
      const parts = regionCode.split('.');
      const codes = parts.map((_, i) => parts.slice(0, parts.length - i).join('.'));
      const regions = await this.db.region.findMany({ where: { code: { in: codes } }, select: { code: true, timeZone: true } });
      const zone = codes.map((code) => regions.find((r) => r.code === code)?.timeZone).find((z) => z !== undefined) ?? null;
      this.zones.set(regionCode, zone);
    }
    return this.zones.get(regionCode) ?? null;
  }
}

/**
 * Two delayed jobs per complaint and clock, `deadline-<id>-<KIND>-remind` and `…-due`, replaced
 * whenever the plan changes. Each is a separate id, so the reminder job never has to reschedule
 * itself (a job cannot replace its own id while it runs).
 */
export class BullDeadlineTimers implements DeadlineTimers {
  constructor(private readonly queue: Queue) {}

  static jobId(complaintId: string, kind: DeadlineKind, phase: 'remind' | 'due') {
    return `deadline-${complaintId}-${kind}-${phase}`;
  }

  /** The clock's jobs: a reminder (when `remindAt` is set) and then the deadline, each delayed until its time. */
  private static jobs(complaintId: string, kind: DeadlineKind, times: { remindAt: Date | null; dueAt: Date }, now: Date) {
    const job = (phase: 'remind' | 'due', at: Date) => ({
      name: 'fire',
      data: { complaintId, kind },
      opts: { jobId: BullDeadlineTimers.jobId(complaintId, kind, phase), delay: Math.max(0, at.getTime() - now.getTime()) },
    });
    return [...(times.remindAt ? [job('remind', times.remindAt)] : []), job('due', times.dueAt)];
  }

  async schedule(complaintId: string, kind: DeadlineKind, times: { remindAt: Date | null; dueAt: Date }, now: Date): Promise<void> {
    await this.cancel(complaintId, kind);
    for (const job of BullDeadlineTimers.jobs(complaintId, kind, times, now)) await this.queue.add(job.name, job.data, job.opts);
  }

  async scheduleNew(clocks: { complaintId: string; kind: DeadlineKind; times: { remindAt: Date | null; dueAt: Date } }[], now: Date): Promise<void> {
    const jobs = clocks.flatMap((c) => BullDeadlineTimers.jobs(c.complaintId, c.kind, c.times, now));
    // One pipelined round trip for all of them; a job id that exists already is left as it is (as `add` does).
    if (jobs.length > 0) await this.queue.addBulk(jobs);
  }

  async cancel(complaintId: string, kind: DeadlineKind): Promise<void> {
    for (const phase of ['remind', 'due'] as const) {
      const job = await this.queue.getJob(BullDeadlineTimers.jobId(complaintId, kind, phase));
      // An active job (running now) cannot be removed; it re-checks the clock and does nothing.
      if (job && !(await job.isActive())) await job.remove();
    }
  }
}
