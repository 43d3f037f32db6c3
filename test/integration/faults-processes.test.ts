/**
 * Faults with real processes: this file runs its own PostgreSQL 15 and redis-server (append-only
 * file, fsync always, as production should) on free ports, one `--role web` and one `--role worker`
 * Aduan process, and kills them. Every wait polls a condition with a deadline.
 *
 * - duplicated inbound deliveries: handled once;
 * - a worker SIGKILLed in the middle of an intake job: the job is retried by another worker, one complaint;
 * - PostgreSQL SIGKILLed with jobs in flight: the web answers 503 and /readyz goes red, the worker
 *   backs off, survives, and stores everything once PostgreSQL is back;
 * - Redis SIGKILLed and restarted while citizens are filing: every complaint whose code was shown is stored;
 * - Redis restarted empty (no persistence) with confirmed complaints still queued: the recovery sweep's
 *   schedule comes back, the sweep re-enqueues them from PostgreSQL, and the service keeps answering.
 */
import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AduanProcess, PostgresServer, RedisServer, freePort, until } from '../helpers/processes.js';
import { Citizen, Rng, httpTransport, prepareWorld, readMessages, retrying, walkCitizen, type World } from '../helpers/processes-world.js';

const SEED = Number(process.env.FAULTS_SEED ?? Date.now() % 1_000_000);

