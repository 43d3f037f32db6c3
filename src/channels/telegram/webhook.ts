/**
 * Webhook mode: `POST /telegram/webhook`. The secret header is compared in constant time; the
 * update is put on the inbound queue (inbox.ts) and answered at once, so Telegram never waits for
 * the handling. A re-delivered update_id is answered `duplicate` and queued once; when Redis cannot
 * take the update the answer is 503, and Telegram delivers it again.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { isUpdate } from './updates.js';

export const WEBHOOK_PATH = '/telegram/webhook';
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface WebhookDeps {
  secret: string;
  /** Queues the update; false when its update_id was queued before. */
  enqueue: (update: { update_id: number }) => Promise<boolean>;
}

export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the secret's length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function registerTelegramWebhook(app: FastifyInstance, deps: WebhookDeps): void {
  app.post(WEBHOOK_PATH, async (request, reply) => {
    if (!sameSecret(request.headers[SECRET_HEADER], deps.secret)) {
      request.log.warn('telegram webhook call with a wrong or missing secret token');
      return reply.code(401).send({ error: 'unauthorized' });
    }
    const update = request.body;
    if (!isUpdate(update)) {
      request.log.warn('telegram webhook body is not an update; dropped');
      return reply.code(200).send({ ok: true, ignored: true });
    }
    try {
      const fresh = await deps.enqueue(update);
      return await reply.code(200).send(fresh ? { ok: true } : { ok: true, duplicate: true });
    } catch (error) {
      request.log.warn({ err: error, updateId: update.update_id }, 'telegram webhook: update not queued (redis unavailable); Telegram will re-send');
      return reply.code(503).send({ error: 'unavailable' });
    }
  });
}
