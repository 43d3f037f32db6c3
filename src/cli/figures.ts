/**
 * `npm run cli -- figures [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--agency CODE] [--region CODE] [--format json|csv]`:
 * the monitoring figures of every complaint (the operator's view), printed to stdout.
 */
import { isAbsolute, join } from 'node:path';
import { projectRoot } from '../app.js';
import type { Config } from '../config.js';
import { buildFiguresReport, localToday, parseFiguresQuery, toFiguresCsv } from '../services/figures.js';
import { loadCalendar } from '../store/calendar-files.js';
import { findHolidayOverrides } from '../store/admin/categories.js';
import { findFigureLabels, findFigureRows } from '../store/figures.js';
import { createDb } from '../store/prisma.js';

const FLAGS = ['from', 'to', 'agency', 'region', 'format'] as const;

/** Returns the text to print, or throws an Error whose message is the clear answer to bad input. */
export async function figuresCommand(config: Config, args: readonly string[], now = new Date()): Promise<string> {
  const query: Record<string, string> = {};
  for (let i = 0; i < args.length; i += 2) {
    const name = FLAGS.find((f) => `--${f}` === args[i]);
    const value = args[i + 1];
    if (!name || value === undefined) throw new Error(`figures: unknown or incomplete option "${args[i] ?? ''}"; usage: figures [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--agency CODE] [--region CODE] [--format json|csv]`);
    query[name] = value;
  }
  const fileCalendar = await loadCalendar(isAbsolute(config.CALENDAR_DIR) ? config.CALENDAR_DIR : join(projectRoot, config.CALENDAR_DIR));
  const parsed = parseFiguresQuery(query, localToday(fileCalendar, now, config.TIME_ZONE));
  if (!parsed.ok) throw new Error(`figures: ${parsed.message}`);
  const db = createDb(config.DATABASE_URL);
  try {
    const running = fileCalendar.withOverrides(await findHolidayOverrides(db));
    const calendar = () => running;
    const deps = { findRows: (from: Date, to: Date, at: Date) => findFigureRows(db, from, to, at), findLabels: () => findFigureLabels(db), calendar, timeZone: config.TIME_ZONE, now: () => now };
    const result = await buildFiguresReport(deps, parsed.query, null);
    if (!result.ok) throw new Error(`figures: ${result.message}`);
    return parsed.format === 'csv' ? toFiguresCsv(result.report).trimEnd() : JSON.stringify(result.report, null, 2);
  } finally {
    await db.$disconnect();
  }
}
