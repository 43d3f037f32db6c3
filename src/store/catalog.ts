/** The engine's catalog (categories, agencies, regions), read from PostgreSQL and kept in memory. */
import type { Catalog } from '../engine/index.js';
import type { CatalogSource } from '../services/ports.js';
import type { Db } from './prisma.js';

export async function findCatalog(db: Db, defaultRegionCode: string): Promise<Catalog> {
  const [categories, agencies, regions] = await Promise.all([
    db.category.findMany({ where: { active: true }, orderBy: [{ sortOrder: 'asc' }, { code: 'asc' }] }),
    db.agency.findMany({ where: { active: true, kind: 'DEPARTMENT' }, orderBy: { name: 'asc' } }),
    db.region.findMany({ where: { OR: [{ code: defaultRegionCode }, { parentCode: defaultRegionCode }] } }),
  ]);
  return {
    categories: categories.map((c) => ({ id: c.id, code: c.code, name: { id: c.nameId, en: c.nameEn }, parentId: c.parentId })),
    agencies: agencies.map((a) => ({ id: a.id, code: a.code, name: a.name })),
    regions: regions.filter((r) => r.code !== defaultRegionCode).map((r) => ({ code: r.code, name: r.name })),
    defaultRegionCode,
  };
}

/** Serves the last loaded catalog without I/O on the message path; `refresh()` reloads it. */
export class CachedCatalog implements CatalogSource {
  private constructor(private current: Catalog, private readonly load: () => Promise<Catalog>) {}

  static async create(db: Db, defaultRegionCode: string): Promise<CachedCatalog> {
    const load = () => findCatalog(db, defaultRegionCode);
    return new CachedCatalog(await load(), load);
  }

  catalog(): Catalog {
    return this.current;
  }

  async refresh(): Promise<void> {
    this.current = await this.load();
  }
}
