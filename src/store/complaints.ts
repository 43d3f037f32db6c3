/** Complaints in PostgreSQL: idempotent intake, lookups, notifications, recovery. */
import { DUPLICATE_WINDOW_DAYS, pickDuplicate, type ComplaintStatus } from '../domain/index.js';
import type {
  ComplaintForLookup,
  ComplaintReader,
  IntakeStore,
  NewComplaint,
  NotificationStore,
  NotificationTarget,
  PendingSubmission,
  StoredComplaint,
} from '../services/ports.js';
import { isUniqueViolation, type Db } from './prisma.js';

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];

/** Routing data changes with a seed run, not per complaint: every intake job reads it from memory. */
const ROUTING_TTL_MS = 30_000;
type Routing = Awaited<ReturnType<IntakeStore['findRoutingRules']>>;

export class PgComplaintStore implements IntakeStore, ComplaintReader, NotificationStore {
  private routing: { loadedAt: number; value: Promise<Routing> } | null = null;

  constructor(private readonly db: Db) {}

  async findSubmission(trackingCode: string): Promise<PendingSubmission | null> {
    const row = await this.db.submission.findUnique({ where: { trackingCode } });
    return row ? { trackingCode: row.trackingCode, payload: row.payload } : null;
  }

  async recordSubmissionError(trackingCode: string, message: string): Promise<void> {
    await this.db.submission.updateMany({ where: { trackingCode }, data: { lastError: message.slice(0, 2000), attempts: { increment: 1 } } });
  }

  findRoutingRules(fresh = false): Promise<Routing> {
    if (fresh || !this.routing || Date.now() - this.routing.loadedAt > ROUTING_TTL_MS) {
      const value = this.loadRouting();
      this.routing = { loadedAt: Date.now(), value };
      value.catch(() => {
        this.routing = null;
      });
    }
    return this.routing.value;
  }

  private async loadRouting(): Promise<Routing> {
    const [rules, coordinators, categories] = await Promise.all([
      this.db.routingRule.findMany({ where: { agency: { active: true } } }),
      this.db.agency.findMany({ where: { isCoordinator: true, active: true }, orderBy: { code: 'asc' } }),
      this.db.category.findMany({ where: { active: true }, select: { id: true, parentId: true } }),
    ]);
    return {
      rules: rules.map((r) => ({ categoryId: r.categoryId, regionCode: r.regionCode, agencyId: r.agencyId })),
      coordinators: coordinators.map((a) => ({ agencyId: a.id, regionCode: a.regionCode })),
      parentOf: new Map(categories.map((c) => [c.id, c.parentId])),
    };
  }

  async agencyExists(agencyId: string): Promise<boolean> {
    return (await this.db.agency.count({ where: { id: agencyId, active: true } })) > 0;
  }

  async findStoredComplaint(trackingCode: string): Promise<StoredComplaint | null> {
    const complaint = await this.db.complaint.findUnique({
      where: { trackingCode },
      include: { events: { where: { type: { in: ['FORWARDED', 'STATUS_CHANGED'] } }, orderBy: { id: 'asc' }, take: 1 } },
    });
    const notice = complaint?.events[0];
    return complaint && notice ? { complaintId: complaint.id, noticeEventId: notice.id.toString(), created: false } : null;
  }

  async saveComplaint({ form, type, route }: NewComplaint, now: Date): Promise<StoredComplaint> {
    try {
      return await this.db.$transaction((tx) => this.insertComplaint(tx, { form, type, route }, now), { timeout: 10_000 });
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const existing = await this.findStoredComplaint(form.trackingCode);
      if (!existing) throw error;
      return existing;
    }
  }

