/** Outgoing webhooks (OPERATOR only): subscriptions, secret rotation, recent deliveries and redelivery, all audited. */
import { z } from 'zod';
import { apiActor } from '../../store/admin/audit.js';
import * as webhooks from '../../store/admin/webhooks.js';
import { adminOf } from '../admin-guard.js';
import type { AdminApp, AdminRouteContext } from './plugin.js';
import { AgencyCode, IdParams, Uuid } from './schemas.js';

const EVENT_TYPES = ['CREATED', 'STATUS_CHANGED', 'FORWARDED', 'MESSAGE_IN', 'MESSAGE_OUT', 'NOTE', 'ATTACHMENT_ADDED', 'ASSIGNED', 'COPY_ADDED', 'RATED', 'REMINDER_SENT', 'DEADLINE_BREACHED', 'ESCALATED', 'DUPLICATE_SUSPECTED', 'MERGED'] as const;

function parseUrl(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

/** An absolute http(s) URL without credentials; https only when the deployment requires it. */
export function webhookUrl(requireHttps: boolean) {
  return z
    .string()
    .max(2000, { error: 'at most 2000 characters' })
    .refine((value) => {
      const url = parseUrl(value);
      return url !== null && (url.protocol === 'https:' || (!requireHttps && url.protocol === 'http:')) && url.username === '' && url.password === '';
    }, { error: requireHttps ? 'an https:// URL (WEBHOOK_REQUIRE_HTTPS is on)' : 'an http:// or https:// URL without user:password' });
}

export const webhookSchemas = (requireHttps: boolean) => {
  const create = z.strictObject({
    name: z.string().trim().min(1, { error: 'must not be empty' }).max(200, { error: 'at most 200 characters' }),
    url: webhookUrl(requireHttps),
    agencyCode: AgencyCode.nullable().optional(),
    eventTypes: z.array(z.enum(EVENT_TYPES)).max(EVENT_TYPES.length).optional(),
    active: z.boolean().optional(),
  });
  return { create, update: create.partial() };
};

const DeliveryParams = z.strictObject({ id: Uuid, deliveryId: Uuid });
const DeliveryQuery = z.strictObject({ limit: z.coerce.number({ error: 'must be a number' }).int().min(1).max(100, { error: 'must be at most 100' }).default(50) });

export function registerWebhookRoutes(api: AdminApp, ctx: AdminRouteContext): void {
  const { db } = ctx;
  const operator = { preHandler: ctx.guard(['OPERATOR']) };
  const schemas = webhookSchemas(ctx.webhookRequireHttps ?? false);
  const tags = ['webhooks'];

  api.get('/webhooks', { ...operator, schema: { tags } }, async () => ({ items: await webhooks.findWebhooks(db) }));
  api.post('/webhooks', { ...operator, schema: { tags, body: schemas.create } }, async (request, reply) =>
    reply.code(201).send(await webhooks.createWebhook(db, apiActor(adminOf(request), request.id), request.body, ctx.webhookSecrets)),
  );
  api.get('/webhooks/:id', { ...operator, schema: { tags, params: IdParams } }, async (request) => webhooks.findWebhook(db, request.params.id));
  api.patch('/webhooks/:id', { ...operator, schema: { tags, params: IdParams, body: schemas.update } }, async (request) =>
    webhooks.updateWebhook(db, apiActor(adminOf(request), request.id), request.params.id, request.body),
  );
  api.post('/webhooks/:id/rotate-secret', { ...operator, schema: { tags, params: IdParams } }, async (request) =>
    webhooks.rotateWebhookSecret(db, apiActor(adminOf(request), request.id), request.params.id, ctx.webhookSecrets),
  );
  api.delete('/webhooks/:id', { ...operator, schema: { tags, params: IdParams } }, async (request) => {
    await webhooks.deleteWebhook(db, apiActor(adminOf(request), request.id), request.params.id);
    return { deleted: true };
  });
  api.get('/webhooks/:id/deliveries', { ...operator, schema: { tags, params: IdParams, querystring: DeliveryQuery } }, async (request) => ({
    items: await webhooks.findWebhookDeliveries(db, request.params.id, request.query.limit),
  }));
  // Back to PENDING; the next scan (every WEBHOOK_SCAN_INTERVAL_SECONDS) queues it.
  api.post('/webhooks/:id/deliveries/:deliveryId/redeliver', { ...operator, schema: { tags, params: DeliveryParams } }, async (request, reply) =>
    reply.code(202).send({ ...(await webhooks.redeliverWebhook(db, apiActor(adminOf(request), request.id), request.params.id, request.params.deliveryId)), status: 'PENDING' }),
  );
}