describe('faults: real processes killed and restarted', { timeout: 200_000 }, () => {
  let postgres: PostgresServer;
  let redis: RedisServer;
  let world: World;
  let web: AduanProcess;
  let worker: AduanProcess;
  let queueConnection: Redis;
  let intakeQueue: Queue;
  let baseUrl = '';
  const rng = new Rng(SEED);
  const send = () => retrying(httpTransport(() => baseUrl));

  const workerEnv = () => world.env({ WORKER_CONCURRENCY: '4', RECOVERY_INTERVAL_SECONDS: '2' });
  const complaintCount = async (code: string) => world.db.complaint.count({ where: { trackingCode: code } });

  beforeAll(async () => {
    console.log(`faults seed ${SEED}`);
    [postgres, redis] = await Promise.all([PostgresServer.start(), RedisServer.start({ persistent: true })]);
    world = await prepareWorld({ serverUrl: postgres.url('postgres'), redisUrl: redis.url });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    [web, worker] = await Promise.all([AduanProcess.start('web', world.env({ PORT: String(port), HOST: '127.0.0.1' })), AduanProcess.start('worker', workerEnv())]);
    queueConnection = new Redis(redis.url, { maxRetriesPerRequest: null });
    queueConnection.on('error', () => undefined);
    intakeQueue = new Queue('intake', { connection: queueConnection, prefix: world.prefix });
  }, 150_000);

  afterAll(async () => {
    await intakeQueue?.close().catch(() => undefined);
    queueConnection?.disconnect();
    await Promise.all([web, worker].filter(Boolean).map((p) => p.stop()));
    await world?.close();
    await Promise.all([postgres?.stop(), redis?.stop()]);
  }, 60_000);

  /** Holds a SHARE lock on "Complaint" so intake jobs block inside their INSERT until `release`. */
  async function blockIntake(): Promise<{ release: () => Promise<void>; client: pg.Client }> {
    const client = new pg.Client(world.databaseUrl);
    client.on('error', () => undefined);
    await client.connect();
    await client.query('BEGIN');
    await client.query('LOCK TABLE "Complaint" IN SHARE MODE');
    return {
      client,
      release: async () => {
        await client.query('ROLLBACK').catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
  }

  it('handles a message delivered five times at once exactly once', async () => {
    const chatId = `dup-${randomUUID()}`;
    const body = JSON.stringify({ chatId, clientMessageId: 'm-1', text: 'halo' });
    const answers = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const response = await fetch(`${baseUrl}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        return { status: response.status, json: (await response.json()) as { duplicate?: boolean } };
      }),
    );
    expect(answers.map((a) => a.status)).toEqual([202, 202, 202, 202, 202]);
    expect(answers.filter((a) => a.json.duplicate === false)).toHaveLength(1);
    const first = await readMessages(baseUrl, chatId);
    // Once more later: still a duplicate, and no new reply.
    const again = await fetch(`${baseUrl}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
    expect(((await again.json()) as { duplicate: boolean }).duplicate).toBe(true);
    expect(await readMessages(baseUrl, chatId)).toEqual(first);
  });

  it('retries the intake job of a worker SIGKILLed mid-job and stores one complaint', async () => {
    const lock = await blockIntake();
    let code = '';
    try {
      code = (await walkCitizen(new Citizen(rng), [send()])) ?? '';
      expect(code).toBeTruthy();
      await until(async () => (await intakeQueue.getJobState(code)) === 'active', 'the intake job to be running in the worker', 20_000);
      await worker.kill('SIGKILL');
      // A backend waiting on a lock does not notice that its client died: the dead worker's intake
      // statement would still commit when the lock goes. Its connection is ended, as the server does
      // once it sees the socket gone, so only a retry can store the complaint.
      await lock.client.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND state = 'active' AND query LIKE '%INSERT INTO "Complaint"%'`);
    } finally {
      await lock.release();
    }
    expect(await complaintCount(code)).toBe(0);
    worker = await AduanProcess.start('worker', workerEnv());
    // BullMQ hands the job on once the dead worker's lock (30 s) lapses and a stalled check sees it.
    await until(async () => (await complaintCount(code)) === 1, `complaint ${code} stored after the worker died`, 100_000, 500);
    const complaint = await world.db.complaint.findUniqueOrThrow({ where: { trackingCode: code }, select: { id: true, agencyId: true } });
    expect(complaint.agencyId).toBeTruthy();
    expect(await world.db.complaintEvent.count({ where: { complaintId: complaint.id, type: 'CREATED' } })).toBe(1);
  });

  it('keeps the worker alive through a PostgreSQL crash; jobs back off and finish when it is back', async () => {
    const lock = await blockIntake();
    const codes = await Promise.all(Array.from({ length: 3 }, () => walkCitizen(new Citizen(rng), [send()])));
    await until(async () => (await intakeQueue.getJobCounts('active')).active === 3, 'three intake jobs running', 20_000);
    await postgres.kill('SIGKILL');
    await lock.release();
    // While it is down: the web answers "coba lagi" (503) and readiness is red; the worker retries.
    const down = await fetch(`${baseUrl}/api/webchat/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ chatId: `pgdown-${randomUUID()}`, text: 'halo' }) });
    expect(down.status).toBe(503);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(503);
    await until(() => worker.linesWith('job failed; will retry').length > 0, 'the worker to see its jobs fail and schedule a retry', 30_000);
    await postgres.start();
    await until(async () => (await fetch(`${baseUrl}/readyz`)).status === 200, 'readiness green again', 30_000, 200);
    // Jobs wait out their exponential backoff (2 s, 4 s, 8 s, … with jitter): the longer PostgreSQL was down, the longer the last wait.
    for (const code of codes) {
      await until(async () => (await complaintCount(code!)) === 1, `complaint ${code} stored after PostgreSQL came back`, 120_000, 250).catch(async (error: unknown) => {
        const job = await intakeQueue.getJob(code!);
        throw new Error(`${String(error)}; job ${await job?.getState()} attempts ${job?.attemptsMade}; worker said ${JSON.stringify(worker.lines.slice(-5))}`);
      });
    }
    expect(worker.alive).toBe(true);
    expect(web.alive).toBe(true);
  });

  it('stores every complaint whose code was shown when Redis is killed and restarted mid-traffic', async () => {
    const citizens = Array.from({ length: 12 }, () => new Citizen(rng));
    const filing = Promise.all(citizens.map((c) => walkCitizen(c, [send()])));
    await until(() => citizens.filter((c) => c.atSummary || c.done).length >= 3, 'some citizens near the end of the form', 30_000);
    await redis.restart();
    const codes = await filing;
    expect(codes.every(Boolean)).toBe(true);
    for (const code of codes) await until(async () => (await complaintCount(code!)) === 1, `complaint ${code} stored after the Redis restart`, 60_000, 250);
    expect(worker.alive && web.alive).toBe(true);
  });

  it('stores every confirmed complaint when Redis comes back empty, and keeps answering', async () => {
    const maintenance = new Queue('maintenance', { connection: queueConnection, prefix: world.prefix });
    const lock = await blockIntake();
    try {
      // Intake is held, so the confirmed submissions are only queued (4 running, the rest waiting) when Redis loses everything.
      const codes = (await Promise.all(Array.from({ length: 6 }, () => walkCitizen(new Citizen(rng), [send()])))).map((code) => code ?? '');
      expect(codes.every(Boolean)).toBe(true);
      await until(async () => ((await intakeQueue.getJobCounts('wait')).wait ?? 0) >= 1, 'intake jobs waiting behind the held ones', 20_000);
      expect(await maintenance.getJobScheduler('recover-pending')).toBeTruthy();
      const sweepsBefore = worker.linesWith('re-enqueued pending submissions').length;
      await redis.restart({ empty: true });
      // Nothing of the queues survived: only PostgreSQL knows these submissions now.
      for (const code of codes) expect(await intakeQueue.getJob(code)).toBeUndefined();
      await lock.release();
      // The worker puts the sweep's schedule back once it is reconnected, and the sweep re-enqueues what was lost (after its 30 s grace).
      await until(() => maintenance.getJobScheduler('recover-pending'), 'the sweep schedule re-created in the empty Redis', 30_000, 250);
      for (const code of codes) await until(async () => (await complaintCount(code)) === 1, `complaint ${code} stored after Redis came back empty`, 90_000, 250);
      expect(worker.linesWith('re-enqueued pending submissions').length).toBeGreaterThan(sweepsBefore);
      for (const code of codes) {
        const complaint = await world.db.complaint.findUniqueOrThrow({ where: { trackingCode: code }, select: { id: true } });
        expect(await world.db.complaintEvent.count({ where: { complaintId: complaint.id, type: 'CREATED' } })).toBe(1);
      }
    } finally {
      await lock.release();
      await maintenance.close();
    }
    // Still answering: a new citizen files a complaint end to end, and readiness is green.
    const fresh = await walkCitizen(new Citizen(rng), [send()]);
    await until(async () => (await complaintCount(fresh!)) === 1, 'a complaint filed after the empty restart', 30_000, 250);
    expect((await fetch(`${baseUrl}/readyz`)).status).toBe(200);
    expect(worker.alive && web.alive).toBe(true);
  });
});
