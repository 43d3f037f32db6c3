/**
 * The webhooks worker: "scan" (repeatable) creates deliveries from new events and queues each
 * subscription's oldest pending one; "deliver" makes one attempt and lets BullMQ back off on failure.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { enqueueWebhookDeliveries, WEBHOOK_QUEUE, WebhookDeliverJobSchema } from '../queue/webhooks.js';
import { logWorkerFailures } from '../queue/worker-logs.js';
import { deliverWebhook, RetryableDeliveryError, type DeliverDeps, type DeliveryOutcome } from '../services/webhooks/deliver.js';
import type { Db } from '../store/prisma.js';
import type { SecretSealer } from '../store/secret-sealer.js';
import { findDeliveryHeads, PgWebhookDeliveryStore, scanWebhookEvents } from '../store/webhooks.js';

export interface WebhookWorkerDeps {
  db: Db;
  /** Opens the subscriptions' signing secrets (sealed with WEBHOOK_SECRETS_KEY, or stored as they are). */
  sealer: SecretSealer;
  queue: Queue;
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  log: Logger;
  now: () => Date;
  timeoutMs: number;
  gapWaitMs: number;
  batchSize: number;
  retryDelayMs: (retry: number) => number;
  countOutcome: (outcome: DeliveryOutcome) => void;
}

export interface WebhookRunner {
  /** Scans new events into deliveries and queues the head of each subscription (what the repeatable job runs). */
  scan: (now?: Date) => Promise<{ created: number; held: number; queued: number }>;
  /** Queues the oldest pending delivery of one subscription, or of all. */
  dispatch: (subscriptionId?: string) => Promise<number>;
  deliverDeps: DeliverDeps;
}

export function createWebhookRunner(deps: Omit<WebhookWorkerDeps, 'connection' | 'prefix' | 'concurrency' | 'countOutcome'>): WebhookRunner {
  const dispatch = async (subscriptionId?: string) => enqueueWebhookDeliveries(deps.queue, (await findDeliveryHeads(deps.db, subscriptionId)).map((h) => ({ deliveryId: h.id, round: h.round })));
  const scan = async (now = deps.now()) => {
    const result = await scanWebhookEvents(deps.db, { now, gapWaitMs: deps.gapWaitMs, batchSize: deps.batchSize });
    return { ...result, queued: await dispatch() };
  };
  const deliverDeps: DeliverDeps = { store: new PgWebhookDeliveryStore(deps.db, deps.sealer), dispatch, timeoutMs: deps.timeoutMs, retryDelayMs: deps.retryDelayMs, now: deps.now };
  return { scan, dispatch, deliverDeps };
}

export function startWebhookWorker(deps: WebhookWorkerDeps, runner: WebhookRunner): Worker {
  const worker = new Worker(
    WEBHOOK_QUEUE,
    async (job) => {
      if (job.name === 'scan') {
        const result = await runner.scan();
        if (result.created > 0) deps.log.info(result, 'webhook deliveries created');
        return result;
      }
      const parsed = WebhookDeliverJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`job ${job.id ?? '?'} payload does not match its schema`);
      const attempt = job.attemptsMade + 1;
      const finalAttempt = attempt >= (job.opts.attempts ?? 1);
      try {
        const outcome = await deliverWebhook(runner.deliverDeps, { ...parsed.data, attempt, finalAttempt });
        deps.countOutcome(outcome);
        if (outcome !== 'delivered' && outcome !== 'skipped') deps.log.warn({ deliveryId: parsed.data.deliveryId, outcome }, 'webhook delivery given up');
        return { outcome };
      } catch (error) {
        if (error instanceof RetryableDeliveryError) deps.countOutcome('retry');
        throw error;
      }
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency },
  );
  logWorkerFailures(worker, deps.log, { retry: 'webhook delivery failed; will retry', final: 'webhook job failed for good' });
  return worker;
}
