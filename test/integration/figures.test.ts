/**
 * Monitoring figures on a fixture dataset (test/helpers/figures-fixture.ts) against hand-computed
 * values; the admin endpoint's auth and scopes; the public endpoint; bad queries.
 * Working days (WIB): February 2026 has cuti bersama on Mon 16 and Imlek on Tue 17.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AdminPrincipal } from '../../src/services/admin-principal.js';
import type { FiguresReport } from '../../src/services/figures.js';
import { cliActor } from '../../src/store/admin/audit.js';
import { deleteHolidayOverride, saveHolidayOverride } from '../../src/store/admin/categories.js';
import { testConfig } from '../helpers/app.js';
import { loadFixture, startFiguresApp } from '../helpers/figures-fixture.js';

const NOW = new Date('2026-03-02T03:00:00Z');
const PERIOD = 'from=2026-02-02&to=2026-02-27';

describe('monitoring figures', () => {
  let app: Awaited<ReturnType<typeof startFiguresApp>>;
  const tokens: Record<string, AdminPrincipal> = {};
  const get = (url: string, token?: string) => app.http!.inject({ method: 'GET', url, headers: token ? { authorization: `Bearer ${token}` } : {} });

  beforeAll(async () => {
    app = await startFiguresApp(testConfig(), () => NOW, tokens);
    await loadFixture(app.db);
    const id = async (code: string) => (await app.db.agency.findUniqueOrThrow({ where: { code } })).id;
    tokens.operator = { userId: 'u-op', name: 'Operator', role: 'OPERATOR', agencyId: null, officerId: null };
    tokens.koordinator = { userId: 'u-k', name: 'Koordinator', role: 'ADMIN_KOORDINATOR', agencyId: await id('diskominfo-malang'), officerId: null };
    tokens.pu = { userId: 'u-pu', name: 'Admin PU', role: 'ADMIN_INSTANSI', agencyId: await id('dpuprpkp-malang'), officerId: null };
    tokens.dishub = { userId: 'u-dh', name: 'Admin Dishub', role: 'ADMIN_INSTANSI', agencyId: await id('dishub-malang'), officerId: null };
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('computes the totals of the period as worked out by hand', async () => {
    const res = await get(`/api/admin/figures?${PERIOD}`, 'operator');
    expect(res.statusCode).toBe(200);
    const report = res.json<FiguresReport>();
    expect(report.period).toEqual({ from: '2026-02-02', to: '2026-02-27', timeZone: 'Asia/Jakarta' });
    expect(report.total).toEqual({
      received: 7, // A B C D E F H (H: 1 Feb 17:30Z = 2 Feb 00:30 WIB); X (30 Jan) and Y (28 Feb 01:00 WIB) are outside
      verified: 5, // A B C F forwarded out of SUBMITTED, E archived; D and H still wait
      forwarded: 4, // A B C F
      answered: 3, // A (answer) B (resolve) F (answer)
      done: 2, // A B
      responseRate: 0.75, // 3 answered / 4 forwarded
      // A 2→3 Feb = 1; B 13→18 Feb = 1 (16 cuti bersama, 17 Imlek); C 0; E 5→6 Feb = 1; F 0 → [0,0,1,1,1]
      daysToVerification: { count: 5, median: 1, p90: 1 }, // median 3rd of 5 = 1; p90 rank ⌈4.5⌉ = 5th = 1
      // A 2→5 Feb = 3; B 13→20 Feb = 18,19,20 = 3; F 9→11 Feb = 2 → [2,3,3]
      daysToFirstAnswer: { count: 3, median: 3, p90: 3 }, // p90 rank ⌈2.7⌉ = 3rd
      // A 2→9 Feb = 3,4,5,6,9 = 5; B 13→26 Feb = 18,19,20,23,24,25,26 = 7 → [5,7]
      daysToResolution: { count: 2, median: 6, p90: 7 }, // median (5+7)/2; p90 rank ⌈1.8⌉ = 2nd
      overdueNow: 2, // C (FIRST_ANSWER active, due 10 Feb) and F (RESOLUTION breached, still open); B breached but done
      deadlineBreaches: 3, // one DEADLINE_BREACHED event each on B, C, F
      averageRating: 3.5, // (5 + 2) / 2
      ratings: 2,
    });
    const byAgency = Object.fromEntries(report.byAgency.map((a) => [a.agency?.code ?? 'none', a.figures] as const));
    expect(byAgency['dpuprpkp-malang-bina-marga']).toMatchObject({ received: 2, answered: 2, done: 2, responseRate: 1, overdueNow: 0, deadlineBreaches: 1, averageRating: 5 });
    expect(byAgency['dishub-malang']).toMatchObject({ received: 2, forwarded: 2, answered: 1, responseRate: 0.5, overdueNow: 2, deadlineBreaches: 2, averageRating: 2 });
    expect(byAgency['diskominfo-malang']).toMatchObject({ received: 3, verified: 1, forwarded: 0, responseRate: null });
    const byRegion = Object.fromEntries(report.byRegion.map((r) => [r.region?.code ?? 'none', r.figures.received]));
    expect(byRegion).toEqual({ '35.73.05': 4, '35.73.02': 2, none: 1 }); // A B E F; C D; H
  });

  it('counts working days with the holiday changes made at run time', async () => {
    // Wed 4 Feb made a day off: A's first answer 2→5 Feb counts 3 and 5 = 2 days; its resolution 2→9 Feb 4 days.
    await saveHolidayOverride(app.db, cliActor(), { date: '2026-02-04', kind: 'EXTRA', name: 'Libur uji' });
    try {
      await app.reloadCalendar();
      const total = (await get(`/api/admin/figures?${PERIOD}`, 'operator')).json<FiguresReport>().total;
      expect(total.daysToFirstAnswer).toEqual({ count: 3, median: 2, p90: 3 }); // A 2, B 3, F 2 (9→11 Feb) → [2,2,3]
      expect(total.daysToResolution).toEqual({ count: 2, median: 5.5, p90: 7 }); // A 4, B 7
    } finally {
      await deleteHolidayOverride(app.db, cliActor(), '2026-02-04');
      await app.reloadCalendar();
    }
    expect((await get(`/api/admin/figures?${PERIOD}`, 'operator')).json<FiguresReport>().total.daysToFirstAnswer).toEqual({ count: 3, median: 3, p90: 3 });
  });

  it('scopes by the caller: no token 401, an agency admin sees only its agency and units', async () => {
    expect((await get(`/api/admin/figures?${PERIOD}`)).statusCode).toBe(401);
    expect((await get(`/api/admin/figures?${PERIOD}`, 'forged')).statusCode).toBe(401);
    expect((await get(`/api/admin/figures?${PERIOD}`, 'koordinator')).json<FiguresReport>().total.received).toBe(7);
    const pu = (await get(`/api/admin/figures?${PERIOD}`, 'pu')).json<FiguresReport>();
    expect(pu.total).toMatchObject({ received: 2, done: 2 }); // A B through its unit Bina Marga
    expect(pu.byAgency.map((a) => a.agency?.code)).toEqual(['dpuprpkp-malang-bina-marga']);
    const dishub = (await get(`/api/admin/figures?${PERIOD}`, 'dishub')).json<FiguresReport>();
    expect(dishub.total).toMatchObject({ received: 2, overdueNow: 2 }); // C F
    // Asking for another agency's figures gives nothing of theirs.
    expect((await get(`/api/admin/figures?${PERIOD}&agency=dpuprpkp-malang`, 'dishub')).json<FiguresReport>().total.received).toBe(0);
    expect((await get(`/api/admin/figures?${PERIOD}&region=35.73.02`, 'operator')).json<FiguresReport>().total.received).toBe(2);
  });

  it('gives CSV with one line for the total, each agency and each region', async () => {
    const res = await get(`/api/admin/figures?${PERIOD}&format=csv`, 'operator');
    expect(res.headers['content-type']).toMatch(/^text\/csv/);
    const lines = res.body.trim().split('\r\n');
    expect(lines[0]).toBe('period_from,period_to,group,code,name,received,verified,forwarded,answered,done,response_rate,verification_days_median,verification_days_p90,first_answer_days_median,first_answer_days_p90,resolution_days_median,resolution_days_p90,overdue_now,deadline_breaches,average_rating,ratings');
    expect(lines[1]).toBe('2026-02-02,2026-02-27,total,,Semua,7,5,4,3,2,0.75,1,1,3,3,6,7,2,3,3.5,2');
    expect(lines).toHaveLength(1 + 1 + 3 + 3);
  });

  it('serves the public figures without login, cacheable, with no personal data', async () => {
    const res = await get(`/api/public/figures?${PERIOD}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(res.json<FiguresReport>().total.received).toBe(7);
    expect(res.body).not.toMatch(/FIG-|081234567890|3573051234567890|Budi|Jalan rusak/);
  });

  it('lists the complaints that are not rahasia, newest first, paged, without personal data', async () => {
    type List = { total: number; page: number; items: { trackingCode: string; title: string; status: string; statusLabel: { id: string }; agency: string | null; region: string | null }[] };
    const res = await get(`/api/public/complaints?${PERIOD}`);
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('public, max-age=60');
    const list = res.json<List>();
    // B is rahasia; X and Y fall outside the period. F 9 Feb, E 5, D 4, C 3, A 2 (10:00 WIB), H 2 (00:30 WIB).
    expect(list.items.map((i) => i.trackingCode)).toEqual(['FIG-F', 'FIG-E', 'FIG-D', 'FIG-C', 'FIG-A', 'FIG-H']);
    expect(list.total).toBe(6);
    expect(list.items[0]).toMatchObject({ title: 'Jalan rusak FIG-F', status: 'CITIZEN_REPLIED', statusLabel: { id: 'Ditanggapi pelapor' }, agency: 'Dinas Perhubungan Kota Malang', region: 'Lowokwaru' });
    expect(list.items.at(-1)).toMatchObject({ trackingCode: 'FIG-H', agency: 'Dinas Komunikasi dan Informatika Kota Malang', region: null });
    // C is anonim: listed, and like every item it says nothing of the reporter; no kronologi either.
    expect(res.body).not.toMatch(/FIG-B|081234567890|3573051234567890|Budi|fixture-|citizen|description|chatId/);
    const closed = (await get(`/api/public/complaints?${PERIOD}&state=closed`)).json<List>();
    expect(closed.items.map((i) => i.trackingCode)).toEqual(['FIG-E', 'FIG-A']);
    const second = (await get(`/api/public/complaints?${PERIOD}&state=open&pageSize=2&page=2`)).json<List>();
    expect([second.total, second.page, second.items.map((i) => i.trackingCode)]).toEqual([4, 2, ['FIG-C', 'FIG-H']]); // open: F D | C H
  });

  it('masks phone numbers and NIK written into a title', async () => {
    const category = await app.db.category.findUniqueOrThrow({ where: { code: 'pu-jalan-rusak' } });
    const citizen = await app.db.citizen.create({ data: {} });
    await app.db.complaint.create({
      data: {
        trackingCode: 'PUB-MASK-0001', type: 'PENGADUAN', categoryId: category.id, title: 'Lampu mati, hubungi 0812-9988-7766 NIK 3573051234567891', description: 'x',
        status: 'SUBMITTED', citizenId: citizen.id, channel: 'WEBCHAT', chatId: 'pub-mask', submittedAt: new Date('2025-06-10T03:00:00Z'),
      },
    });
    const body = (await get('/api/public/complaints?from=2025-06-01&to=2025-06-30')).json<{ items: { title: string }[] }>();
    expect(body.items.map((i) => i.title)).toEqual(['Lampu mati, hubungi [telp …766] NIK [NIK]']);
  });

  it('answers bad list queries with 400, and 404 when the list is turned off', async () => {
    const cases: [string, RegExp][] = [
      ['pageSize=1000', /pageSize: at most 50/],
      ['page=0', /page: a whole number from 1/],
      ["state=open'%20OR%201=1", /state/],
      ['from=2026-13-01', /from: a calendar date/],
      ['sort=title', /sort/],
    ];
    for (const [query, message] of cases) {
      const res = await get(`/api/public/complaints?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json<{ message: string }>().message, query).toMatch(message);
    }
    const off = await startFiguresApp(testConfig({ PUBLIC_COMPLAINT_LIST: 'false' }), () => NOW, {});
    try {
      expect((await off.http!.inject({ method: 'GET', url: `/api/public/complaints?${PERIOD}` })).statusCode).toBe(404);
      expect((await off.http!.inject({ method: 'GET', url: `/api/public/figures?${PERIOD}` })).statusCode).toBe(200);
    } finally {
      await off.dispose();
    }
  });

  it('answers bad queries with 400 and a clear message', async () => {
    const cases: [string, RegExp][] = [
      ['from=2026-02-30', /from: a calendar date/],
      ['from=2026-03-01&to=2026-02-01', /after/],
      ['from=1900-01-01&to=1900-02-01', /between 2000-01-01/],
      ['from=2020-01-01&to=2026-01-01', /at most 731 days/],
      ['limit=100000', /limit/],
      ["agency=x'%20OR%201=1--", /agency code/],
      ['format=xml', /format/],
    ];
    for (const [query, message] of cases) {
      const res = await get(`/api/public/figures?${query}`);
      expect(res.statusCode, query).toBe(400);
      expect(res.json<{ message: string }>().message, query).toMatch(message);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    expect((await get('/api/admin/figures?agency=no-such', 'operator')).statusCode).toBe(404);
  });
});
