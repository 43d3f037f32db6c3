/**
 * The webhook outbox: ComplaintEvent is the log, each subscription keeps a cursor (lastEventId), and
 * a scan turns new events into WebhookDelivery rows (unique per subscription and event).
 *
 * Events can become visible out of id order: ids come from a sequence when the row is inserted, and
 * a transaction that took id 10 may commit after one that took id 11. A scan that moved its cursor
 * past 11 would never see 10. So the scan walks ids one by one and stops at a gap (a missing id);
 * the gap is waited for until `gapWaitMs` after the scan first saw it (gapSeenAt), then taken as a
 * rolled-back transaction (sequences never give an id back) and passed. Contiguous ids, the normal
 * case, are delivered at once; only a rollback costs a receiver up to `gapWaitMs` of delay.
 */
import { isWithin, type AgencyTree } from '../domain/scope.js';
import type { AttemptRecord, DeliveryWork, WebhookDeliveryStore } from '../services/webhooks/ports.js';
import { Prisma, type Db } from './prisma.js';
import { SEALED_PREFIX, SecretSealer, SecretSealError } from './secret-sealer.js';

export interface ScanOptions {
  now: Date;
  gapWaitMs: number;
  batchSize: number;
}

export interface ScanResult {
  created: number;
  /** Subscriptions whose scan stopped at a gap that may still fill. */
  held: number;
}

interface EventLine {
  id: bigint;
  type: string;
  agencyId: string | null;
}

async function agencyTree(db: Db): Promise<AgencyTree> {
  const rows = await db.agency.findMany({ select: { id: true, parentId: true, regionCode: true } });
  return { parentOf: new Map(rows.map((a) => [a.id, a.parentId])), regionOf: new Map(rows.map((a) => [a.id, a.regionCode])) };
}

/** One pass over every active subscription; each is scanned in its own transaction holding its row lock. */
export async function scanWebhookEvents(db: Db, options: ScanOptions): Promise<ScanResult> {
  const subscriptions = await db.webhookSubscription.findMany({ where: { active: true }, select: { id: true } });
  if (subscriptions.length === 0) return { created: 0, held: 0 };
  const tree = await agencyTree(db);
  let created = 0;
  let held = 0;
  for (const { id } of subscriptions) {
    const result = await scanOne(db, id, tree, options);
    created += result.created;
    if (result.held) held++;
  }
  return { created, held };
}

