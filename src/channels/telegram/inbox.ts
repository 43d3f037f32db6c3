/**
 * Inbound updates are queued before they are handled, in both modes: the webhook answers as soon
 * as the update is in Redis, and long polling (whose runner confirms offsets before handling) puts
 * each update on the queue before it is confirmed as handled, retrying until Redis takes it. The
 * `telegram-in` worker then handles each update; one that fails (PostgreSQL down, say) is retried
 * with backoff, so an outage delays updates and loses none.
 *
 * De-duplication: job id `upd-<update_id>`, and a 24 h marker set once the job is stored (Telegram
 * re-sends updates it thinks were lost, sometimes much later than the job is kept).
 *
 * Order per chat (BullMQ groups are a Pro feature, so this is what is guaranteed instead): jobs are
 * taken in arrival order and, within one process, one chat's updates run one after another in the
 * order they were taken (a keyed serialiser on the chat id). Across processes, or when an update
 * is retried after a failure, a later update of the same chat can run first; then the chat lock,
 * the session version and the per-message de-duplication of the inbound handler still guarantee
 * one writer per chat, no message handled twice, and a stale button answered "sudah ditutup".
 */
import { Queue, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { KeyedSerialiser } from '../../services/keyed-serialiser.js';
import { UPDATE_DEDUPE_SECONDS } from './limits.js';
import { chatKeyOf } from './updates.js';
import { logWorkerFailures } from '../../queue/worker-logs.js';

export const TELEGRAM_IN_QUEUE = 'telegram-in';

const InJobSchema = z.strictObject({ update: z.looseObject({ update_id: z.number().int().nonnegative() }) });

/** 15 attempts, 1 s doubling: an update waits out about nine hours of outage before it is parked as failed. */
export const IN_JOB_ATTEMPTS = 15;

export function createInboxQueue(connection: ConnectionOptions, prefix: string, backoffMs = 1_000): Queue {
  return new Queue(TELEGRAM_IN_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      attempts: IN_JOB_ATTEMPTS,
      backoff: { type: 'exponential', delay: backoffMs, jitter: 0.2 },
      // Updates carry what citizens wrote: keep handled ones briefly, failed ones for an operator.
      removeOnComplete: { age: 600, count: 1000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

export const updateJobId = (updateId: number) => `upd-${updateId}`;

export interface Inbox {
  /**
   * Stores the update once: false when this update_id was stored before (a re-delivery). Throws
   * when Redis is unreachable (the webhook then answers 503 and Telegram re-sends).
   */
  enqueue(update: { update_id: number }): Promise<boolean>;
  /** Long polling: retries with backoff until the update is stored, or until `stopping()`. */
  enqueueDurably(update: { update_id: number }, stopping: () => boolean): Promise<void>;
}

export function createInbox(deps: { queue: Queue; redis: Redis; prefix: string; log: Logger; sleep?: (ms: number) => Promise<void> }): Inbox {
  const marker = (updateId: number) => `${deps.prefix}:telegram:update:${updateId}`;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const enqueue = async (update: { update_id: number }): Promise<boolean> => {
    if ((await deps.redis.exists(marker(update.update_id))) === 1) return false;
    // The job id de-duplicates two deliveries racing here; the marker is set only once the job is stored.
    await deps.queue.add('update', { update }, { jobId: updateJobId(update.update_id) });
    await deps.redis.set(marker(update.update_id), '1', 'EX', UPDATE_DEDUPE_SECONDS, 'NX');
    return true;
  };
  return {
    enqueue,
    async enqueueDurably(update, stopping) {
      for (let attempt = 0; ; attempt++) {
        try {
          await enqueue(update);
          return;
        } catch (error) {
          if (stopping()) throw error;
          const wait = Math.min(5_000, 250 * 2 ** Math.min(attempt, 5));
          deps.log.warn({ err: error, updateId: update.update_id, retryInMs: wait }, 'telegram update not queued yet (redis); retrying');
          await sleep(wait);
        }
      }
    },
  };
}

/** Handles queued updates; a failure fails the job, which BullMQ retries with backoff. */
export function startInboxWorker(deps: { connection: ConnectionOptions; prefix: string; concurrency: number; process: (update: unknown) => Promise<void>; log: Logger }): Worker {
  const perChat = new KeyedSerialiser();
  const worker = new Worker(
    TELEGRAM_IN_QUEUE,
    async (job: Job) => {
      const parsed = InJobSchema.safeParse(job.data);
      if (!parsed.success) {
        deps.log.warn({ jobId: job.id }, 'telegram-in job does not match its schema; dropped');
        return;
      }
      const { update } = parsed.data;
      await perChat.run(chatKeyOf(update) ?? `update-${update.update_id}`, () => deps.process(update));
    },
    { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency },
  );
  logWorkerFailures(worker, deps.log, { retry: 'telegram update failed; will retry', final: 'telegram update failed for good (kept in the failed set)' });
  return worker;
}
