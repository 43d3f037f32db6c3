/**
 * Loads `calendar/<year>.yaml`: the national holidays (libur nasional) and cuti bersama of each year,
 * as fixed by that year's joint ministerial decree (SKB). Problems are collected, not thrown one by
 * one, and each names the file and the line, so an operator fixes a new year's file in one pass.
 *
 * A file:
 *   year: 2027
 *   holidays:      [{ date: 2027-01-01, name: Tahun Baru 2027 Masehi }, …]   (at least one)
 *   cuti_bersama:  [{ date: 2027-03-12, name: Cuti bersama Idulfitri }, …]   (may be empty or absent)
 * A date may be both a holiday and cuti bersama (the holiday's name is kept); any other repeat is an error.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { z } from 'zod';
import { parseIsoDate, WorkingDayCalendar } from '../domain/calendar.js';

export class CalendarFileError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid calendar files:\n${problems.map((p) => `  ${p}`).join('\n')}`);
  }
}

const DATE_FORMAT = 'must be a date written YYYY-MM-DD, e.g. 2027-01-01';
const YEAR = 'must be a year such as 2027';

const EntrySchema = z.strictObject({
  date: z.string({ error: DATE_FORMAT }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: DATE_FORMAT }),
  name: z
    .string({ error: 'must be the name of the day, as written in the SKB' })
    .trim()
    .min(1, { error: 'must not be empty' }),
});

const LISTS = ['holidays', 'cuti_bersama'] as const;
type ListKey = (typeof LISTS)[number];

const FileSchema = z.strictObject(
  {
    year: z
      .number({ error: (issue) => (issue.input === undefined ? 'missing (the year this file covers, e.g. year: 2027)' : YEAR) })
      .int({ error: YEAR })
      .min(1900, { error: YEAR })
      .max(9999, { error: YEAR }),
    holidays: z.array(z.unknown(), { error: 'must be a list of { date, name } (at least New Year\'s Day)' }).min(1, {
      error: 'must list at least one holiday',
    }),
    cuti_bersama: z.array(z.unknown(), { error: 'must be a list of { date, name } (may be empty: [])' }).optional(),
  },
  { error: 'must be a mapping with year, holidays and cuti_bersama' },
);

export async function loadCalendar(dir: string): Promise<WorkingDayCalendar> {
  const names = (await readdir(dir)).filter((n) => /\.ya?ml$/.test(n)).sort();
  if (names.length === 0) throw new CalendarFileError([`${dir}: no calendar files (<year>.yaml); see calendar/README.md`]);
  const files = await Promise.all(names.map(async (name) => ({ name, source: await readFile(join(dir, name), 'utf8') })));
  return parseCalendarFiles(files);
}

interface Seen {
  file: string;
  line: number;
}

/** Pure core of {@link loadCalendar}, so tests can feed broken files without touching the disk. */
export function parseCalendarFiles(files: readonly { name: string; source: string }[]): WorkingDayCalendar {
  const problems: string[] = [];
  const holidays = new Map<string, string>();
  const cutiBersama = new Map<string, string>();
  const seen: Record<ListKey, Map<string, Seen>> = { holidays: new Map(), cuti_bersama: new Map() };
  const years = new Map<number, string>();

  if (files.length === 0) problems.push('no calendar files (<year>.yaml); see calendar/README.md');

  for (const { name, source } of files) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(source, { lineCounter });
    const lineOf = (offset: number | undefined) => (offset === undefined ? 1 : lineCounter.linePos(offset).line);
    const report = (line: number, message: string) => problems.push(`${name}:${line}: ${message}`);

    if (doc.errors.length > 0) {
      const lines = new Set<number>();
      for (const error of doc.errors) {
        const message = (error.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
        // An unclosed { or [ is noticed where the closing bracket was due; point at the line that opened it.
        const close = /end with a ([}\]])$/.exec(message)?.[1];
        const opened = close === undefined ? undefined : openingBracket(source, error.pos[0], close);
        const line = opened === undefined ? (error.linePos?.[0].line ?? lineOf(error.pos[0])) : lineOf(opened);
        // Later errors on the same line are usually knock-on effects of the first.
        if (!lines.has(line)) report(line, `YAML syntax error: ${message}`);
        lines.add(line);
      }
      continue;
    }

    const lineAt = (path: readonly PropertyKey[]) => lineOf(nodeOffset(doc, path));
    const raw: unknown = doc.toJS();
    const parsed = FileSchema.safeParse(raw);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        if (issue.code !== 'unrecognized_keys') report(lineAt(issue.path), `${describe(issue.path)}${issue.message}`);
        else
          for (const key of issue.keys)
            report(keyLine(doc, issue.path, key, lineOf) ?? lineAt(issue.path), `${key}: unknown key (expected year, holidays, cuti_bersama)`);
      }
    }

    // Check the entries even when the file as a whole failed, so every problem shows in one pass.
    const year = parsed.success ? parsed.data.year : yearOf(raw);
    if (year !== undefined) {
      const stem = /^(\d{4})\.ya?ml$/.exec(name)?.[1];
      if (stem !== undefined && Number(stem) !== year) report(lineAt(['year']), `year: ${year} does not match the file name (${name})`);
      const other = years.get(year);
      if (other !== undefined) report(lineAt(['year']), `year: ${year} is also covered by ${other}`);
      else years.set(year, name);
    }

    for (const list of LISTS) {
      const entries: unknown[] = isRecord(raw) && Array.isArray(raw[list]) ? raw[list] : [];
      for (const [index, item] of entries.entries()) {
        const path = [list, index];
        const entry = EntrySchema.safeParse(item);
        if (!entry.success) {
          for (const issue of entry.error.issues) {
            const at = [...path, ...issue.path];
            if (issue.code !== 'unrecognized_keys') report(lineAt(at), `${describe(at)}${issue.message}`);
            else
              for (const key of issue.keys)
                report(keyLine(doc, at, key, lineOf) ?? lineAt(at), `${describe([...at, key])}unknown key (expected date, name)`);
          }
          continue;
        }
        const { date, name: dayName } = entry.data;
        const line = lineAt([...path, 'date']);
        const where = describe([...path, 'date']);
        const first = seen[list].get(date);
        if (!parseIsoDate(date)) report(line, `${where}${date} is not a calendar date`);
        else if (year !== undefined && !date.startsWith(`${year}-`)) report(line, `${where}${date} is not in ${year}, the year of this file`);
        else if (first) {
          const at = first.file === name ? `line ${first.line}` : `${first.file}:${first.line}`;
          report(line, `${where}${date} is listed twice in ${list} (also at ${at})`);
        } else {
          seen[list].set(date, { file: name, line });
          (list === 'holidays' ? holidays : cutiBersama).set(date, dayName);
        }
      }
    }
  }

  if (problems.length > 0) throw new CalendarFileError(problems);
  // A holiday that is also cuti bersama keeps the holiday's name.
  return new WorkingDayCalendar(new Map([...cutiBersama, ...holidays]));
}

