/**
 * Monitoring figures for a period, scoped to who asks: the operator and the public page see every
 * complaint, a koordinator their region, an admin instansi their agency and its units, a pejabat
 * penghubung their unit (the scopes of domain/scope.ts). Definitions: domain/figures.ts.
 */
import { z } from 'zod';
import { parseIsoDate, type WorkingDayCalendar } from '../domain/calendar.js';
import { computeFigures, FIGURE_COLUMNS, flattenFigures, groupFigures, type FigureRow, type Figures } from '../domain/figures.js';
import { regionAncestry } from '../domain/routing.js';
import { decideAccess, isWithin, type AgencyTree } from '../domain/scope.js';
import type { AdminPrincipal } from './admin-principal.js';

export interface FigureLabelSource {
  agencies: ReadonlyMap<string, { code: string; name: string; parentId: string | null; regionCode: string }>;
  regions: ReadonlyMap<string, { name: string; parentCode: string | null }>;
}

export interface FiguresDeps {
  findRows: (from: Date, toExclusive: Date, now: Date) => Promise<FigureRow[]>;
  findLabels: () => Promise<FigureLabelSource>;
  /** The running calendar, with the holiday changes made through the admin API or CLI. */
  calendar: () => WorkingDayCalendar;
  timeZone: string;
  now: () => Date;
}

export interface FiguresQuery {
  from: string;
  to: string;
  agency?: string;
  region?: string;
}

const MAX_SPAN_DAYS = 731;
const isoDate = z.string().max(10).refine((v) => parseIsoDate(v) !== undefined, { error: 'a calendar date written YYYY-MM-DD' });

export const FiguresQuerySchema = z.strictObject({
  from: isoDate.optional(),
  to: isoDate.optional(),
  agency: z.string().regex(/^[a-z0-9-]{1,64}$/, { error: 'an agency code (a-z, 0-9, -)' }).optional(),
  region: z.string().regex(/^\d{2}(\.\d{2}){0,3}$/, { error: 'a Kemendagri region code such as 35.73' }).optional(),
  format: z.enum(['json', 'csv']).optional(),
});

export type ParsedQuery = { ok: true; query: FiguresQuery; format: 'json' | 'csv' } | { ok: false; message: string };

const DAY_MS = 86_400_000;
const dayNumber = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / DAY_MS;
const isoOf = (day: number) => new Date(day * DAY_MS).toISOString().slice(0, 10);

/** Validates a figures query; the period defaults to 1 January of this year up to today (local). */
export function parseFiguresQuery(input: unknown, today: string): ParsedQuery {
  const parsed = FiguresQuerySchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') };
  const { from = `${today.slice(0, 4)}-01-01`, to = today, agency, region, format = 'json' } = parsed.data;
  const first = dayNumber(from);
  const last = dayNumber(to);
  if (first > last) return { ok: false, message: `from (${from}) is after to (${to})` };
  if (last - first + 1 > MAX_SPAN_DAYS) return { ok: false, message: `the period may span at most ${MAX_SPAN_DAYS} days` };
  if (from < '2000-01-01' || last > dayNumber(today) + 366) return { ok: false, message: 'dates must lie between 2000-01-01 and one year from today' };
  return { ok: true, query: { from, to, ...(agency ? { agency } : {}), ...(region ? { region } : {}) }, format };
}

export interface FiguresReport {
  period: { from: string; to: string; timeZone: string };
  generatedAt: string;
  scope: string;
  total: Figures;
  byAgency: { agency: { code: string; name: string } | null; figures: Figures }[];
  byRegion: { region: { code: string; name: string } | null; figures: Figures }[];
}

export type FiguresResult = { ok: true; report: FiguresReport } | { ok: false; status: 400 | 404; message: string };

/** The instant a local day starts in `timeZone` (the end of the previous day, plus 1 ms). */
function startOfDay(calendar: WorkingDayCalendar, iso: string, timeZone: string): Date {
  const noonBefore = new Date((dayNumber(iso) - 1) * DAY_MS + 12 * 3_600_000);
  return new Date(calendar.addWorkingDays(noonBefore, 0, timeZone).getTime() + 1);
}

/** The instants a period of local days starts and ends (exclusive). */
export function periodBounds(calendar: WorkingDayCalendar, period: { from: string; to: string }, timeZone: string): { from: Date; toExclusive: Date } {
  return { from: startOfDay(calendar, period.from, timeZone), toExclusive: startOfDay(calendar, isoOf(dayNumber(period.to) + 1), timeZone) };
}

