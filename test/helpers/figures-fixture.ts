/**
 * A fixture of complaints for the figures tests, in February 2026 (no other test files complaints
 * then). Times are 03:00Z = 10:00 WIB unless a boundary is meant. The expected figures are
 * hand-computed in test/integration/figures.test.ts from exactly these rows.
 */
import pino from 'pino';
import { createApp, type App } from '../../src/app.js';
import type { Config } from '../../src/config.js';
import type { AdminPrincipal } from '../../src/services/admin-principal.js';
import { deleteKeysWithPrefix } from '../../src/store/redis.js';

const at = (day: string, time = '03:00') => new Date(`2026-${day}T${time}:00Z`);

type Db = App['db'];
type Event = { type: 'FORWARDED' | 'STATUS_CHANGED' | 'MESSAGE_OUT' | 'DEADLINE_BREACHED'; from?: 'SUBMITTED'; to?: 'FORWARDED' | 'ARCHIVED' | 'FOLLOWED_UP'; action?: string; at: Date };
interface Fixture {
  code: string;
  submittedAt: Date;
  region: string | null;
  agency: string;
  status: 'SUBMITTED' | 'FORWARDED' | 'DONE' | 'ARCHIVED' | 'CITIZEN_REPLIED';
  outcome?: 'RESOLVED' | 'CLOSED_UNCONFIRMED' | 'ARCHIVED';
  closedAt?: Date;
  rating?: number;
  confidential?: boolean;
  anonymous?: boolean;
  events: Event[];
  deadlines?: { kind: 'VERIFY' | 'FIRST_ANSWER' | 'RESOLUTION'; state: 'ACTIVE' | 'BREACHED'; dueAt: Date }[];
}

export const FIXTURE: Fixture[] = [
  { code: 'FIG-A', submittedAt: at('02-02'), region: '35.73.05', agency: 'dpuprpkp-malang-bina-marga', status: 'DONE', outcome: 'RESOLVED', closedAt: at('02-09'), rating: 5,
    events: [{ type: 'FORWARDED', from: 'SUBMITTED', to: 'FORWARDED', at: at('02-03') }, { type: 'MESSAGE_OUT', action: 'answer', at: at('02-05') }] },
  { code: 'FIG-B', submittedAt: at('02-13'), region: '35.73.05', agency: 'dpuprpkp-malang-bina-marga', status: 'DONE', outcome: 'CLOSED_UNCONFIRMED', closedAt: at('02-26'), confidential: true,
    events: [{ type: 'FORWARDED', from: 'SUBMITTED', to: 'FORWARDED', at: at('02-18') }, { type: 'DEADLINE_BREACHED', at: at('02-17') }, { type: 'MESSAGE_OUT', action: 'resolve', at: at('02-20') }],
    deadlines: [{ kind: 'VERIFY', state: 'BREACHED', dueAt: at('02-17') }] },
  { code: 'FIG-C', submittedAt: at('02-03'), region: '35.73.02', agency: 'dishub-malang', status: 'FORWARDED', anonymous: true,
    events: [{ type: 'FORWARDED', from: 'SUBMITTED', to: 'FORWARDED', at: at('02-03', '03:01') }, { type: 'DEADLINE_BREACHED', at: at('02-10') }],
    deadlines: [{ kind: 'FIRST_ANSWER', state: 'ACTIVE', dueAt: at('02-10', '16:59') }] },
  { code: 'FIG-D', submittedAt: at('02-04'), region: '35.73.02', agency: 'diskominfo-malang', status: 'SUBMITTED', events: [],
    deadlines: [{ kind: 'VERIFY', state: 'ACTIVE', dueAt: at('03-10') }] },
  { code: 'FIG-E', submittedAt: at('02-05'), region: '35.73.05', agency: 'diskominfo-malang', status: 'ARCHIVED', outcome: 'ARCHIVED', closedAt: at('02-06'),
    events: [{ type: 'STATUS_CHANGED', from: 'SUBMITTED', to: 'ARCHIVED', action: 'archive', at: at('02-06') }] },
  { code: 'FIG-F', submittedAt: at('02-09'), region: '35.73.05', agency: 'dishub-malang', status: 'CITIZEN_REPLIED', rating: 2,
    events: [{ type: 'FORWARDED', from: 'SUBMITTED', to: 'FORWARDED', at: at('02-09', '03:05') }, { type: 'MESSAGE_OUT', action: 'answer', at: at('02-11') }, { type: 'DEADLINE_BREACHED', at: at('02-20') }],
    deadlines: [{ kind: 'RESOLUTION', state: 'BREACHED', dueAt: at('02-20') }] },
  // 2 Feb 00:30 WIB: inside the period although its UTC date is 1 Feb.
  { code: 'FIG-H', submittedAt: at('02-01', '17:30'), region: null, agency: 'diskominfo-malang', status: 'SUBMITTED', events: [] },
  // Outside: 30 Jan, and 28 Feb 01:00 WIB (27 Feb in UTC).
  { code: 'FIG-X', submittedAt: at('01-30'), region: '35.73.05', agency: 'dishub-malang', status: 'SUBMITTED', events: [] },
  { code: 'FIG-Y', submittedAt: at('02-27', '18:00'), region: '35.73.05', agency: 'dishub-malang', status: 'SUBMITTED', events: [] },
];

