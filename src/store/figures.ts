/** The rows the monitoring figures are computed from: one statement, one row per complaint of the cohort. */
import { COMPLAINT_STATUSES, type ComplaintStatus } from '../domain/complaint.js';
import type { FigureRow } from '../domain/figures.js';
import type { Db } from './prisma.js';

interface RawRow {
  id: string;
  agencyId: string | null;
  regionCode: string | null;
  status: string;
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

const toStatus = (value: string): ComplaintStatus => COMPLAINT_STATUSES.find((s) => s === value) ?? 'SUBMITTED';

/** Complaints received in [from, toExclusive), with the times of their first verification, forward and answer. */
export async function findFigureRows(db: Db, from: Date, toExclusive: Date, now: Date): Promise<FigureRow[]> {
  const rows = await db.$queryRaw<RawRow[]>`
    SELECT c.id::text AS id, c."agencyId"::text AS "agencyId", c."regionCode", c.status::text AS status,
      c.outcome::text AS outcome, c.rating, c."submittedAt", c."closedAt",
      (SELECT min(e."createdAt") FROM "ComplaintEvent" e WHERE e."complaintId" = c.id
         AND e."fromStatus" = 'SUBMITTED' AND e."toStatus" IN ('FORWARDED', 'ARCHIVED')) AS "verifiedAt",
      (SELECT min(e."createdAt") FROM "ComplaintEvent" e WHERE e."complaintId" = c.id AND e.type = 'FORWARDED') AS "forwardedAt",
      (SELECT min(e."createdAt") FROM "ComplaintEvent" e WHERE e."complaintId" = c.id AND e.type = 'MESSAGE_OUT'
         AND e.data->>'action' IN ('answer', 'resolve')) AS "firstAnswerAt",
      (SELECT count(*)::int FROM "ComplaintEvent" e WHERE e."complaintId" = c.id AND e.type = 'DEADLINE_BREACHED') AS breaches,
      (c.status NOT IN ('DONE', 'ARCHIVED') AND EXISTS (SELECT 1 FROM "ComplaintDeadline" d WHERE d."complaintId" = c.id
         AND d.kind IN ('VERIFY', 'FIRST_ANSWER', 'RESOLUTION')
         AND (d.state = 'BREACHED' OR (d.state = 'ACTIVE' AND d."dueAt" < ${now})))) AS overdue
    FROM "Complaint" c
    WHERE c."submittedAt" >= ${from} AND c."submittedAt" < ${toExclusive}
    ORDER BY c."submittedAt"`;
  return rows.map((r) => ({
    complaintId: r.id,
    agencyId: r.agencyId,
    regionCode: r.regionCode,
    status: toStatus(r.status),
    outcome: r.outcome,
    rating: r.rating,
    submittedAt: r.submittedAt,
    verifiedAt: r.verifiedAt,
    forwardedAt: r.forwardedAt,
    firstAnswerAt: r.firstAnswerAt,
    closedAt: r.closedAt,
    breaches: Number(r.breaches),
    overdue: r.overdue,
  }));
}

export interface FigureLabels {
  agencies: Map<string, { code: string; name: string; parentId: string | null; regionCode: string }>;
  regions: Map<string, { name: string; parentCode: string | null }>;
}

/** Names for the agency and region keys of a report. */
export async function findFigureLabels(db: Db): Promise<FigureLabels> {
  const [agencies, regions] = await Promise.all([
    db.agency.findMany({ select: { id: true, code: true, name: true, parentId: true, regionCode: true } }),
    db.region.findMany({ select: { code: true, name: true, parentCode: true } }),
  ]);
  return {
    agencies: new Map(agencies.map((a) => [a.id, { code: a.code, name: a.name, parentId: a.parentId, regionCode: a.regionCode }])),
    regions: new Map(regions.map((r) => [r.code, { name: r.name, parentCode: r.parentCode }])),
  };
}
