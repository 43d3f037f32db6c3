/** The public list: complaints that are not rahasia, newest first, with only what the public may read. */
import type { PublicComplaintFilter, PublicComplaintRow } from '../services/public-complaints.js';
import type { Db } from './prisma.js';

const CLOSED = ['DONE', 'ARCHIVED'] as const;

export async function findPublicComplaints(db: Db, filter: PublicComplaintFilter): Promise<{ total: number; rows: PublicComplaintRow[] }> {
  const where = {
    confidential: false,
    submittedAt: { gte: filter.from, lt: filter.toExclusive },
    ...(filter.state === 'open' ? { status: { notIn: [...CLOSED] } } : filter.state === 'closed' ? { status: { in: [...CLOSED] } } : {}),
  };
  const [total, rows] = await Promise.all([
    db.complaint.count({ where }),
    db.complaint.findMany({
      where,
      select: {
        trackingCode: true, type: true, title: true, status: true, regionCode: true, submittedAt: true, updatedAt: true,
        category: { select: { code: true, nameId: true } },
        agency: { select: { name: true } },
      },
      orderBy: [{ submittedAt: 'desc' }, { trackingCode: 'asc' }],
      skip: filter.offset,
      take: filter.limit,
    }),
  ]);
  return {
    total,
    rows: rows.map((c) => ({
      trackingCode: c.trackingCode, type: c.type, categoryCode: c.category.code, categoryName: c.category.nameId, title: c.title, status: c.status,
      agencyName: c.agency?.name ?? null, regionCode: c.regionCode, submittedAt: c.submittedAt, updatedAt: c.updatedAt,
    })),
  };
}
