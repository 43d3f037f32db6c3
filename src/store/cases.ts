/** Officer case handling in PostgreSQL: cases, officers, agencies, version-checked changes. */
import { isWithin, type ComplaintStatus } from '../domain/index.js';
import type { AgencyDirectory, ApplyResult, CaseChange, CaseRecord, CaseStore, CaseSummary, OfficerRecord } from '../services/case-ports.js';
import type { ChatRef } from '../services/ports.js';
import type { Channel } from '../domain/index.js';
import type { Db } from './prisma.js';

const OPEN: ComplaintStatus[] = ['SUBMITTED', 'ON_HOLD', 'FORWARDED', 'IN_PROGRESS', 'FOLLOWED_UP', 'CITIZEN_REPLIED'];

const caseInclude = {
  agency: { select: { name: true } },
  category: { select: { nameId: true, resolutionTier: true, parent: { select: { resolutionTier: true } } } },
  copies: { select: { agencyId: true } },
  duplicateOf: { select: { trackingCode: true } },
  _count: { select: { attachments: true } },
} as const;

export class PgCaseStore implements CaseStore {
  constructor(private readonly db: Db) {}

  async findOfficerByIdentity(channel: Channel, externalId: string): Promise<OfficerRecord | null> {
    const identity = await this.db.officerIdentity.findUnique({
      where: { channel_externalId: { channel, externalId } },
      include: { officer: { include: { agency: { select: { name: true } } } } },
    });
    if (!identity) return null;
    const o = identity.officer;
    return { id: o.id, name: o.name, role: o.role, agencyId: o.agencyId, agencyName: o.agency.name, active: o.active };
  }

  async findCase(trackingCode: string): Promise<CaseRecord | null> {
    const row = await this.db.complaint.findUnique({ where: { trackingCode }, include: caseInclude });
    return row ? toCase(row) : null;
  }

  async findCaseById(id: string): Promise<CaseRecord | null> {
    const row = await this.db.complaint.findUnique({ where: { id }, include: caseInclude });
    return row ? toCase(row) : null;
  }

  async findAgencies(): Promise<AgencyDirectory> {
    const rows = await this.db.agency.findMany({ select: { id: true, code: true, name: true, parentId: true, regionCode: true, active: true, isCoordinator: true } });
    return {
      coordinators: rows.filter((a) => a.isCoordinator && a.active).map((a) => ({ agencyId: a.id, regionCode: a.regionCode })),
      parentOf: new Map(rows.map((a) => [a.id, a.parentId])),
      regionOf: new Map(rows.map((a) => [a.id, a.regionCode])),
      byCode: new Map(rows.map((a) => [a.code, { id: a.id, name: a.name, active: a.active }])),
      nameOf: new Map(rows.map((a) => [a.id, a.name])),
    };
  }

  async applyChange(complaintId: string, expectedVersion: number, change: CaseChange, now: Date): Promise<ApplyResult> {
    return this.db.$transaction(async (tx) => {
      const { count } = await tx.complaint.updateMany({
        where: { id: complaintId, version: expectedVersion },
        data: {
          status: change.status,
          version: { increment: 1 },
          ...(change.agencyId !== undefined ? { agencyId: change.agencyId } : {}),
          ...(change.assigneeId !== undefined ? { assigneeId: change.assigneeId } : {}),
          ...(change.holdReturnStatus !== undefined ? { holdReturnStatus: change.holdReturnStatus } : {}),
          ...(change.outcome !== undefined ? { outcome: change.outcome } : {}),
          ...(change.rating !== undefined ? { rating: change.rating } : {}),
          ...(change.mergedIntoId !== undefined ? { mergedIntoId: change.mergedIntoId } : {}),
          ...(change.duplicateOfId !== undefined ? { duplicateOfId: change.duplicateOfId } : {}),
          ...(change.stamp ? { [change.stamp]: now } : {}),
        },
      });
      if (count === 0) return { ok: false, reason: 'conflict' } as const;
      for (const agencyId of change.addCopies ?? []) {
        await tx.complaintCopy.upsert({ where: { complaintId_agencyId: { complaintId, agencyId } }, create: { complaintId, agencyId }, update: {} });
      }
      if (change.attachmentIds?.length) {
        // Only files nobody claimed yet: an id can never move another complaint's file.
        await tx.attachment.updateMany({ where: { id: { in: change.attachmentIds }, complaintId: null }, data: { complaintId } });
      }
      if (change.message) {
        await tx.message.create({
          data: {
            complaintId,
            channel: change.message.channel,
            chatId: change.message.chatId,
            direction: change.message.direction,
            platformMessageId: change.message.platformMessageId ?? null,
            text: change.message.text,
            ...(change.message.attachmentIds?.length ? { content: { attachmentIds: change.message.attachmentIds } } : {}),
          },
        });
      }
      const eventIds: string[] = [];
      const notifyEventIds: string[] = [];
      for (const event of change.events) {
        const row = await tx.complaintEvent.create({
          data: {
            complaintId,
            type: event.type,
            fromStatus: event.fromStatus ?? null,
            toStatus: event.toStatus ?? null,
            agencyId: event.agencyId ?? null,
            actorType: event.actorType,
            actorId: event.actorId ?? null,
            // `notify` marks the notices the maintenance sweep must see delivered (an outbox).
            data: { ...event.data, ...(event.notify ? { notify: true } : {}) },
            createdAt: now,
          },
        });
        eventIds.push(row.id.toString());
        if (event.notify) notifyEventIds.push(row.id.toString());
      }
      return { ok: true, eventIds, notifyEventIds } as const;
    });
  }

