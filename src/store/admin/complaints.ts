/** Complaints for the admin API: search with filters and paging, detail with thread and events, audited reveals. */
import { isUuid } from '../../domain/index.js';
import type { Db, Prisma } from '../prisma.js';
import { saveAudit, type AuditActor } from './audit.js';

export interface ComplaintSearch {
  /** 'all' (OPERATOR) or the scope: agencies the principal covers, plus the koordinator's region. */
  scope: 'all' | { agencyIds: string[]; regionCode: string | null; seesSubmitted: boolean };
  status?: string[] | undefined;
  agencyId?: string | undefined;
  categoryId?: string | undefined;
  regionCode?: string | undefined;
  channel?: 'WEBCHAT' | 'TELEGRAM' | 'WHATSAPP' | undefined;
  type?: 'PENGADUAN' | 'ASPIRASI' | 'PERMINTAAN_INFORMASI' | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  q?: string | undefined;
  page: number;
  pageSize: number;
}

type Where = Prisma.ComplaintWhereInput;

function scopeWhere(scope: ComplaintSearch['scope']): Where {
  if (scope === 'all') return {};
  const inAgencies: Where[] = [{ agencyId: { in: scope.agencyIds } }, { copies: { some: { agencyId: { in: scope.agencyIds } } } }];
  const inRegion: Where[] = scope.regionCode ? [{ regionCode: scope.regionCode }, { regionCode: { startsWith: `${scope.regionCode}.` } }] : [];
  return { AND: [{ OR: [...inAgencies, ...inRegion] }, ...(scope.seesSubmitted ? [] : [{ status: { not: 'SUBMITTED' as const } }])] };
}

/** Free text is matched literally: LIKE wildcards in it are escaped, the value is a bound parameter. */
const literal = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchComplaints(db: Db, search: ComplaintSearch) {
  const q = search.q?.trim();
  const where: Where = {
    AND: [
      scopeWhere(search.scope),
      search.status?.length ? { status: { in: search.status.filter((s) => s !== '').map((s) => toStatus(s)) } } : {},
      search.agencyId ? { agencyId: search.agencyId } : {},
      search.categoryId ? { OR: [{ categoryId: search.categoryId }, { category: { parentId: search.categoryId } }] } : {},
      search.regionCode ? { OR: [{ regionCode: search.regionCode }, { regionCode: { startsWith: `${search.regionCode}.` } }] } : {},
      search.channel ? { channel: search.channel } : {},
      search.type ? { type: search.type } : {},
      search.from || search.to ? { submittedAt: { ...(search.from ? { gte: search.from } : {}), ...(search.to ? { lt: search.to } : {}) } } : {},
      q ? { OR: [{ trackingCode: { contains: literal(q), mode: 'insensitive' } }, { title: { contains: literal(q), mode: 'insensitive' } }] } : {},
    ],
  };
  const [total, rows] = await Promise.all([
    db.complaint.count({ where }),
    db.complaint.findMany({
      where,
      orderBy: [{ submittedAt: 'desc' }, { id: 'desc' }],
      skip: (search.page - 1) * search.pageSize,
      take: search.pageSize,
      include: { category: { select: { code: true } }, agency: { select: { code: true } }, copies: { select: { agencyId: true } } },
    }),
  ]);
  return { total, rows };
}

const STATUSES = ['SUBMITTED', 'ON_HOLD', 'FORWARDED', 'IN_PROGRESS', 'FOLLOWED_UP', 'CITIZEN_REPLIED', 'DONE', 'ARCHIVED'] as const;
function toStatus(value: string): (typeof STATUSES)[number] {
  return STATUSES.find((s) => s === value) ?? 'SUBMITTED';
}

export async function findComplaintDetail(db: Db, idOrCode: string) {
  const isId = isUuid(idOrCode);
  return db.complaint.findFirst({
    where: isId ? { id: idOrCode } : { trackingCode: idOrCode },
    include: {
      category: { select: { code: true, nameId: true } },
      agency: { select: { code: true, name: true } },
      copies: { select: { agencyId: true } },
      messages: { orderBy: { createdAt: 'asc' } },
      events: { orderBy: { id: 'asc' } },
      attachments: { select: { id: true, kind: true, mimeType: true, sizeBytes: true, originalName: true, createdAt: true } },
      citizen: { select: { id: true, displayName: true, identities: { select: { channel: true, externalId: true } } } },
    },
  });
}

/** The reveal of an anonim reporter is recorded before the identity leaves the database. */
export async function saveReveal(db: Db, actor: AuditActor, complaint: { id: string; trackingCode: string; agencyId: string | null }, reason: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await saveAudit(tx, actor, { action: 'complaint.reveal_identity', targetType: 'complaint', targetId: complaint.id, agencyId: complaint.agencyId, after: { trackingCode: complaint.trackingCode, reason } });
  });
}
