/** The reference data flows choose from (categories, agencies, regions), loaded by the caller. */
import type { LocalText } from './flow-schema.js';

export interface CatalogCategory {
  id: string;
  code: string;
  name: LocalText;
  parentId: string | null;
}

export interface CatalogAgency {
  id: string;
  code: string;
  name: string;
}

export interface CatalogRegion {
  code: string;
  name: string;
}

export interface Catalog {
  /** Active categories in display order; top-level ones have parentId null. */
  categories: readonly CatalogCategory[];
  /** Agencies a citizen may name in the form. */
  agencies: readonly CatalogAgency[];
  /** Regions whose names are recognised in typed addresses (the kecamatan of the deployment). */
  regions: readonly CatalogRegion[];
  /** The region a report belongs to when the address names none. */
  defaultRegionCode: string | null;
}