/** Today's date in the deployment's zone, YYYY-MM-DD. */
export function localToday(calendar: WorkingDayCalendar, now: Date, timeZone: string): string {
  const d = calendar.localDate(now, timeZone);
  return `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;
}

/** Builds the report; `principal` null means everything (the public page, the CLI). */
export async function buildFiguresReport(deps: FiguresDeps, query: FiguresQuery, principal: AdminPrincipal | null): Promise<FiguresResult> {
  const now = deps.now();
  const labels = await deps.findLabels();
  const tree: AgencyTree = {
    parentOf: new Map([...labels.agencies].map(([id, a]) => [id, a.parentId])),
    regionOf: new Map([...labels.agencies].map(([id, a]) => [id, a.regionCode])),
  };
  const agencyFilter = query.agency ? [...labels.agencies].find(([, a]) => a.code === query.agency)?.[0] : undefined;
  if (query.agency && !agencyFilter) return { ok: false, status: 404, message: `no agency with code "${query.agency}"` };
  if (query.region && !labels.regions.has(query.region)) return { ok: false, status: 404, message: `no region with code "${query.region}"` };

  const calendar = deps.calendar();
  const { from, toExclusive } = periodBounds(calendar, query, deps.timeZone);
  const rows = (await deps.findRows(from, toExclusive, now)).filter(
    (r) =>
      inScope(principal, r, tree) &&
      (!agencyFilter || isWithin(tree, r.agencyId, agencyFilter)) &&
      (!query.region || regionAncestry(r.regionCode).includes(query.region)),
  );
  const workingDays = (a: Date, b: Date) => calendar.workingDaysBetween(a, b, deps.timeZone);
  const byAgency = [...groupFigures(rows, (r) => r.agencyId, workingDays)].map(([id, figures]) => {
    const agency = id ? labels.agencies.get(id) : undefined;
    return { agency: agency ? { code: agency.code, name: agency.name } : null, figures };
  });
  const byRegion = [...groupFigures(rows, (r) => r.regionCode, workingDays)].map(([code, figures]) => ({
    region: code ? { code, name: labels.regions.get(code)?.name ?? code } : null,
    figures,
  }));
  byAgency.sort((a, b) => b.figures.received - a.figures.received || (a.agency?.code ?? '').localeCompare(b.agency?.code ?? ''));
  byRegion.sort((a, b) => (a.region?.code ?? '~').localeCompare(b.region?.code ?? '~'));
  return {
    ok: true,
    report: {
      period: { from: query.from, to: query.to, timeZone: deps.timeZone },
      generatedAt: now.toISOString(),
      scope: principal ? `${principal.role}${principal.agencyId ? ` ${labels.agencies.get(principal.agencyId)?.code ?? principal.agencyId}` : ''}` : 'all',
      total: computeFigures(rows, workingDays),
      byAgency,
      byRegion,
    },
  };
}

function inScope(principal: AdminPrincipal | null, row: FigureRow, tree: AgencyTree): boolean {
  if (!principal || principal.role === 'OPERATOR') return true;
  if (!principal.agencyId) return false;
  const officer = { id: principal.userId, role: principal.role, agencyId: principal.agencyId, active: true };
  return decideAccess(officer, { agencyId: row.agencyId, regionCode: row.regionCode, copyAgencyIds: [], status: row.status }, tree) === 'act';
}

/** One CSV line per table row: the total, each agency, each region. Cells that look like formulas are quoted with a leading '. */
export function toFiguresCsv(report: FiguresReport): string {
  const header = ['period_from', 'period_to', 'group', 'code', 'name', ...FIGURE_COLUMNS];
  const line = (group: string, code: string, name: string, f: Figures) => [report.period.from, report.period.to, group, code, name, ...flattenFigures(f)].map(csvCell).join(',');
  return [
    header.join(','),
    line('total', '', 'Semua', report.total),
    ...report.byAgency.map((a) => line('agency', a.agency?.code ?? '', a.agency?.name ?? '(belum ada instansi)', a.figures)),
    ...report.byRegion.map((r) => line('region', r.region?.code ?? '', r.region?.name ?? '(tanpa wilayah)', r.figures)),
  ].join('\r\n') + '\r\n';
}

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
