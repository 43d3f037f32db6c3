/** Complaints in PostgreSQL: idempotent intake, lookups, notifications, recovery. */
import { DUPLICATE_WINDOW_DAYS, isUuid, pickDuplicate, type Channel, type ComplaintStatus } from '../domain/index.js';
import type {
  ChatRef,
  ComplaintForLookup,
  ComplaintReader,
  IntakeRouting,
  IntakeStore,
  NewComplaint,
  NotificationStore,
  NotificationTarget,
  PendingCode,
  PendingSubmission,
  StoredComplaint,
} from '../services/ports.js';
import { isUniqueViolation, utc, type Db, type Pool } from './prisma.js';

/** Routing data changes with a seed run, not per complaint: every intake job reads it from memory. */
const ROUTING_TTL_MS = 30_000;


/** The submission and, if stored already, its complaint with the first routing event (the notice). */
const FIND_INTAKE = `SELECT s.payload, c.id AS "complaintId",
    (SELECT e.id::text FROM "ComplaintEvent" e WHERE e."complaintId" = c.id AND e.type IN ('FORWARDED', 'STATUS_CHANGED') ORDER BY e.id LIMIT 1) AS "noticeEventId"
  FROM (SELECT $1::text AS code) k
  LEFT JOIN "Submission" s ON s."trackingCode" = k.code
  LEFT JOIN "Complaint" c ON c."trackingCode" = k.code`;

const DUPLICATE_CANDIDATES = `SELECT id, "trackingCode", latitude, longitude, "addressText" AS address, "submittedAt" AT TIME ZONE 'UTC' AS "submittedAt"
  FROM "Complaint"
  WHERE "categoryId" = $1::uuid AND status NOT IN ('DONE', 'ARCHIVED') AND "mergedIntoId" IS NULL AND "submittedAt" >= ${utc('$2')}
  ORDER BY "submittedAt" DESC LIMIT 100`;

/**
 * One statement, so one round trip and atomic. The citizen is the one behind the sender's channel
 * identity, or a new one; the complaint insert does nothing when the code is stored already, and
 * then nothing else is written either (every later part reads the complaint's RETURNING). Events
 * come as a JSON array and are inserted ORDER BY their position, so their ids keep the log's order.
 */
const SAVE_COMPLAINT = `WITH known AS (
    SELECT "citizenId" FROM "ChannelIdentity" WHERE channel = $2::"Channel" AND "externalId" = $3
  ), new_citizen AS (
    INSERT INTO "Citizen" (id, "preferredLanguage", "createdAt")
    SELECT gen_random_uuid(), $4, now() AT TIME ZONE 'UTC' WHERE NOT EXISTS (SELECT 1 FROM known)
    RETURNING id
  ), new_identity AS (
    INSERT INTO "ChannelIdentity" (id, "citizenId", channel, "externalId", "createdAt")
    SELECT gen_random_uuid(), id, $2::"Channel", $3, now() AT TIME ZONE 'UTC' FROM new_citizen
    RETURNING "citizenId"
  ), citizen AS (
    SELECT "citizenId" AS id FROM known UNION ALL SELECT "citizenId" FROM new_identity
  ), complaint AS (
    INSERT INTO "Complaint" (id, "trackingCode", type, "categoryId", title, description, "incidentDate", latitude, longitude, "addressText", "regionCode",
      anonymous, confidential, "requestedAgencyId", "agencyId", status, language, "citizenId", channel, "chatId", "submittedAt", "forwardedAt",
      "duplicateOfId", "createdAt", "updatedAt")
    SELECT gen_random_uuid(), $1, $5::"ComplaintType", $6::uuid, $7, $8, $9::date, $10, $11, $12, $13,
      $14, $15, $16::uuid, $17::uuid, $18::"ComplaintStatus", $4, citizen.id, $2::"Channel", $19, ${utc('$20')}, ${utc('$21')},
      $22::uuid, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
    FROM citizen
    ON CONFLICT ("trackingCode") DO NOTHING
    RETURNING id, "citizenId"
  ), attached AS (
    UPDATE "Attachment" a SET "complaintId" = complaint.id FROM complaint
    WHERE a.id = ANY($23::uuid[]) AND a.channel = $2::"Channel" AND a."chatId" = $19 AND a."complaintId" IS NULL
    RETURNING a.id
  ), events AS (
    INSERT INTO "ComplaintEvent" ("complaintId", type, "fromStatus", "toStatus", "agencyId", "actorType", "actorId", data, "createdAt")
    SELECT complaint.id, e.type::"EventType", e."fromStatus"::"ComplaintStatus", e."toStatus"::"ComplaintStatus", e."agencyId"::uuid,
      (CASE WHEN e."byCitizen" THEN 'CITIZEN' ELSE 'SYSTEM' END)::"ActorType", CASE WHEN e."byCitizen" THEN complaint."citizenId"::text END,
      e.data, e."createdAt"::timestamptz AT TIME ZONE 'UTC'
    FROM complaint CROSS JOIN jsonb_to_recordset($24::jsonb)
      AS e(ord int, type text, "fromStatus" text, "toStatus" text, "agencyId" text, "byCitizen" boolean, data jsonb, "createdAt" text)
    ORDER BY e.ord
    RETURNING id, type
  ), stored AS (
    UPDATE "Submission" SET state = 'STORED', "storedAt" = ${utc('$25')}, attempts = attempts + 1, "lastError" = NULL
    WHERE "trackingCode" = $1 AND EXISTS (SELECT 1 FROM complaint)
  )
  SELECT (SELECT id FROM complaint) AS "complaintId",
    (SELECT min(id)::text FROM events WHERE type IN ('FORWARDED', 'STATUS_CHANGED')) AS "noticeEventId"`;

