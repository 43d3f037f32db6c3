/**
 * This machine's raw engines, measured in the same run as the system: what a no-op BullMQ pipeline
 * (producer → queue → worker, the app's job options and worker concurrency) and single-row
 * PostgreSQL inserts (through Prisma 7 + adapter-pg, as the app does, and raw `pg` for reference)
 * can do. The system's figures are judged against these, not against numbers from another box.
 */
import { performance } from 'node:perf_hooks';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import type { App } from '../src/app.js';
import { DEFAULT_JOB_OPTIONS } from '../src/queue/queues.js';
import { progress } from './harness.js';
import { lanes, sleepUntil, summarise, type LatencySummary } from './stats.js';

export interface QueueBaseline {
  /** Jobs added by `producers` lanes as fast as they go, until the worker completed them all. */
  jobsPerSecond: number;
  jobs: number;
  /** add() called → the worker's `completed` event, at `rate` jobs/s (paced, not saturated). */
  paced: LatencySummary & { rate: number };
  /** add() alone. */
  add: LatencySummary;
}

export async function queueBaseline(options: { redisUrl: string; prefix: string; jobs: number; rate: number; seconds: number; concurrency: number }): Promise<QueueBaseline> {
  const name = 'bench-noop';
  const connection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const workerConnection = new Redis(options.redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(name, { connection, prefix: options.prefix, defaultJobOptions: DEFAULT_JOB_OPTIONS });
  const addedAt = new Map<string, number>();
  const latencies: number[] = [];
  let completed = 0;
  let onDone: (() => void) | null = null;
  let target = 0;
  const worker = new Worker(name, () => Promise.resolve({ ok: true }), { connection: workerConnection, prefix: options.prefix, concurrency: options.concurrency });
  worker.on('completed', (job) => {
    const started = job.id ? addedAt.get(job.id) : undefined;
    if (started !== undefined) latencies.push(performance.now() - started);
    if (++completed >= target && onDone) onDone();
  });
  try {
    await worker.waitUntilReady();
    const addTimes: number[] = [];
    const run = async (count: number, producer: (i: number) => Promise<void>) => {
      completed = 0;
      target = count;
      const allDone = new Promise<void>((resolve) => (onDone = resolve));
      const started = performance.now();
      await producer(count);
      await allDone;
      onDone = null;
      return (performance.now() - started) / 1000;
    };
    const add = async (id: string) => {
      const started = performance.now();
      addedAt.set(id, started);
      await queue.add('noop', { trackingCode: id }, { jobId: id });
      addTimes.push(performance.now() - started);
    };

    progress(`baseline queue: ${options.jobs} no-op jobs, saturated`);
    let next = 0;
    const saturated = await run(options.jobs, async (count) => {
      await lanes(32, async () => {
        while (next < count) await add(`sat-${next++}`);
      });
    });
    latencies.length = 0;
    const pacedCount = Math.round(options.rate * options.seconds);
    progress(`baseline queue: ${pacedCount} no-op jobs at ${options.rate}/s`);
    const inflight: Promise<void>[] = [];
    await run(pacedCount, async (count) => {
      const started = performance.now();
      for (let i = 0; i < count; i++) {
        await sleepUntil(started + (i * 1000) / options.rate);
        inflight.push(add(`paced-${i}`));
      }
      await Promise.all(inflight);
    });
    return { jobsPerSecond: Math.round(options.jobs / saturated), jobs: options.jobs, paced: { ...summarise(latencies), rate: options.rate }, add: summarise(addTimes) };
  } finally {
    await worker.close();
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
    connection.disconnect();
    workerConnection.disconnect();
  }
}

export interface InsertBaseline {
  /** Single-row INSERTs through Prisma ($executeRaw over adapter-pg: the app's driver stack). */
  prismaPerSecond: number;
  prisma: LatencySummary;
  /** The same INSERT through the app's pg pool directly. */
  rawPgPerSecond: number;
  rawPg: LatencySummary;
  concurrency: number;
}

/** `seconds` of single-row inserts each way, `concurrency` lanes (the pool has 10 connections). */
export async function insertBaseline(app: App, options: { seconds: number; concurrency: number }): Promise<InsertBaseline> {
  await app.pool.query(`CREATE TABLE IF NOT EXISTS bench_insert (id bigserial PRIMARY KEY, code text NOT NULL UNIQUE, payload jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now())`);
  const payload = JSON.stringify({ type: 'pengaduan', title: 'Jalan berlubang dekat pasar', description: 'Jalan di depan pasar berlubang besar sejak dua minggu.' });
  let serial = 0;
  const measure = async (label: string, insert: (code: string) => Promise<unknown>) => {
    progress(`baseline insert: ${label}, ${options.seconds} s`);
    const samples: number[] = [];
    const started = performance.now();
    const deadline = started + options.seconds * 1000;
    await lanes(options.concurrency, async () => {
      while (performance.now() < deadline) {
        const t = performance.now();
        await insert(`b-${serial++}`);
        samples.push(performance.now() - t);
      }
    });
    return { perSecond: Math.round(samples.length / ((performance.now() - started) / 1000)), latency: summarise(samples) };
  };
  try {
    const prisma = await measure('prisma + adapter-pg', (code) => app.db.$executeRaw`INSERT INTO bench_insert (code, payload) VALUES (${code}, ${payload}::jsonb)`);
    const raw = await measure('raw pg', (code) => app.pool.query('INSERT INTO bench_insert (code, payload) VALUES ($1, $2::jsonb)', [code, payload]));
    return { prismaPerSecond: prisma.perSecond, prisma: prisma.latency, rawPgPerSecond: raw.perSecond, rawPg: raw.latency, concurrency: options.concurrency };
  } finally {
    await app.pool.query('DROP TABLE IF EXISTS bench_insert');
  }
}
