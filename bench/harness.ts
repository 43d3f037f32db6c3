/**
 * The bench's own world: a fresh database `aduan_bench_<timestamp>` (created and migrated with the
 * code `npm start` uses), a fresh Redis prefix, and the whole app (role "all") on them. Everything
 * is removed again by `withBenchApp`, also when a phase throws.
 */
import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import { createApp, projectRoot, type App } from '../src/app.js';
import { toInbound, type WebchatPost } from '../src/channels/webchat/inbound.js';
import { ConfigSchema, type Config } from '../src/config.js';
import type { InboundOutcome } from '../src/services/handle-inbound.js';
import { describeDatabase, dropDatabase, ensureDatabase, migrateDatabase } from '../src/store/database.js';
import { deleteKeysWithPrefix } from '../src/store/redis.js';

export const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface BenchWorld {
  app: App;
  config: Config;
  versions: { postgres: string; redis: string };
}

export async function withBenchApp<T>(run: (world: BenchWorld) => Promise<T>): Promise<T> {
  const base = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/aduan_bench_${Date.now()}`;
  const config = ConfigSchema.parse({
    DATABASE_URL: base.toString(),
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `aduanbench-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    AUTO_MIGRATE: 'false',
    AUTO_SEED: 'true',
    MEDIA_DIR: `/tmp/aduan-bench-media-${process.pid}`,
    // The periodic recovery sweep would only add noise to a run of a few tens of seconds.
    RECOVERY_INTERVAL_SECONDS: '3600',
  });
  const target = describeDatabase(config.DATABASE_URL);
  const log = pino({ level: 'warn' }, pino.destination(2));
  progress(`database ${target.name}, redis prefix ${config.REDIS_PREFIX}`);
  try {
    await ensureDatabase(target, log, 10_000);
    await migrateDatabase(config.DATABASE_URL, projectRoot, log);
    const app = await createApp({ config, role: 'all', log: pino({ level: config.LOG_LEVEL }) });
    // pg-pool's end() resolves before the sockets of the clients it ends are closed, and the pool
    // has no 'error' listener of its own: without this one, the DROP … WITH (FORCE) below can kill
    // such a connection and the pool's unhandled 'error' event would end the process.
    app.pool.on('error', () => undefined);
    try {
      return await run({ app, config, versions: await versions(app) });
    } finally {
      await app.close();
    }
  } finally {
    await Promise.allSettled([
      deleteKeysWithPrefix(config.REDIS_URL, config.REDIS_PREFIX).catch((error: unknown) => progress(`could not delete redis keys: ${String(error)}`)),
      dropDatabase(target).catch((error: unknown) => progress(`could not drop ${target.name}: ${String(error)}`)),
    ]);
    progress('cleaned up');
  }
}

async function versions(app: App): Promise<BenchWorld['versions']> {
  const rows = await app.db.$queryRaw<{ server_version: string }[]>`SHOW server_version`;
  const info = await app.redis.info('server');
  return { postgres: rows[0]?.server_version ?? '?', redis: /redis_version:(\S+)/.exec(info)?.[1] ?? '?' };
}

/** One web chat POST body through the inbound handler, as the HTTP route does; `ms` is handle() alone. */
export async function post(app: App, body: WebchatPost): Promise<{ outcome: InboundOutcome; ms: number; doneAt: number }> {
  const message = toInbound(body, new Date());
  const started = performance.now();
  const outcome = await app.handle(message);
  const doneAt = performance.now();
  return { outcome, ms: doneAt - started, doneAt };
}

/** Waits for the intake and notify queues to have nothing waiting or running, so phases do not overlap. */
export async function drainQueues(app: App, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const counts = await Promise.all([app.queues.intake, app.queues.notify].map((q) => q.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    const left = counts.reduce((sum, c) => sum + Object.values(c).reduce((a, b) => a + b, 0), 0);
    if (left === 0) return;
    if (Date.now() > deadline) throw new Error(`queues still hold ${left} jobs after ${timeoutMs} ms`);
    await sleep(100);
  }
}