  private async insertComplaint(tx: Tx, { form, type, route }: NewComplaint, now: Date): Promise<StoredComplaint> {
    const identityKey = { channel: form.channel, externalId: form.senderId };
    const identity =
      (await tx.channelIdentity.findUnique({ where: { channel_externalId: identityKey } })) ??
      (await tx.channelIdentity.create({ data: { ...identityKey, citizen: { create: { preferredLanguage: form.language } } } }));
    const submittedAt = new Date(form.submittedAt);
    const forwarded = route.kind !== 'coordinator';
    const candidates = await tx.complaint.findMany({
      where: {
        categoryId: form.categoryId,
        status: { notIn: ['DONE', 'ARCHIVED'] },
        mergedIntoId: null,
        submittedAt: { gte: new Date(submittedAt.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000) },
      },
      select: { id: true, trackingCode: true, latitude: true, longitude: true, addressText: true, submittedAt: true },
      orderBy: { submittedAt: 'desc' },
      take: 100,
    });
    const duplicate = pickDuplicate(
      { latitude: form.location.latitude, longitude: form.location.longitude, address: form.location.address },
      submittedAt,
      candidates.map((c) => ({ ...c, address: c.addressText })),
    );
    const status: ComplaintStatus = forwarded ? 'FORWARDED' : 'SUBMITTED';
    const complaint = await tx.complaint.create({
      data: {
        trackingCode: form.trackingCode,
        type,
        categoryId: form.categoryId,
        title: form.title,
        description: form.description,
        incidentDate: form.incidentDate ? new Date(`${form.incidentDate}T00:00:00Z`) : null,
        latitude: form.location.latitude,
        longitude: form.location.longitude,
        addressText: form.location.address,
        regionCode: form.location.regionCode,
        anonymous: form.anonymous,
        confidential: form.confidential,
        requestedAgencyId: form.requestedAgencyId,
        agencyId: route.agencyId,
        status,
        language: form.language,
        citizenId: identity.citizenId,
        channel: form.channel,
        chatId: form.chatId,
        submittedAt,
        forwardedAt: forwarded ? now : null,
        duplicateOfId: duplicate?.id ?? null,
      },
    });
    if (form.attachmentIds.length > 0) {
      await tx.attachment.updateMany({
        where: { id: { in: form.attachmentIds }, channel: form.channel, chatId: form.chatId, complaintId: null },
        data: { complaintId: complaint.id },
      });
    }
    await tx.complaintEvent.create({
      data: { complaintId: complaint.id, type: 'CREATED', toStatus: 'SUBMITTED', actorType: 'CITIZEN', actorId: identity.citizenId, data: { channel: form.channel, attachments: form.attachmentIds.length }, createdAt: submittedAt },
    });
    // After CREATED, so the log reads in order: filed, then "looks like", then routed.
    if (duplicate) {
      const original = candidates.find((c) => c.id === duplicate.id);
      await tx.complaintEvent.create({ data: { complaintId: complaint.id, type: 'DUPLICATE_SUSPECTED', actorType: 'SYSTEM', data: { of: original?.trackingCode ?? duplicate.id }, createdAt: now } });
    }
    const notice = await tx.complaintEvent.create({
      data: forwarded
        ? { complaintId: complaint.id, type: 'FORWARDED', fromStatus: 'SUBMITTED', toStatus: 'FORWARDED', agencyId: route.agencyId, actorType: 'SYSTEM', data: { route: route.kind }, createdAt: now }
        : { complaintId: complaint.id, type: 'STATUS_CHANGED', fromStatus: null, toStatus: 'SUBMITTED', agencyId: route.agencyId, actorType: 'SYSTEM', data: { route: route.kind }, createdAt: now },
    });
    await tx.submission.update({ where: { trackingCode: form.trackingCode }, data: { state: 'STORED', storedAt: now, attempts: { increment: 1 }, lastError: null } });
    return { complaintId: complaint.id, noticeEventId: notice.id.toString(), created: true };
  }

  async findUnsentNotices(from: Date, to: Date, limit: number): Promise<{ complaintId: string; eventId: string }[]> {
    const rows = await this.db.$queryRaw<{ complaintId: string; id: bigint }[]>`
      SELECT e."complaintId"::text AS "complaintId", e.id FROM "ComplaintEvent" e
      WHERE e.data->>'notify' = 'true' AND e."createdAt" >= ${from} AND e."createdAt" < ${to}
        AND NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."dedupeKey" = 'notice-' || e.id::text)
      ORDER BY e.id LIMIT ${limit}`;
    return rows.map((r) => ({ complaintId: r.complaintId, eventId: r.id.toString() }));
  }

  async findPendingSubmissions(olderThan: Date, limit: number): Promise<string[]> {
    // A submission with lastError can never be stored as it is (schema, unknown category): an operator's case.
    const rows = await this.db.submission.findMany({ where: { state: 'PENDING', lastError: null, createdAt: { lt: olderThan } }, orderBy: { createdAt: 'asc' }, take: limit, select: { trackingCode: true } });
    return rows.map((r) => r.trackingCode);
  }

