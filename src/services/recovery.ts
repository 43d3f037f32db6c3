/**
 * Re-enqueues confirmed submissions that no worker has stored yet: after a Redis flush, a crash
 * between confirm and enqueue, or an enqueue that failed. Safe to run any time: the job id is the
 * tracking code, so a submission that is still queued is not queued twice.
 */
import type { IntakeQueue, IntakeStore, NotificationQueue, PendingCode } from './ports.js';

export interface RecoveryDeps {
  store: Pick<IntakeStore, 'findPendingSubmissions' | 'findUnsentNotices'>;
  intake: IntakeQueue;
  notifications?: NotificationQueue;
}

/** Notices older than this and still unsent are re-enqueued (job ids make it a no-op when queued). */
const NOTICE_GRACE_MS = 60_000;
const NOTICE_LOOKBACK_MS = 7 * 24 * 3600_000;

/** Items a sweep re-enqueues per run (the start-up recovery goes on batch after batch). */
const BATCH = 500;

/** Requeues a batch in order; when it was full, its last item is where the next batch starts. */
async function requeueBatch<T>(batch: T[], limit: number, requeue: (item: T) => Promise<void>): Promise<{ count: number; next: T | null }> {
  for (const item of batch) await requeue(item);
  const last = batch.at(-1);
  return { count: batch.length, next: batch.length === limit && last !== undefined ? last : null };
}

/**
 * The outbox side of casework: an action's events are committed before their notices are enqueued,
 * so a Redis failure in between would leave the citizen untold. This finds and enqueues them, a
 * batch per run in event order, and says where the next run goes on (`next`; null: from the start).
 * Some notices stay unsent for the whole look-back however often they are tried (a Telegram chat
 * that blocked the bot, a channel switched off): a sweep that always took the oldest batch would,
 * once there were a batch of those, never reach a notice lost after them.
 */
export async function recoverUnsentNotices(
  deps: RecoveryDeps,
  now: Date,
  { after = null, limit = BATCH }: { after?: string | null; limit?: number } = {},
): Promise<{ checked: number; next: string | null }> {
  const notifications = deps.notifications;
  if (!notifications) return { checked: 0, next: null };
  const notices = await deps.store.findUnsentNotices(new Date(now.getTime() - NOTICE_LOOKBACK_MS), new Date(now.getTime() - NOTICE_GRACE_MS), limit, after);
  const { count, next } = await requeueBatch(notices, limit, (notice) => notifications.requeueNotification(notice));
  return { checked: count, next: next?.eventId ?? null };
}

/**
 * One batch of the submissions still pending after `olderThan`, oldest first after `after`, each
 * re-enqueued (or its failed job retried); `next` is where the following batch starts (null: done).
 * The periodic sweep takes a batch a run: a submission whose intake keeps failing stays pending, and
 * a sweep of the oldest batch alone would never get past a batch of those.
 */
export async function recoverPendingSubmissions(
  deps: RecoveryDeps,
  olderThan: Date,
  { after = null, limit = BATCH }: { after?: PendingCode | null; limit?: number } = {},
): Promise<{ count: number; next: PendingCode | null }> {
  const pending = await deps.store.findPendingSubmissions(olderThan, limit, after);
  return requeueBatch(pending, limit, ({ trackingCode }) => deps.intake.requeueIntake(trackingCode));
}

/** Every pending submission, batch after batch: start-up, and the operator's `recover` after a Redis loss. */
export async function recoverAllPendingSubmissions(deps: RecoveryDeps, olderThan: Date, limit = BATCH): Promise<number> {
  let total = 0;
  let after: PendingCode | null = null;
  do {
    const batch = await recoverPendingSubmissions(deps, olderThan, { after, limit });
    total += batch.count;
    after = batch.next;
  } while (after);
  return total;
}
