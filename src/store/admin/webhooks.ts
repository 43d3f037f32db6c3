/** Webhook subscriptions and their deliveries, managed by operators through the admin API and CLI, audited. */
import { badRequest, notFound } from '../../services/admin/errors.js';
import { randomUUID } from 'node:crypto';
import { newWebhookSecret } from '../../services/webhooks/sign.js';
import type { Db } from '../prisma.js';
import type { SecretSealer } from '../secret-sealer.js';
import { saveAudit, type AuditActor, type AuditSummary } from './audit.js';

export interface WebhookInput {
  name: string;
  url: string;
  /** An agency code; only events of complaints with that agency (or its units). */
  agencyCode?: string | null | undefined;
  eventTypes?: string[] | undefined;
  active?: boolean | undefined;
}
export type WebhookPatch = Partial<WebhookInput>;

type Row = { id: string; name: string; url: string; agencyId: string | null; eventTypes: string[]; active: boolean; lastEventId: bigint; createdAt: Date };

/** What the API and CLI show: never the secret. */
export function toWebhookView(row: Row, agencyCode: string | null) {
  return { id: row.id, name: row.name, url: row.url, agencyCode, eventTypes: row.eventTypes, active: row.active, lastEventId: row.lastEventId.toString(), createdAt: row.createdAt.toISOString() };
}
export type WebhookView = ReturnType<typeof toWebhookView>;

const summary = (row: Row): AuditSummary => ({ name: row.name, url: row.url, agencyId: row.agencyId, eventTypes: row.eventTypes, active: row.active });

async function agencyIdOf(db: Db, code: string | null | undefined): Promise<string | null | undefined> {
  if (code === undefined || code === null) return code;
  const agency = await db.agency.findUnique({ where: { code }, select: { id: true } });
  if (!agency) throw badRequest(`agency "${code}" does not exist`);
  return agency.id;
}

async function view(db: Db, row: Row): Promise<WebhookView> {
  const agency = row.agencyId ? await db.agency.findUnique({ where: { id: row.agencyId }, select: { code: true } }) : null;
  return toWebhookView(row, agency?.code ?? null);
}

export async function findWebhooks(db: Db): Promise<WebhookView[]> {
  const rows = await db.webhookSubscription.findMany({ orderBy: { createdAt: 'asc' } });
  return Promise.all(rows.map((row) => view(db, row)));
}

async function findRow(db: Db, id: string): Promise<Row> {
  const row = await db.webhookSubscription.findUnique({ where: { id } });
  if (!row) throw notFound(`webhook "${id}"`);
  return row;
}

export async function findWebhook(db: Db, id: string): Promise<WebhookView> {
  return view(db, await findRow(db, id));
}

/** A new subscription follows events from now on (its cursor starts at the newest event); the secret is returned this once. */
export async function createWebhook(db: Db, actor: AuditActor, input: WebhookInput, sealer: SecretSealer): Promise<WebhookView & { secret: string }> {
  const agencyId = (await agencyIdOf(db, input.agencyCode)) ?? null;
  const secret = newWebhookSecret();
  // The id is drawn here: the sealed secret is bound to its row.
  const id = randomUUID();
  const row = await db.$transaction(async (tx) => {
    const newest = await tx.complaintEvent.aggregate({ _max: { id: true } });
    const created = await tx.webhookSubscription.create({ data: { id, name: input.name, url: input.url, secret: sealer.seal(secret, id), agencyId, eventTypes: input.eventTypes ?? [], active: input.active ?? true, lastEventId: newest._max.id ?? 0n } });
    await saveAudit(tx, actor, { action: 'webhook.create', targetType: 'webhook', targetId: created.id, agencyId, after: summary(created) });
    return created;
  });
  return { ...(await view(db, row)), secret };
}

export async function updateWebhook(db: Db, actor: AuditActor, id: string, patch: WebhookPatch): Promise<WebhookView> {
  const before = await findRow(db, id);
  const agencyId = await agencyIdOf(db, patch.agencyCode);
  const row = await db.$transaction(async (tx) => {
    const updated = await tx.webhookSubscription.update({
      where: { id },
      data: {
        ...(patch.name !== undefined ? { name: patch.name } : {}),
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(agencyId !== undefined ? { agencyId } : {}),
        ...(patch.eventTypes !== undefined ? { eventTypes: patch.eventTypes } : {}),
        ...(patch.active !== undefined ? { active: patch.active } : {}),
      },
    });
    await saveAudit(tx, actor, { action: 'webhook.update', targetType: 'webhook', targetId: id, agencyId: updated.agencyId, before: summary(before), after: summary(updated) });
    return updated;
  });
  return view(db, row);
}

/** A new secret at once (the old one stops working): returned this once. */
export async function rotateWebhookSecret(db: Db, actor: AuditActor, id: string, sealer: SecretSealer): Promise<{ id: string; secret: string }> {
  const before = await findRow(db, id);
  const secret = newWebhookSecret();
  await db.$transaction(async (tx) => {
    await tx.webhookSubscription.update({ where: { id }, data: { secret: sealer.seal(secret, id) } });
    await saveAudit(tx, actor, { action: 'webhook.rotate', targetType: 'webhook', targetId: id, agencyId: before.agencyId });
  });
  return { id, secret };
}

export async function deleteWebhook(db: Db, actor: AuditActor, id: string): Promise<void> {
  const before = await findRow(db, id);
  await db.$transaction(async (tx) => {
    await tx.webhookSubscription.delete({ where: { id } });
    await saveAudit(tx, actor, { action: 'webhook.delete', targetType: 'webhook', targetId: id, agencyId: before.agencyId, before: summary(before) });
  });
}

export async function findWebhookDeliveries(db: Db, id: string, limit: number) {
  await findRow(db, id);
  const rows = await db.webhookDelivery.findMany({ where: { subscriptionId: id }, orderBy: { eventId: 'desc' }, take: limit });
  return rows.map((d) => ({
    id: d.id, eventId: d.eventId.toString(), status: d.status, attempts: d.attempts, lastStatusCode: d.lastStatusCode, lastError: d.lastError,
    nextAttemptAt: d.nextAttemptAt?.toISOString() ?? null, deliveredAt: d.deliveredAt?.toISOString() ?? null, createdAt: d.createdAt.toISOString(),
  }));
}

/** Sends one delivery again (FAILED or DELIVERED): back to PENDING with a new round, so it gets a fresh job. */
export async function redeliverWebhook(db: Db, actor: AuditActor, id: string, deliveryId: string): Promise<{ id: string; round: number }> {
  const before = await db.webhookDelivery.findFirst({ where: { id: deliveryId, subscriptionId: id }, include: { subscription: { select: { agencyId: true } } } });
  if (!before) throw notFound(`delivery "${deliveryId}" of webhook "${id}"`);
  if (before.status === 'PENDING') return { id: before.id, round: before.round };
  return db.$transaction(async (tx) => {
    const row = await tx.webhookDelivery.update({ where: { id: deliveryId }, data: { status: 'PENDING', attempts: 0, round: { increment: 1 }, nextAttemptAt: null, deliveredAt: null } });
    await saveAudit(tx, actor, { action: 'webhook.redeliver', targetType: 'webhook', targetId: id, agencyId: before.subscription.agencyId, before: { deliveryId, status: before.status }, after: { deliveryId, status: 'PENDING' } });
    return { id: row.id, round: row.round };
  });
}