  async findForLookup(trackingCode: string): Promise<ComplaintForLookup | null> {
    const c = await this.db.complaint.findUnique({
      where: { trackingCode },
      include: {
        agency: { select: { name: true } },
        citizen: { select: { identities: { select: { channel: true, externalId: true } } } },
        events: { orderBy: { id: 'asc' }, select: { type: true, toStatus: true, createdAt: true, agencyId: true } },
      },
    });
    if (!c) return null;
    const agencyIds = [...new Set(c.events.flatMap((e) => (e.agencyId ? [e.agencyId] : [])))];
    const agencies = new Map((await this.db.agency.findMany({ where: { id: { in: agencyIds } }, select: { id: true, name: true } })).map((a) => [a.id, a.name]));
    return {
      trackingCode: c.trackingCode,
      title: c.title,
      confidential: c.confidential,
      anonymous: c.anonymous,
      status: c.status,
      agencyName: c.agency?.name ?? null,
      submittedAt: c.submittedAt,
      updatedAt: c.updatedAt,
      reporterIdentities: [{ channel: c.channel, chatId: c.chatId }, ...c.citizen.identities.map((i) => ({ channel: i.channel, chatId: i.externalId }))],
      events: c.events.map((e) => ({ type: e.type, toStatus: e.toStatus, createdAt: e.createdAt, agencyName: e.agencyId ? (agencies.get(e.agencyId) ?? null) : null })),
    };
  }

  async isSubmissionPending(trackingCode: string): Promise<boolean> {
    return (await this.db.submission.count({ where: { trackingCode, state: 'PENDING' } })) > 0;
  }

  async findNotification(complaintId: string, eventId: string): Promise<NotificationTarget | null> {
    const event = await this.db.complaintEvent.findFirst({
      where: { id: BigInt(eventId), complaintId },
      include: { complaint: { select: { trackingCode: true, channel: true, chatId: true, language: true } } },
    });
    if (!event) return null;
    const complaintAgency = await this.db.complaint.findUnique({ where: { id: complaintId }, select: { agencyId: true, confidential: true, merged: { select: { channel: true, chatId: true } } } });
    const agencyId = event.agencyId ?? complaintAgency?.agencyId ?? null;
    const agency = agencyId ? await this.db.agency.findUnique({ where: { id: agencyId }, select: { name: true } }) : null;
    const data = typeof event.data === 'object' && event.data !== null && !Array.isArray(event.data) ? event.data : {};
    const field = (name: string) => {
      const value = Object.entries(data).find(([k]) => k === name)?.[1];
      return typeof value === 'string' ? value : null;
    };
    const route = field('route');
    const fileIds = (field('attachmentIds') ?? '').split(',').filter((id) => /^[0-9a-f-]{36}$/.test(id));
    const files = fileIds.length ? await this.db.attachment.findMany({ where: { id: { in: fileIds }, complaintId }, select: { id: true, mimeType: true, originalName: true } }) : [];
    return {
      chat: { channel: event.complaint.channel, chatId: event.complaint.chatId },
      alsoTell: (complaintAgency?.merged ?? []).map((m) => ({ channel: m.channel, chatId: m.chatId })),
      confidential: complaintAgency?.confidential ?? true,
      language: event.complaint.language === 'en' ? 'en' : 'id',
      trackingCode: event.complaint.trackingCode,
      complaintId,
      event: {
        id: eventId,
        type: event.type,
        toStatus: event.toStatus,
        agencyName: agency?.name ?? null,
        agencyKind: route === 'requested' || route === 'rule' || route === 'coordinator' ? route : null,
        action: field('action'),
        publicText: field('publicText'),
        into: field('into'),
        ...(files.length ? { media: files.map((f) => ({ attachmentId: f.id, mimeType: f.mimeType, ...(f.originalName ? { name: f.originalName } : {}) })) } : {}),
      },
    };
  }

  async wasSent(dedupeKey: string): Promise<boolean> {
    return (await this.db.message.count({ where: { dedupeKey } })) > 0;
  }

  async recordSent(target: NotificationTarget, dedupeKey: string, text: string, now: Date): Promise<void> {
    const data = { complaintId: target.complaintId, channel: target.chat.channel, chatId: target.chat.chatId, direction: 'OUT' as const, dedupeKey, text, createdAt: now };
    await this.db.$transaction(async (tx) => {
      await tx.message.create({ data });
      await tx.complaintEvent.create({ data: { complaintId: target.complaintId, type: 'MESSAGE_OUT', actorType: 'SYSTEM', data: { notice: target.event.id }, createdAt: now } });
    }).catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
    });
  }
}
