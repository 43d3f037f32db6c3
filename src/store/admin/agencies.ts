/** Agencies and routing rules, changed by the admin API and CLI with an audit row in the same transaction. */
import { badRequest, conflict, notFound } from '../../services/admin/errors.js';
import type { AgencyNode } from '../../services/admin/scope.js';
import { isUniqueViolation, type Db } from '../prisma.js';
import { saveAudit, summarise, type AuditActor } from './audit.js';

export const AGENCY_KINDS = ['REGIONAL_GOVERNMENT', 'DEPARTMENT', 'UNIT'] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

export interface AgencyInput {
  code: string;
  name: string;
  kind: AgencyKind;
  regionCode: string;
  parentId?: string | null | undefined;
  isCoordinator?: boolean | undefined;
  active?: boolean | undefined;
}

export type AgencyPatch = Partial<Omit<AgencyInput, 'code'>>;

const AGENCY_FIELDS = ['code', 'name', 'kind', 'regionCode', 'parentId', 'isCoordinator', 'active'] as const;

export async function findAgencyNodes(db: Db): Promise<AgencyNode[]> {
  return db.agency.findMany({ select: { id: true, parentId: true, regionCode: true } });
}

export async function findAgencies(db: Db, ids: string[] | 'all') {
  return db.agency.findMany({ where: ids === 'all' ? {} : { id: { in: ids } }, orderBy: [{ regionCode: 'asc' }, { code: 'asc' }] });
}

export async function findAgency(db: Db, id: string) {
  const row = await db.agency.findUnique({ where: { id } });
  if (!row) throw notFound(`agency "${id}"`);
  return row;
}

async function checkRefs(db: Db, input: { regionCode?: string | undefined; parentId?: string | null | undefined }, selfId?: string): Promise<void> {
  if (input.regionCode && !(await db.region.findUnique({ where: { code: input.regionCode } }))) throw badRequest(`region "${input.regionCode}" does not exist`);
  if (input.parentId) {
    if (input.parentId === selfId) throw badRequest('an agency cannot be its own parent');
    if (!(await db.agency.findUnique({ where: { id: input.parentId } }))) throw badRequest(`parent agency "${input.parentId}" does not exist`);
  }
}

export async function createAgency(db: Db, actor: AuditActor, input: AgencyInput) {
  await checkRefs(db, input);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.agency.create({ data: { code: input.code, name: input.name, kind: input.kind, regionCode: input.regionCode, parentId: input.parentId ?? null, isCoordinator: input.isCoordinator ?? false, active: input.active ?? true } });
      await saveAudit(tx, actor, { action: 'agency.create', targetType: 'agency', targetId: row.id, agencyId: row.id, after: summarise(row, AGENCY_FIELDS) });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`an agency with code "${input.code}" already exists`);
    throw error;
  }
}

export async function updateAgency(db: Db, actor: AuditActor, id: string, patch: AgencyPatch) {
  const before = await findAgency(db, id);
  await checkRefs(db, patch, id);
  return db.$transaction(async (tx) => {
    const row = await tx.agency.update({ where: { id }, data: patch });
    await saveAudit(tx, actor, { action: 'agency.update', targetType: 'agency', targetId: id, agencyId: id, before: summarise(before, Object.keys(patch)), after: summarise(row, Object.keys(patch)) });
    return row;
  });
}

export async function findRoutingRules(db: Db, agencyIds: string[] | 'all') {
  return db.routingRule.findMany({
    where: agencyIds === 'all' ? {} : { agencyId: { in: agencyIds } },
    include: { category: { select: { code: true } }, agency: { select: { code: true } } },
    orderBy: [{ categoryId: 'asc' }, { regionCode: 'asc' }],
  });
}

export async function findRoutingRule(db: Db, id: string) {
  const row = await db.routingRule.findUnique({ where: { id } });
  if (!row) throw notFound(`routing rule "${id}"`);
  return row;
}

export interface RoutingInput {
  categoryId: string;
  regionCode: string | null;
  agencyId: string;
}

async function checkRule(db: Db, input: RoutingInput, selfId?: string): Promise<void> {
  if (!(await db.category.findUnique({ where: { id: input.categoryId } }))) throw badRequest(`category "${input.categoryId}" does not exist`);
  if (!(await db.agency.findUnique({ where: { id: input.agencyId } }))) throw badRequest(`agency "${input.agencyId}" does not exist`);
  if (input.regionCode && !(await db.region.findUnique({ where: { code: input.regionCode } }))) throw badRequest(`region "${input.regionCode}" does not exist`);
  // PostgreSQL lets two NULL regions past the unique index: one region-wide rule per category is checked here.
  const same = await db.routingRule.findFirst({ where: { categoryId: input.categoryId, regionCode: input.regionCode, ...(selfId ? { id: { not: selfId } } : {}) } });
  if (same) throw conflict(`a routing rule for this category and region already exists (${same.id})`);
}

const RULE_FIELDS = ['categoryId', 'regionCode', 'agencyId'] as const;

export async function createRoutingRule(db: Db, actor: AuditActor, input: RoutingInput) {
  await checkRule(db, input);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.routingRule.create({ data: input });
      await saveAudit(tx, actor, { action: 'routing_rule.create', targetType: 'routing_rule', targetId: row.id, agencyId: row.agencyId, after: summarise(row, RULE_FIELDS) });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict('a routing rule for this category and region already exists');
    throw error;
  }
}

export async function updateRoutingRule(db: Db, actor: AuditActor, id: string, input: RoutingInput) {
  const before = await findRoutingRule(db, id);
  await checkRule(db, input, id);
  return db.$transaction(async (tx) => {
    const row = await tx.routingRule.update({ where: { id }, data: input });
    await saveAudit(tx, actor, { action: 'routing_rule.update', targetType: 'routing_rule', targetId: id, agencyId: row.agencyId, before: summarise(before, RULE_FIELDS), after: summarise(row, RULE_FIELDS) });
    return row;
  });
}

export async function deleteRoutingRule(db: Db, actor: AuditActor, id: string): Promise<void> {
  const before = await findRoutingRule(db, id);
  await db.$transaction(async (tx) => {
    await tx.routingRule.delete({ where: { id } });
    await saveAudit(tx, actor, { action: 'routing_rule.delete', targetType: 'routing_rule', targetId: id, agencyId: before.agencyId, before: summarise(before, RULE_FIELDS) });
  });
}
