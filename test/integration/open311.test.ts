/**
 * Open311 GeoReport v2, field by field against the spec (wiki.open311.org/GeoReport_v2): a client
 * lists services, reads a definition, submits a request with its api_key (stored and routed by the
 * same intake queue and workers as a chat), and follows it; rahasia complaints never appear.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgOpen311Store } from '../../src/store/open311.js';
import { eventually, startTestApp, type TestApp } from '../helpers/app.js';

const REQUEST_FIELDS = ['service_request_id', 'status', 'status_notes', 'service_name', 'service_code', 'description', 'agency_responsible', 'service_notice',
  'requested_datetime', 'updated_datetime', 'expected_datetime', 'address', 'address_id', 'zipcode', 'lat', 'long', 'media_url'].sort();

describe('Open311 GeoReport v2', () => {
  let app: TestApp;
  let apiKey: string;
  const form = (fields: Record<string, string>) => new URLSearchParams(fields).toString();
  const post = (payload: string, type = 'application/x-www-form-urlencoded') =>
    app.http!.inject({ method: 'POST', url: '/open311/v2/requests.json', payload, headers: { 'content-type': type } });
  const get = (url: string) => app.http!.inject({ method: 'GET', url: `/open311/v2${url}` });

  beforeAll(async () => {
    app = await startTestApp({ now: () => new Date('2026-03-02T03:00:00Z') });
    // Own rows in December 2025 (no clocks, so the deadline worker leaves them alone; outside the figures fixture's month).
    const category = await app.db.category.findUniqueOrThrow({ where: { code: 'pu-jalan-rusak' } });
    const citizen = await app.db.citizen.create({ data: {} });
    const rows: [string, 'DONE' | 'FORWARDED', boolean, string][] = [['OPN-A', 'DONE', false, '2025-12-10'], ['OPN-B', 'FORWARDED', true, '2025-12-11'], ['OPN-C', 'FORWARDED', false, '2025-12-12']];
    for (const [code, status, confidential, day] of rows) {
      if (await app.db.complaint.findUnique({ where: { trackingCode: code } })) continue;
      await app.db.complaint.create({ data: { trackingCode: code, type: 'PENGADUAN', categoryId: category.id, title: 'Jalan', description: 'Jalan rusak', status, confidential, citizenId: citizen.id, channel: 'WEBCHAT', chatId: `o-${code}`, submittedAt: new Date(`${day}T03:00:00Z`) } });
    }
    apiKey = (await new PgOpen311Store(app.db).issueKey('Aplikasi Kota')).apiKey;
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('lists services from the sub-categories and gives their definitions', async () => {
    const services = (await get('/services.json')).json<Record<string, unknown>[]>();
    const road = services.find((s) => s.service_code === 'pu-jalan-rusak');
    expect(Object.keys(road!).sort()).toEqual(['description', 'group', 'keywords', 'metadata', 'service_code', 'service_name', 'type']);
    expect(road).toMatchObject({ metadata: true, type: 'realtime' });
    expect(services.some((s) => s.service_code === 'pu')).toBe(false); // a group, not a service
    const definition = (await get('/services/pu-jalan-rusak.json')).json<{ service_code: string; attributes: Record<string, unknown>[] }>();
    expect(definition.service_code).toBe('pu-jalan-rusak');
    expect(definition.attributes.map((a) => [a.code, a.order, a.datatype, a.required, a.variable])).toEqual([
      ['anonim', 1, 'singlevaluelist', false, true],
      ['rahasia', 2, 'singlevaluelist', false, true],
    ]);
    for (const attribute of definition.attributes) {
      expect(Object.keys(attribute).sort()).toEqual(['code', 'datatype', 'datatype_description', 'description', 'order', 'required', 'values', 'variable']);
      expect(attribute.values).toEqual([{ key: 'false', name: 'Tidak' }, { key: 'true', name: 'Ya' }]);
    }
    const missing = await get('/services/nope.json');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toEqual([{ code: 404, description: 'no service with code "nope"' }]);
  });

  it('takes a request with an api_key through the intake queue and lets the client follow it', async () => {
    const res = await post(form({ api_key: apiKey, service_code: 'pu-jalan-rusak', lat: '-7.9666', long: '112.6326', address_string: 'Jl. Soekarno Hatta, Lowokwaru', description: 'Lubang besar di tengah jalan, hubungi 081234567890' }));
    expect(res.statusCode).toBe(201);
    const [created] = res.json<{ service_request_id: string; service_notice: string; account_id: null }[]>();
    expect(Object.keys(created!).sort()).toEqual(['account_id', 'service_notice', 'service_request_id']);
    const code = created!.service_request_id;
    expect(code).toMatch(/^ADU-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    // Its submission is dated in UTC (the recovery sweep compares it with the clock), whatever the server's zone.
    const submission = await app.db.submission.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(Math.abs(submission.createdAt.getTime() - Date.now())).toBeLessThan(60_000);
    // Stored and routed by the intake worker, as a chat's report is.
    const complaint = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: code } }), 'the intake worker to store the request');
    expect(complaint).toMatchObject({ channel: 'OPEN311', status: 'FORWARDED', latitude: -7.9666 });
    const [one] = (await get(`/requests/${code}.json`)).json<Record<string, unknown>[]>();
    expect(Object.keys(one!).sort()).toEqual(REQUEST_FIELDS);
    expect(one).toMatchObject({ service_request_id: code, status: 'open', service_code: 'pu-jalan-rusak', lat: -7.9666, long: 112.6326, address: 'Jl. Soekarno Hatta, Lowokwaru', requested_datetime: '2026-03-02T03:00:00.000Z' });
    expect(one!.description).toBe('Lubang besar di tengah jalan, hubungi [telp …890]');
    expect(typeof one!.status_notes).toBe('string');
    expect(typeof one!.agency_responsible).toBe('string');
  });

  it('takes anonim and rahasia as attributes; only the filing client follows a rahasia request, without its content', async () => {
    const other = (await new PgOpen311Store(app.db).issueKey('Aplikasi Lain')).apiKey;
    const secret = await post(form({ api_key: apiKey, service_code: 'pu-jalan-rusak', address_string: 'Jl. Rahasia 1', description: 'Pungutan liar di loket', 'attribute[rahasia]': 'true', 'attribute[anonim]': 'true' }));
    const json = await post(JSON.stringify({ api_key: apiKey, service_code: 'pu-jalan-rusak', address_string: 'Jl. Terbuka 2', description: 'Lampu jalan mati', attribute: { anonim: true } }), 'application/json');
    expect([secret.statusCode, json.statusCode]).toEqual([201, 201]);
    const secretCode = secret.json<{ service_request_id: string }[]>()[0]!.service_request_id;
    const openCode = json.json<{ service_request_id: string }[]>()[0]!.service_request_id;
    const stored = await eventually(async () => {
      const rows = await app.db.complaint.findMany({ where: { trackingCode: { in: [secretCode, openCode] } }, orderBy: { trackingCode: 'asc' } });
      return rows.length === 2 ? rows : null;
    }, 'both requests stored');
    expect(Object.fromEntries(stored.map((c) => [c.trackingCode, [c.anonymous, c.confidential]]))).toEqual({ [secretCode]: [true, true], [openCode]: [true, false] });
    expect((await get(`/requests/${openCode}.json`)).json<{ description: string }[]>()[0]?.description).toBe('Lampu jalan mati');
    // Rahasia: not found for the public or another client; its own client sees where it stands, not what it says.
    expect((await get(`/requests/${secretCode}.json`)).statusCode).toBe(404);
    expect((await get(`/requests/${secretCode}.json?api_key=${other}`)).statusCode).toBe(404);
    const [own] = (await get(`/requests/${secretCode}.json?api_key=${apiKey}`)).json<Record<string, unknown>[]>();
    expect(Object.keys(own!).sort()).toEqual(REQUEST_FIELDS);
    expect(own).toMatchObject({ service_request_id: secretCode, status: 'open', description: null, address: null, lat: null, long: null });
    expect((await get(`/requests.json?service_request_id=${secretCode},${openCode}`)).json<{ service_request_id: string }[]>().map((r) => r.service_request_id)).toEqual([openCode]);
    // Unknown attributes and values are refused.
    const badValue = (await post(form({ api_key: apiKey, service_code: 'pu-jalan-rusak', address_string: 'y', description: 'x', 'attribute[rahasia]': 'ya' }))).json<{ code: number; description: string }[]>();
    expect(badValue[0]?.code).toBe(400);
    expect(badValue[0]?.description).toMatch(/attribute\[rahasia\]: true or false/);
    expect((await post(JSON.stringify({ api_key: apiKey, service_code: 'pu-jalan-rusak', address_string: 'y', description: 'x', attribute: { prioritas: 'true' } }), 'application/json')).statusCode).toBe(400);
  });

  it('filters requests as the spec says and never lists rahasia ones', async () => {
    const feb = (await get('/requests.json?start_date=2025-12-01T00:00:00Z&end_date=2025-12-31T23:59:59Z')).json<{ service_request_id: string; status: string }[]>();
    const codes = feb.map((r) => r.service_request_id);
    expect(codes).toContain('OPN-A');
    expect(codes).not.toContain('OPN-B'); // rahasia
    expect(feb.find((r) => r.service_request_id === 'OPN-A')?.status).toBe('closed');
    expect(feb.find((r) => r.service_request_id === 'OPN-C')?.status).toBe('open');
    const closed = (await get('/requests.json?start_date=2025-12-01T00:00:00Z&end_date=2025-12-31T23:59:59Z&status=closed')).json<{ status: string }[]>();
    expect(closed.length).toBeGreaterThan(0);
    expect(closed.every((r) => r.status === 'closed')).toBe(true);
    expect((await get('/requests.json?service_request_id=OPN-A,OPN-B')).json<{ service_request_id: string }[]>().map((r) => r.service_request_id)).toEqual(['OPN-A']);
    // The default window is the last 90 days up to now (2 March 2026): 12 December 2025 is in it.
    expect((await get('/requests.json')).json<{ service_request_id: string }[]>().map((r) => r.service_request_id)).toContain('OPN-C');
  });

  it('refuses bad input in the spec error format, writing nothing', async () => {
    const before = await app.db.submission.count();
    const cases: [Promise<{ statusCode: number; json: () => unknown }>, number, RegExp][] = [
      [post(form({ api_key: 'wrong', service_code: 'pu-jalan-rusak', description: 'x', address_string: 'y' })), 403, /api_key/],
      [post(form({ api_key: apiKey, service_code: 'pu-jalan-rusak', description: 'x' })), 400, /location is required/],
      [post(form({ api_key: apiKey, service_code: 'pu-jalan-rusak', description: 'x', lat: '123', long: '1' })), 400, /lat/],
      [post(form({ api_key: apiKey, service_code: "pu'; DROP TABLE \"Complaint\";--", description: 'x', address_string: 'y' })), 404, /no service/],
      [post(form({ api_key: apiKey, service_code: 'pu-jalan-rusak', description: 'x', address_string: 'y', admin: 'true' })), 400, /admin/],
      [post('{"api_key": ', 'application/json'), 400, /JSON|Unexpected|json/i],
      [get('/requests.json?start_date=1900-01-01T00:00:00Z'), 400, /between 2000 and 2100/],
      [get('/requests.json?start_date=2026-01-01T00:00:00Z&end_date=2026-12-31T00:00:00Z'), 400, /90 days/],
      [get('/requests.json?status=pending'), 400, /status/],
      [get('/requests.json?page_size=100000'), 400, /page_size/],
      [get("/requests/ADU-1'OR'1.json"), 400, /tracking code/],
      [get('/requests/ADU-0000-0000.json'), 404, /no request/],
    ];
    for (const [pending, status, message] of cases) {
      const res = await pending;
      expect(res.statusCode, String(message)).toBe(status);
      const body = res.json() as { code: number; description: string }[];
      expect(body[0]?.code).toBe(status);
      expect(body[0]?.description).toMatch(message);
    }
    expect(await app.db.submission.count()).toBe(before);
  });
});
