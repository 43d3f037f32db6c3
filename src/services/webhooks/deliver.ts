/**
 * One attempt at one delivery: sign the public payload, POST it with a timeout, record the outcome.
 * 2xx delivered; 410 Gone deactivates the subscription; anything else (other status, timeout,
 * network error) is retried by the queue with backoff until the last attempt, then kept as FAILED.
 */
import { ID_HEADER, SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './sign.js';
import { toWebhookPayload } from './payload.js';
import type { DispatchHeads, WebhookDeliveryStore } from './ports.js';

export type DeliveryOutcome = 'delivered' | 'retry' | 'failed' | 'gone' | 'skipped';

export interface DeliverDeps {
  store: WebhookDeliveryStore;
  dispatch: DispatchHeads;
  timeoutMs: number;
  /** Delay before the n-th retry (1-based), as the queue's backoff computes it (for nextAttemptAt). */
  retryDelayMs: (retry: number) => number;
  now: () => Date;
  fetch?: typeof fetch;
}

/** Thrown for an attempt that should be tried again; the worker lets BullMQ back off. */
export class RetryableDeliveryError extends Error {}

/**
 * `attempt` is the job's own (1-based): the queue backs off by it, so the next try's time shown on
 * the delivery is worked out from it too (the delivery's count goes on across the scan's re-runs).
 */
export async function deliverWebhook(deps: DeliverDeps, job: { deliveryId: string; round: number; attempt: number; finalAttempt: boolean }): Promise<DeliveryOutcome> {
  const work = await deps.store.findDeliveryWork(job.deliveryId);
  if (!work || work.status !== 'PENDING' || work.round !== job.round || !work.subscription.active) return 'skipped';
  const secret = work.subscription.secret;
  if (secret === null) {
    // Nothing can be signed until the key is back: recorded on the delivery, kept PENDING (the
    // subscription's later events wait behind it, in order), and retried like a refused attempt.
    const at = deps.now();
    const error = `not sent: ${work.subscription.secretError ?? 'the signing secret does not open'}`;
    await deps.store.saveAttempt(work.id, { statusCode: null, error, at, outcome: { status: 'PENDING', nextAttemptAt: new Date(at.getTime() + deps.retryDelayMs(job.attempt)) } });
    throw new RetryableDeliveryError(error);
  }
  const body = JSON.stringify(toWebhookPayload(work.event, work.complaint));
  const sentAt = deps.now();
  const timestamp = Math.floor(sentAt.getTime() / 1000);
  let statusCode: number | null = null;
  let error: string | null = null;
  try {
    const response = await (deps.fetch ?? fetch)(work.subscription.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Aduan-Webhooks/1',
        [ID_HEADER]: work.id,
        [TIMESTAMP_HEADER]: String(timestamp),
        [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
    statusCode = response.status;
    // The answer is not read beyond its status; drop the body so the connection is freed.
    await response.body?.cancel().catch(() => undefined);
    if (statusCode < 200 || statusCode >= 300) error = `receiver answered ${statusCode}`;
  } catch (caught) {
    error = caught instanceof Error && caught.name === 'TimeoutError' ? `no answer within ${deps.timeoutMs} ms` : `request failed: ${caught instanceof Error ? caught.message : String(caught)}`;
  }
  const at = deps.now();
  if (statusCode !== null && statusCode >= 200 && statusCode < 300) {
    await deps.store.saveAttempt(work.id, { statusCode, error: null, at, outcome: { status: 'DELIVERED' } });
    await deps.dispatch(work.subscription.id);
    return 'delivered';
  }
  if (statusCode === 410) {
    await deps.store.saveAttempt(work.id, { statusCode, error: 'receiver answered 410 Gone: subscription deactivated', at, outcome: { status: 'FAILED', deactivate: true } });
    return 'gone';
  }
  if (job.finalAttempt) {
    await deps.store.saveAttempt(work.id, { statusCode, error, at, outcome: { status: 'FAILED', deactivate: false } });
    // The failed one stays for an operator (redeliver); the next events go on.
    await deps.dispatch(work.subscription.id);
    return 'failed';
  }
  const nextAttemptAt = new Date(at.getTime() + deps.retryDelayMs(job.attempt));
  await deps.store.saveAttempt(work.id, { statusCode, error, at, outcome: { status: 'PENDING', nextAttemptAt } });
  throw new RetryableDeliveryError(error ?? 'delivery failed');
}
