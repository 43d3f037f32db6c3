/**
 * CSV import of agencies, categories and routing rules (CLI: `import <kind> <file.csv>`). The
 * header must name exactly the expected columns (any order); every row is checked first, against
 * the file and the database, and each problem is reported as `line N, column C: problem`. Only a
 * file without problems is written, in one transaction with one audit row: all or nothing.
 * Rows are upserts by code (routing: by category and region), so a file can be imported again.
 */
import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import type { Db } from '../prisma.js';
import { saveAudit, type AuditActor } from './audit.js';

export const IMPORT_KINDS = ['agencies', 'categories', 'routing'] as const;
export type ImportKind = (typeof IMPORT_KINDS)[number];

const code = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, { error: 'must be lower-case letters, digits and -' });
const region = z.string().regex(/^\d{2}(\.\d{2}){0,3}$/, { error: 'must be a Kemendagri region code such as 35.73' });
const optional = <T extends z.ZodType>(schema: T) => z.literal('').transform(() => null).or(schema);
const flag = z.enum(['', 'true', 'false'], { error: 'must be true, false or empty' }).transform((v) => (v === '' ? null : v === 'true'));
const text = (max: number) => z.string().trim().min(1, { error: 'must not be empty' }).max(max, { error: `at most ${max} characters` });

const ROWS = {
  agencies: z.strictObject({ code, name: text(200), kind: z.enum(['REGIONAL_GOVERNMENT', 'DEPARTMENT', 'UNIT'], { error: 'must be REGIONAL_GOVERNMENT, DEPARTMENT or UNIT' }), region, parent: optional(code), coordinator: flag, active: flag }),
  categories: z.strictObject({ code, parent: optional(code), name_id: text(60), name_en: text(60), tier: z.enum(['', 'SIMPLE', 'DISPUTE', 'FIELD_CHECK'], { error: 'must be SIMPLE, DISPUTE, FIELD_CHECK or empty' }), sort_order: optional(z.coerce.number().int().min(0).max(100_000)), active: flag }),
  routing: z.strictObject({ category: code, region: optional(region), agency: code }),
} as const;

export const IMPORT_COLUMNS: Record<ImportKind, string[]> = {
  agencies: ['code', 'name', 'kind', 'region', 'parent', 'coordinator', 'active'],
  categories: ['code', 'parent', 'name_id', 'name_en', 'tier', 'sort_order', 'active'],
  routing: ['category', 'region', 'agency'],
};

/** What csv-parse returns with `info: true`. */
const Records = z.array(z.object({ record: z.array(z.string()), info: z.object({ lines: z.number() }) }));

export type ImportResult = { ok: true; created: number; updated: number } | { ok: false; problems: string[] };

interface Line {
  line: number;
  cells: Record<string, string>;
}

/** Splits the file into rows keyed by column, or one problem for a broken file or a wrong header. */
export function readCsv(kind: ImportKind, source: string): { rows: Line[] } | { problems: string[] } {
  let records: z.infer<typeof Records>;
  try {
    records = Records.parse(parse(source, { info: true, bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }));
  } catch (error) {
    return { problems: [`not a readable CSV file: ${error instanceof Error ? error.message : String(error)}`] };
  }
  const [header, ...body] = records;
  const expected = IMPORT_COLUMNS[kind];
  const got = header?.record.map((c) => c.toLowerCase()) ?? [];
  if (got.length !== expected.length || !expected.every((c) => got.includes(c))) {
    return { problems: [`line 1: wrong header for ${kind}: expected the columns ${expected.join(',')} (any order), got ${got.join(',') || 'nothing'}`] };
  }
  if (body.length === 0) return { problems: [`the file has a header but no rows`] };
  return { rows: body.map(({ record, info }) => ({ line: info.lines, cells: Object.fromEntries(got.map((c, i) => [c, record[i] ?? ''])) })) };
}

export async function importCsv(db: Db, actor: AuditActor, kind: ImportKind, source: string, fileName: string): Promise<ImportResult> {
  const read = readCsv(kind, source);
  if ('problems' in read) return { ok: false, problems: read.problems };
  const problems: string[] = [];
  const report = (line: number, column: string, message: string) => problems.push(`line ${line}, column ${column}: ${message}`);
  const parsed: { line: number; row: Record<string, unknown> }[] = [];
  for (const { line, cells } of read.rows) {
    const result = ROWS[kind].safeParse(cells);
    if (result.success) {
      parsed.push({ line, row: result.data });
      continue;
    }
    const bad = new Set(result.error.issues.map((issue) => String(issue.path[0] ?? '?')));
    for (const issue of result.error.issues) report(line, String(issue.path[0] ?? '?'), `${issue.message} (got "${cells[String(issue.path[0])] ?? ''}")`);
    // The row's other cells are still checked against the database and the file, so one pass shows every problem.
    parsed.push({ line, row: Object.fromEntries(Object.entries(cells).filter(([column, value]) => !bad.has(column) && value !== '')) });
  }
  const plan = kind === 'routing' ? await planRouting(db, parsed, report) : kind === 'agencies' ? await planAgencies(db, parsed, report) : await planCategories(db, parsed, report);
  if (problems.length > 0) return { ok: false, problems };
  return db.$transaction(async (tx) => {
    let created = 0;
    for (const step of plan) created += (await step(tx)) ? 1 : 0;
    await saveAudit(tx, actor, { action: `import.${kind}`, targetType: kind, targetId: null, agencyId: null, after: { file: fileName, rows: plan.length, created, updated: plan.length - created } });
    return { ok: true, created, updated: plan.length - created };
  }, { timeout: 60_000 });
}

