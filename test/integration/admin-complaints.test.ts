/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument, @typescript-eslint/no-unsafe-return -- API answers are read as loose JSON */
/** Admin API: complaint search and detail within scope, anonim identity and its audited reveal, bad input, the queue dashboard. */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, auditRows, call } from '../helpers/admin.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
let operator: string;
let koordinator: string;
let dinkes: string;
let dishub: string;
const codes: Record<string, string> = {};

async function complaint(key: string, input: { agency: string; status?: 'SUBMITTED' | 'FORWARDED'; anonymous?: boolean; confidential?: boolean; title?: string; submittedAt?: string }) {
  const agency = await app.db.agency.findUniqueOrThrow({ where: { code: input.agency } });
  const category = await app.db.category.findUniqueOrThrow({ where: { code: 'pu-jalan-rusak' } });
  const chatId = `chat-${randomBytes(4).toString('hex')}`;
  const citizen = await app.db.citizen.create({ data: { displayName: `Warga ${key}`, identities: { create: { channel: 'WEBCHAT', externalId: chatId } } } });
  const trackingCode = `ADU-${randomBytes(2).toString('hex').toUpperCase()}-${key.toUpperCase().padEnd(4, 'X').slice(0, 4)}`;
  const row = await app.db.complaint.create({
    data: {
      trackingCode, type: 'PENGADUAN', categoryId: category.id, title: input.title ?? `Jalan rusak ${key}`, description: `Kronologi rahasia ${key}`, regionCode: '35.73.05',
      anonymous: input.anonymous ?? false, confidential: input.confidential ?? false, agencyId: agency.id, status: input.status ?? 'FORWARDED', citizenId: citizen.id,
      channel: 'WEBCHAT', chatId, submittedAt: new Date(input.submittedAt ?? '2026-11-02T03:00:00Z'),
    },
  });
  await app.db.message.create({ data: { complaintId: row.id, channel: 'WEBCHAT', chatId, direction: 'IN', text: `pesan dari ${key}` } });
  await app.db.complaintEvent.create({ data: { complaintId: row.id, type: 'CREATED', actorType: 'CITIZEN', actorId: citizen.id, toStatus: row.status } });
  codes[key] = trackingCode;
  return row;
}

beforeAll(async () => {
  app = await startTestApp({ role: 'web' });
  operator = (await adminToken(app, 'OPERATOR')).token;
  koordinator = (await adminToken(app, 'ADMIN_KOORDINATOR', 'diskominfo-malang')).token;
  dinkes = (await adminToken(app, 'ADMIN_INSTANSI', 'dinkes-malang')).token;
  dishub = (await adminToken(app, 'ADMIN_INSTANSI', 'dishub-malang')).token;
  await complaint('anon', { agency: 'dinkes-malang-rsud', anonymous: true });
  await complaint('plain', { agency: 'dinkes-malang', submittedAt: '2026-10-01T03:00:00Z' });
  await complaint('other', { agency: 'dishub-malang', confidential: true });
  await complaint('new', { agency: 'diskominfo-malang', status: 'SUBMITTED' });
  await complaint('sqli', { agency: 'dinkes-malang', title: "'; DROP TABLE \"Complaint\"; -- 100% _x_" });
});
afterAll(() => app.dispose());

const list = async (token: string, query = '') => {
  const answer = await call(app, 'GET', `/api/admin/complaints${query}`, token);
  expect(answer.status, answer.body).toBe(200);
  return answer.json;
};
const ours = (items: { trackingCode: string }[]) => items.map((i) => i.trackingCode).filter((c) => Object.values(codes).includes(c)).sort();

