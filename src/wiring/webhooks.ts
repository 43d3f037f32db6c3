/** Outgoing webhooks: the queue, the scan/deliver runner and, in the worker role, the worker and its scan schedule. */
import type { ConnectionOptions, Queue, Worker } from 'bullmq';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createWebhookQueue, webhookRetryDelay } from '../queue/webhooks.js';
import type { Db } from '../store/prisma.js';
import type { SecretSealer } from '../store/secret-sealer.js';
import { sealWebhookSecrets } from '../store/webhooks.js';
import { createWebhookRunner, startWebhookWorker, type WebhookRunner } from '../workers/webhooks.js';
import type { Metrics } from './metrics.js';

export interface WebhookWiring {
  queue: Queue;
  runner: WebhookRunner;
  /** Starts the worker and creates the scan schedule; returns the worker. */
  start: () => Promise<Worker>;
  /** (Re)creates the scan schedule (a Redis that came back empty has lost it). */
  schedule: () => Promise<void>;
}

export function buildWebhooks(input: { config: Config; db: Db; sealer: SecretSealer; log: Logger; queueConnection: ConnectionOptions; workerConnection: ConnectionOptions; metrics: Metrics; now: () => Date }): WebhookWiring {
  const { config, db, sealer, log, now } = input;
  const policy = { attempts: config.WEBHOOK_ATTEMPTS, baseDelayMs: config.WEBHOOK_RETRY_BASE_MS };
  const queue = createWebhookQueue(input.queueConnection, config.REDIS_PREFIX, policy);
  const settings = { db, sealer, queue, log, now, timeoutMs: config.WEBHOOK_TIMEOUT_MS, gapWaitMs: config.WEBHOOK_GAP_WAIT_SECONDS * 1000, batchSize: 500, retryDelayMs: (retry: number) => webhookRetryDelay(policy, retry) };
  const runner = createWebhookRunner(settings);
  const schedule = async () => {
    await queue.upsertJobScheduler('webhook-scan', { every: config.WEBHOOK_SCAN_INTERVAL_SECONDS * 1000 }, { name: 'scan' });
  };
  return {
    schedule,
    queue,
    runner,
    start: async () => {
      const worker = startWebhookWorker({ ...settings, connection: input.workerConnection, prefix: config.REDIS_PREFIX, concurrency: config.WORKER_CONCURRENCY, countOutcome: (outcome) => input.metrics.countWebhookDelivery(outcome) }, runner);
      await schedule();
      return worker;
    },
  };
}

/**
 * At start, before anything runs: seals the signing secrets stored before WEBHOOK_SECRETS_KEY was
 * set, and says what is left in plain text or cannot be opened here. A key that does not open the
 * secrets sealed already stops the start (sealWebhookSecrets).
 */
export async function sealStoredWebhookSecrets(db: Db, sealer: SecretSealer, log: Logger): Promise<void> {
  const { sealed, plain, unreadable } = await sealWebhookSecrets(db, sealer);
  if (sealed > 0) log.info({ count: sealed }, 'sealed webhook signing secrets stored before WEBHOOK_SECRETS_KEY was set');
  if (plain > 0) log.warn({ count: plain }, 'webhook signing secrets are stored in plain text: set WEBHOOK_SECRETS_KEY to seal them');
  if (unreadable > 0) log.error({ count: unreadable }, 'webhook signing secrets are sealed, and WEBHOOK_SECRETS_KEY is not set: their deliveries wait until it is');
}
