/**
 * The webhooks queue: a repeatable "scan" job turns new complaint events into deliveries, and one
 * "deliver" job per delivery POSTs it, retried with exponential backoff. Only the oldest pending
 * delivery of a subscription is ever queued, so a receiver gets its events in order, and a receiver
 * that is down holds up only its own deliveries (never this process's other queues).
 */
import { Queue, type ConnectionOptions } from 'bullmq';
import { z } from 'zod';

export const WEBHOOK_QUEUE = 'webhooks';
export const WebhookDeliverJobSchema = z.strictObject({ deliveryId: z.uuid(), round: z.int().min(0) });
export type WebhookDeliverJob = z.infer<typeof WebhookDeliverJobSchema>;

export interface WebhookRetryPolicy {
  attempts: number;
  baseDelayMs: number;
}

/** The delay BullMQ's exponential backoff waits before retry n (1-based): base · 2^(n-1). */
export const webhookRetryDelay = (policy: WebhookRetryPolicy, retry: number) => policy.baseDelayMs * 2 ** Math.max(0, retry - 1);

export function createWebhookQueue(connection: ConnectionOptions, prefix: string, policy: WebhookRetryPolicy): Queue {
  return new Queue(WEBHOOK_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: { attempts: policy.attempts, backoff: { type: 'exponential', delay: policy.baseDelayMs }, removeOnComplete: { age: 24 * 3600, count: 10_000 }, removeOnFail: { age: 7 * 24 * 3600 } },
  });
}

/** Job id per delivery and round: queuing the same head twice keeps one job; a redelivery (new round) gets a new one. */
export const webhookJobId = (job: WebhookDeliverJob) => `whd-${job.deliveryId}-${job.round}`;

export async function enqueueWebhookDeliveries(queue: Queue, jobs: readonly WebhookDeliverJob[]): Promise<number> {
  for (const job of jobs) {
    // A job that failed for good without its row being settled (the database was down, say) is retried,
    // not left stuck, from its first attempt: with the count kept, it would have one try left, and the
    // worker would take a receiver's first 5xx as final.
    const existing = await queue.getJob(webhookJobId(job));
    const state = existing ? await existing.getState() : 'none';
    if (existing && state === 'failed') await existing.retry('failed', { resetAttemptsMade: true });
    // Completed while its row is still pending: it was skipped (the subscription was disabled then); run it again.
    else if (existing && state === 'completed') await existing.remove().then(() => queue.add('deliver', job, { jobId: webhookJobId(job) }));
    else if (!existing) await queue.add('deliver', job, { jobId: webhookJobId(job) });
  }
  return jobs.length;
}
