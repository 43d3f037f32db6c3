/**
 * Scale-out: the same code as several processes against one PostgreSQL and one Redis. Two worker
 * processes (`--role worker`), one web process (`--role web`, real HTTP) and an in-test producer (an
 * in-process app) share the work. Redis here is a one-node Redis *Cluster*: it refuses any script or
 * multi-key command whose keys are in different slots, so the whole run also proves the `{…}` hash-tag
 * prefix keeps BullMQ and our own keys together.
 *
 * Shown: every complaint is stored exactly once (one "created" log line across both workers, one
 * CREATED and one FORWARDED/STATUS_CHANGED event, one notice in the chat), both workers did some of
 * it, and each chat's form advanced in order although its messages alternated between two processes.
 */
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createApp, type App } from '../../src/app.js';
import { toInbound } from '../../src/channels/webchat/inbound.js';
import { ConfigSchema } from '../../src/config.js';
import { lanes } from '../../bench/stats.js';
import { AduanProcess, RedisServer, freePort, until } from '../helpers/processes.js';
import { Citizen, Rng, httpTransport, prepareWorld, readMessages, walkCitizen, type Transport, type World } from '../helpers/processes-world.js';

const CITIZENS = Number(process.env.SCALE_OUT_CITIZENS ?? 40);
const SEED = Number(process.env.SCALE_OUT_SEED ?? Date.now() % 1_000_000);

describe('scale-out: web, in-test producer and two worker processes on one PostgreSQL and a Redis Cluster node', { timeout: 180_000 }, () => {
  let redis: RedisServer;
  let world: World;
  let web: AduanProcess;
  let workers: AduanProcess[] = [];
  let producer: App;
  let baseUrl = '';

  beforeAll(async () => {
    redis = await RedisServer.start({ cluster: true });
    world = await prepareWorld({ serverUrl: inject('databaseUrl'), redisUrl: redis.url });
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    [web, ...workers] = await Promise.all([
      AduanProcess.start('web', world.env({ PORT: String(port), HOST: '127.0.0.1' })),
      AduanProcess.start('worker', world.env({ WORKER_CONCURRENCY: '4' })),
      AduanProcess.start('worker', world.env({ WORKER_CONCURRENCY: '4' })),
    ]);
    const config = ConfigSchema.parse({ ...world.env(), LOG_LEVEL: 'silent', AUTO_SEED: 'false', AUTO_MIGRATE: 'false' });
    producer = await createApp({ config, role: 'web', log: pino({ level: 'silent' }) });
  }, 180_000);

  afterAll(async () => {
    await producer?.close();
    await Promise.all([web, ...workers].filter(Boolean).map((p) => p.stop()));
    await world?.close();
    await redis?.stop();
  }, 60_000);

  it(`files ${CITIZENS} complaints from ${CITIZENS} chats: each processed exactly once, each chat in order`, async () => {
    console.log(`scale-out seed ${SEED}`);
    const rng = new Rng(SEED);
    const inProcess: Transport = (body) => producer.handle(toInbound(body, new Date()));
    const overHttp = httpTransport(() => baseUrl);
    const citizens = Array.from({ length: CITIZENS }, () => new Citizen(rng));
    let next = 0;
    // Each chat's messages alternate between the web process and the in-test producer.
    await lanes(8, async (lane) => {
      while (next < citizens.length) {
        const citizen = citizens[next++]!;
        await walkCitizen(citizen, lane % 2 === 0 ? [overHttp, inProcess] : [inProcess, overHttp]);
      }
    });
    const codes = citizens.map((c) => c.trackingCode);
    expect(codes.every(Boolean)).toBe(true);

    const stored = await until(
      async () => {
        const rows = await world.db.complaint.findMany({ where: { trackingCode: { in: codes.filter((c) => c !== null) } }, select: { id: true, trackingCode: true, agencyId: true } });
        return rows.length === codes.length && rows.every((r) => r.agencyId) ? rows : null;
      },
      'every complaint stored and routed',
      60_000,
      200,
    );
    // Exactly once: one "created" across both workers per code, and no event written twice.
    const createdLines = () => workers.flatMap((w) => w.linesWith('complaint stored').filter((l) => l.created === true).map((l) => String(l.trackingCode)));
    // The log line follows the commit: wait for the workers' output to catch up with the database.
    const created = await until(() => (createdLines().length >= codes.length ? createdLines() : null), 'every worker log line', 20_000);
    expect(created.sort()).toEqual(codes.map(String).sort());
    for (const worker of workers) expect(worker.linesWith('complaint stored').length, 'both workers took intake jobs').toBeGreaterThan(0);
    const events = await world.db.complaintEvent.groupBy({ by: ['complaintId', 'type'], where: { complaintId: { in: stored.map((r) => r.id) }, type: { in: ['CREATED', 'FORWARDED'] } }, _count: true });
    expect(events.filter((e) => e.type === 'CREATED' && e._count === 1)).toHaveLength(codes.length);
    expect(events.filter((e) => e._count > 1)).toEqual([]);

    // One routing notice in each chat, after the confirmation.
    for (const citizen of citizens) {
      const code = citizen.trackingCode!;
      const notices = await until(
        async () => {
          const all = await readMessages(baseUrl, citizen.chatId);
          const found = all.filter((m) => m.text.startsWith(`Laporan ${code} diteruskan ke`) || m.text.startsWith(`Laporan ${code} diterima oleh`));
          return found.length > 0 ? { all, found } : null;
        },
        `the notice of ${code}`,
        30_000,
        100,
      );
      expect(notices.found).toHaveLength(1);
      const confirmedAt = notices.all.findIndex((m) => m.text.includes(code));
      expect(notices.all.indexOf(notices.found[0]!)).toBeGreaterThan(confirmedAt);
    }
    expect([web, ...workers].every((p) => p.alive)).toBe(true);
    expect(workers.flatMap((w) => w.lines.filter((l) => (l.level ?? 0) >= 50))).toEqual([]);
  });
});
