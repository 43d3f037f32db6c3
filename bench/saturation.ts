/**
 * Complaints per second at saturation: `count` citizens are walked to the summary first (untimed;
 * their open forms are also what `sessionBytesPerOpenForm` measures), then all confirm as fast as
 * `lanes` can send, and the clock runs until the intake worker has completed every job (complaint
 * stored, routed, its notice queued and case handling done).
 */
import { performance } from 'node:perf_hooks';
import { Citizen } from './citizen.js';
import { post, progress, settle, watchIntake } from './harness.js';
import { walk, type PhaseContext } from './phases.js';
import { lanes, startProbe, type ProbeReading } from './stats.js';

export interface SaturationResult {
  complaints: number;
  seconds: number;
  complaintsPerSecond: number;
  /** Bytes of the ConversationSession row (pg_column_size of the whole row) per form left open at the summary. */
  sessionBytesPerOpenForm: number;
  /** The largest such row. */
  sessionBytesMax: number;
  intakeFailures: number;
  probe: ProbeReading;
}

export async function saturationPhase(ctx: PhaseContext, options: { count: number; lanes: number }): Promise<SaturationResult> {
  const { app } = ctx;
  progress(`saturation: walking ${options.count} citizens to the summary (untimed)`);
  const citizens = Array.from({ length: options.count }, () => new Citizen(ctx.rng));
  let prepared = 0;
  await lanes(32, async () => {
    while (prepared < citizens.length && !ctx.signal.aborted) await walk(ctx, citizens[prepared++]!, () => undefined, (c) => c.atSummary);
  });
  const ready = citizens.filter((c) => c.atSummary);
  const sizes = await app.db.$queryRaw<{ avg: number | null; max: number | null }[]>`
    SELECT avg(pg_column_size(s.*))::float8 AS avg, max(pg_column_size(s.*))::float8 AS max
    FROM "ConversationSession" s WHERE s."chatId" = ANY(${ready.map((c) => c.chatId)})`;
  // What earlier phases left queued would be counted here: wait for it (and say so if it does not drain).
  await settle(app, 180_000).catch((error: unknown) => progress(`saturation: ${error instanceof Error ? error.message : String(error)}; figures include that backlog`));

  let done = 0;
  let failures = 0;
  let finish: () => void = () => undefined;
  const allDone = new Promise<void>((resolve) => (finish = resolve));
  const watch = await watchIntake(ctx, {
    completed: () => {
      if (++done >= ready.length) finish();
    },
    failed: () => failures++,
  });
  progress(`saturation: ${ready.length} confirmations as fast as ${options.lanes} lanes send`);
  const stop = startProbe();
  const started = performance.now();
  let next = 0;
  try {
    await lanes(options.lanes, async () => {
      while (next < ready.length && !ctx.signal.aborted) {
        const citizen = ready[next++]!;
        citizen.read((await post(app, citizen.next())).outcome);
      }
    });
    const timeout = new Promise<void>((resolve) => setTimeout(resolve, 120_000).unref());
    await Promise.race([allDone, timeout]);
  } finally {
    await watch.close();
  }
  const seconds = (performance.now() - started) / 1000;
  const probe = stop();
  return {
    complaints: done,
    seconds: Number(seconds.toFixed(2)),
    complaintsPerSecond: Math.round(done / seconds),
    sessionBytesPerOpenForm: Math.round(sizes[0]?.avg ?? 0),
    sessionBytesMax: Math.round(sizes[0]?.max ?? 0),
    intakeFailures: failures,
    probe,
  };
}