describe('complaint search', () => {
  it('shows each principal only their scope', async () => {
    expect(ours((await list(dinkes, '?pageSize=100')).items)).toEqual([codes.anon, codes.plain, codes.sqli].sort());
    expect(ours((await list(dishub, '?pageSize=100')).items)).toEqual([codes.other]);
    // The koordinator sees the verification queue and the whole region; an agency never sees SUBMITTED.
    expect(ours((await list(koordinator, '?pageSize=100')).items)).toEqual(Object.values(codes).sort());
    expect(ours((await list(operator, '?pageSize=100')).items)).toHaveLength(5);
  });

  it('filters by status, agency, date range and free text, and pages', async () => {
    expect(ours((await list(operator, '?status=SUBMITTED')).items)).toEqual([codes.new]);
    const dinkesId = (await app.db.agency.findUniqueOrThrow({ where: { code: 'dinkes-malang' } })).id;
    expect(ours((await list(operator, `?agencyId=${dinkesId}`)).items)).toEqual([codes.plain, codes.sqli].sort());
    expect(ours((await list(operator, '?from=2026-10-01&to=2026-10-01')).items)).toEqual([codes.plain]);
    expect(ours((await list(operator, `?q=${encodeURIComponent(codes.other!.toLowerCase())}`)).items)).toEqual([codes.other]);
    const filter = `?q=${encodeURIComponent('ADU-')}&from=2026-10-01&to=2026-11-02&regionCode=35.73.05&channel=WEBCHAT`;
    const all = await list(operator, `${filter}&pageSize=100`);
    const first = await list(operator, `${filter}&pageSize=2&page=1`);
    const second = await list(operator, `${filter}&pageSize=2&page=2`);
    expect(first.items).toHaveLength(2);
    expect(first).toMatchObject({ page: 1, pageSize: 2, total: all.total, pages: Math.ceil(all.total / 2) });
    expect([...first.items, ...second.items].map((i: { id: string }) => i.id)).toEqual(all.items.slice(0, 4).map((i: { id: string }) => i.id));
    expect(ours(all.items)).toHaveLength(5);
  });

  it('searches SQL-looking text and LIKE wildcards literally', async () => {
    expect(ours((await list(operator, `?q=${encodeURIComponent("'; DROP TABLE")}`)).items)).toEqual([codes.sqli]);
    expect(ours((await list(operator, '?q=%25')).items)).toEqual([codes.sqli]);
    expect(ours((await list(operator, '?q=_x_')).items)).toEqual([codes.sqli]);
    expect(ours((await list(operator, '?q=_')).items)).toEqual([codes.sqli]);
    expect(await app.db.complaint.count()).toBeGreaterThanOrEqual(5);
  });
});

describe('complaint detail and identity', () => {
  it('shows the thread and events, and hides an anonim reporter', async () => {
    const detail = await call(app, 'GET', `/api/admin/complaints/${codes.anon}`, dinkes);
    expect(detail.status).toBe(200);
    expect(detail.json).toMatchObject({ identityHidden: true, reporter: null, description: 'Kronologi rahasia anon' });
    expect(detail.json.messages[0]).toMatchObject({ text: 'pesan dari anon', chatId: null });
    expect(detail.json.events[0]).toMatchObject({ type: 'CREATED', actorId: null });
    expect(JSON.stringify(detail.json)).not.toContain('Warga anon');
    const plain = await call(app, 'GET', `/api/admin/complaints/${codes.plain}`, dinkes);
    expect(plain.json.reporter.displayName).toBe('Warga plain');
  });

  it('answers 404 for another agency\'s complaint, by code and by id', async () => {
    const other = await app.db.complaint.findUniqueOrThrow({ where: { trackingCode: codes.other } });
    expect((await call(app, 'GET', `/api/admin/complaints/${codes.other}`, dinkes)).status).toBe(404);
    expect((await call(app, 'GET', `/api/admin/complaints/${other.id}`, dinkes)).status).toBe(404);
    expect((await call(app, 'GET', `/api/admin/complaints/${codes.new}`, dinkes)).status).toBe(404);
  });

  it('reveals the reporter only to the roles that may, with a reason, and logs it', async () => {
    const refused = await call(app, 'GET', `/api/admin/complaints/${codes.anon}?reveal=true&reason=${encodeURIComponent('Pelapor minta dihubungi')}`, dinkes);
    expect(refused.status).toBe(403);
    const noReason = await call(app, 'GET', `/api/admin/complaints/${codes.anon}?reveal=true`, koordinator);
    expect(noReason.status).toBe(400);
    expect(noReason.json.message).toMatch(/reason/);
    expect(await auditRows(app, 'complaint.reveal_identity')).toHaveLength(0);
    const revealed = await call(app, 'GET', `/api/admin/complaints/${codes.anon}?reveal=true&reason=${encodeURIComponent('Klarifikasi lapangan diperlukan')}`, koordinator);
    expect(revealed.status).toBe(200);
    expect(revealed.json.reporter.displayName).toBe('Warga anon');
    const [row] = await auditRows(app, 'complaint.reveal_identity');
    expect(row).toMatchObject({ actorRole: 'ADMIN_KOORDINATOR', targetType: 'complaint', after: { trackingCode: codes.anon, reason: 'Klarifikasi lapangan diperlukan' } });
  });
});

