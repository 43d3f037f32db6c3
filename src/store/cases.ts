/** Officer case handling in PostgreSQL: cases, officers, agencies, version-checked changes. */
import { isWithin, type ComplaintStatus, type ResolutionTier } from '../domain/index.js';
import type { AgencyDirectory, ApplyResult, CaseChange, CaseRecord, CaseStore, CaseSummary, OfficerRecord } from '../services/case-ports.js';
import type { ChatRef } from '../services/ports.js';
import type { Channel } from '../domain/index.js';
import { utc, type Db, type Pool } from './prisma.js';

const OPEN: ComplaintStatus[] = ['SUBMITTED', 'ON_HOLD', 'FORWARDED', 'IN_PROGRESS', 'FOLLOWED_UP', 'CITIZEN_REPLIED'];

/**
 * A case in one statement (Prisma's include costs six round trips): the complaint with its agency's
 * and category's names, the tiers of the category and its parent, copies, the suspected original
 * and the number of files. Timestamps are read as UTC (the columns have no time zone).
 */
const CASE_SELECT = `SELECT c.id, c."trackingCode", c.status, c.version, c."agencyId", a.name AS "agencyName", c."regionCode",
    ARRAY(SELECT cp."agencyId"::text FROM "ComplaintCopy" cp WHERE cp."complaintId" = c.id) AS "copyAgencyIds",
    c."holdReturnStatus", c."assigneeId", c.title, c.description, cat."nameId" AS "categoryName", cat."resolutionTier" AS tier,
    parent."resolutionTier" AS "parentTier", c.anonymous, c.confidential, c."submittedAt" AT TIME ZONE 'UTC' AS "submittedAt",
    c."forwardedAt" AT TIME ZONE 'UTC' AS "forwardedAt", c."followedUpAt" AT TIME ZONE 'UTC' AS "followedUpAt", c.channel, c."chatId",
    c."citizenId", c.language, c."mergedIntoId", d."trackingCode" AS "duplicateOfCode",
    (SELECT count(*)::int FROM "Attachment" f WHERE f."complaintId" = c.id) AS "attachmentCount"
  FROM "Complaint" c
  JOIN "Category" cat ON cat.id = c."categoryId"
  LEFT JOIN "Category" parent ON parent.id = cat."parentId"
  LEFT JOIN "Agency" a ON a.id = c."agencyId"
  LEFT JOIN "Complaint" d ON d.id = c."duplicateOfId"`;
const CASE_BY_CODE = `${CASE_SELECT} WHERE c."trackingCode" = $1`;
const CASE_BY_ID = `${CASE_SELECT} WHERE c.id = $1::uuid`;

/** A case as the statement returns it: the record's columns, with the chat, tier and language still raw. */
interface CaseRow extends Omit<CaseRecord, 'resolutionTier' | 'chat' | 'language'> {
  tier: ResolutionTier;
  parentTier: ResolutionTier | null;
  channel: Channel;
  chatId: string;
  language: string;
}

/** Linked chats of officers, oldest officer first; `region` is their agency's, for the koordinator's filter. */
const OFFICER_CHATS = `SELECT i.channel, i."externalId" AS "chatId", a."regionCode" AS region
  FROM "Officer" o JOIN "Agency" a ON a.id = o."agencyId" JOIN "OfficerIdentity" i ON i."officerId" = o.id
  WHERE o.active AND `;
const OFFICER_CHATS_ORDER = ` ORDER BY o."createdAt", o.id, i."createdAt", i.id`;
const KOORDINATOR_CHATS = `${OFFICER_CHATS}o.role = 'ADMIN_KOORDINATOR'${OFFICER_CHATS_ORDER}`;
const ASSIGNEE_CHATS = `${OFFICER_CHATS}o.id = $1::uuid${OFFICER_CHATS_ORDER}`;
const AGENCY_CHATS = `${OFFICER_CHATS}o."agencyId" = $1::uuid AND o.role IN ('ADMIN_INSTANSI', 'PEJABAT_PENGHUBUNG')${OFFICER_CHATS_ORDER}`;

export class PgCaseStore implements CaseStore {
  constructor(private readonly db: Db, private readonly pool: Pool) {}

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
    const { rows } = await this.pool.query<CaseRow>({ name: 'case-by-code', text: CASE_BY_CODE, values: [trackingCode] });
    return rows[0] ? toCase(rows[0]) : null;
  }

  async findCaseById(id: string): Promise<CaseRecord | null> {
    const { rows } = await this.pool.query<CaseRow>({ name: 'case-by-id', text: CASE_BY_ID, values: [id] });
    return rows[0] ? toCase(rows[0]) : null;
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

  /** Marks the new complaint's officers as told of it; false when an intake run did so already. */
  async claimOfficerAlert(complaintId: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query({
      name: 'case-claim-officer-alert',
      text: `UPDATE "Complaint" SET "officersAlertedAt" = ${utc('$2')} WHERE id = $1::uuid AND "officersAlertedAt" IS NULL`,
      values: [complaintId, now.toISOString()],
    });
    return rowCount === 1;
  }

  async findOfficerChats(target: { agencyId: string | null; regionCode: string | null; assigneeId: string | null; koordinator: boolean }): Promise<ChatRef[]> {
    const statement = target.koordinator
      ? { name: 'officer-chats-koordinator', text: KOORDINATOR_CHATS, values: [] }
      : target.assigneeId
        ? { name: 'officer-chats-assignee', text: ASSIGNEE_CHATS, values: [target.assigneeId] }
        : { name: 'officer-chats-agency', text: AGENCY_CHATS, values: [target.agencyId] };
    const { rows } = await this.pool.query<{ channel: Channel; chatId: string; region: string }>(statement);
    const region = target.regionCode ?? '';
    return rows
      .filter((o) => !target.koordinator || region === o.region || region.startsWith(`${o.region}.`) || region === '')
      .map((i) => ({ channel: i.channel, chatId: i.chatId }));
  }
}

function toCase(row: CaseRow): CaseRecord {
  return {
    id: row.id,
    trackingCode: row.trackingCode,
    status: row.status,
    version: row.version,
    agencyId: row.agencyId,
    agencyName: row.agencyName,
    regionCode: row.regionCode,
    copyAgencyIds: row.copyAgencyIds,
    holdReturnStatus: row.holdReturnStatus,
    assigneeId: row.assigneeId,
    title: row.title,
    description: row.description,
    categoryName: row.categoryName,
    // A sub-category keeps the tier of its parent unless it says otherwise.
    resolutionTier: row.tier !== 'SIMPLE' ? row.tier : (row.parentTier ?? 'SIMPLE'),
    anonymous: row.anonymous,
    confidential: row.confidential,
    submittedAt: row.submittedAt,
    forwardedAt: row.forwardedAt,
    followedUpAt: row.followedUpAt,
    chat: { channel: row.channel, chatId: row.chatId },
    citizenId: row.citizenId,
    language: row.language === 'en' ? 'en' : 'id',
    mergedIntoId: row.mergedIntoId,
    duplicateOfCode: row.duplicateOfCode,
    attachmentCount: row.attachmentCount,
  };
}
