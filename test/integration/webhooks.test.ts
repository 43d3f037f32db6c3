/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- API answers are read as loose JSON */
/** Signed outgoing webhooks end to end: a real complaint moved through casework, a local receiver, the admin API and CLI. */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomBytes, randomUUID } from 'node:crypto';
import { Worker } from 'bullmq';
import { CliError } from '../../src/cli/args.js';
import { createWebhookQueue, enqueueWebhookDeliveries, webhookJobId } from '../../src/queue/webhooks.js';
import { createRedis } from '../../src/store/redis.js';
import { runWebhookCommand } from '../../src/cli/webhooks.js';
import { verifyWebhook } from '../../src/services/webhooks/sign.js';
import { adminToken, auditRows, call } from '../helpers/admin.js';
import { eventually, startTestApp, testConfig, type TestApp } from '../helpers/app.js';
import { addOfficer, Chat, file, type Officer } from '../helpers/officers.js';
import { SecretSealer } from '../../src/store/secret-sealer.js';
import { PgWebhookDeliveryStore, sealWebhookSecrets } from '../../src/store/webhooks.js';
import { deliverWebhook, RetryableDeliveryError } from '../../src/services/webhooks/deliver.js';

interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

const GAP_WAIT_MS = 30_000;
/** The signing secrets are sealed in the database with this key (WEBHOOK_SECRETS_KEY). */
const SECRETS_KEY = randomBytes(32).toString('hex');

