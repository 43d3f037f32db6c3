/**
 * Reference data from `prisma/seed/*.yaml` (regions, agencies, categories, routing rules).
 * Loading is an upsert by code, so the command can be re-run after editing a file; nothing that
 * complaints point to is ever deleted.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { Db } from './prisma.js';

const code = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);
const regionCode = z.string().regex(/^\d{2}(\.\d{2}){0,3}$/);

interface RegionNode { code: string; name: string; timeZone?: string | undefined; children?: RegionNode[] | undefined }
const RegionNodeSchema: z.ZodType<RegionNode> = z.lazy(() =>
  z.strictObject({ code: regionCode, name: z.string().min(1), timeZone: z.string().optional(), children: z.array(RegionNodeSchema).optional() }),
);

const AGENCY_KINDS = ['REGIONAL_GOVERNMENT', 'DEPARTMENT', 'UNIT'] as const;
interface AgencyNode { code: string; name: string; kind: (typeof AGENCY_KINDS)[number]; region: string; coordinator?: boolean | undefined; children?: AgencyNode[] | undefined }
const AgencyNodeSchema: z.ZodType<AgencyNode> = z.lazy(() =>
  z.strictObject({ code, name: z.string().min(1), kind: z.enum(AGENCY_KINDS), region: regionCode, coordinator: z.boolean().optional(), children: z.array(AgencyNodeSchema).optional() }),
);

const CategoryName = z.strictObject({ id: z.string().min(1).max(60), en: z.string().min(1).max(60) });
/** Resolution deadline tier: SIMPLE 5, DISPUTE 14, FIELD_CHECK 60 working days; sub-categories inherit. */
const Tier = z.enum(['SIMPLE', 'DISPUTE', 'FIELD_CHECK']).optional();
const CategorySchema = z.strictObject({
  code,
  name: CategoryName,
  tier: Tier,
  children: z.array(z.strictObject({ code, name: CategoryName, tier: Tier })).optional(),
});

export const SeedSchema = z.object({
  regions: z.array(RegionNodeSchema),
  agencies: z.array(AgencyNodeSchema),
  categories: z.array(CategorySchema),
  rules: z.array(z.strictObject({ category: code, region: regionCode.nullable(), agency: code })),
  cannedAnswers: z.array(z.strictObject({ agency: code.nullable(), code: z.string().regex(/^[a-z0-9_-]+$/), title: z.string().min(1), text: z.string().min(1) })).default([]),
});
export type Seed = z.infer<typeof SeedSchema>;

export async function readSeed(dir: string): Promise<Seed> {
  const read = async (name: string): Promise<unknown> => {
    try {
      return parseYaml(await readFile(join(dir, name), 'utf8'));
    } catch (error) {
      // Canned answers are optional; the four reference files are not.
      if (name === 'canned-answers.yaml' && typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return null;
      throw error;
    }
  };
  const [regions, agencies, categories, routing, canned] = await Promise.all(['regions.yaml', 'agencies.yaml', 'categories.yaml', 'routing.yaml', 'canned-answers.yaml'].map(read));
  const pick = (doc: unknown, key: string): unknown => (typeof doc === 'object' && doc !== null && key in doc ? Object.entries(doc).find(([k]) => k === key)?.[1] : undefined);
  const result = SeedSchema.safeParse({ regions: pick(regions, 'regions'), agencies: pick(agencies, 'agencies'), categories: pick(categories, 'categories'), rules: pick(routing, 'rules'), cannedAnswers: pick(canned, 'answers') ?? [] });
  if (!result.success) throw new Error(`invalid seed data in ${dir}:\n${z.prettifyError(result.error)}`);
  return result.data;
}

export interface SeedCounts { regions: number; agencies: number; categories: number; rules: number; cannedAnswers: number }

export async function applySeed(db: Db, seed: Seed): Promise<SeedCounts> {
  return db.$transaction(async (tx) => {
    const counts: SeedCounts = { regions: 0, agencies: 0, categories: 0, rules: 0, cannedAnswers: 0 };
    const saveRegion = async (node: RegionNode, parentCode: string | null, zone: string): Promise<void> => {
      const timeZone = node.timeZone ?? zone;
      await tx.region.upsert({ where: { code: node.code }, create: { code: node.code, name: node.name, parentCode, timeZone }, update: { name: node.name, parentCode, timeZone } });
      counts.regions++;
      for (const child of node.children ?? []) await saveRegion(child, node.code, timeZone);
    };
    for (const region of seed.regions) await saveRegion(region, null, 'Asia/Jakarta');

    const agencyIds = new Map<string, string>();
    const saveAgency = async (node: AgencyNode, parentId: string | null): Promise<void> => {
      const data = { name: node.name, kind: node.kind, regionCode: node.region, parentId, isCoordinator: node.coordinator ?? false };
      const row = await tx.agency.upsert({ where: { code: node.code }, create: { code: node.code, ...data }, update: data });
      agencyIds.set(node.code, row.id);
      counts.agencies++;
      for (const child of node.children ?? []) await saveAgency(child, row.id);
    };
    for (const agency of seed.agencies) await saveAgency(agency, null);

    const categoryIds = new Map<string, string>();
    let order = 0;
    for (const category of seed.categories) {
      const data = { nameId: category.name.id, nameEn: category.name.en, sortOrder: order++, parentId: null, resolutionTier: category.tier ?? 'SIMPLE' };
      const parent = await tx.category.upsert({ where: { code: category.code }, create: { code: category.code, ...data }, update: data });
      categoryIds.set(category.code, parent.id);
      counts.categories++;
      for (const child of category.children ?? []) {
        const childData = { nameId: child.name.id, nameEn: child.name.en, sortOrder: order++, parentId: parent.id, resolutionTier: child.tier ?? 'SIMPLE' };
        const row = await tx.category.upsert({ where: { code: child.code }, create: { code: child.code, ...childData }, update: childData });
        categoryIds.set(child.code, row.id);
        counts.categories++;
      }
    }

    for (const rule of seed.rules) {
      const categoryId = categoryIds.get(rule.category);
      const agencyId = agencyIds.get(rule.agency);
      if (!categoryId || !agencyId) throw new Error(`routing rule ${rule.category} → ${rule.agency}: unknown category or agency code`);
      const existing = await tx.routingRule.findFirst({ where: { categoryId, regionCode: rule.region } });
      if (existing) await tx.routingRule.update({ where: { id: existing.id }, data: { agencyId } });
      else await tx.routingRule.create({ data: { categoryId, regionCode: rule.region, agencyId } });
      counts.rules++;
    }
    for (const answer of seed.cannedAnswers) {
      const agencyId = answer.agency ? agencyIds.get(answer.agency) : null;
      if (agencyId === undefined) throw new Error(`canned answer ${answer.code}: unknown agency code ${answer.agency ?? ''}`);
      const existing = await tx.cannedAnswer.findFirst({ where: { agencyId, code: answer.code } });
      if (existing) await tx.cannedAnswer.update({ where: { id: existing.id }, data: { title: answer.title, text: answer.text } });
      else await tx.cannedAnswer.create({ data: { agencyId, code: answer.code, title: answer.title, text: answer.text } });
      counts.cannedAnswers++;
    }
    return counts;
  }, { timeout: 60_000 });
}

export async function isEmpty(db: Db): Promise<boolean> {
  return (await db.agency.count()) === 0;
}
