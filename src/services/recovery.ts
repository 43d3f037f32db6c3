/**
 * Re-enqueues confirmed submissions that no worker has stored yet: after a Redis flush, a crash
 * between confirm and enqueue, or an enqueue that failed. Safe to run any time: the job id is the
 * tracking code, so a submission that is still queued is not queued twice.
 */
import type { IntakeQueue, IntakeStore } from './ports.js';

export interface RecoveryDeps {
  store: Pick<IntakeStore, 'findPendingSubmissions'>;
  intake: IntakeQueue;
}

const BATCH = 500;

export async function recoverPendingSubmissions(deps: RecoveryDeps, olderThan: Date): Promise<number> {
  let total = 0;
  const codes = await deps.store.findPendingSubmissions(olderThan, BATCH);
  for (const code of codes) {
    await deps.intake.enqueueIntake(code);
    total++;
  }
  return total;
}
