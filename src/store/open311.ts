/** Open311 GeoReport v2 data: client keys (sha256 only), services from categories, requests from complaints. */
import { createHash, randomBytes } from 'node:crypto';
import type { SubmittedForm } from '../domain/submission.js';
import type { Db } from './prisma.js';

const hash = (key: string) => createHash('sha256').update(key).digest('hex');

export interface Open311Service { code: string; name: string; description: string; group: string }
export interface Open311Row {
  trackingCode: string; status: string; outcome: string | null; serviceCode: string; serviceName: string; description: string;
  agencyName: string | null; submittedAt: Date; updatedAt: Date; latitude: number | null; longitude: number | null; address: string | null;
}
export interface Open311Filter { codes?: string[]; serviceCode?: string; start: Date; end: Date; statuses?: ('open' | 'closed')[]; limit: number }

export class PgOpen311Store {
  constructor(private readonly db: Db) {}

  /** A new client key: returned once, stored hashed. */
  async issueKey(name: string): Promise<{ id: string; apiKey: string }> {
    const apiKey = `o311_${randomBytes(24).toString('base64url')}`;
    const row = await this.db.open311Client.create({ data: { name, keyHash: hash(apiKey) } });
    return { id: row.id, apiKey };
  }

  async findClient(apiKey: string, now: Date): Promise<{ id: string } | null> {
    const row = await this.db.open311Client.findUnique({ where: { keyHash: hash(apiKey) } });
    if (!row?.active) return null;
    await this.db.open311Client.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    return { id: row.id };
  }

  /** Leaf categories (sub-categories) are the services; their parent names the group. */
  async findServices(): Promise<Open311Service[]> {
    const rows = await this.db.category.findMany({ where: { active: true, parentId: { not: null } }, include: { parent: { select: { nameId: true } } }, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] });
    return rows.map((c) => ({ code: c.code, name: c.nameId, description: `${c.nameId} (${c.nameEn})`, group: c.parent?.nameId ?? '' }));
  }

  async findCategoryId(code: string): Promise<string | null> {
    return (await this.db.category.findFirst({ where: { code, active: true, parentId: { not: null } }, select: { id: true } }))?.id ?? null;
  }

  /** The confirmed form goes to the Submission table exactly as a chat's does; the intake worker stores it. */
  async saveSubmission(form: SubmittedForm): Promise<void> {
    await this.db.$executeRaw`INSERT INTO "Submission" ("trackingCode", payload, "createdAt") VALUES (${form.trackingCode}, ${JSON.stringify(form)}::jsonb, now() AT TIME ZONE 'UTC')`;
  }

  async isPending(trackingCode: string): Promise<boolean> {
    return (await this.db.submission.count({ where: { trackingCode, state: 'PENDING' } })) > 0;
  }

  /** A rahasia request, only for the client that filed it (its chat is that client's). */
  async findOwnConfidential(trackingCode: string, clientId: string): Promise<Open311Row | null> {
    const c = await this.db.complaint.findFirst({
      where: { trackingCode, confidential: true, channel: 'OPEN311', chatId: `open311:${clientId}` },
      include: { category: { select: { code: true, nameId: true } }, agency: { select: { name: true } } },
    });
    return c ? toRow(c) : null;
  }

  /** Requests, never rahasia ones, newest first. */
  async findRequests(filter: Open311Filter): Promise<Open311Row[]> {
    const statusIn = filter.statuses?.length === 1 ? (filter.statuses[0] === 'open' ? { notIn: ['DONE' as const, 'ARCHIVED' as const] } : { in: ['DONE' as const, 'ARCHIVED' as const] }) : undefined;
    const rows = await this.db.complaint.findMany({
      where: {
        confidential: false,
        ...(filter.codes ? { trackingCode: { in: filter.codes } } : { submittedAt: { gte: filter.start, lte: filter.end } }),
        ...(filter.serviceCode ? { category: { code: filter.serviceCode } } : {}),
        ...(statusIn ? { status: statusIn } : {}),
      },
      include: { category: { select: { code: true, nameId: true } }, agency: { select: { name: true } } },
      orderBy: { submittedAt: 'desc' },
      take: filter.limit,
    });
    return rows.map(toRow);
  }
}

interface ComplaintWithNames {
  trackingCode: string; status: string; outcome: string | null; description: string; submittedAt: Date; updatedAt: Date;
  latitude: number | null; longitude: number | null; addressText: string | null;
  category: { code: string; nameId: string }; agency: { name: string } | null;
}

function toRow(c: ComplaintWithNames): Open311Row {
  return {
    trackingCode: c.trackingCode, status: c.status, outcome: c.outcome, serviceCode: c.category.code, serviceName: c.category.nameId, description: c.description,
    agencyName: c.agency?.name ?? null, submittedAt: c.submittedAt, updatedAt: c.updatedAt, latitude: c.latitude, longitude: c.longitude, address: c.addressText,
  };
}