/**
 * A notice in one statement: the event with its complaint, the agency named (the event's, else the
 * complaint's), the chats of complaints merged into it, the files of an answer (the ids the event
 * names, in its order, that belong to this complaint) and whether it was already recorded as sent.
 */
const FIND_NOTICE = `SELECT e.type, e."toStatus", e.data, c."trackingCode", c.channel, c."chatId", c.language, c.confidential, a.name AS "agencyName",
    coalesce((SELECT json_agg(json_build_object('channel', m.channel, 'chatId', m."chatId") ORDER BY m."createdAt", m.id)
      FROM "Complaint" m WHERE m."mergedIntoId" = c.id), '[]'::json) AS merged,
    coalesce((SELECT json_agg(json_build_object('id', f.id, 'mimeType', f."mimeType", 'originalName', f."originalName") ORDER BY array_position(ids.list, f.id::text))
      FROM "Attachment" f WHERE f."complaintId" = c.id AND f.id::text = ANY(ids.list)), '[]'::json) AS files,
    EXISTS (SELECT 1 FROM "Message" s WHERE s."dedupeKey" = $3) AS sent
  FROM "ComplaintEvent" e
  JOIN "Complaint" c ON c.id = e."complaintId"
  LEFT JOIN "Agency" a ON a.id = coalesce(e."agencyId", c."agencyId")
  CROSS JOIN LATERAL (SELECT CASE WHEN jsonb_typeof(e.data->'attachmentIds') = 'string' THEN string_to_array(e.data->>'attachmentIds', ',') ELSE '{}'::text[] END AS list) ids
  WHERE e.id = $1::bigint AND e."complaintId" = $2::uuid`;

interface NoticeRow {
  type: NotificationTarget['event']['type'];
  toStatus: ComplaintStatus | null;
  /** The event's JSON data, as pg parses it. */
  data: { [key: string]: unknown } | unknown[] | string | number | boolean | null;
  trackingCode: string;
  channel: Channel;
  chatId: string;
  language: string;
  confidential: boolean;
  agencyName: string | null;
  merged: ChatRef[];
  files: { id: string; mimeType: string; originalName: string | null }[];
  sent: boolean;
}

/**
 * The sent notice and its MESSAGE_OUT event in one statement: a notice already recorded under the
 * same key inserts neither (as the unique violation did in the transaction before).
 */
const RECORD_SENT = `WITH sent AS (
    INSERT INTO "Message" (id, "complaintId", channel, "chatId", direction, "dedupeKey", text, "createdAt")
    VALUES (gen_random_uuid(), $1::uuid, $2::"Channel", $3, 'OUT'::"MessageDirection", $4, $5, ${utc('$6')})
    ON CONFLICT ("dedupeKey") DO NOTHING
    RETURNING 1)
  INSERT INTO "ComplaintEvent" ("complaintId", type, "actorType", data, "createdAt")
  SELECT $1::uuid, 'MESSAGE_OUT'::"EventType", 'SYSTEM'::"ActorType", $7::jsonb, ${utc('$6')} FROM sent`;

export class PgComplaintStore implements IntakeStore, ComplaintReader, NotificationStore {
  private routing: { loadedAt: number; value: Promise<IntakeRouting> } | null = null;

  constructor(
    private readonly db: Db,
    private readonly pool: Pool,
  ) {}

