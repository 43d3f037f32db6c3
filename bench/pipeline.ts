/** Phase 3: confirmed submission → complaint stored, routed and its notice queued. */
import { performance } from 'node:perf_hooks';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import type { App } from '../src/app.js';
import { QUEUE } from '../src/queue/queues.js';
import { Citizen } from './citizen.js';
import { drainQueues, post, progress, settle, watchIntake } from './harness.js';
import { walk, type PhaseContext } from './phases.js';
import { lanes, sleepUntil, startProbe, summarise, type LatencySummary, type ProbeReading } from './stats.js';

export interface PipelineOptions {
  rate: number;
  seconds: number;
  prepareConcurrency: number;
  /** Where the app's queues live: the bench listens to the notify queue's event stream. */
  redis: { url: string; prefix: string };
}

export interface PipelineResult extends LatencySummary {
  submissions: number;
  targetRatePerSecond: number;
  ratePerSecond: number;
  /** Submissions whose notice was seen queued, with the complaint routed (agencyId set). */
  completed: number;
  /** Checked after the clock stopped: complaint row with agencyId, and its notice job still in the notify queue. */
  verified: number;
  intakeFailures: number;
  errors: number;
  /** The same, but from the moment the "send" message went into handle(): what the citizen waits. */
  fromSend: LatencySummary;
  /**
   * From the intake job's own timestamps (ms resolution): waiting in the intake queue, then the whole
   * processor, which now also runs case handling (deadlines, officers) after the notice is queued.
   */
  stages: { intakeQueueWait: LatencySummary; intakeProcessing: LatencySummary };
  /** handle() of the "send" message alone (it writes the submission and enqueues the intake job). */
  confirmMessage: LatencySummary;
  probe: ProbeReading;
}

/**
 * Phase 3: `rate` confirmations a second for `seconds`, each on a citizen walked up to the summary
 * beforehand (untimed), so the only load is the submissions and what they set off.
 *
 * What is timed, per tracking code: from handle() returning the code to the notify queue's `added`
 * event for the complaint's notice job (`notice-<eventId>`, the first FORWARDED/STATUS_CHANGED event,
 * as intake names it). storeSubmission enqueues that job only after saveComplaint's transaction
 * committed the complaint with its agencyId (routing is decided before the insert), so the job being
 * queued implies "stored, routed, notification queued". The event comes from BullMQ's event stream
 * through a QueueEvents reader on its own connection: one Redis hop after the job was queued, so the
 * figure errs on the slow side. Not the intake job's `completed`: the processor goes on with case
 * handling after queuing the notice. Which notice belongs to which code is looked up once, after
 * the clock stopped, in one query: no per-complaint polling of the database.
 */
export async function pipelinePhase(ctx: PhaseContext, options: PipelineOptions): Promise<PipelineResult> {
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
  await settle(app);

  let intakeFailures = 0;
  const watch = await watchIntake(ctx, { completed: () => undefined, failed: () => intakeFailures++ });

  const noticeQueuedAt = new Map<string, number>();
  const connection = new Redis(options.redis.url, { maxRetriesPerRequest: null });
  // Stream ids are millisecond timestamps: read everything added from now on.
  const events = new QueueEvents(QUEUE.notify, { connection, prefix: options.redis.prefix, lastEventId: `${Date.now()}-0` });
  events.on('added', ({ jobId }) => noticeQueuedAt.set(jobId, performance.now()));

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

  let probe: ProbeReading;
  const inflight: Promise<void>[] = [];
  let paced: number;
  try {
    await events.waitUntilReady();
    progress(`pipeline: ${ready.length} confirmations at ${options.rate}/s`);
    const stop = startProbe();
    const interval = 1000 / options.rate;
    const started = performance.now();
    for (const [i, citizen] of ready.entries()) {
      if (ctx.signal.aborted) break;
      await sleepUntil(started + i * interval);
      inflight.push(confirm(citizen));
    }
    paced = (performance.now() - started) / 1000;
    await Promise.all(inflight);
    // Queue counts in Redis, not the database: once intake is idle every notice has been queued.
    await drainQueues(app, 60_000).catch((error: unknown) => progress(`pipeline: ${error instanceof Error ? error.message : String(error)}`));
    probe = stop();
  } finally {
    await watch.close();
    await events.close();
    connection.disconnect();
  }

  // The intake jobs' own timestamps (ms), read after the clock: the job id is the tracking code.
  const intakeQueueWait: number[] = [];
  const intakeProcessing: number[] = [];
  for (const code of returnedAt.keys()) {
    const job = await app.queues.intake.getJob(code);
    if (job?.processedOn === undefined || job.finishedOn === undefined) continue;
    intakeQueueWait.push(job.processedOn - job.timestamp);
    intakeProcessing.push(job.finishedOn - job.processedOn);
  }
  const notices = await noticeJobs(app, [...returnedAt.keys()]);
  const latencies: number[] = [];
  const fromSend: number[] = [];
  let verified = 0;
  for (const [code, returned] of returnedAt) {
    const notice = notices.get(code);
    const queued = notice === undefined ? undefined : noticeQueuedAt.get(notice);
    if (notice === undefined || queued === undefined) continue;
    // The notice may be queued before the handler's continuation runs: that is 0 ms, not negative.
    latencies.push(Math.max(0, queued - returned));
    fromSend.push(queued - (sentAt.get(code) ?? returned));
    if ((await app.queues.notify.getJobState(notice)) !== 'unknown') verified++;
  }
  return {
    ...summarise(latencies),
    submissions: returnedAt.size,
    targetRatePerSecond: options.rate,
    ratePerSecond: inflight.length > 1 ? Number(((inflight.length - 1) / paced).toFixed(1)) : options.rate,
    completed: latencies.length,
    verified,
    intakeFailures,
    errors,
    fromSend: summarise(fromSend),
    stages: { intakeQueueWait: summarise(intakeQueueWait), intakeProcessing: summarise(intakeProcessing) },
    confirmMessage: summarise(confirmSamples),
    probe,
  };
}

/** Tracking code → id of its notice job, for the complaints that were stored with an agency. */
async function noticeJobs(app: App, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = await app.db.complaint.findMany({
    where: { trackingCode: { in: codes }, agencyId: { not: null } },
    select: { trackingCode: true, events: { where: { type: { in: ['FORWARDED', 'STATUS_CHANGED'] } }, orderBy: { id: 'asc' }, take: 1, select: { id: true } } },
  });
  return new Map(rows.flatMap((row) => (row.events[0] ? [[row.trackingCode, `notice-${row.events[0].id.toString()}`] as const] : [])));
}
