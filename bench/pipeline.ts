/** Phase 3: confirmed submission → complaint stored, routed and its notice queued. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import { QUEUE, type App } from '../src/app.js';
import { Citizen } from './citizen.js';
import { drainQueues, post, progress } from './harness.js';
import { walk, type PhaseContext } from './phases.js';
import { lanes, sleepUntil, startProbe, summarise, type LatencySummary, type ProbeReading } from './stats.js';

export interface PipelineResult extends LatencySummary {
  submissions: number;
  targetRatePerSecond: number;
  ratePerSecond: number;
  /** Submissions whose intake job completed within the wait. */
  completed: number;
  /** Checked after the clock stopped: complaint row with agencyId, and its notify job in the queue. */
  verified: number;
  intakeFailures: number;
  errors: number;
  /** From the intake job's own timestamps (ms resolution): waiting in the queue, then in the processor. */
  stages: { queueWait: LatencySummary; processing: LatencySummary };
  /** The same, but from the moment the "send" message went into handle(): what the citizen waits. */
  fromSend: LatencySummary;
  /** handle() of the "send" message alone (it writes the submission and enqueues the intake job). */
  confirmMessage: LatencySummary;
  probe: ProbeReading;
}

/**
 * Phase 3: `rate` confirmations a second for `seconds`, each on a citizen walked up to the summary
 * beforehand (untimed), so the only load is the submissions and what they set off.
 *
 * What is timed, per tracking code: from handle() returning the code to the intake worker's
 * `completed` event for the job whose id is that code. The processor (workers.ts → storeSubmission)
 * resolves only after saveComplaint's transaction committed the complaint with its agencyId (routing
 * is decided before the insert) and after `notify.add('notice', …, { jobId: 'notice-<eventId>' })`
 * resolved, i.e. the notice job is in the notify queue. So `completed` implies all three of "stored,
 * routed, notification queued"; it fires one Redis round trip (moveToFinished) after the notice was
 * queued, which makes the figure slightly pessimistic, never optimistic. The listener is in-process
 * (the bench runs role "all"), so no extra Redis consumer and no per-complaint database polling.
 * Afterwards every code is checked once in PostgreSQL and the notify queue (`verified`).
 */
export async function pipelinePhase(ctx: PhaseContext, options: { rate: number; seconds: number; prepareConcurrency: number }): Promise<PipelineResult> {
  const { app } = ctx;
  const total = Math.max(1, Math.round(options.rate * options.seconds));
  progress(`pipeline: walking ${total} citizens to the summary (untimed)`);
  const citizens = Array.from({ length: total }, () => new Citizen(ctx.rng));
  let prepared = 0;
  await lanes(options.prepareConcurrency, async () => {
    while (prepared < citizens.length && !ctx.signal.aborted) {
      const citizen = citizens[prepared++]!;
      await walk(ctx, citizen, () => undefined, (c) => c.atSummary);
    }
  });
  const ready = citizens.filter((c) => c.atSummary);
  await drainQueues(app);

  const intake = app.workers.find((w) => w.name === QUEUE.intake);
  if (!intake) throw new Error('no intake worker: the bench needs role "all"');
  const completedAt = new Map<string, number>();
  const queueWait: number[] = [];
  const processing: number[] = [];
  let intakeFailures = 0;
  const onCompleted = (job: Job) => {
    if (!job.id) return;
    completedAt.set(job.id, performance.now());
    if (job.processedOn !== undefined && job.finishedOn !== undefined) {
      queueWait.push(job.processedOn - job.timestamp);
      processing.push(job.finishedOn - job.processedOn);
    }
  };
  const onFailed = () => intakeFailures++;
  intake.on('completed', onCompleted);
  intake.on('failed', onFailed);

  progress(`pipeline: ${ready.length} confirmations at ${options.rate}/s`);
  const returnedAt = new Map<string, number>();
  const sentAt = new Map<string, number>();
  const confirmSamples: number[] = [];
  let errors = 0;
  const confirm = async (citizen: Citizen) => {
    try {
      const { outcome, ms, doneAt } = await post(app, citizen.next());
      confirmSamples.push(ms);
      citizen.read(outcome);
      if (!citizen.trackingCode) throw new Error('the send gave no tracking code');
      returnedAt.set(citizen.trackingCode, doneAt);
      sentAt.set(citizen.trackingCode, doneAt - ms);
    } catch (error) {
      errors++;
      progress(`confirm of ${citizen.chatId} failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  };
  const stop = startProbe();
  const interval = 1000 / options.rate;
  const started = performance.now();
  const inflight: Promise<void>[] = [];
  for (const [i, citizen] of ready.entries()) {
    if (ctx.signal.aborted) break;
    await sleepUntil(started + i * interval);
    inflight.push(confirm(citizen));
  }
  const paced = (performance.now() - started) / 1000;
  await Promise.all(inflight);
  const waitUntil = performance.now() + 30_000;
  const pending = () => [...returnedAt.keys()].filter((code) => !completedAt.has(code)).length;
  while (pending() > 0 && performance.now() < waitUntil && !ctx.signal.aborted) await sleep(20);
  const probe = stop();
  intake.off('completed', onCompleted);
  intake.off('failed', onFailed);

  const latencies: number[] = [];
  const fromSend: number[] = [];
  for (const [code, returned] of returnedAt) {
    const done = completedAt.get(code);
    if (done === undefined) continue;
    // The worker may finish before the handler's continuation runs: that is 0 ms, not negative.
    latencies.push(Math.max(0, done - returned));
    fromSend.push(done - (sentAt.get(code) ?? returned));
  }
  return {
    ...summarise(latencies),
    submissions: returnedAt.size,
    targetRatePerSecond: options.rate,
    ratePerSecond: inflight.length > 1 ? Number(((inflight.length - 1) / paced).toFixed(1)) : options.rate,
    completed: latencies.length,
    verified: await verify(app, [...returnedAt.keys()]),
    intakeFailures,
    errors,
    stages: { queueWait: summarise(queueWait), processing: summarise(processing) },
    fromSend: summarise(fromSend),
    confirmMessage: summarise(confirmSamples),
    probe,
  };
}

/** How many codes have a complaint with an agency and a notice job in the notify queue (any state). */
async function verify(app: App, codes: string[]): Promise<number> {
  if (codes.length === 0) return 0;
  const rows = await app.db.complaint.findMany({
    where: { trackingCode: { in: codes } },
    select: { agencyId: true, events: { where: { type: { in: ['FORWARDED', 'STATUS_CHANGED'] } }, orderBy: { id: 'asc' }, take: 1, select: { id: true } } },
  });
  let verified = 0;
  for (const row of rows) {
    const notice = row.events[0];
    if (!row.agencyId || !notice) continue;
    if ((await app.queues.notify.getJobState(`notice-${notice.id.toString()}`)) !== 'unknown') verified++;
  }
  return verified;
}
