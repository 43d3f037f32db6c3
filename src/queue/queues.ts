/**
 * The queues, their job payloads (parsed again by the workers: the queue is a boundary) and the
 * producers. Payloads carry ids only; the citizen's words stay in PostgreSQL.
 */
import { Queue, type ConnectionOptions, type DefaultJobOptions, type Job } from 'bullmq';
import { z } from 'zod';
import { DEADLINE_KINDS } from '../domain/index.js';
import type { IntakeQueue, NotificationQueue } from '../services/ports.js';

export const QUEUE = { intake: 'intake', notify: 'notify', maintenance: 'maintenance', deadlines: 'deadlines' } as const;

export const IntakeJobSchema = z.strictObject({ trackingCode: z.string().regex(/^[A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4}$/) });
export const NotifyJobSchema = z.strictObject({ complaintId: z.uuid(), eventId: z.string().regex(/^\d+$/) });
export const DeadlineJobSchema = z.strictObject({ complaintId: z.uuid(), kind: z.enum(DEADLINE_KINDS) });

/** Retries with exponential backoff (2 s, 4 s, 8 s … about 17 min in all); failed jobs are kept for an operator. */
export const DEFAULT_JOB_OPTIONS: DefaultJobOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2_000, jitter: 0.3 },
  removeOnComplete: { age: 24 * 3600, count: 10_000 },
  removeOnFail: false,
};

export interface Queues {
  intake: Queue;
  notify: Queue;
  maintenance: Queue;
  deadlines: Queue;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const make = (name: string) => new Queue(name, { connection, prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const intake = make(QUEUE.intake);
  const notify = make(QUEUE.notify);
  const maintenance = make(QUEUE.maintenance);
  const deadlines = make(QUEUE.deadlines);
  return {
    intake,
    notify,
    maintenance,
    deadlines,
    close: async () => {
      await Promise.all([intake.close(), notify.close(), maintenance.close(), deadlines.close()]);
    },
  };
}

/**
 * Job id = tracking code: enqueuing the same submission twice keeps one job. A fresh confirmation
 * is a single add; a requeue (recovery) first looks for a job that failed for good (its retries ran
 * out while PostgreSQL was down, say) and retries it: the caller only asks for submissions that can
 * still be stored.
 */
export class BullIntakeQueue implements IntakeQueue {
  constructor(private readonly queue: Queue) {}
  async enqueueIntake(trackingCode: string): Promise<void> {
    await this.queue.add('store', { trackingCode }, { jobId: trackingCode });
  }

  async requeueIntake(trackingCode: string): Promise<void> {
    if (await retryIfFailed(this.queue, trackingCode, () => true)) return;
    await this.enqueueIntake(trackingCode);
  }
}

/**
 * A job that failed keeps its id, and an add with that id is ignored: a requeue looks for it first.
 * True when the job is in the failed set (retried, from its first attempt, if `worthRetrying` says
 * so: with the count kept, its first error would fail it for good); false when there is none.
 */
async function retryIfFailed(queue: Queue, jobId: string, worthRetrying: (job: Job) => boolean): Promise<boolean> {
  const existing = await queue.getJob(jobId);
  if (!existing || !(await existing.isFailed())) return false;
  if (worthRetrying(existing)) await existing.retry('failed', { resetAttemptsMade: true });
  return true;
}

/** BullMQ's reason for a job whose worker went away while running it more often than allowed. */
const STALLED_TOO_OFTEN = 'job stalled more than allowable limit';

export class BullNotificationQueue implements NotificationQueue {
  constructor(private readonly queue: Queue) {}
  async enqueueNotification(job: { complaintId: string; eventId: string }): Promise<void> {
    await this.queue.add('notice', job, { jobId: `notice-${job.eventId}` });
  }

  async requeueNotification(job: { complaintId: string; eventId: string }): Promise<void> {
    // Retried if it failed by running out of attempts (an outage) or by stalling (its worker died,
    // twice); one failed early otherwise was stopped on purpose (a chat that cannot be reached).
    const ranOut = (failed: Job) => failed.attemptsMade >= (failed.opts.attempts ?? 1) || failed.failedReason === STALLED_TOO_OFTEN;
    if (await retryIfFailed(this.queue, `notice-${job.eventId}`, ranOut)) return;
    await this.enqueueNotification(job);
  }
}
