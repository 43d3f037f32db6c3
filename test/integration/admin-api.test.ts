/* eslint-disable @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call, @typescript-eslint/no-unsafe-argument -- API answers are read as loose JSON */
/** Admin API: tokens and roles, reference data within scope, audit rows, holidays in the running calendar, OpenAPI. */
import { Ajv } from 'ajv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminToken, auditRows, call } from '../helpers/admin.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
let operator: string;
let dinkes: string;
const agencyId = async (code: string) => (await app.db.agency.findUniqueOrThrow({ where: { code } })).id;

beforeAll(async () => {
  app = await startTestApp({ role: 'web' });
  operator = (await adminToken(app, 'OPERATOR')).token;
  dinkes = (await adminToken(app, 'ADMIN_INSTANSI', 'dinkes-malang')).token;
});
afterAll(() => app.dispose());

describe('authentication', () => {
  it('answers 401 without a token, with a malformed one and with an unknown one', async () => {
    expect((await call(app, 'GET', '/api/admin/agencies')).status).toBe(401);
    expect((await call(app, 'GET', '/api/admin/agencies', 'not-a-token')).status).toBe(401);
    const unknown = await call(app, 'GET', '/api/admin/agencies', `adn_${'A'.repeat(43)}`);
    expect(unknown.status).toBe(401);
    expect(unknown.json.message).toMatch(/admin token/);
  });

  it('stores only the hash and refuses revoked and expired tokens', async () => {
    const issued = await adminToken(app, 'OPERATOR');
    expect(issued.token).toMatch(/^adn_[A-Za-z0-9_-]{43}$/);
    const row = await app.db.adminToken.findUniqueOrThrow({ where: { id: issued.tokenId } });
    expect(row.tokenHash).not.toContain(issued.token.slice(4, 20));
    expect((await call(app, 'GET', '/api/admin/agencies', issued.token)).status).toBe(200);
    expect((await call(app, 'POST', `/api/admin/tokens/${issued.tokenId}/revoke`, operator)).status).toBe(200);
    expect((await call(app, 'GET', '/api/admin/agencies', issued.token)).status).toBe(401);
    expect((await auditRows(app, 'admin_token.revoke')).filter((r) => r.targetId === issued.tokenId)).toHaveLength(1);

    const soon = await adminToken(app, 'OPERATOR', undefined, { expiresAt: new Date(Date.now() + 1500) });
    await app.db.adminToken.update({ where: { id: soon.tokenId }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await call(app, 'GET', '/api/admin/agencies', soon.token)).status).toBe(401);
  });

  it('answers 403 to a role that may not use the endpoint', async () => {
    const pejabat = (await adminToken(app, 'PEJABAT_PENGHUBUNG', 'dinkes-malang-rsud')).token;
    const answer = await call(app, 'POST', '/api/admin/categories', pejabat, { code: 'x', nameId: 'X', nameEn: 'X' });
    expect(answer.status).toBe(403);
    expect(answer.json.message).toMatch(/PEJABAT_PENGHUBUNG/);
    expect((await call(app, 'GET', '/api/admin/audit', dinkes)).status).toBe(403);
  });
});

describe('agencies and scope', () => {
  it('lets an admin instansi see and change only their agency and its units', async () => {
    const list = await call(app, 'GET', '/api/admin/agencies', dinkes);
    const codes: string[] = list.json.items.map((a: { code: string }) => a.code);
    expect(codes).toContain('dinkes-malang-rsud');
    expect(codes).not.toContain('dishub-malang');
    const other = await agencyId('dishub-malang');
    expect((await call(app, 'GET', `/api/admin/agencies/${other}`, dinkes)).status).toBe(403);
    expect((await call(app, 'PATCH', `/api/admin/agencies/${other}`, dinkes, { name: 'Hijacked' })).status).toBe(403);
    expect((await app.db.agency.findUniqueOrThrow({ where: { id: other } })).name).not.toBe('Hijacked');

    const created = await call(app, 'POST', '/api/admin/agencies', dinkes, { code: 'dinkes-malang-puskesmas-baru', name: 'Puskesmas Baru', kind: 'UNIT', regionCode: '35.73', parentId: await agencyId('dinkes-malang') });
    expect(created.status).toBe(201);
    const [row] = (await auditRows(app, 'agency.create')).filter((r) => r.targetId === created.json.id);
    expect(row).toMatchObject({ actorRole: 'ADMIN_INSTANSI', via: 'api', agencyId: created.json.id });
    expect(row!.requestId).toBeTruthy();
    expect(row!.tokenId).toBeTruthy();

    const renamed = await call(app, 'PATCH', `/api/admin/agencies/${created.json.id}`, dinkes, { name: 'Puskesmas Baru Sekali' });
    expect(renamed.status).toBe(200);
    const [update] = (await auditRows(app, 'agency.update')).filter((r) => r.targetId === created.json.id);
    expect(update).toMatchObject({ before: { name: 'Puskesmas Baru' }, after: { name: 'Puskesmas Baru Sekali' } });
  });

  it('refuses a duplicate code with 409 and writes no audit row for it', async () => {
    const before = (await auditRows(app, 'agency.create')).length;
    const dup = await call(app, 'POST', '/api/admin/agencies', operator, { code: 'dinkes-malang', name: 'Dup', kind: 'DEPARTMENT', regionCode: '35.73' });
    expect(dup.status).toBe(409);
    expect((await auditRows(app, 'agency.create')).length).toBe(before);
  });
});