describe('signed outgoing webhooks', () => {
  let app: TestApp;
  let clock = new Date('2026-11-24T02:00:00Z'); // Tuesday 09:00 WIB
  const tick = () => (clock = new Date(clock.getTime() + 60_000));
  let server: Server;
  let base: string;
  const received: Received[] = [];
  /** Status codes to answer per path, in order; then 200. */
  const answers = new Map<string, number[]>();
  let operator: string;
  let binaMarga: Officer;
  const created: string[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const path = request.url ?? '/';
        received.push({ path, headers: request.headers, body: Buffer.concat(chunks).toString('utf8') });
        response.statusCode = answers.get(path)?.shift() ?? 200;
        response.end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    app = await startTestApp({
      now: () => clock,
      config: testConfig({ WEBCHAT_RATE_LIMIT: '10000', WEBHOOK_SCAN_INTERVAL_SECONDS: '3600', WEBHOOK_RETRY_BASE_MS: '20', WEBHOOK_ATTEMPTS: '3', WEBHOOK_TIMEOUT_MS: '3000', WEBHOOK_SECRETS_KEY: SECRETS_KEY }),
    });
    operator = (await adminToken(app, 'OPERATOR')).token;
    binaMarga = await addOfficer(app, { role: 'ADMIN_INSTANSI', agencyCode: 'dpuprpkp-malang-bina-marga' }, clock);
  });
  afterAll(async () => {
    await app.db.webhookSubscription.deleteMany({ where: { id: { in: created } } });
    await app.dispose();
    await new Promise((resolve) => server.close(resolve));
  });

  async function subscribe(path: string, extra: Record<string, unknown> = {}): Promise<{ id: string; secret: string }> {
    const answer = await call(app, 'POST', '/api/admin/webhooks', operator, { name: `test ${path}`, url: `${base}${path}`, ...extra });
    expect(answer.status).toBe(201);
    created.push(answer.json.id);
    return { id: answer.json.id, secret: answer.json.secret };
  }

  /**
   * Scans until the subscription's cursor has passed `upTo`, moving the scan's clock past the gap
   * wait each round (other test files' rolled-back transactions leave gaps), then waits until none of
   * its deliveries is pending.
   */
  async function pump(subscriptionId: string, upTo: bigint): Promise<void> {
    let at = clock;
    for (let round = 0; round < 20; round++) {
      await app.webhooks.runner.scan(at);
      const sub = await app.db.webhookSubscription.findUniqueOrThrow({ where: { id: subscriptionId } });
      if (sub.lastEventId >= upTo) break;
      at = new Date(at.getTime() + GAP_WAIT_MS + 1000);
    }
    await eventually(async () => (await app.db.webhookDelivery.count({ where: { subscriptionId, status: 'PENDING' } })) === 0, 'deliveries to settle');
  }

  const lastEventOf = async (complaintId: string) => (await app.db.complaintEvent.findFirstOrThrow({ where: { complaintId }, orderBy: { id: 'desc' } })).id;
  const eventIdsOf = async (complaintId: string) => (await app.db.complaintEvent.findMany({ where: { complaintId }, select: { id: true } })).map((e) => e.id);
  const deliveriesOf = async (subscriptionId: string, complaintId: string) =>
    app.db.webhookDelivery.findMany({ where: { subscriptionId, eventId: { in: await eventIdsOf(complaintId) } }, orderBy: { eventId: 'asc' } });
  const bodiesOf = (path: string, trackingCode: string) => received.filter((r) => r.path === path && r.body.includes(trackingCode));

  it('delivers every event of a complaint in order, signed, without personal data', async () => {
    const sub = await subscribe('/all');
    const citizen = new Chat(app);
    const { code, id } = await file(app, citizen);
    tick();
    expect(await binaMarga.run(`ambil ${code}`)).toMatch(/diambil/);
    tick();
    expect(await binaMarga.run(`proses ${code}`)).toMatch(/sedang diproses/);
    await pump(sub.id, await lastEventOf(id));

    const events = await app.db.complaintEvent.findMany({ where: { complaintId: id }, orderBy: { id: 'asc' } });
    const got = bodiesOf('/all', code);
    const payloads = got.map((r) => JSON.parse(r.body) as { id: string; type: string; complaint: { status: string }; event: { toStatus: string | null } });
    expect(payloads.map((p) => p.id)).toEqual(events.map((e) => e.id.toString()));
    expect(payloads.map((p) => p.type)).toEqual(expect.arrayContaining(['complaint.created', 'complaint.forwarded', 'complaint.assigned', 'complaint.status_changed']));
    expect(payloads.at(-1)?.complaint.status).toBe('IN_PROGRESS');

    const complaint = await app.db.complaint.findUniqueOrThrow({ where: { id }, include: { citizen: true } });
    for (const r of got) {
      expect(r.headers['content-type']).toBe('application/json');
      expect(r.headers['aduan-webhook-timestamp']).toMatch(/^\d{10}$/);
      const input = { rawBody: r.body, signature: r.headers['aduan-webhook-signature'] as string, timestamp: r.headers['aduan-webhook-timestamp'] as string, now: clock };
      expect(verifyWebhook({ ...input, secret: sub.secret })).toEqual({ ok: true });
      expect(verifyWebhook({ ...input, secret: 'whsec_someone_else' })).toEqual({ ok: false, reason: 'mismatch' });
      for (const personal of [citizen.chatId, complaint.chatId, complaint.citizenId, binaMarga.id, binaMarga.name]) expect(r.body).not.toContain(personal);
    }
    const deliveries = await app.db.webhookDelivery.findMany({ where: { subscriptionId: sub.id, eventId: { in: events.map((e) => e.id) } } });
    expect(deliveries.every((d) => d.status === 'DELIVERED' && d.attempts === 1 && d.lastStatusCode === 200)).toBe(true);
    expect(new Set(got.map((r) => r.headers['aduan-webhook-id']))).toEqual(new Set(deliveries.map((d) => d.id)));
  });

  it('never sends the title or description of a rahasia complaint', async () => {
    const citizen = new Chat(app);
    const secretWords = `Rahasia ${Math.random().toString(36).slice(2)} pungutan liar di loket`;
    const { code, id } = await file(app, citizen, { description: secretWords });
    await app.db.complaint.update({ where: { id }, data: { confidential: true } });
    const sub = await subscribe('/rahasia');
    tick();
    await binaMarga.run(`ambil ${code}`);
    await pump(sub.id, await lastEventOf(id));
    const got = bodiesOf('/rahasia', code);
    expect(got.length).toBe(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: 'complaint.assigned', complaint: { confidential: true, title: null, description: null } });
    expect(received.some((r) => r.body.includes(secretWords))).toBe(false);
  });

  it('retries a receiver answering 500, then delivers exactly once', async () => {
    answers.set('/flaky', [500, 503]);
    const sub = await subscribe('/flaky', { eventTypes: ['ASSIGNED'] });
    const { code, id } = await file(app, new Chat(app));
    tick();
    await binaMarga.run(`ambil ${code}`);
    await pump(sub.id, await lastEventOf(id));
    const got = bodiesOf('/flaky', code);
    expect(got.length).toBe(3);
    expect(new Set(got.map((r) => r.headers['aduan-webhook-id'])).size).toBe(1);
    const deliveries = await deliveriesOf(sub.id, id);
    expect(deliveries.length).toBe(1);
    expect(deliveries[0]).toMatchObject({ status: 'DELIVERED', attempts: 3, lastStatusCode: 200, lastError: null });
  });

  it('keeps a delivery FAILED after the last attempt and moves on; an operator redelivers it', async () => {
    answers.set('/down', [500, 500, 500]);
    const sub = await subscribe('/down', { eventTypes: ['ASSIGNED', 'STATUS_CHANGED'] });
    const { code, id } = await file(app, new Chat(app));
    tick();
    await binaMarga.run(`ambil ${code}`);
    tick();
    await binaMarga.run(`proses ${code}`);
    await pump(sub.id, await lastEventOf(id));
    const mine = await deliveriesOf(sub.id, id);
    expect(mine.map((d) => d.status)).toEqual(['FAILED', 'DELIVERED']);
    expect(mine[0]).toMatchObject({ attempts: 3, lastStatusCode: 500, lastError: 'receiver answered 500' });

    const listed = await call(app, 'GET', `/api/admin/webhooks/${sub.id}/deliveries`, operator);
    expect(listed.json.items.find((d: { id: string }) => d.id === mine[0]!.id)).toMatchObject({ status: 'FAILED', attempts: 3 });
    const again = await call(app, 'POST', `/api/admin/webhooks/${sub.id}/deliveries/${mine[0]!.id}/redeliver`, operator);
    expect(again.status).toBe(202);
    await pump(sub.id, 0n);
    expect(await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: mine[0]!.id } })).toMatchObject({ status: 'DELIVERED', attempts: 1, lastStatusCode: 200 });
    expect((await auditRows(app, 'webhook.redeliver')).some((a) => a.targetId === sub.id)).toBe(true);
  });

  it('runs a delivery job that used up its attempts with its row still pending again from its first attempt', async () => {
    // Its own queue (prefix), so the app's webhook worker does not take it; the database was down for
    // every attempt, so the job failed for good and its row was never settled.
    const connection = createRedis(app.config.REDIS_URL, { forWorker: true });
    const queue = createWebhookQueue(connection, `${app.prefix}:stuck`, { attempts: 2, baseDelayMs: 1 });
    const job = { deliveryId: randomUUID(), round: 0 };
    const failing = new Worker(queue.name, () => Promise.reject(new Error('database down')), { connection, prefix: `${app.prefix}:stuck` });
    try {
      await queue.add('deliver', job, { jobId: webhookJobId(job) });
      await eventually(async () => ((await (await queue.getJob(webhookJobId(job)))?.isFailed()) ? true : null), 'the job to fail for good');
      await failing.close();
      expect((await queue.getJob(webhookJobId(job)))?.attemptsMade).toBe(2);
      await enqueueWebhookDeliveries(queue, [job]);
      const again = await queue.getJob(webhookJobId(job));
      expect(await again?.getState()).toBe('waiting');
      expect(again?.attemptsMade).toBe(0);
    } finally {
      await failing.close();
      await queue.close();
      connection.disconnect();
    }
  });

  it('410 Gone deactivates the subscription', async () => {
    answers.set('/gone', [410]);
    const sub = await subscribe('/gone', { eventTypes: ['ASSIGNED'] });
    const { code, id } = await file(app, new Chat(app));
    tick();
    await binaMarga.run(`ambil ${code}`);
    await pump(sub.id, await lastEventOf(id));
    expect(await app.db.webhookSubscription.findUniqueOrThrow({ where: { id: sub.id } })).toMatchObject({ active: false });
    expect(await deliveriesOf(sub.id, id)).toMatchObject([{ status: 'FAILED', lastStatusCode: 410 }]);
  });

  it('filters by agency and by event type', async () => {
    const other = await subscribe('/dishub', { agencyCode: 'dishub-malang' });
    const own = await subscribe('/bina-marga', { agencyCode: 'dpuprpkp-malang', eventTypes: ['STATUS_CHANGED'] });
    const { code, id } = await file(app, new Chat(app));
    tick();
    await binaMarga.run(`ambil ${code}`);
    tick();
    await binaMarga.run(`proses ${code}`);
    const last = await lastEventOf(id);
    await pump(other.id, last);
    await pump(own.id, last);
    expect(bodiesOf('/dishub', code)).toEqual([]);
    // The parent agency's subscription sees its unit's complaint; only status changes.
    const types = bodiesOf('/bina-marga', code).map((r) => (JSON.parse(r.body) as { type: string }).type);
    expect(types).toEqual(['complaint.status_changed']);
  });

  it('waits for an event id committed late instead of skipping it, and passes a rolled-back id after the gap wait', async () => {
    const { id } = await file(app, new Chat(app));
    const sub = await subscribe('/gaps', { eventTypes: ['NOTE'] });
    const note = (client: pg.Client | pg.Pool) =>
      client.query<{ id: string }>(`INSERT INTO "ComplaintEvent" ("complaintId", type, "actorType", data, "createdAt") VALUES ($1, 'NOTE', 'SYSTEM', '{"action":"note"}', now()) RETURNING id`, [id]);
    const slow = new pg.Client({ connectionString: app.config.DATABASE_URL });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      const early = BigInt((await note(slow)).rows[0]!.id);
      const late = BigInt((await note(app.pool)).rows[0]!.id);
      expect(late).toBeGreaterThan(early);
      // The lower id is not committed yet: the scan stops before it and delivers neither.
      let at = clock;
      await app.webhooks.runner.scan(at);
      expect(await app.db.webhookDelivery.count({ where: { subscriptionId: sub.id } })).toBe(0);
      expect((await app.db.webhookSubscription.findUniqueOrThrow({ where: { id: sub.id } })).lastEventId).toBeLessThan(early);
      await slow.query('COMMIT');
      at = new Date(at.getTime() + 1000);
      await app.webhooks.runner.scan(at);
      await pump(sub.id, late);
      expect((await deliveriesOf(sub.id, id)).map((d) => [d.eventId, d.status])).toEqual([
        [early, 'DELIVERED'],
        [late, 'DELIVERED'],
      ]);
      expect(bodiesOf('/gaps', '').map((r) => (JSON.parse(r.body) as { id: string }).id)).toEqual([early.toString(), late.toString()]);

      // A rolled-back insert leaves a hole for good: the scan waits GAP_WAIT, then passes it.
      await slow.query('BEGIN');
      const lost = BigInt((await note(slow)).rows[0]!.id);
      await slow.query('ROLLBACK');
      const after = BigInt((await note(app.pool)).rows[0]!.id);
      at = new Date(at.getTime() + 1000);
      await app.webhooks.runner.scan(at);
      expect(await app.db.webhookDelivery.count({ where: { subscriptionId: sub.id, eventId: after } })).toBe(0);
      await app.webhooks.runner.scan(new Date(at.getTime() + GAP_WAIT_MS / 2));
      expect(await app.db.webhookDelivery.count({ where: { subscriptionId: sub.id, eventId: after } })).toBe(0);
      await app.webhooks.runner.scan(new Date(at.getTime() + GAP_WAIT_MS));
      await pump(sub.id, after);
      expect(await app.db.webhookDelivery.count({ where: { subscriptionId: sub.id, eventId: lost } })).toBe(0);
      expect(await app.db.webhookDelivery.findFirstOrThrow({ where: { subscriptionId: sub.id, eventId: after } })).toMatchObject({ status: 'DELIVERED' });
    } finally {
      await slow.end();
    }
  });

  it('admin API: operators only, clear 400s, the secret shown only on create and rotate, every write audited', async () => {
    const body = { name: 'SP4N-LAPOR! connector', url: `${base}/api` };
    expect((await call(app, 'GET', '/api/admin/webhooks')).status).toBe(401);
    expect((await call(app, 'POST', '/api/admin/webhooks', undefined, body)).status).toBe(401);
    const instansi = (await adminToken(app, 'ADMIN_INSTANSI', 'dishub-malang')).token;
    expect((await call(app, 'GET', '/api/admin/webhooks', instansi)).status).toBe(403);
    expect((await call(app, 'POST', '/api/admin/webhooks', instansi, body)).status).toBe(403);

    for (const bad of [{ ...body, url: 'ftp://example.org/hook' }, { ...body, url: 'javascript:alert(1)' }, { ...body, url: 'not a url' }, { ...body, extra: true }, { ...body, eventTypes: ['NOPE'] }, { name: 'x' }]) {
      const answer = await call(app, 'POST', '/api/admin/webhooks', operator, bad);
      expect(answer.status, JSON.stringify(bad)).toBe(400);
      expect(answer.json.message).toBeTruthy();
    }
    expect((await call(app, 'POST', '/api/admin/webhooks', operator, { ...body, agencyCode: 'no-such-agency' })).status).toBe(400);

    const made = await call(app, 'POST', '/api/admin/webhooks', operator, body);
    expect(made.status).toBe(201);
    created.push(made.json.id);
    expect(made.json.secret).toMatch(/^whsec_/);
    const hookId: string = made.json.id;
    const listed = await call(app, 'GET', '/api/admin/webhooks', operator);
    expect(listed.json.items.find((w: { id: string }) => w.id === hookId)).toMatchObject({ name: body.name, url: body.url, active: true, agencyCode: null, eventTypes: [] });
    expect(listed.body).not.toContain(made.json.secret);
    const one = await call(app, 'GET', `/api/admin/webhooks/${hookId}`, operator);
    expect(one.json).not.toHaveProperty('secret');

    const patched = await call(app, 'PATCH', `/api/admin/webhooks/${hookId}`, operator, { active: false, eventTypes: ['STATUS_CHANGED'], agencyCode: 'dishub-malang' });
    expect(patched.json).toMatchObject({ active: false, eventTypes: ['STATUS_CHANGED'], agencyCode: 'dishub-malang' });
    expect((await call(app, 'PATCH', `/api/admin/webhooks/${hookId}`, operator, { url: 'file:///etc/passwd' })).status).toBe(400);
    const rotated = await call(app, 'POST', `/api/admin/webhooks/${hookId}/rotate-secret`, operator);
    expect(rotated.json.secret).toMatch(/^whsec_/);
    expect(rotated.json.secret).not.toBe(made.json.secret);
    // Stored sealed: the database holds no usable secret, and the key opens the new one.
    const stored = (await app.db.webhookSubscription.findUniqueOrThrow({ where: { id: hookId } })).secret;
    expect(stored).toMatch(/^sealed1:/);
    expect(stored).not.toContain('whsec_');
    expect(new SecretSealer(SECRETS_KEY).open(stored, hookId)).toBe(rotated.json.secret);
    expect((await call(app, 'GET', '/api/admin/webhooks/00000000-0000-4000-8000-000000000000', operator)).status).toBe(404);
    expect((await call(app, 'DELETE', `/api/admin/webhooks/${hookId}`, operator)).json).toEqual({ deleted: true });
    expect((await call(app, 'GET', `/api/admin/webhooks/${hookId}`, operator)).status).toBe(404);
    for (const action of ['webhook.create', 'webhook.update', 'webhook.rotate', 'webhook.delete']) {
      const rows = (await auditRows(app, action)).filter((a) => a.targetId === hookId);
      expect(rows.length, action).toBe(1);
      expect(JSON.stringify([rows[0]?.before, rows[0]?.after])).not.toContain('whsec_');
    }
  });

  it('seals the secrets stored before the key was set; a process without the key counts them as unreadable', async () => {
    const id = randomUUID();
    const plain = `whsec_${randomBytes(8).toString('hex')}`;
    created.push(id);
    await app.db.webhookSubscription.create({ data: { id, name: 'from before the key', url: `${base}/before`, secret: plain, active: false, lastEventId: 0n } });
    const keyed = new SecretSealer(SECRETS_KEY);
    expect(await sealWebhookSecrets(app.db, keyed)).toMatchObject({ sealed: 1, plain: 0, unreadable: 0 });
    const stored = (await app.db.webhookSubscription.findUniqueOrThrow({ where: { id } })).secret;
    expect(stored).toMatch(/^sealed1:/);
    expect(keyed.open(stored, id)).toBe(plain);
    // Run again, nothing more to seal; without the key none of them opens (said, not fatal).
    const all = await app.db.webhookSubscription.count();
    expect(await sealWebhookSecrets(app.db, keyed)).toEqual({ sealed: 0, plain: 0, unreadable: 0 });
    expect(await sealWebhookSecrets(app.db, new SecretSealer(undefined))).toEqual({ sealed: 0, plain: 0, unreadable: all });
  });

  it('refuses to start, or to add a webhook, with a key that does not open the secrets sealed already, sealing nothing', async () => {
    await subscribe('/sealed-first'); // sealed with this app's key
    const id = randomUUID();
    created.push(id);
    await app.db.webhookSubscription.create({ data: { id, name: 'plain, waiting', url: `${base}/waiting`, secret: 'whsec_waiting', active: false, lastEventId: 0n } });
    const otherKey = randomBytes(32).toString('hex');
    await expect(startTestApp({ config: testConfig({ WEBHOOK_SECRETS_KEY: otherKey }) })).rejects.toThrow(/^WEBHOOK_SECRETS_KEY does not open \d+ of the \d+ sealed webhook secrets/);
    const cli = runWebhookCommand(app.db, 'add', ['--name', 'x', '--url', `${base}/x`], { requireHttps: false, sealer: new SecretSealer(otherKey) });
    await expect(cli).rejects.toThrow(/^webhook add: WEBHOOK_SECRETS_KEY does not open/);
    // Nothing was sealed with the other key: the plain secret waits for the right one.
    expect((await app.db.webhookSubscription.findUniqueOrThrow({ where: { id } })).secret).toBe('whsec_waiting');
    expect(await app.db.webhookSubscription.count({ where: { name: 'x' } })).toBe(0);
  });

  it('keeps a delivery pending, with the reason, when its secret does not open in this process', async () => {
    const sub = await subscribe('/closed');
    const event = await app.db.complaintEvent.findFirstOrThrow({ orderBy: { id: 'desc' } });
    // Waiting for the key for hours already: 60 attempts recorded, the scan re-running its job each time.
    const delivery = await app.db.webhookDelivery.create({ data: { subscriptionId: sub.id, eventId: event.id, attempts: 60 } });
    // A process started without WEBHOOK_SECRETS_KEY.
    const keyless = { ...app.webhooks.runner.deliverDeps, store: new PgWebhookDeliveryStore(app.db, new SecretSealer(undefined)) };
    await expect(deliverWebhook(keyless, { deliveryId: delivery.id, round: 0, attempt: 2, finalAttempt: false })).rejects.toBeInstanceOf(RetryableDeliveryError);
    const after = await app.db.webhookDelivery.findUniqueOrThrow({ where: { id: delivery.id } });
    // The next try as the queue backs off this job's second attempt (WEBHOOK_RETRY_BASE_MS 20: 40 ms).
    expect(after).toMatchObject({ status: 'PENDING', attempts: 61, lastStatusCode: null, nextAttemptAt: new Date(clock.getTime() + 40) });
    expect(after.lastError).toMatch(/^not sent: the webhook secret of .* is sealed, and no key is configured to open it$/);
    expect(received.filter((r) => r.path === '/closed')).toEqual([]);
    await app.db.webhookDelivery.delete({ where: { id: delivery.id } });
  });

  it('CLI: add prints the secret once, list shows it without the secret; bad input is a clear error', async () => {
    const sealer = new SecretSealer(SECRETS_KEY);
    const out = await runWebhookCommand(app.db, 'add', ['--name', 'cli hook', '--url', `${base}/cli`, '--agency', 'dishub-malang', '--events', 'status_changed,forwarded'], { requireHttps: false, sealer });
    const hookId = /^webhook (\S+)/.exec(out)?.[1];
    const secret = /^secret (whsec_\S+)/m.exec(out)?.[1];
    expect(hookId).toBeTruthy();
    created.push(hookId!);
    expect(secret).toBeTruthy();
    const list = await runWebhookCommand(app.db, 'list', [], { requireHttps: false, sealer });
    expect(list).toContain(`${hookId}  active    cli hook  ${base}/cli  agency=dishub-malang  events=STATUS_CHANGED,FORWARDED`);
    expect(list).not.toContain(secret);
    expect(await runWebhookCommand(app.db, 'disable', [hookId!], { requireHttps: false, sealer })).toBe(`webhook ${hookId} disabled`);
    await expect(runWebhookCommand(app.db, 'add', ['--name', 'x', '--url', `${base}/cli`], { requireHttps: true, sealer })).rejects.toThrow(/https/);
    await expect(runWebhookCommand(app.db, 'add', ['--name', 'x', '--url', 'ftp://x'], { requireHttps: false, sealer })).rejects.toBeInstanceOf(CliError);
    await expect(runWebhookCommand(app.db, 'rotate', ['nope'], { requireHttps: false, sealer })).rejects.toThrow(/UUID/);
    await expect(runWebhookCommand(app.db, 'remove', ['00000000-0000-4000-8000-000000000000'], { requireHttps: false, sealer })).rejects.toThrow(/not found/);
  });
});