/** Loads the fixture once per test database (test files share it and take turns). */
export async function loadFixture(db: Db, copy: { prefix: string; years: number } = { prefix: 'FIG', years: 0 }): Promise<void> {
  const code = (c: string) => c.replace(/^FIG/, copy.prefix);
  const shift = (d: Date) => new Date(new Date(d).setUTCFullYear(d.getUTCFullYear() + copy.years));
  if (await db.complaint.findUnique({ where: { trackingCode: code('FIG-A') } })) return;
  const category = await db.category.findUniqueOrThrow({ where: { code: 'pu-jalan-rusak' } });
  const citizen = await db.citizen.create({ data: { displayName: 'Budi 081234567890' } });
  for (const f of FIXTURE) {
    const agency = await db.agency.findUniqueOrThrow({ where: { code: f.agency } });
    const c = await db.complaint.create({
      data: {
        trackingCode: code(f.code), type: 'PENGADUAN', categoryId: category.id, title: `Jalan rusak ${code(f.code)}`, description: 'NIK 3573051234567890, telp 081234567890',
        regionCode: f.region, agencyId: agency.id, status: f.status, outcome: f.outcome ?? null, rating: f.rating ?? null, citizenId: citizen.id,
        channel: 'WEBCHAT', chatId: `fixture-${code(f.code)}`, submittedAt: shift(f.submittedAt), closedAt: f.closedAt ? shift(f.closedAt) : null, confidential: f.confidential ?? false, anonymous: f.anonymous ?? false,
      },
    });
    await db.complaintEvent.create({ data: { complaintId: c.id, type: 'CREATED', toStatus: 'SUBMITTED', actorType: 'CITIZEN', createdAt: shift(f.submittedAt) } });
    for (const e of f.events) {
      await db.complaintEvent.create({
        data: { complaintId: c.id, type: e.type, fromStatus: e.from ?? null, toStatus: e.to ?? null, actorType: 'OFFICER', data: e.action ? { action: e.action } : {}, createdAt: shift(e.at) },
      });
    }
    for (const d of f.deadlines ?? []) await db.complaintDeadline.create({ data: { complaintId: c.id, kind: d.kind, state: d.state, dueAt: shift(d.dueAt) } });
  }
}

/** An app whose admin tokens are a fixed table (the real token store belongs to the admin API). */
export async function startFiguresApp(config: Config, now: () => Date, tokens: Record<string, AdminPrincipal>): Promise<App & { dispose: () => Promise<void> }> {
  const app = await createApp({
    config,
    role: 'web',
    log: pino({ level: 'silent' }),
    now,
    authenticateAdmin: (header) => Promise.resolve(header?.startsWith('Bearer ') ? (tokens[header.slice(7)] ?? null) : null),
  });
  return { ...app, dispose: async () => { await app.close(); await deleteKeysWithPrefix(config.REDIS_URL, config.REDIS_PREFIX); } };
}
