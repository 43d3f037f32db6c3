/**
 * The bench's own world: a fresh database `aduan_bench_<timestamp>` (created and migrated with the
 * code `npm start` uses), a fresh Redis prefix, and the whole app (role "all") on them. Everything
 * is removed again by `withBenchApp`, also when a phase throws.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import pino from 'pino';
import { createApp, projectRoot, type App } from '../src/app.js';
import { toInbound, type WebchatPost } from '../src/channels/webchat/inbound.js';
import { ConfigSchema, type Config } from '../src/config.js';
import type { InboundOutcome } from '../src/services/handle-inbound.js';
import { describeDatabase, dropDatabase, ensureDatabase, migrateDatabase } from '../src/store/database.js';
import { QUEUE } from '../src/queue/queues.js';
import { deleteKeysWithPrefix } from '../src/store/redis.js';
import { trackWorkerProcess } from './stats.js';

export const progress = (line: string) => process.stderr.write(`[bench] ${line}\n`);

export interface BenchWorld {
  app: App;
  config: Config;
  versions: { postgres: string; redis: string };
  /** Where the workers run: a child process (`--role worker`) beside the in-process web role, or in-process (role "all"). */
  workers: BenchWorkers;
}

export type BenchWorkers = 'process' | 'inline';

/**
 * With `workers` "process", the citizens and the web role share this process and the workers run in a
 * child process with `--role worker`: the layout the README recommends for a box with more than one
 * core, so intake and the messages do not queue behind each other on one event loop.
 */
export async function withBenchApp<T>(workers: BenchWorkers, run: (world: BenchWorld) => Promise<T>): Promise<T> {
  const base = new URL(process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres');
  base.pathname = `/aduan_bench_${Date.now()}`;
  const settings = {
    DATABASE_URL: base.toString(),
    REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
    REDIS_PREFIX: `aduanbench-${randomBytes(4).toString('hex')}`,
    LOG_LEVEL: 'silent',
    AUTO_MIGRATE: 'false',
    AUTO_SEED: 'true',
    MEDIA_DIR: `/tmp/aduan-bench-media-${process.pid}`,
    // The periodic recovery sweep would only add noise to a run of a few tens of seconds.
    RECOVERY_INTERVAL_SECONDS: '3600',
  };
  const config = ConfigSchema.parse(settings);
  const target = describeDatabase(config.DATABASE_URL);
  const log = pino({ level: 'warn' }, pino.destination(2));
  progress(`database ${target.name}, redis prefix ${config.REDIS_PREFIX}, workers ${workers === 'process' ? 'in a child process' : 'in this process'}`);
  try {
    await ensureDatabase(target, log, 10_000);
    await migrateDatabase(config.DATABASE_URL, projectRoot, log);
    const app = await createApp({ config, role: workers === 'process' ? 'web' : 'all', log: pino({ level: config.LOG_LEVEL }) });
    // pg-pool's end() resolves before the sockets of the clients it ends are closed, and the pool
    // has no 'error' listener of its own: without this one, the DROP … WITH (FORCE) below can kill
    // such a connection and the pool's unhandled 'error' event would end the process.
    app.pool.on('error', () => undefined);
    const child = workers === 'process' ? await startWorkerProcess(app, { ...settings, LOG_LEVEL: 'warn', AUTO_SEED: 'false' }) : null;
    trackWorkerProcess(child?.pid ?? null);
    try {
      return await run({ app, config, versions: await versions(app), workers });
    } finally {
      trackWorkerProcess(null);
      if (child) await stopProcess(child);
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

/** `node --import tsx src/main.ts --role worker` on the bench's database and prefix, ready once its intake worker is registered. */
async function startWorkerProcess(app: App, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/main.ts'), '--role', 'worker'], {
    cwd: projectRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<never>((_resolve, reject) => child.once('exit', (code) => reject(new Error(`the worker process exited (${String(code)})`))));
  const deadline = Date.now() + 60_000;
  while ((await app.queues.intake.getWorkersCount()) === 0) {
    if (Date.now() > deadline) throw new Error('the worker process did not register its workers within 60 s');
    await Promise.race([sleep(100), exited]);
  }
  exited.catch(() => undefined);
  return child;
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}

/**
 * The intake queue's job outcomes as BullMQ reports them in Redis (its event stream), wherever the
 * workers run. `close` stops listening.
 */
export async function watchIntake(world: Pick<BenchWorld, 'config'>, handlers: { completed: (jobId: string) => void; failed: (jobId: string) => void }): Promise<{ close: () => Promise<void> }> {
  const connection = new Redis(world.config.REDIS_URL, { maxRetriesPerRequest: null });
  // Stream ids are millisecond timestamps: read everything added from now on.
  const events = new QueueEvents(QUEUE.intake, { connection, prefix: world.config.REDIS_PREFIX, lastEventId: `${Date.now()}-0` });
  events.on('completed', ({ jobId }) => handlers.completed(jobId));
  events.on('failed', ({ jobId }) => handlers.failed(jobId));
  await events.waitUntilReady();
  return {
    close: async () => {
      await events.close();
      connection.disconnect();
    },
  };
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

/**
 * Before a timed phase: the queues drained, then the tables analyzed. The bench's database grows from
 * empty to thousands of complaints in a minute or two, faster than autovacuum (one-minute naptime)
 * analyzes it; a prepared statement planned while a table was near empty keeps its sequential scan
 * (cheapest then) until the next ANALYZE, which a running service gets from autovacuum as its tables grow.
 */
export async function settle(app: App, timeoutMs = 60_000): Promise<void> {
  await drainQueues(app, timeoutMs);
  await app.pool.query('ANALYZE');
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
