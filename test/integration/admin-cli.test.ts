/** CLI admin commands and CSV imports: good files, bad rows reported by line and column, nothing half-written. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectRoot } from '../../src/app.js';
import { runAdminCommand } from '../../src/cli/admin.js';
import { CliError } from '../../src/cli/args.js';
import { runOfficerCommand } from '../../src/cli/officers.js';
import { cliActor } from '../../src/store/admin/audit.js';
import { importCsv } from '../../src/store/admin/csv-import.js';
import { startTestApp, type TestApp } from '../helpers/app.js';

let app: TestApp;
beforeAll(async () => {
  app = await startTestApp({ role: 'web' });
});
afterAll(() => app.dispose());

const example = (name: string) => readFile(join(projectRoot, 'prisma/seed/examples', name), 'utf8');
const cli = (command: string, sub: string, ...args: string[]) => runAdminCommand(app.db, command, sub, args);

describe('admin users and tokens from the CLI', () => {
  it('creates the first operator and a token that opens the admin API, then revokes it', async () => {
    const createdUser = await cli('admin', 'create-user', '--name', 'ops', '--role', 'OPERATOR');
    expect(createdUser).toMatch(/^admin user .* \(ops, OPERATOR\)/);
    const out = await cli('admin', 'token', 'ops', '--label', 'laptop');
    const token = /^(adn_\S+)$/m.exec(out)?.[1];
    const tokenId = /^token (\S+)/.exec(out)?.[1];
    expect(token).toBeDefined();
    const ok = await app.http!.inject({ method: 'GET', url: '/api/admin/categories', headers: { authorization: `Bearer ${token}` } });
    expect(ok.statusCode).toBe(200);
    expect(await cli('admin', 'list', '')).toMatch(/ops[\s\S]*laptop valid/);
    await cli('admin', 'revoke', tokenId!);
    expect((await app.http!.inject({ method: 'GET', url: '/api/admin/categories', headers: { authorization: `Bearer ${token}` } })).statusCode).toBe(401);
    const userId = /^admin user (\S+)/.exec(createdUser)?.[1];
    const rows = await app.db.auditLog.findMany({ where: { via: 'cli', OR: [{ targetId: tokenId }, { targetId: userId }] }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => r.action)).toEqual(['admin_user.create', 'admin_token.issue', 'admin_token.revoke']);
  });

  it('refuses bad input with a clear message', async () => {
    await expect(cli('admin', 'create-user', '--name', 'x', '--role', 'KING')).rejects.toThrow(/--role \(OPERATOR\|/);
    await expect(cli('admin', 'create-user', '--name', 'y', '--role', 'ADMIN_INSTANSI')).rejects.toThrow(/needs an agency/);
    await expect(cli('admin', 'create-user', '--name', 'ops', '--role', 'OPERATOR')).rejects.toThrow(/already exists/);
    await expect(cli('admin', 'token', 'nobody')).rejects.toThrow(CliError);
    await expect(cli('holiday', 'add', '2026-02-30', 'Tidak ada')).rejects.toThrow(/YYYY-MM-DD/);
  });

  it('adds and removes holiday changes', async () => {
    await cli('holiday', 'add', '2027-08-16', 'Libur', 'daerah');
    expect(await cli('holiday', 'list', '2027')).toContain('2027-08-16\tEXTRA\tLibur daerah');
    await app.reloadCalendar();
    expect(app.cases.deadlines.calendar.isWorkingDay({ year: 2027, month: 8, day: 16 })).toBe(false);
    await cli('holiday', 'remove', '2027-08-16');
    expect(await cli('audit', '', '--limit', '2')).toMatch(/holiday\.delete/);
  });
});

describe('officers from the CLI', () => {
  const officer = (sub: string, ...args: string[]) => runOfficerCommand(app.db, sub, args, { now: new Date('2026-11-23T08:00:00Z'), linkCodeHours: 72 });

  it('creates, re-codes, deactivates and activates an officer, each with its audit row', async () => {
    const out = await officer('create', '--name', 'Budi CLI', '--role', 'PEJABAT_PENGHUBUNG', '--agency', 'dpuprpkp-malang-bina-marga');
    const id = /^officer (\S+)/.exec(out)?.[1] ?? '';
    expect(out).toMatch(/link code [0-9A-Z]{4}-[0-9A-Z]{4} \(valid until 2026-11-26T08:00:00.000Z\): the officer sends "daftar /);
    expect(await officer('code', id)).toMatch(/^link code [0-9A-Z]{4}-[0-9A-Z]{4} /);
    expect(await officer('deactivate', id)).toBe(`officer ${id} deactivated`);
    expect(await officer('list')).toMatch(new RegExp(`${id}\tinactive\tPEJABAT_PENGHUBUNG\tdpuprpkp-malang-bina-marga\tBudi CLI\t-`));
    await expect(officer('code', id)).rejects.toThrow(/officer code: the officer is deactivated/);
    expect(await officer('activate', id)).toBe(`officer ${id} activated`);
    const rows = await app.db.auditLog.findMany({ where: { targetId: id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.action, r.via])).toEqual([
      ['officer.create', 'cli'],
      ['officer.link_code', 'cli'],
      ['officer.deactivate', 'cli'],
      ['officer.activate', 'cli'],
    ]);
    expect(rows[0]?.actorName).toMatch(/^cli:/);
  });

  it('refuses bad input with one line and writes nothing', async () => {
    const before = await app.db.officer.count();
    await expect(officer('create', '--name', 'X', '--role', 'RAJA', '--agency', 'pemkot-malang')).rejects.toThrow(/needs --name, --role \(ADMIN_KOORDINATOR\|/);
    await expect(officer('create', '--name', 'X', '--role', 'ADMIN_INSTANSI', '--agency', 'nowhere')).rejects.toThrow('officer create: no agency with code "nowhere"');
    await expect(officer('code', "1' OR '1'='1")).rejects.toThrow(/expected an officer id \(a UUID/);
    await expect(officer('activate', '00000000-0000-4000-8000-000000000000')).rejects.toThrow(/officer activate: officer "00000000-0000-4000-8000-000000000000" not found/);
    await expect(officer('fire', 'x')).rejects.toThrow(/^usage: officer create/);
    expect(await app.db.officer.count()).toBe(before);
  });
});

describe('CSV import', () => {
  it('imports the example files, and again as updates', async () => {
    expect(await importCsv(app.db, cliActor(), 'agencies', await example('agencies.csv'), 'agencies.csv')).toEqual({ ok: true, created: 2, updated: 0 });
    expect(await importCsv(app.db, cliActor(), 'categories', await example('categories.csv'), 'categories.csv')).toEqual({ ok: true, created: 2, updated: 0 });
    expect(await importCsv(app.db, cliActor(), 'routing', await example('routing.csv'), 'routing.csv')).toEqual({ ok: true, created: 2, updated: 0 });
    const janti = await app.db.agency.findUniqueOrThrow({ where: { code: 'dinkes-malang-puskesmas-janti' }, include: { parent: true } });
    expect(janti).toMatchObject({ kind: 'UNIT', regionCode: '35.73.04', parent: { code: 'dinkes-malang' } });
    expect((await app.db.category.findUniqueOrThrow({ where: { code: 'kesehatan-ambulans' } })).nameId).toBe('Ambulans, Layanan Gawat Darurat');
    expect(await importCsv(app.db, cliActor(), 'routing', await example('routing.csv'), 'routing.csv')).toEqual({ ok: true, created: 0, updated: 2 });
    expect(await app.db.auditLog.count({ where: { action: 'import.routing' } })).toBe(2);
  });

  it('reports every bad row by line and column and writes nothing', async () => {
    const agencies = await app.db.agency.count();
    const audits = await app.db.auditLog.count();
    const file = [
      'code,name,kind,region,parent,coordinator,active',
      'baru-satu,Unit Baru Satu,UNIT,35.73,dinkes-malang,,',
      'Baru Dua,Unit Baru Dua,KANTOR,35.73,,,',
      'baru-tiga,,UNIT,99.99,tidak-ada,maybe,',
      'baru-satu,"Robert\'); DROP TABLE ""Agency"";--",UNIT,35.73,,,',
    ].join('\n');
    const result = await importCsv(app.db, cliActor(), 'agencies', file, 'bad.csv');
    expect(result.ok).toBe(false);
    const problems = result.ok ? [] : result.problems;
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^line 3, column code: must be lower-case/),
      expect.stringMatching(/^line 3, column kind: must be REGIONAL_GOVERNMENT, DEPARTMENT or UNIT \(got "KANTOR"\)/),
      expect.stringMatching(/^line 4, column name: must not be empty/),
      expect.stringMatching(/^line 4, column coordinator: must be true, false or empty/),
      expect.stringMatching(/^line 4, column region: region "99.99" does not exist/),
      expect.stringMatching(/^line 4, column parent: agency "tidak-ada" does not exist/),
      expect.stringMatching(/^line 5, column code: "baru-satu" is also on line 2/),
    ]));
    expect(await app.db.agency.count()).toBe(agencies);
    expect(await app.db.agency.findUnique({ where: { code: 'baru-satu' } })).toBeNull();
    expect(await app.db.auditLog.count()).toBe(audits);
  });

  it('answers a wrong header with one clear error', async () => {
    const result = await importCsv(app.db, cliActor(), 'routing', 'kategori,wilayah,instansi\npu,35.73,dinkes-malang\n', 'routing.csv');
    expect(result).toEqual({ ok: false, problems: ['line 1: wrong header for routing: expected the columns category,region,agency (any order), got kategori,wilayah,instansi'] });
    await expect(cli('import', 'routing', join(projectRoot, 'prisma/seed/examples/agencies.csv'))).rejects.toThrow(/nothing imported[\s\S]*wrong header/);
    const broken = await importCsv(app.db, cliActor(), 'routing', 'category,region,agency\n"pu,35.73\n', 'x.csv');
    expect(broken.ok ? '' : broken.problems[0]).toMatch(/^not a readable CSV file/);
  });

  it('refuses a routing rule to an unknown agency or a sub-category under a sub-category', async () => {
    const routing = await importCsv(app.db, cliActor(), 'routing', 'category,region,agency\npu-jembatan,,nowhere\n', 'r.csv');
    expect(routing).toEqual({ ok: false, problems: ['line 2, column agency: agency "nowhere" does not exist'] });
    const categories = await importCsv(app.db, cliActor(), 'categories', 'code,parent,name_id,name_en,tier,sort_order,active\ncucu,pu-jembatan,Cucu,Grandchild,,,\n', 'c.csv');
    expect(categories).toEqual({ ok: false, problems: ['line 2, column parent: "pu-jembatan" is itself a sub-category: only two levels are allowed'] });
  });
});
