/** Deadline clocks in PostgreSQL, and their timers as delayed BullMQ jobs. */
import type { Queue } from 'bullmq';
import type { DeadlineKind } from '../domain/index.js';
import type { NewEvent } from '../services/case-ports.js';
import type { DeadlineRow, DeadlineStore, DeadlineTimers } from '../services/deadlines.js';
import type { Db } from './prisma.js';

export class PgDeadlineStore implements DeadlineStore {
  private readonly zones = new Map<string, string | null>();

  constructor(private readonly db: Db) {}

  async findDeadlines(complaintId: string): Promise<DeadlineRow[]> {
    return this.db.complaintDeadline.findMany({ where: { complaintId } });
  }

  async saveDeadline(row: DeadlineRow): Promise<void> {
    const { complaintId, kind, ...data } = row;
    await this.db.complaintDeadline.upsert({ where: { complaintId_kind: { complaintId, kind } }, create: row, update: data });
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

  async schedule(complaintId: string, kind: DeadlineKind, times: { remindAt: Date | null; dueAt: Date }, now: Date): Promise<void> {
    await this.cancel(complaintId, kind);
    const add = (phase: 'remind' | 'due', at: Date) =>
      this.queue.add('fire', { complaintId, kind }, { jobId: BullDeadlineTimers.jobId(complaintId, kind, phase), delay: Math.max(0, at.getTime() - now.getTime()) });
    if (times.remindAt) await add('remind', times.remindAt);
    await add('due', times.dueAt);
  }

  async cancel(complaintId: string, kind: DeadlineKind): Promise<void> {
    for (const phase of ['remind', 'due'] as const) {
      const job = await this.queue.getJob(BullDeadlineTimers.jobId(complaintId, kind, phase));
      // An active job (running now) cannot be removed; it re-checks the clock and does nothing.
      if (job && !(await job.isActive())) await job.remove();
    }
  }
}