async function scanOne(db: Db, subscriptionId: string, tree: AgencyTree, options: ScanOptions): Promise<{ created: number; held: boolean }> {
  return db.$transaction(async (tx) => {
    // A scan already running for this subscription (another worker) owns it for now.
    const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM "WebhookSubscription" WHERE id = ${subscriptionId}::uuid AND active FOR UPDATE SKIP LOCKED`;
    if (locked.length === 0) return { created: 0, held: false };
    const sub = await tx.webhookSubscription.findUniqueOrThrow({ where: { id: subscriptionId } });
    const events = await tx.$queryRaw<EventLine[]>`
      SELECT e.id, e.type::text AS type, c."agencyId" AS "agencyId"
      FROM "ComplaintEvent" e JOIN "Complaint" c ON c.id = e."complaintId"
      WHERE e.id > ${sub.lastEventId} ORDER BY e.id LIMIT ${options.batchSize}`;
    let cursor = sub.lastEventId;
    let gapSeenAt = sub.gapSeenAt;
    let held = false;
    const chosen: bigint[] = [];
    for (const event of events) {
      if (event.id !== cursor + 1n) {
        if (!gapSeenAt) gapSeenAt = options.now;
        if (options.now.getTime() - gapSeenAt.getTime() < options.gapWaitMs) {
          held = true;
          break;
        }
      }
      cursor = event.id;
      gapSeenAt = null;
      const typeOk = sub.eventTypes.length === 0 || sub.eventTypes.includes(event.type);
      const agencyOk = !sub.agencyId || isWithin(tree, event.agencyId, sub.agencyId);
      if (typeOk && agencyOk) chosen.push(event.id);
    }
    if (chosen.length > 0) await tx.webhookDelivery.createMany({ data: chosen.map((eventId) => ({ subscriptionId, eventId })), skipDuplicates: true });
    await tx.webhookSubscription.update({ where: { id: subscriptionId }, data: { lastEventId: cursor, gapSeenAt } });
    return { created: chosen.length, held };
  });
}

/** The oldest pending delivery of each active subscription (or of one): the only one that may be in flight. */
export async function findDeliveryHeads(db: Db, subscriptionId?: string): Promise<{ id: string; round: number }[]> {
  return db.$queryRaw<{ id: string; round: number }[]>`
    SELECT DISTINCT ON (d."subscriptionId") d.id::text AS id, d.round
    FROM "WebhookDelivery" d JOIN "WebhookSubscription" s ON s.id = d."subscriptionId"
    WHERE d.status = 'PENDING' AND s.active ${subscriptionId ? Prisma.sql`AND s.id = ${subscriptionId}::uuid` : Prisma.empty}
    ORDER BY d."subscriptionId", d."eventId"`;
}

export class PgWebhookDeliveryStore implements WebhookDeliveryStore {
  constructor(
    private readonly db: Db,
    private readonly sealer: SecretSealer,
  ) {}

  async findDeliveryWork(deliveryId: string): Promise<DeliveryWork | null> {
    const row = await this.db.webhookDelivery.findUnique({ where: { id: deliveryId }, include: { subscription: true } });
    if (!row) return null;
    const event = await this.db.complaintEvent.findUnique({
      where: { id: row.eventId },
      include: { complaint: { include: { agency: { select: { code: true } }, category: { select: { code: true } } } } },
    });
    if (!event) return null;
    const eventAgency = event.agencyId ? await this.db.agency.findUnique({ where: { id: event.agencyId }, select: { code: true } }) : null;
    const data = event.data;
    const action = data !== null && typeof data === 'object' && !Array.isArray(data) && typeof data['action'] === 'string' ? data['action'] : null;
    const c = event.complaint;
    return {
      id: row.id,
      round: row.round,
      status: row.status,
      attempts: row.attempts,
      subscription: { id: row.subscription.id, url: row.subscription.url, ...this.openSecret(row.subscription), active: row.subscription.active },
      event: { id: event.id, type: event.type, fromStatus: event.fromStatus, toStatus: event.toStatus, actorType: event.actorType, agencyCode: eventAgency?.code ?? null, action, createdAt: event.createdAt },
      complaint: {
        id: c.id, trackingCode: c.trackingCode, status: c.status, type: c.type, agencyCode: c.agency?.code ?? null, categoryCode: c.category.code,
        regionCode: c.regionCode, submittedAt: c.submittedAt, confidential: c.confidential, title: c.title, description: c.description,
      },
    };
  }

  private openSecret(subscription: { id: string; secret: string }): { secret: string | null; secretError?: string } {
    try {
      return { secret: this.sealer.open(subscription.secret, subscription.id) };
    } catch (error) {
      if (!(error instanceof SecretSealError)) throw error;
      return { secret: null, secretError: error.message };
    }
  }

  async saveAttempt(deliveryId: string, attempt: AttemptRecord): Promise<void> {
    const common = { attempts: { increment: 1 }, lastStatusCode: attempt.statusCode, lastError: attempt.error?.slice(0, 1000) ?? null };
    const { outcome } = attempt;
    if (outcome.status === 'DELIVERED') {
      await this.db.webhookDelivery.update({ where: { id: deliveryId }, data: { ...common, status: 'DELIVERED', deliveredAt: attempt.at, nextAttemptAt: null } });
      return;
    }
    if (outcome.status === 'PENDING') {
      await this.db.webhookDelivery.update({ where: { id: deliveryId }, data: { ...common, nextAttemptAt: outcome.nextAttemptAt } });
      return;
    }
    await this.db.$transaction(async (tx) => {
      const row = await tx.webhookDelivery.update({ where: { id: deliveryId }, data: { ...common, status: 'FAILED', nextAttemptAt: null } });
      if (outcome.deactivate) await tx.webhookSubscription.update({ where: { id: row.subscriptionId }, data: { active: false } });
    });
  }
}

/**
 * Refuses a key that does not open every secret sealed already: one sealed with another key would
 * split the table between two keys for good. Names the subscriptions and what to do.
 */
export async function checkSealedWebhookSecrets(db: Db, sealer: SecretSealer): Promise<void> {
  if (!sealer.sealing) return;
  assertKeyOpens(sealer, await db.webhookSubscription.findMany({ where: { secret: { startsWith: SEALED_PREFIX } }, select: { id: true, secret: true }, orderBy: { createdAt: 'asc' } }));
}

function assertKeyOpens(sealer: SecretSealer, rows: { id: string; secret: string }[]): void {
  const closed = rows.filter((row) => {
    try {
      sealer.open(row.secret, row.id);
      return false;
    } catch {
      return true;
    }
  });
  if (closed.length > 0) {
    throw new SecretSealError(
      `WEBHOOK_SECRETS_KEY does not open ${closed.length} of the ${rows.length} sealed webhook secrets (${closed.map((row) => row.id).join(', ')}): ` +
        'set the key they were sealed with, or give each a new secret (cli webhook rotate <id>)',
    );
  }
}

/**
 * At start: with a key, checks it (checkSealedWebhookSecrets; nothing is sealed with a wrong one),
 * then seals the secrets still stored as they are (subscriptions made before the key was set); each
 * row only if it still holds the value read, so processes starting together do not seal one twice.
 * Without a key, counts the plain and the sealed (which no process here opens).
 */
export async function sealWebhookSecrets(db: Db, sealer: SecretSealer): Promise<{ sealed: number; plain: number; unreadable: number }> {
  const rows = await db.webhookSubscription.findMany({ select: { id: true, secret: true }, orderBy: { createdAt: 'asc' } });
  const plainRows = rows.filter((row) => !SecretSealer.isSealed(row.secret));
  if (!sealer.sealing) return { sealed: 0, plain: plainRows.length, unreadable: rows.length - plainRows.length };
  assertKeyOpens(sealer, rows.filter((row) => SecretSealer.isSealed(row.secret)));
  let sealed = 0;
  for (const row of plainRows) {
    sealed += (await db.webhookSubscription.updateMany({ where: { id: row.id, secret: row.secret }, data: { secret: sealer.seal(row.secret, row.id) } })).count;
  }
  return { sealed, plain: 0, unreadable: 0 };
}