describe('categories, routing rules and officers', () => {
  it('creates a category and a sub-category, and refuses a third level', async () => {
    const top = await call(app, 'POST', '/api/admin/categories', operator, { code: 'uji-coba', nameId: 'Uji Coba', nameEn: 'Trial', resolutionTier: 'DISPUTE' });
    expect(top.status).toBe(201);
    const sub = await call(app, 'POST', '/api/admin/categories', operator, { code: 'uji-coba-satu', nameId: 'Satu', nameEn: 'One', parentId: top.json.id });
    expect(sub.status).toBe(201);
    const third = await call(app, 'POST', '/api/admin/categories', operator, { code: 'uji-coba-dua', nameId: 'Dua', nameEn: 'Two', parentId: sub.json.id });
    expect(third.status).toBe(400);
    expect(third.json.message).toMatch(/two levels/);
    expect((await call(app, 'PATCH', `/api/admin/categories/${sub.json.id}`, operator, { active: false })).json.active).toBe(false);
    expect((await auditRows(app, 'category.create')).filter((r) => [top.json.id, sub.json.id].includes(r.targetId))).toHaveLength(2);
  });

  it('manages routing rules within scope', async () => {
    const category = await app.db.category.findUniqueOrThrow({ where: { code: 'uji-coba' } });
    const rule = await call(app, 'POST', '/api/admin/routing-rules', dinkes, { categoryId: category.id, regionCode: '35.73', agencyId: await agencyId('dinkes-malang') });
    expect(rule.status).toBe(201);
    expect((await call(app, 'POST', '/api/admin/routing-rules', operator, { categoryId: category.id, regionCode: '35.73', agencyId: await agencyId('dinkes-malang') })).status).toBe(409);
    expect((await call(app, 'PUT', `/api/admin/routing-rules/${rule.json.id}`, dinkes, { categoryId: category.id, regionCode: '35.73', agencyId: await agencyId('dishub-malang') })).status).toBe(403);
    expect((await call(app, 'DELETE', `/api/admin/routing-rules/${rule.json.id}`, dinkes)).status).toBe(200);
    expect(await app.db.routingRule.findUnique({ where: { id: rule.json.id } })).toBeNull();
    expect((await auditRows(app, 'routing_rule.delete')).filter((r) => r.targetId === rule.json.id)).toHaveLength(1);
  });

  it('creates an officer with a one-time link code, deactivates and reactivates them', async () => {
    const created = await call(app, 'POST', '/api/admin/officers', dinkes, { name: 'Bu Sari', role: 'PEJABAT_PENGHUBUNG', agencyId: await agencyId('dinkes-malang-rsud') });
    expect(created.status).toBe(201);
    expect(created.json.code).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect((await call(app, 'POST', '/api/admin/officers', dinkes, { name: 'Naik', role: 'ADMIN_KOORDINATOR', agencyId: await agencyId('dinkes-malang') })).status).toBe(403);
    expect((await call(app, 'POST', `/api/admin/officers/${created.json.officerId}/deactivate`, dinkes)).json.active).toBe(false);
    expect((await app.db.officer.findUniqueOrThrow({ where: { id: created.json.officerId } })).active).toBe(false);
    expect((await call(app, 'POST', `/api/admin/officers/${created.json.officerId}/activate`, dinkes)).json.active).toBe(true);
    const code = await call(app, 'POST', `/api/admin/officers/${created.json.officerId}/link-code`, dinkes);
    expect(code.status).toBe(201);
    expect(await app.db.officerLinkCode.count({ where: { officerId: created.json.officerId, expiresAt: { gt: new Date() } } })).toBe(1);
    const officers = await call(app, 'GET', '/api/admin/officers', dinkes);
    expect(officers.json.items.map((o: { name: string }) => o.name)).toContain('Bu Sari');
    expect((await auditRows(app, 'officer.deactivate')).at(-1)?.targetId).toBe(created.json.officerId);
  });
});

