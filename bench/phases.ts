/** The three measurements: one message's latency, sustained messages per second, submission → queued notice. */
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Job } from 'bullmq';
import { QUEUE, type App } from '../src/app.js';
import { Citizen, type CitizenOptions } from './citizen.js';
import { drainQueues, post, progress } from './harness.js';
import { lanes, sleepUntil, startProbe, summarise, type LatencySummary, type ProbeReading, type Rng } from './stats.js';

export interface PhaseContext {
  app: App;
  rng: Rng;
  signal: AbortSignal;
}

/**
 * Walks one citizen until it is done (or `stopWhen` says so), recording each handle() in `record`.
 * Returns false when the handler threw: the citizen is abandoned and counted as an error.
 */
async function walk(ctx: PhaseContext, citizen: Citizen, record: (ms: number) => void, stopWhen: (c: Citizen) => boolean = () => false): Promise<boolean> {
  try {
    while (!citizen.done && !stopWhen(citizen) && !ctx.signal.aborted) {
      const { outcome, ms } = await post(ctx.app, citizen.next());
      record(ms);
      citizen.read(outcome);
    }
    return true;
  } catch (error) {
    progress(`citizen ${citizen.chatId} failed: ${error instanceof Error ? error.message : String(error)}`);
    return false;
  }
}

export interface LatencyResult extends LatencySummary {
  citizens: number;
  concurrency: number;
  submissions: number;
  errors: number;
  probe: ProbeReading;
  /** Tracking codes of the reports filed, for the status look-ups of the throughput phase. */
  codes: string[];
}

/** Phase 1: `citizens` each walk the whole form, one message at a time, `concurrency` of them at once. */
export async function latencyPhase(ctx: PhaseContext, options: { citizens: number; concurrency: number }): Promise<LatencyResult> {
  const samples: number[] = [];
  const citizens = Array.from({ length: options.citizens }, () => new Citizen(ctx.rng));
  let taken = 0;
  let errors = 0;
  const stop = startProbe();
  await lanes(options.concurrency, async () => {
    while (taken < citizens.length && !ctx.signal.aborted) {
      const citizen = citizens[taken++]!;
      if (!(await walk(ctx, citizen, (ms) => samples.push(ms)))) errors++;
    }
  });
  const probe = stop();
  const codes = citizens.flatMap((c) => (c.trackingCode ? [c.trackingCode] : []));
  return { ...summarise(samples), citizens: citizens.length, concurrency: options.concurrency, submissions: codes.length, errors, probe, codes };
}

export interface ThroughputResult {
  messages: number;
  seconds: number;
  perSecond: number;
  concurrency: number;
  submissions: number;
  lookups: number;
  errors: number;
  latency: LatencySummary;
  probe: ProbeReading;
}

/**
 * Phase 2: `concurrency` chats in flight for `seconds`; each lane files report after report on new
 * chats. The mix is mostly form steps: one citizen in ten looks a code up instead, and one free-text
 * answer in ten is wrong first (the bot re-asks), as people do. Confirmed reports also feed the
 * intake and notify workers, which share the CPU as they would in production (role "all").
 */
export async function throughputPhase(ctx: PhaseContext, options: { seconds: number; concurrency: number; codes: string[] }): Promise<ThroughputResult> {
  const samples: number[] = [];
  const codes = [...options.codes];
  let errors = 0;
  let lookups = 0;
  let lastDone = 0;
  const stop = startProbe();
  const started = performance.now();
  const deadline = started + options.seconds * 1000;
  const record = (ms: number) => {
    samples.push(ms);
    lastDone = performance.now();
  };
  await lanes(options.concurrency, async () => {
    while (performance.now() < deadline && !ctx.signal.aborted) {
      const lookup = codes.length > 0 && ctx.rng.chance(0.1);
      const citizenOptions: CitizenOptions = { slipRate: 0.1, ...(lookup ? { goal: { kind: 'status', code: ctx.rng.pick(codes) } } : {}) };
      const citizen = new Citizen(ctx.rng, citizenOptions);
      if (!(await walk(ctx, citizen, record, () => performance.now() >= deadline))) errors++;
      if (lookup && citizen.done) lookups++;
      if (citizen.trackingCode) codes.push(citizen.trackingCode);
    }
  });
  const probe = stop();
  // Messages still in flight at the deadline finish after it: the window runs to the last answer.
  const seconds = ((lastDone || performance.now()) - started) / 1000;
  return {
    messages: samples.length,
    seconds: Number(seconds.toFixed(2)),
    perSecond: Math.round(samples.length / seconds),
    concurrency: options.concurrency,
    submissions: codes.length - options.codes.length,
    lookups,
    errors,
    latency: summarise(samples),
    probe,
  };
}

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
  let intakeFailures = 0;
  const onCompleted = (job: Job) => {
    if (job.id) completedAt.set(job.id, performance.now());
  };
  const onFailed = () => intakeFailures++;
  intake.on('completed', onCompleted);
  intake.on('failed', onFailed);

  progress(`pipeline: ${ready.length} confirmations at ${options.rate}/s`);
  const returnedAt = new Map<string, number>();
  const confirmSamples: number[] = [];
  let errors = 0;
  const confirm = async (citizen: Citizen) => {
    try {
      const { outcome, ms, doneAt } = await post(app, citizen.next());
      confirmSamples.push(ms);
      citizen.read(outcome);
      if (citizen.trackingCode) returnedAt.set(citizen.trackingCode, doneAt);
      else throw new Error('the send gave no tracking code');
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
  for (const [code, returned] of returnedAt) {
    const done = completedAt.get(code);
    // The worker may finish before the handler's continuation runs: that is 0 ms, not negative.
    if (done !== undefined) latencies.push(Math.max(0, done - returned));
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
