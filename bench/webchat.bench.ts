/**
 * `npm run bench`: synthetic citizens on the web chat contract, in-process (toInbound → app.handle,
 * the HTTP layer and its rate limiter left out), against a throwaway database and Redis prefix.
 * Progress goes to stderr; stdout gets one JSON line. The figures are printed, not asserted: the
 * `targets` block says which of the issue's targets this run met.
 *
 * `messageSerial` is the same walk one message at a time: the service time without queueing, the
 * floor under `message` (with 16 chats in flight a message also waits for the others' CPU).
 *
 * Knobs (environment): BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SEED, BENCH_WARMUP_CITIZENS,
 * BENCH_SERIAL_CITIZENS, BENCH_CITIZENS, BENCH_LATENCY_CONCURRENCY, BENCH_SECONDS (throughput),
 * BENCH_CONCURRENCY (throughput), BENCH_PIPELINE_RATE, BENCH_PIPELINE_SECONDS.
 * Run it on a quiet machine: `loadAverage1m` and each phase's `machineCpuPercent` show if it was not.
 */
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { z } from 'zod';
import { progress, withBenchApp } from './harness.js';
import { latencyPhase, throughputPhase, type PhaseContext } from './phases.js';
import { pipelinePhase } from './pipeline.js';
import { Rng, rssMb, trackPeakRss } from './stats.js';

const count = z.coerce.number().int().positive();
const SettingsSchema = z.object({
  BENCH_SEED: z.coerce.number().int().default(20_240_611),
  BENCH_WARMUP_CITIZENS: z.coerce.number().int().min(0).default(30),
  BENCH_SERIAL_CITIZENS: z.coerce.number().int().min(0).default(20),
  BENCH_CITIZENS: count.default(200),
  BENCH_LATENCY_CONCURRENCY: count.default(16),
  BENCH_SECONDS: z.coerce.number().positive().default(10),
  BENCH_CONCURRENCY: count.default(64),
  BENCH_PIPELINE_RATE: z.coerce.number().positive().default(50),
  BENCH_PIPELINE_SECONDS: z.coerce.number().positive().default(10),
});

class Interrupted extends Error {}

/** The commit measured, with "+dirty" when the work tree has changes: figures are per code version. */
function commit(): string {
  try {
    const git = (...args: string[]) => execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src', 'conversations', 'prisma') ? '+dirty' : ''}`;
  } catch {
    return '?';
  }
}

const TARGET = { messageP99Ms: 20, messagesPerSecond: 1000, pipelineP99Ms: 1000, pipelineRate: 100 };

async function main(): Promise<void> {
  const settings = SettingsSchema.parse(Object.fromEntries(Object.entries(process.env).filter(([key, value]) => key.startsWith('BENCH_') && value)));
  const controller = new AbortController();
  process.once('SIGINT', () => {
    progress('interrupted: stopping and cleaning up (Ctrl-C again to leave at once)');
    controller.abort();
    process.once('SIGINT', () => process.exit(130));
  });
  const rss = trackPeakRss();
  const rssStart = rssMb();
  const loadAverage1m = Number(os.loadavg()[0]!.toFixed(2));

  const result = await withBenchApp(async ({ app, config, versions }) => {
    const rssReady = rssMb();
    const ctx: PhaseContext = { app, rng: new Rng(settings.BENCH_SEED), signal: controller.signal };
    /** Runs a phase, then stops the run (through withBenchApp's clean-up) if Ctrl-C came meanwhile. */
    const phase = async <T>(run: () => Promise<T>): Promise<T> => {
      const value = await run();
      if (controller.signal.aborted) throw new Interrupted('interrupted');
      return value;
    };

    if (settings.BENCH_WARMUP_CITIZENS > 0) {
      progress(`warm-up: ${settings.BENCH_WARMUP_CITIZENS} citizens (not counted)`);
      await phase(() => latencyPhase(ctx, { citizens: settings.BENCH_WARMUP_CITIZENS, concurrency: 4 }));
    }
    progress(`serial: ${settings.BENCH_SERIAL_CITIZENS} citizens, one message at a time`);
    const { codes: _serialCodes, ...messageSerial } = await phase(() => latencyPhase(ctx, { citizens: settings.BENCH_SERIAL_CITIZENS, concurrency: 1 }));
    progress(`serial: p50 ${messageSerial.p50Ms} ms, p99 ${messageSerial.p99Ms} ms over ${messageSerial.count} messages`);

    progress(`latency: ${settings.BENCH_CITIZENS} citizens, ${settings.BENCH_LATENCY_CONCURRENCY} in flight`);
    const latency = await phase(() => latencyPhase(ctx, { citizens: settings.BENCH_CITIZENS, concurrency: settings.BENCH_LATENCY_CONCURRENCY }));
    progress(`latency: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms over ${latency.count} messages`);

    progress(`throughput: ${settings.BENCH_SECONDS} s, ${settings.BENCH_CONCURRENCY} chats in flight`);
    const throughput = await phase(() => throughputPhase(ctx, { seconds: settings.BENCH_SECONDS, concurrency: settings.BENCH_CONCURRENCY, codes: latency.codes }));
    progress(`throughput: ${throughput.perSecond} messages/s (${throughput.messages} in ${throughput.seconds} s)`);

    const redis = { url: config.REDIS_URL, prefix: config.REDIS_PREFIX };
    const pipelineOptions = { rate: settings.BENCH_PIPELINE_RATE, seconds: settings.BENCH_PIPELINE_SECONDS, prepareConcurrency: 32, redis };
    const pipeline = await phase(() => pipelinePhase(ctx, pipelineOptions));
    progress(`pipeline: p50 ${pipeline.p50Ms} ms, p99 ${pipeline.p99Ms} ms over ${pipeline.completed}/${pipeline.submissions}; ${pipeline.verified} verified`);

    const { codes: _codes, ...message } = latency;
    // PostgreSQL and Redis take 40-70 points of machine CPU on top of node here; much more than that
    // means another process was busy too, and the figures of that phase are not to be trusted.
    const probes = { messageSerial: messageSerial.probe, message: message.probe, throughput: throughput.probe, pipeline: pipeline.probe };
    const contended = Object.entries(probes)
      .filter(([, probe]) => probe.machineCpuPercent - probe.nodeCpuPercent > 90)
      .map(([name]) => name);
    if (contended.length > 0) progress(`warning: the machine was busy with other work during ${contended.join(', ')}; rerun on a quiet machine`);
    return {
      bench: 'webchat',
      commit: commit(),
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? '?',
      platform: `${os.platform()} ${os.release()}`,
      postgres: versions.postgres,
      redis: versions.redis,
      seed: settings.BENCH_SEED,
      loadAverage1m,
      contendedPhases: contended,
      message,
      messageSerial,
      throughput,
      pipeline,
      rssMb: { start: rssStart, ready: rssReady, end: rssMb(), peak: rss.peak() },
      targets: {
        messageP99Under20ms: message.count > 0 && message.p99Ms < TARGET.messageP99Ms,
        atLeast1000MessagesPerSecond: throughput.perSecond >= TARGET.messagesPerSecond,
        pipelineP99Under1s:
          pipeline.ratePerSecond < TARGET.pipelineRate && pipeline.completed === pipeline.submissions && pipeline.verified === pipeline.submissions && pipeline.submissions > 0 && pipeline.p99Ms < TARGET.pipelineP99Ms,
      },
    };
  });
  rss.stop();
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((error: unknown) => {
  if (error instanceof Interrupted) {
    process.exitCode = 130;
    return;
  }
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