describe('bad input', () => {
  it('answers malformed JSON, unknown fields and wrong types with 400 and a clear message, writing nothing', async () => {
    const before = await app.db.agency.count();
    const audits = await app.db.auditLog.count();
    const malformed = await call(app, 'POST', '/api/admin/agencies', operator, '{"code": "x",', { 'content-type': 'application/json' });
    expect(malformed.status).toBe(400);
    expect(malformed.json.message).toMatch(/JSON/i);
    const unknown = await call(app, 'POST', '/api/admin/agencies', operator, { code: 'baru', name: 'Baru', kind: 'UNIT', regionCode: '35.73', isAdmin: true });
    expect(unknown.status).toBe(400);
    expect(unknown.json.message).toMatch(/isAdmin/);
    const wrong = await call(app, 'POST', '/api/admin/agencies', operator, { code: 'Bad Code!', name: '', kind: 'KANTOR', regionCode: 'x' });
    expect(wrong.status).toBe(400);
    expect(wrong.json.problems.length).toBeGreaterThanOrEqual(4);
    expect((await call(app, 'PATCH', '/api/admin/agencies/not-a-uuid', operator, { name: 'x' })).json.message).toMatch(/params.id: must be a UUID/);
    expect(await app.db.agency.count()).toBe(before);
    expect(await app.db.auditLog.count()).toBe(audits);
  });

  it('refuses huge page sizes and dates out of range', async () => {
    const huge = await call(app, 'GET', '/api/admin/complaints?pageSize=100000', operator);
    expect(huge.status).toBe(400);
    expect(huge.json.message).toBe('querystring.pageSize: must be at most 100');
    expect((await call(app, 'GET', '/api/admin/complaints?from=1899-12-31', operator)).json.message).toMatch(/between 2000-01-01 and 2100-12-31/);
    expect((await call(app, 'GET', '/api/admin/complaints?from=2026-02-30', operator)).status).toBe(400);
    expect((await call(app, 'GET', '/api/admin/complaints?from=2026-05-01&to=2026-04-01', operator)).json.message).toMatch(/from must not be after to/);
    expect((await call(app, 'GET', '/api/admin/complaints?status=DONE;DROP', operator)).status).toBe(400);
    expect((await call(app, 'PUT', '/api/admin/holidays/99999-01-01', operator, { kind: 'EXTRA', name: 'x' })).status).toBe(400);
    expect((await call(app, 'GET', '/api/admin/audit?limit=101', operator)).status).toBe(400);
  });

  it('stores SQL-looking names literally', async () => {
    const name = "Robert'); DROP TABLE \"Agency\";--";
    const created = await call(app, 'POST', '/api/admin/agencies', operator, { code: 'bobby-tables', name, kind: 'UNIT', regionCode: '35.73' });
    expect(created.status).toBe(201);
    expect((await app.db.agency.findUniqueOrThrow({ where: { code: 'bobby-tables' } })).name).toBe(name);
  });
});

describe('queue dashboard', () => {
  it('is behind admin auth for OPERATOR only, with a Basic prompt for browsers', async () => {
    const anonymous = await call(app, 'GET', '/api/admin/queues');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers['www-authenticate']).toMatch(/^Basic/);
    expect((await call(app, 'GET', '/api/admin/queues/api/queues', dinkes)).status).toBe(403);
    const page = await call(app, 'GET', '/api/admin/queues', operator);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<html');
    const basic = Buffer.from(`operator:${operator}`).toString('base64');
    const queues = await call(app, 'GET', '/api/admin/queues/api/queues', undefined, undefined, { authorization: `Basic ${basic}` });
    expect(queues.status).toBe(200);
    expect(queues.json.queues.map((q: { name: string }) => q.name)).toEqual(expect.arrayContaining(['intake', 'notify']));
  });
});