  async findIntake(trackingCode: string): Promise<{ submission: PendingSubmission | null; stored: StoredComplaint | null }> {
    const { rows } = await this.pool.query<{ payload: unknown; complaintId: string | null; noticeEventId: string | null }>({ name: 'intake-find', text: FIND_INTAKE, values: [trackingCode] });
    const row = rows[0];
    return {
      submission: row && row.payload !== null ? { trackingCode, payload: row.payload } : null,
      stored: row?.complaintId && row.noticeEventId ? { complaintId: row.complaintId, noticeEventId: row.noticeEventId, created: false } : null,
    };
  }

  async recordSubmissionError(trackingCode: string, message: string): Promise<void> {
    await this.db.submission.updateMany({ where: { trackingCode }, data: { lastError: message.slice(0, 2000), attempts: { increment: 1 } } });
  }

  findRoutingRules(fresh = false): Promise<IntakeRouting> {
    if (fresh || !this.routing || Date.now() - this.routing.loadedAt > ROUTING_TTL_MS) {
      const value = this.loadRouting();
      this.routing = { loadedAt: Date.now(), value };
      value.catch(() => {
        this.routing = null;
      });
    }
    return this.routing.value;
  }

  private async loadRouting(): Promise<IntakeRouting> {
    const [rules, agencies, categories] = await Promise.all([
      this.db.routingRule.findMany({ where: { agency: { active: true } } }),
      this.db.agency.findMany({ where: { active: true }, select: { id: true, isCoordinator: true, regionCode: true, code: true }, orderBy: { code: 'asc' } }),
      // Every category, switched off or not: a citizen who chose one before it was switched off has a
      // tracking code already, and their complaint is stored and routed all the same.
      this.db.category.findMany({ select: { id: true, parentId: true } }),
    ]);
    return {
      rules: rules.map((r) => ({ categoryId: r.categoryId, regionCode: r.regionCode, agencyId: r.agencyId })),
      coordinators: agencies.filter((a) => a.isCoordinator).map((a) => ({ agencyId: a.id, regionCode: a.regionCode })),
      parentOf: new Map(categories.map((c) => [c.id, c.parentId])),
      activeAgencyIds: new Set(agencies.map((a) => a.id)),
    };
  }

  /**
   * Two round trips: the open complaints of the category that might be the same problem, then one
   * statement that writes the citizen (when new), the complaint, its attachments, its events in
   * order and the submission's STORED mark. A single statement is atomic without a transaction;
   * a second worker with the same code finds the first one's row (ON CONFLICT) and returns it.
   */
  async saveComplaint({ form, type, route }: NewComplaint, now: Date): Promise<StoredComplaint> {
    const submittedAt = new Date(form.submittedAt);
    const since = new Date(submittedAt.getTime() - DUPLICATE_WINDOW_DAYS * 86_400_000);
    const { rows: candidates } = await this.pool.query<{ id: string; trackingCode: string; latitude: number | null; longitude: number | null; address: string | null; submittedAt: Date }>({
      name: 'intake-duplicates',
      text: DUPLICATE_CANDIDATES,
      values: [form.categoryId, since.toISOString()],
    });
    const duplicate = pickDuplicate({ latitude: form.location.latitude, longitude: form.location.longitude, address: form.location.address }, submittedAt, candidates);
    const forwarded = route.kind !== 'coordinator';
    const status: ComplaintStatus = forwarded ? 'FORWARDED' : 'SUBMITTED';
    const at = now.toISOString();
    // In the order the log must read: filed, then "looks like", then routed: the notice, marked `notify` so
    // the maintenance sweep sends it should its job be lost (Redis flushed after intake completed).
    const events = [
      { type: 'CREATED', fromStatus: null, toStatus: 'SUBMITTED', agencyId: null, byCitizen: true, data: { channel: form.channel, attachments: form.attachmentIds.length }, createdAt: form.submittedAt },
      ...(duplicate
        ? [{ type: 'DUPLICATE_SUSPECTED', fromStatus: null, toStatus: null, agencyId: null, byCitizen: false, data: { of: candidates.find((c) => c.id === duplicate.id)?.trackingCode ?? duplicate.id }, createdAt: at }]
        : []),
      forwarded
        ? { type: 'FORWARDED', fromStatus: 'SUBMITTED', toStatus: 'FORWARDED', agencyId: route.agencyId, byCitizen: false, data: { route: route.kind, notify: true }, createdAt: at }
        : { type: 'STATUS_CHANGED', fromStatus: null, toStatus: 'SUBMITTED', agencyId: route.agencyId, byCitizen: false, data: { route: route.kind, notify: true }, createdAt: at },
    ].map((event, ord) => ({ ord, ...event }));
    const values = [
      form.trackingCode,
      form.channel,
      form.senderId,
      form.language,
      type,
      form.categoryId,
      form.title,
      form.description,
      form.incidentDate,
      form.location.latitude,
      form.location.longitude,
      form.location.address,
      form.location.regionCode,
      form.anonymous,
      form.confidential,
      form.requestedAgencyId,
      route.agencyId,
      status,
      form.chatId,
      form.submittedAt,
      forwarded ? at : null,
      duplicate?.id ?? null,
      form.attachmentIds.filter(isUuid),
      JSON.stringify(events),
      at,
    ];
    try {
      const { rows } = await this.pool.query<{ complaintId: string | null; noticeEventId: string | null }>({ name: 'intake-save', text: SAVE_COMPLAINT, values });
      const row = rows[0];
      if (row?.complaintId && row.noticeEventId) return { complaintId: row.complaintId, noticeEventId: row.noticeEventId, created: true };
    } catch (error) {
      // Two first complaints of one new citizen at once: the loser's identity insert collides; a retry finds it.
      if (!isUniqueViolation(error)) throw error;
    }
    const existing = await this.findIntake(form.trackingCode);
    if (!existing.stored) throw new Error(`complaint ${form.trackingCode} was neither stored nor found stored; the job will retry`);
    return existing.stored;
  }