describe('holidays', () => {
  it('adds an extra holiday and cancels one, and the running calendar counts with them', async () => {
    const calendar = () => app.cases.deadlines.calendar;
    // 2027-01-01 is New Year (a Friday); 2027-01-04 is a Monday.
    expect(calendar().isWorkingDay({ year: 2027, month: 1, day: 1 })).toBe(false);
    expect((await call(app, 'PUT', '/api/admin/holidays/2027-01-04', operator, { kind: 'EXTRA', name: 'Libur daerah' })).status).toBe(200);
    expect((await call(app, 'PUT', '/api/admin/holidays/2027-01-01', operator, { kind: 'CANCELLED', name: 'Tetap masuk' })).status).toBe(200);
    expect(calendar().isWorkingDay({ year: 2027, month: 1, day: 4 })).toBe(false);
    expect(calendar().isWorkingDay({ year: 2027, month: 1, day: 1 })).toBe(true);
    const list = await call(app, 'GET', '/api/admin/holidays?year=2027', dinkes);
    expect(list.json.items).toContainEqual({ date: '2027-01-04', name: 'Libur daerah', source: 'admin', cancelled: false });
    expect(list.json.items.find((h: { date: string }) => h.date === '2027-01-01').cancelled).toBe(true);
    expect((await call(app, 'DELETE', '/api/admin/holidays/2027-01-04', operator)).status).toBe(200);
    expect(calendar().isWorkingDay({ year: 2027, month: 1, day: 4 })).toBe(true);
    expect((await call(app, 'DELETE', '/api/admin/holidays/2027-01-04', operator)).status).toBe(404);
    expect((await auditRows(app, 'holiday.save')).filter((r) => r.targetId?.startsWith('2027-01-'))).toHaveLength(2);
    expect((await call(app, 'PUT', '/api/admin/holidays/2027-01-05', dinkes, { kind: 'EXTRA', name: 'x' })).status).toBe(403);
    // The database is shared with later test files: leave the calendar as the files have it.
    expect((await call(app, 'DELETE', '/api/admin/holidays/2027-01-01', operator)).status).toBe(200);
    expect(calendar().isWorkingDay({ year: 2027, month: 1, day: 1 })).toBe(false);
  });
});

describe('audit log and OpenAPI', () => {
  it('reads the audit log newest first with a cursor', async () => {
    const first = await call(app, 'GET', '/api/admin/audit?limit=2', operator);
    expect(first.status).toBe(200);
    expect(first.json.items).toHaveLength(2);
    const next = await call(app, 'GET', `/api/admin/audit?limit=2&cursor=${first.json.nextCursor}`, operator);
    expect(BigInt(next.json.items[0].id)).toBeLessThan(BigInt(first.json.items[1].id) + 1n);
  });

  it('serves an OpenAPI 3 document listing the routes with their schemas', async () => {
    const doc = await call(app, 'GET', '/api/admin/openapi.json');
    expect(doc.status).toBe(200);
    expect(doc.json.openapi).toMatch(/^3\./);
    for (const path of ['/api/admin/agencies', '/api/admin/agencies/{id}', '/api/admin/categories', '/api/admin/routing-rules', '/api/admin/officers', '/api/admin/holidays/{date}', '/api/admin/complaints', '/api/admin/complaints/{idOrCode}', '/api/admin/audit']) {
      expect(doc.json.paths, path).toHaveProperty([path]);
    }
    const body = doc.json.paths['/api/admin/agencies'].post.requestBody.content['application/json'].schema;
    expect(body.additionalProperties).toBe(false);
    expect(body.required).toEqual(expect.arrayContaining(['code', 'name', 'kind', 'regionCode']));
    const query = doc.json.paths['/api/admin/complaints'].get.parameters.find((p: { name: string }) => p.name === 'pageSize');
    expect(query.schema.maximum).toBe(100);
    expect(Object.keys(doc.json.paths).some((p) => p.includes('queues'))).toBe(false);
    // Every schema in the document is valid JSON Schema, and the body schema accepts and refuses what the API does.
    const ajv = new Ajv({ strict: false, validateFormats: false, logger: false });
    for (const [path, methods] of Object.entries<Record<string, { parameters?: { name: string; schema: object }[]; requestBody?: { content: Record<string, { schema: object }> } }>>(doc.json.paths)) {
      for (const [method, operation] of Object.entries(methods)) {
        for (const parameter of operation.parameters ?? []) expect(() => ajv.compile(parameter.schema), `${method} ${path} ${parameter.name}`).not.toThrow();
        const schema = operation.requestBody?.content['application/json']?.schema;
        if (schema) expect(() => ajv.compile(schema), `${method} ${path}`).not.toThrow();
      }
    }
    const validate = ajv.compile(body);
    expect(validate({ code: 'dinas-baru', name: 'Dinas Baru', kind: 'DEPARTMENT', regionCode: '35.73' })).toBe(true);
    expect(validate({ code: 'dinas-baru', name: 'Dinas Baru', kind: 'DEPARTMENT', regionCode: '35.73', extra: 1 })).toBe(false);
  });
});
