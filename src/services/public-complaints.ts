/**
 * The optional public list of complaints on the transparency page: never rahasia ones (their content
 * is never public), nothing about the reporter (so anonim needs nothing more), no kronologi (free text
 * is where people write names and addresses), and phone numbers or NIK in a title masked.
 */
import { z } from 'zod';
import { COMPLAINT_STATUSES } from '../domain/complaint.js';
import { redactText } from '../domain/redact.js';
import type { Texts } from '../engine/index.js';
import { localToday, parseFiguresQuery, periodBounds, type FiguresDeps } from './figures.js';

export interface PublicComplaintRow {
  trackingCode: string;
  type: string;
  categoryCode: string;
  categoryName: string;
  title: string;
  status: string;
  agencyName: string | null;
  regionCode: string | null;
  submittedAt: Date;
  updatedAt: Date;
}

export interface PublicComplaintFilter {
  from: Date;
  toExclusive: Date;
  /** open: not yet DONE or ARCHIVED. */
  state?: 'open' | 'closed' | undefined;
  offset: number;
  limit: number;
}

export interface PublicComplaintDeps {
  findPage: (filter: PublicComplaintFilter) => Promise<{ total: number; rows: PublicComplaintRow[] }>;
  /** The figures' calendar, clock and names of regions. */
  figures: Pick<FiguresDeps, 'findLabels' | 'calendar' | 'timeZone' | 'now'>;
  texts: Texts;
}

export const PUBLIC_PAGE_SIZE_MAX = 50;

const PublicListQuerySchema = z.strictObject({
  from: z.string().optional(),
  to: z.string().optional(),
  state: z.enum(['open', 'closed']).optional(),
  page: z.coerce.number({ error: 'a whole number from 1' }).int({ error: 'a whole number from 1' }).min(1, { error: 'a whole number from 1' }).max(10_000, { error: 'at most 10000' }).default(1),
  pageSize: z.coerce.number({ error: `a whole number from 1 to ${PUBLIC_PAGE_SIZE_MAX}` }).int().min(1).max(PUBLIC_PAGE_SIZE_MAX, { error: `at most ${PUBLIC_PAGE_SIZE_MAX}` }).default(20),
});

export interface PublicComplaintList {
  period: { from: string; to: string };
  page: number;
  pageSize: number;
  total: number;
  items: {
    trackingCode: string;
    type: string;
    category: { code: string; name: string };
    title: string;
    status: string;
    statusLabel: { id: string; en: string };
    agency: string | null;
    region: string | null;
    submittedAt: string;
    updatedAt: string;
  }[];
}

export type PublicListResult = { ok: true; list: PublicComplaintList } | { ok: false; message: string };

export async function buildPublicComplaintList(deps: PublicComplaintDeps, input: unknown): Promise<PublicListResult> {
  const parsed = PublicListQuerySchema.safeParse(input ?? {});
  if (!parsed.success) return { ok: false, message: parsed.error.issues.map((i) => `${i.path.join('.') || 'query'}: ${i.message}`).join('; ') };
  const { from, to, state, page, pageSize } = parsed.data;
  const calendar = deps.figures.calendar();
  const period = parseFiguresQuery({ ...(from ? { from } : {}), ...(to ? { to } : {}) }, localToday(calendar, deps.figures.now(), deps.figures.timeZone));
  if (!period.ok) return { ok: false, message: period.message };
  const bounds = periodBounds(calendar, period.query, deps.figures.timeZone);
  const [{ total, rows }, labels] = await Promise.all([deps.findPage({ ...bounds, state, offset: (page - 1) * pageSize, limit: pageSize }), deps.figures.findLabels()]);
  const label = (status: string) => {
    const key = COMPLAINT_STATUSES.find((k) => k === status);
    return key ? { id: deps.texts.t(`status_${key}`, 'id'), en: deps.texts.t(`status_${key}`, 'en') } : { id: status, en: status };
  };
  return {
    ok: true,
    list: {
      period: { from: period.query.from, to: period.query.to },
      page,
      pageSize,
      total,
      items: rows.map((r) => ({
        trackingCode: r.trackingCode,
        type: r.type,
        category: { code: r.categoryCode, name: r.categoryName },
        title: redactText(r.title),
        status: r.status,
        statusLabel: label(r.status),
        agency: r.agencyName,
        region: r.regionCode ? (labels.regions.get(r.regionCode)?.name ?? r.regionCode) : null,
        submittedAt: r.submittedAt.toISOString(),
        updatedAt: r.updatedAt.toISOString(),
      })),
    },
  };
}
