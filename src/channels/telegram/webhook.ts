/**
 * Webhook mode: `POST /telegram/webhook`. The secret header is compared in constant time; each
 * update_id is claimed once in Redis (Telegram re-sends what it thinks was lost); the answer goes
 * back once the update is handled or after WEBHOOK_ANSWER_MS, whichever is first. An update that
 * fails before the answer releases its claim and gets a 500, so Telegram delivers it again.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { Update } from 'grammy/types';
import { WEBHOOK_ANSWER_MS } from './limits.js';
import { isUpdate } from './updates.js';

export const WEBHOOK_PATH = '/telegram/webhook';
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export interface WebhookDeps {
  secret: string;
  handleUpdate: (update: Update) => Promise<void>;
  /** True the first time an update_id is seen. */
  claim: (updateId: number) => Promise<boolean>;
  release: (updateId: number) => Promise<void>;
  answerMs?: number;
}

export function sameSecret(given: unknown, expected: string): boolean {
  if (typeof given !== 'string') return false;
  // Hashing first gives equal lengths, so timingSafeEqual never leaks the secret's length.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

export function registerTelegramWebhook(app: FastifyInstance, deps: WebhookDeps): void {
  const answerMs = deps.answerMs ?? WEBHOOK_ANSWER_MS;
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
    let fresh: boolean;
    try {
      fresh = await deps.claim(update.update_id);
    } catch (error) {
      request.log.warn({ err: error }, 'telegram webhook: redis unavailable, Telegram will re-send');
      return reply.code(503).send({ error: 'unavailable' });
    }
    if (!fresh) return reply.code(200).send({ ok: true, duplicate: true });

    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), answerMs);
    });
    const work = deps.handleUpdate(update).then(
      () => 'done' as const,
      (error: unknown) => ({ error }),
    );
    const first = await Promise.race([work, late]);
    clearTimeout(timer);
    if (first === 'late') {
      // Still running: answer now so Telegram does not re-send; failures are logged by the bot.
      void work.then((outcome) => {
        if (outcome !== 'done') request.log.error({ err: outcome.error, updateId: update.update_id }, 'telegram update failed after the webhook answered');
      });
      return reply.code(200).send({ ok: true });
    }
    if (first !== 'done') {
      request.log.error({ err: first.error, updateId: update.update_id }, 'telegram update failed; Telegram will re-send it');
      await deps.release(update.update_id).catch(() => undefined);
      return reply.code(500).send({ error: 'update not handled' });
    }
    return reply.code(200).send({ ok: true });
  });
}
