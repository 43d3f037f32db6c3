/** Categories (two levels: category and sub-category) and run-time holiday overrides, audited. */
import type { HolidayOverride } from '../../domain/index.js';
import { badRequest, conflict, notFound } from '../../services/admin/errors.js';
import { isUniqueViolation, type Db } from '../prisma.js';
import { saveAudit, summarise, type AuditActor } from './audit.js';

export const TIERS = ['SIMPLE', 'DISPUTE', 'FIELD_CHECK'] as const;

export interface CategoryInput {
  code: string;
  nameId: string;
  nameEn: string;
  parentId?: string | null | undefined;
  resolutionTier?: (typeof TIERS)[number] | undefined;
  sortOrder?: number | undefined;
  active?: boolean | undefined;
}
export type CategoryPatch = Partial<Omit<CategoryInput, 'code' | 'parentId'>>;

const FIELDS = ['code', 'nameId', 'nameEn', 'parentId', 'resolutionTier', 'sortOrder', 'active'] as const;

export async function findCategories(db: Db) {
  return db.category.findMany({ orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] });
}

export async function findCategory(db: Db, id: string) {
  const row = await db.category.findUnique({ where: { id } });
  if (!row) throw notFound(`category "${id}"`);
  return row;
}

/** Sub-categories hang under a top-level category; the tree has two levels, as the chat menus do. */
async function checkParent(db: Db, parentId: string | null | undefined): Promise<void> {
  if (!parentId) return;
  const parent = await db.category.findUnique({ where: { id: parentId } });
  if (!parent) throw badRequest(`parent category "${parentId}" does not exist`);
  if (parent.parentId) throw badRequest(`parent category "${parent.code}" is itself a sub-category: only two levels are allowed`);
}

export async function createCategory(db: Db, actor: AuditActor, input: CategoryInput) {
  await checkParent(db, input.parentId);
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.category.create({ data: { ...input, parentId: input.parentId ?? null } });
      await saveAudit(tx, actor, { action: 'category.create', targetType: 'category', targetId: row.id, agencyId: null, after: summarise(row, FIELDS) });
      return row;
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw conflict(`a category with code "${input.code}" already exists`);
    throw error;
  }
}

export async function updateCategory(db: Db, actor: AuditActor, id: string, patch: CategoryPatch) {
  const before = await findCategory(db, id);
  return db.$transaction(async (tx) => {
    const row = await tx.category.update({ where: { id }, data: patch });
    await saveAudit(tx, actor, { action: 'category.update', targetType: 'category', targetId: id, agencyId: null, before: summarise(before, Object.keys(patch)), after: summarise(row, Object.keys(patch)) });
    return row;
  });
}

const toIso = (date: Date) => date.toISOString().slice(0, 10);
const toDate = (iso: string) => new Date(`${iso}T00:00:00.000Z`);

export async function findHolidayOverrides(db: Db): Promise<HolidayOverride[]> {
  const rows = await db.holidayOverride.findMany({ orderBy: { date: 'asc' } });
  return rows.map((r) => ({ date: toIso(r.date), kind: r.kind, name: r.name }));
}

export async function saveHolidayOverride(db: Db, actor: AuditActor, input: HolidayOverride): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.holidayOverride.findUnique({ where: { date: toDate(input.date) } });
    await tx.holidayOverride.upsert({ where: { date: toDate(input.date) }, create: { date: toDate(input.date), kind: input.kind, name: input.name }, update: { kind: input.kind, name: input.name } });
    await saveAudit(tx, actor, { action: 'holiday.save', targetType: 'holiday', targetId: input.date, agencyId: null, before: before ? { kind: before.kind, name: before.name } : null, after: { kind: input.kind, name: input.name } });
  });
}

export async function deleteHolidayOverride(db: Db, actor: AuditActor, date: string): Promise<void> {
  await db.$transaction(async (tx) => {
    const before = await tx.holidayOverride.findUnique({ where: { date: toDate(date) } });
    if (!before) throw notFound(`holiday change on ${date}`);
    await tx.holidayOverride.delete({ where: { date: toDate(date) } });
    await saveAudit(tx, actor, { action: 'holiday.delete', targetType: 'holiday', targetId: date, agencyId: null, before: { kind: before.kind, name: before.name } });
  });
}