  async findUnsentNotices(from: Date, to: Date, limit: number, afterEventId: string | null = null): Promise<{ complaintId: string; eventId: string }[]> {
    const after = afterEventId === null ? 0n : BigInt(afterEventId);
    const rows = await this.db.$queryRaw<{ complaintId: string; id: bigint }[]>`
      SELECT e."complaintId"::text AS "complaintId", e.id FROM "ComplaintEvent" e
      WHERE e.data->>'notify' = 'true' AND e."createdAt" >= ${from} AND e."createdAt" < ${to} AND e.id > ${after}
        AND NOT EXISTS (SELECT 1 FROM "Message" m WHERE m."dedupeKey" = 'notice-' || e.id::text)
      ORDER BY e.id LIMIT ${limit}`;
    return rows.map((r) => ({ complaintId: r.complaintId, eventId: r.id.toString() }));
  }

  async findPendingSubmissions(olderThan: Date, limit: number, after: PendingCode | null = null): Promise<PendingCode[]> {
    const later = after ? { OR: [{ createdAt: { gt: after.createdAt } }, { createdAt: after.createdAt, trackingCode: { gt: after.trackingCode } }] } : {};
    return this.db.submission.findMany({
      // A submission with lastError can never be stored as it is (schema, unknown category): an operator's case.
      where: { state: 'PENDING', lastError: null, createdAt: { lt: olderThan }, ...later },
      orderBy: [{ createdAt: 'asc' }, { trackingCode: 'asc' }],
      take: limit,
      select: { trackingCode: true, createdAt: true },
    });
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

  async findNotification(complaintId: string, eventId: string, dedupeKey: string): Promise<{ target: NotificationTarget; sent: boolean } | null> {
    const { rows } = await this.pool.query<NoticeRow>({ name: 'notice-find', text: FIND_NOTICE, values: [eventId, complaintId, dedupeKey] });
    const row = rows[0];
    if (!row) return null;
    const data = typeof row.data === 'object' && row.data !== null && !Array.isArray(row.data) ? row.data : {};
    const field = (name: string) => {
      const value = Object.entries(data).find(([k]) => k === name)?.[1];
      return typeof value === 'string' ? value : null;
    };
    const route = field('route');
    const files = row.files;
    const target: NotificationTarget = {
      chat: { channel: row.channel, chatId: row.chatId },
      alsoTell: row.merged.map((m) => ({ channel: m.channel, chatId: m.chatId })),
      confidential: row.confidential,
      language: row.language === 'en' ? 'en' : 'id',
      trackingCode: row.trackingCode,
      complaintId,
      event: {
        id: eventId,
        type: row.type,
        toStatus: row.toStatus,
        agencyName: row.agencyName,
        agencyKind: route === 'requested' || route === 'rule' || route === 'coordinator' ? route : null,
        action: field('action'),
        publicText: field('publicText'),
        into: field('into'),
        ...(files.length ? { media: files.map((f) => ({ attachmentId: f.id, mimeType: f.mimeType, ...(f.originalName ? { name: f.originalName } : {}) })) } : {}),
      },
    };
    return { target, sent: row.sent };
  }

  async recordSent(target: NotificationTarget, dedupeKey: string, text: string, now: Date): Promise<void> {
    await this.pool.query({
      name: 'notice-record',
      text: RECORD_SENT,
      values: [target.complaintId, target.chat.channel, target.chat.chatId, dedupeKey, text, now.toISOString(), JSON.stringify({ notice: target.event.id })],
    });
  }
}