  async findOpenCases(officer: OfficerRecord, tree: AgencyDirectory, limit: number): Promise<CaseSummary[]> {
    const region = tree.regionOf.get(officer.agencyId) ?? '';
    const agencyIds = [...tree.parentOf.keys()].filter((id) => isWithin(tree, id, officer.agencyId));
    const where =
      officer.role === 'ADMIN_KOORDINATOR'
        ? { status: { in: OPEN }, OR: [{ regionCode: region }, { regionCode: { startsWith: `${region}.` } }] }
        : { status: { in: OPEN.filter((st) => st !== 'SUBMITTED') }, agencyId: { in: agencyIds } };
    const rows = await this.db.complaint.findMany({
      where,
      select: { trackingCode: true, status: true, title: true, confidential: true, deadlines: { where: { state: 'ACTIVE' }, select: { dueAt: true }, orderBy: { dueAt: 'asc' }, take: 1 } },
      orderBy: { submittedAt: 'asc' },
      take: 500,
    });
    return rows
      .map((r) => ({ trackingCode: r.trackingCode, status: r.status, title: r.title, confidential: r.confidential, dueAt: r.deadlines[0]?.dueAt ?? null }))
      .sort((a, b) => (a.dueAt?.getTime() ?? Infinity) - (b.dueAt?.getTime() ?? Infinity))
      .slice(0, limit);
  }

  async findCannedAnswer(agencyId: string | null, code: string): Promise<string | null> {
    const rows = await this.db.cannedAnswer.findMany({ where: { code, OR: [{ agencyId }, { agencyId: null }] } });
    return (rows.find((r) => r.agencyId === agencyId) ?? rows[0])?.text ?? null;
  }

  async findOfficerChats(target: { agencyId: string | null; regionCode: string | null; assigneeId: string | null; koordinator: boolean }): Promise<ChatRef[]> {
    const officerWhere = target.koordinator
      ? { role: 'ADMIN_KOORDINATOR' as const, active: true }
      : target.assigneeId
        ? { id: target.assigneeId, active: true }
        : { agencyId: target.agencyId ?? '', active: true, role: { in: ['ADMIN_INSTANSI' as const, 'PEJABAT_PENGHUBUNG' as const] } };
    const officers = await this.db.officer.findMany({ where: officerWhere, include: { identities: true, agency: { select: { regionCode: true } } } });
    const region = target.regionCode ?? '';
    return officers
      .filter((o) => !target.koordinator || region === o.agency.regionCode || region.startsWith(`${o.agency.regionCode}.`) || region === '')
      .flatMap((o) => o.identities.map((i) => ({ channel: i.channel, chatId: i.externalId })));
  }
}

type CaseRow = NonNullable<Awaited<ReturnType<Db['complaint']['findUnique']>>> & {
  agency: { name: string } | null;
  category: { nameId: string; resolutionTier: 'SIMPLE' | 'DISPUTE' | 'FIELD_CHECK'; parent: { resolutionTier: 'SIMPLE' | 'DISPUTE' | 'FIELD_CHECK' } | null };
  copies: { agencyId: string }[];
  duplicateOf: { trackingCode: string } | null;
  _count: { attachments: number };
};

function toCase(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    trackingCode: row.trackingCode,
    status: row.status,
    version: row.version,
    agencyId: row.agencyId,
    agencyName: row.agency?.name ?? null,
    regionCode: row.regionCode,
    copyAgencyIds: row.copies.map((c) => c.agencyId),
    holdReturnStatus: row.holdReturnStatus,
    assigneeId: row.assigneeId,
    title: row.title,
    description: row.description,
    categoryName: row.category.nameId,
    // A sub-category keeps the tier of its parent unless it says otherwise.
    resolutionTier: row.category.resolutionTier !== 'SIMPLE' ? row.category.resolutionTier : (row.category.parent?.resolutionTier ?? 'SIMPLE'),
    anonymous: row.anonymous,
    confidential: row.confidential,
    submittedAt: row.submittedAt,
    forwardedAt: row.forwardedAt,
    followedUpAt: row.followedUpAt,
    chat: { channel: row.channel, chatId: row.chatId },
    citizenId: row.citizenId,
    language: row.language === 'en' ? 'en' : 'id',
    mergedIntoId: row.mergedIntoId,
    duplicateOfCode: row.duplicateOf?.trackingCode ?? null,
    attachmentCount: row._count.attachments,
  };
}
