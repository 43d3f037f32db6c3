/** Officers from the admin API and CLI: created, (de)activated and given link codes, each audited in its transaction. */
import type { OfficerRole } from '../../domain/index.js';
import { badRequest, notFound } from '../../services/admin/errors.js';
import { hashLinkCode, newLinkCode } from '../../services/onboarding.js';
import type { Db } from '../prisma.js';
import { saveAudit, type AuditActor, type Tx } from './audit.js';

export async function findOfficers(db: Db, agencyIds: string[] | 'all') {
  const rows = await db.officer.findMany({
    where: agencyIds === 'all' ? {} : { agencyId: { in: agencyIds } },
    include: { agency: { select: { code: true } }, identities: { select: { channel: true } } },
    orderBy: { createdAt: 'asc' },
  });
  return rows.map((o) => ({ id: o.id, name: o.name, role: o.role, agencyId: o.agencyId, agencyCode: o.agency.code, active: o.active, channels: o.identities.map((i) => i.channel), createdAt: o.createdAt.toISOString() }));
}

export async function findOfficer(db: Db, id: string) {
  const row = await db.officer.findUnique({ where: { id } });
  if (!row) throw notFound(`officer "${id}"`);
  return row;
}

/** Same rule as PgOfficerStore.saveLinkCode: a new code retires the officer's earlier unused ones. */
async function saveCode(tx: Tx, officerId: string, now: Date, validHours: number) {
  const code = newLinkCode();
  const expiresAt = new Date(now.getTime() + validHours * 3600_000);
  await tx.officerLinkCode.updateMany({ where: { officerId, usedAt: null, expiresAt: { gt: new Date(0) } }, data: { expiresAt: new Date(0) } });
  await tx.officerLinkCode.create({ data: { officerId, codeHash: hashLinkCode(code), expiresAt } });
  return { code, expiresAt };
}

export async function createOfficer(db: Db, actor: AuditActor, input: { name: string; role: OfficerRole; agencyId: string }, now: Date, validHours: number) {
  if (!(await db.agency.findUnique({ where: { id: input.agencyId } }))) throw badRequest(`agency "${input.agencyId}" does not exist`);
  return db.$transaction(async (tx) => {
    const officer = await tx.officer.create({ data: input });
    const issued = await saveCode(tx, officer.id, now, validHours);
    await saveAudit(tx, actor, { action: 'officer.create', targetType: 'officer', targetId: officer.id, agencyId: officer.agencyId, after: { name: officer.name, role: officer.role, agencyId: officer.agencyId } });
    return { officerId: officer.id, ...issued };
  });
}

export async function issueOfficerCode(db: Db, actor: AuditActor, officerId: string, now: Date, validHours: number) {
  const officer = await findOfficer(db, officerId);
  if (!officer.active) throw badRequest('the officer is deactivated: activate them first');
  return db.$transaction(async (tx) => {
    const issued = await saveCode(tx, officerId, now, validHours);
    await saveAudit(tx, actor, { action: 'officer.link_code', targetType: 'officer', targetId: officerId, agencyId: officer.agencyId, after: { expiresAt: issued.expiresAt.toISOString() } });
    return issued;
  });
}

export async function setOfficerActive(db: Db, actor: AuditActor, officerId: string, active: boolean): Promise<void> {
  const officer = await findOfficer(db, officerId);
  await db.$transaction(async (tx) => {
    await tx.officer.update({ where: { id: officerId }, data: { active } });
    await saveAudit(tx, actor, { action: active ? 'officer.activate' : 'officer.deactivate', targetType: 'officer', targetId: officerId, agencyId: officer.agencyId, before: { active: officer.active }, after: { active } });
  });
}
