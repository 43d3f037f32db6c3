/**
 * Thin processors: parse the payload, call a service, map the outcome to BullMQ. A payload that
 * fails its schema or a submission that can never be stored fails at once (UnrecoverableError) and
 * stays in the failed set for an operator; anything else is retried with backoff.
 */
import { UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { z } from 'zod';
import { DeadlineJobSchema, IntakeJobSchema, NotifyJobSchema, QUEUE } from '../queue/queues.js';
import { fireDeadline, sweepDeadlines, type DeadlineDeps } from '../services/deadlines.js';
import { InvalidSubmissionError, storeSubmission, type IntakeDeps } from '../services/intake.js';
import { sendNotification, type NotifyDeps } from '../services/notify.js';
import { SendError, type PendingCode } from '../services/ports.js';
import { expireIdleSessions, type ExpiryDeps } from '../services/expiry.js';
import { recoverPendingSubmissions, recoverUnsentNotices, type RecoveryDeps } from '../services/recovery.js';
import { logWorkerFailures } from '../queue/worker-logs.js';

export interface WorkerDeps {
  connection: ConnectionOptions;
  prefix: string;
  concurrency: number;
  log: Logger;
  intake: IntakeDeps;
  notify: NotifyDeps;
  recovery: RecoveryDeps;
  expiry: ExpiryDeps;
  deadlines: DeadlineDeps;
  /** Empties WhatsApp's sent copies past their retention (when the channel is on). */
  pruneWhatsAppSent?: (now: Date) => Promise<{ cleared: number; deleted: number }>;
  /** How old a pending submission must be before the periodic sweep re-enqueues it. */
  recoveryGraceMs: number;
  now: () => Date;
}

function parsePayload<T>(schema: z.ZodType<T>, job: Job): T {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`job ${job.id ?? '?'} payload does not match its schema: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
  return parsed.data;
}

export function startWorkers(deps: WorkerDeps): Worker[] {
  const options = { connection: deps.connection, prefix: deps.prefix, concurrency: deps.concurrency };
  const intake = new Worker(
    QUEUE.intake,
    async (job) => {
      const { trackingCode } = parsePayload(IntakeJobSchema, job);
      try {
        const stored = await storeSubmission(deps.intake, trackingCode);
        deps.log.info({ trackingCode, complaintId: stored.complaintId, created: stored.created }, 'complaint stored');
        return { complaintId: stored.complaintId };
      } catch (error) {
        if (error instanceof InvalidSubmissionError) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    options,
  );
  const notify = new Worker(
    QUEUE.notify,
    async (job) => {
      const payload = parsePayload(NotifyJobSchema, job);
      try {
        const outcome = await sendNotification(deps.notify, payload);
        deps.log.info({ complaintId: payload.complaintId, eventId: payload.eventId, outcome }, 'notice');
        return { outcome };
      } catch (error) {
        if (error instanceof SendError && !error.retryable) throw new UnrecoverableError(error.message);
        throw error;
      }
    },
    options,
  );
  // Where the sweeps go on next run (this process's own walks through the pending and the unsent).
  let submissionCursor: PendingCode | null = null;
  let noticeCursor: string | null = null;
  const maintenance = new Worker(
    QUEUE.maintenance,
    async () => {
      const now = deps.now();
      const failed: string[] = [];
      // Each sweep on its own: one that throws (logged) does not keep the others from running.
      const sweep = async <T>(name: string, run: () => Promise<T>): Promise<T | null> => {
        try {
          return await run();
        } catch (error) {
          failed.push(name);
          deps.log.error({ err: error, sweep: name }, 'maintenance sweep failed; the job fails after the others ran, and is retried');
          return null;
        }
      };
      const count = await sweep('submissions', async () => {
        const batch = await recoverPendingSubmissions(deps.recovery, new Date(now.getTime() - deps.recoveryGraceMs), { after: submissionCursor });
        submissionCursor = batch.next;
        if (batch.count > 0) deps.log.warn({ count: batch.count }, 're-enqueued pending submissions');
        return batch.count;
      });
      const notices = await sweep('notices', async () => {
        const batch = await recoverUnsentNotices(deps.recovery, now, { after: noticeCursor });
        noticeCursor = batch.next;
        if (batch.checked > 0) deps.log.info({ count: batch.checked }, 'checked notices not yet delivered');
        return batch.checked;
      });
      const expired = await sweep('expiry', async () => {
        const told = await expireIdleSessions(deps.expiry, now);
        if (told > 0) deps.log.info({ count: told }, 'told citizens their idle forms expired');
        return told;
      });
      const fired = await sweep('deadlines', async () => {
        const missed = await sweepDeadlines(deps.deadlines, now);
        if (missed > 0) deps.log.warn({ count: missed }, 'deadline sweep fired clocks whose timers were missed');
        return missed;
      });
      const prune = deps.pruneWhatsAppSent;
      const pruned = prune ? await sweep('whatsapp-sent', () => prune(now)) : null;
      // Failed all the same, so it shows where failed jobs do (`jobs failed`, the queue metrics); a retry runs every sweep again, and each is idempotent.
      if (failed.length > 0) throw new Error(`maintenance sweeps failed: ${failed.join(', ')} (the others ran; see the log)`);
      return { count, notices, expired, fired, pruned };
    },
    { ...options, concurrency: 1 },
  );
  const deadlines = new Worker(
    QUEUE.deadlines,
    async (job) => {
      const { complaintId, kind } = parsePayload(DeadlineJobSchema, job);
      const outcome = await fireDeadline(deps.deadlines, complaintId, kind, deps.now());
      if (outcome !== 'none') deps.log.info({ complaintId, kind, outcome }, 'deadline');
      return { outcome };
    },
    options,
  );
  for (const worker of [intake, notify, maintenance, deadlines]) {
    logWorkerFailures(worker, deps.log, { retry: 'job failed; will retry', final: 'job failed for good; see `npm run cli -- jobs failed`' });
  }
  return [intake, notify, maintenance, deadlines];
}