type Tx = Parameters<Parameters<Db['$transaction']>[0]>[0];
/** One write; resolves true when it created a row, false when it updated one. */
type Step = (tx: Tx) => Promise<boolean>;
type Report = (line: number, column: string, message: string) => void;
function toKind(v: unknown): 'REGIONAL_GOVERNMENT' | 'DEPARTMENT' | 'UNIT' {
  return v === 'REGIONAL_GOVERNMENT' || v === 'UNIT' ? v : 'DEPARTMENT';
}
function toTier(v: unknown): { resolutionTier: 'SIMPLE' | 'DISPUTE' | 'FIELD_CHECK' } | object {
  return v === 'SIMPLE' || v === 'DISPUTE' || v === 'FIELD_CHECK' ? { resolutionTier: v } : {};
}
const str = (v: unknown) => (typeof v === 'string' ? v : null);

async function planAgencies(db: Db, rows: { line: number; row: Record<string, unknown> }[], report: Report): Promise<Step[]> {
  const existing = new Set((await db.agency.findMany({ select: { code: true } })).map((a) => a.code));
  const regions = new Set((await db.region.findMany({ select: { code: true } })).map((r) => r.code));
  const seen = new Map<string, number>();
  const steps: Step[] = [];
  for (const { line, row } of rows) {
    const c = str(row.code) ?? '';
    const parent = str(row.parent);
    if (c && seen.has(c)) report(line, 'code', `"${c}" is also on line ${seen.get(c)}`);
    if (str(row.region) && !regions.has(str(row.region) ?? '')) report(line, 'region', `region "${str(row.region)}" does not exist`);
    if (parent && !existing.has(parent) && !seen.has(parent)) report(line, 'parent', `agency "${parent}" does not exist (a parent must be in the database or on an earlier line)`);
    seen.set(c, line);
    const data = { name: str(row.name) ?? '', kind: toKind(row.kind), regionCode: str(row.region) ?? '', ...(typeof row.coordinator === 'boolean' ? { isCoordinator: row.coordinator } : {}), ...(typeof row.active === 'boolean' ? { active: row.active } : {}) };
    steps.push(async (tx) => {
      const parentId = parent ? (await tx.agency.findUniqueOrThrow({ where: { code: parent } })).id : null;
      const before = await tx.agency.findUnique({ where: { code: c } });
      await tx.agency.upsert({ where: { code: c }, create: { code: c, ...data, parentId }, update: { ...data, parentId } });
      return !before;
    });
  }
  return steps;
}

async function planCategories(db: Db, rows: { line: number; row: Record<string, unknown> }[], report: Report): Promise<Step[]> {
  const existing = new Map((await db.category.findMany({ select: { code: true, parentId: true } })).map((c) => [c.code, c.parentId]));
  const seen = new Map<string, { line: number; parent: string | null }>();
  const steps: Step[] = [];
  for (const { line, row } of rows) {
    const c = str(row.code) ?? '';
    const parent = str(row.parent);
    if (c && seen.has(c)) report(line, 'code', `"${c}" is also on line ${seen.get(c)?.line}`);
    if (parent) {
      const inFile = seen.get(parent);
      const parentsParent = inFile ? inFile.parent : existing.get(parent);
      if (!inFile && !existing.has(parent)) report(line, 'parent', `category "${parent}" does not exist (a parent must be in the database or on an earlier line)`);
      else if (parentsParent) report(line, 'parent', `"${parent}" is itself a sub-category: only two levels are allowed`);
    }
    seen.set(c, { line, parent });
    const data = { nameId: str(row.name_id) ?? '', nameEn: str(row.name_en) ?? '', ...toTier(row.tier), ...(typeof row.sort_order === 'number' ? { sortOrder: row.sort_order } : {}), ...(typeof row.active === 'boolean' ? { active: row.active } : {}) };
    steps.push(async (tx) => {
      const parentId = parent ? (await tx.category.findUniqueOrThrow({ where: { code: parent } })).id : null;
      const before = await tx.category.findUnique({ where: { code: c } });
      await tx.category.upsert({ where: { code: c }, create: { code: c, ...data, parentId }, update: { ...data, parentId } });
      return !before;
    });
  }
  return steps;
}

async function planRouting(db: Db, rows: { line: number; row: Record<string, unknown> }[], report: Report): Promise<Step[]> {
  const categories = new Map((await db.category.findMany({ select: { code: true, id: true } })).map((c) => [c.code, c.id]));
  const agencies = new Map((await db.agency.findMany({ select: { code: true, id: true } })).map((a) => [a.code, a.id]));
  const regions = new Set((await db.region.findMany({ select: { code: true } })).map((r) => r.code));
  const seen = new Map<string, number>();
  const steps: Step[] = [];
  for (const { line, row } of rows) {
    const categoryId = categories.get(str(row.category) ?? '');
    const agencyId = agencies.get(str(row.agency) ?? '');
    const regionCode = str(row.region);
    if (!categoryId && str(row.category)) report(line, 'category', `category "${str(row.category)}" does not exist`);
    if (!agencyId && str(row.agency)) report(line, 'agency', `agency "${str(row.agency)}" does not exist`);
    if (regionCode && !regions.has(regionCode)) report(line, 'region', `region "${regionCode}" does not exist`);
    const key = `${str(row.category)}|${regionCode ?? ''}`;
    if (seen.has(key)) report(line, 'region', `the rule for this category and region is also on line ${seen.get(key)}`);
    seen.set(key, line);
    if (!categoryId || !agencyId) continue;
    steps.push(async (tx) => {
      const before = await tx.routingRule.findFirst({ where: { categoryId, regionCode } });
      if (before) await tx.routingRule.update({ where: { id: before.id }, data: { agencyId } });
      else await tx.routingRule.create({ data: { categoryId, regionCode, agencyId } });
      return !before;
    });
  }
  return steps;
}
