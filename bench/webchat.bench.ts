/**
 * `npm run bench`: synthetic citizens on the web chat contract, in-process (toInbound → app.handle,
 * the HTTP layer and its rate limiter left out), against a throwaway database and Redis prefix.
 * Progress goes to stderr; stdout gets one JSON line. The figures are printed, not asserted: the
 * `targets` block says which of the targets this run met.
 *
 * Knobs (environment): BENCH_DATABASE_URL, BENCH_REDIS_URL, BENCH_SEED, BENCH_CITIZENS,
 * BENCH_LATENCY_CONCURRENCY, BENCH_SECONDS, BENCH_CONCURRENCY, BENCH_PIPELINE_RATE,
 * BENCH_PIPELINE_SECONDS.
 */
import os from 'node:os';
import { z } from 'zod';
import { progress, withBenchApp } from './harness.js';
import { latencyPhase, pipelinePhase, throughputPhase, type PhaseContext } from './phases.js';
import { Rng, rssMb, trackPeakRss } from './stats.js';

const count = z.coerce.number().int().positive();
const SettingsSchema = z.object({
  BENCH_SEED: z.coerce.number().int().default(20_240_611),
  BENCH_WARMUP_CITIZENS: z.coerce.number().int().min(0).default(30),
  BENCH_CITIZENS: count.default(200),
  BENCH_LATENCY_CONCURRENCY: count.default(16),
  BENCH_SECONDS: z.coerce.number().positive().default(10),
  BENCH_CONCURRENCY: count.default(64),
  BENCH_PIPELINE_RATE: z.coerce.number().positive().default(50),
  BENCH_PIPELINE_SECONDS: z.coerce.number().positive().default(10),
});

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

  const result = await withBenchApp(async ({ app, versions }) => {
    const rssReady = rssMb();
    const ctx: PhaseContext = { app, rng: new Rng(settings.BENCH_SEED), signal: controller.signal };

    if (settings.BENCH_WARMUP_CITIZENS > 0) {
      progress(`warm-up: ${settings.BENCH_WARMUP_CITIZENS} citizens (not counted)`);
      await latencyPhase(ctx, { citizens: settings.BENCH_WARMUP_CITIZENS, concurrency: 4 });
    }
    progress(`latency: ${settings.BENCH_CITIZENS} citizens, ${settings.BENCH_LATENCY_CONCURRENCY} in flight`);
    const latency = await latencyPhase(ctx, { citizens: settings.BENCH_CITIZENS, concurrency: settings.BENCH_LATENCY_CONCURRENCY });
    progress(`latency: p50 ${latency.p50Ms} ms, p99 ${latency.p99Ms} ms over ${latency.count} messages`);

    progress(`throughput: ${settings.BENCH_SECONDS} s, ${settings.BENCH_CONCURRENCY} chats in flight`);
    const throughput = await throughputPhase(ctx, { seconds: settings.BENCH_SECONDS, concurrency: settings.BENCH_CONCURRENCY, codes: latency.codes });
    progress(`throughput: ${throughput.perSecond} messages/s (${throughput.messages} in ${throughput.seconds} s)`);

    const pipeline = await pipelinePhase(ctx, { rate: settings.BENCH_PIPELINE_RATE, seconds: settings.BENCH_PIPELINE_SECONDS, prepareConcurrency: 32 });
    progress(`pipeline: p50 ${pipeline.p50Ms} ms, p99 ${pipeline.p99Ms} ms over ${pipeline.completed}/${pipeline.submissions}; ${pipeline.verified} verified`);
    if (controller.signal.aborted) throw new Error('interrupted');

    const { codes: _codes, ...message } = latency;
    return {
      bench: 'webchat',
      node: process.version,
      cpus: os.cpus().length,
      cpuModel: os.cpus()[0]?.model.trim() ?? '?',
      platform: `${os.platform()} ${os.release()}`,
      postgres: versions.postgres,
      redis: versions.redis,
      seed: settings.BENCH_SEED,
      message,
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
  progress(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
});