/** Offset of the unmatched opening bracket before `offset` (quotes and comments are not special-cased). */
function openingBracket(source: string, offset: number, close: string): number | undefined {
  const open = close === '}' ? '{' : '[';
  let depth = 0;
  for (let i = Math.min(offset, source.length) - 1; i >= 0; i--) {
    if (source[i] === close) depth++;
    else if (source[i] === open) {
      if (depth === 0) return i;
      depth--;
    }
  }
  return undefined;
}

/** Offset of the node at `path`, or of its nearest existing ancestor (a missing key points at its parent). */
function nodeOffset(doc: Document, path: readonly PropertyKey[]): number | undefined {
  for (let length = path.length; length >= 0; length--) {
    const node: unknown = length === 0 ? doc.contents : doc.getIn(path.slice(0, length), true);
    const range = rangeOf(node);
    if (range) return range[0];
  }
  return undefined;
}

/** Line of the key `key` in the mapping at `path`, if there is one. */
function keyLine(doc: Document, path: readonly PropertyKey[], key: string, lineOf: (offset: number) => number): number | undefined {
  const node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (!isMap(node)) return undefined;
  for (const pair of node.items) {
    if (isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) return lineOf(pair.key.range[0]);
  }
  return undefined;
}

function rangeOf(node: unknown): readonly [number, number, number] | undefined {
  if (!isRecord(node) || !Array.isArray(node.range)) return undefined;
  const range: unknown[] = node.range;
  const [start, end, nodeEnd] = range;
  return typeof start === 'number' && typeof end === 'number' && typeof nodeEnd === 'number' ? [start, end, nodeEnd] : undefined;
}

/** `holidays.3.date` → `holidays[3].date: `, so the operator sees which entry. */
function describe(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  const text = path.map((part, i) => (typeof part === 'number' ? `[${part}]` : `${i === 0 ? '' : '.'}${String(part)}`)).join('');
  return `${text}: `;
}

function yearOf(raw: unknown): number | undefined {
  return isRecord(raw) && typeof raw.year === 'number' && Number.isInteger(raw.year) ? raw.year : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
