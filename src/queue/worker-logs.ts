/** One way every BullMQ worker reports trouble: failed jobs (error when no retry is left, warn otherwise) and connection errors. */
import { UnrecoverableError, type Worker } from 'bullmq';
import type { Logger } from 'pino';

export function logWorkerFailures(worker: Worker, log: Logger, text: { retry: string; final: string }): void {
  worker.on('failed', (job, error) => {
    const final = job !== undefined && (job.attemptsMade >= (job.opts.attempts ?? 1) || error instanceof UnrecoverableError);
    log[final ? 'error' : 'warn']({ queue: worker.name, jobId: job?.id, attempt: job?.attemptsMade, err: error }, final ? text.final : text.retry);
  });
  worker.on('error', (error) => log.error({ queue: worker.name, err: error }, 'worker error'));
}
