/**
 * Who may see and touch which complaint (the one place scope is decided). Admin koordinator: every
 * complaint of their region. Admin instansi: their agency and its units. Pejabat penghubung: their
 * unit. Agencies that got a copy (tembusan) may read. A deactivated officer may do nothing.
 */
import type { OfficerAction } from './lifecycle.js';
import { regionAncestry } from './routing.js';

export const OFFICER_ROLES = ['ADMIN_KOORDINATOR', 'ADMIN_INSTANSI', 'PEJABAT_PENGHUBUNG'] as const;
export type OfficerRole = (typeof OFFICER_ROLES)[number];

export interface OfficerView {
  id: string;
  role: OfficerRole;
  agencyId: string;
  active: boolean;
}

export interface AgencyTree {
  parentOf: ReadonlyMap<string, string | null>;
  regionOf: ReadonlyMap<string, string>;
}

export interface ComplaintScope {
  agencyId: string | null;
  regionCode: string | null;
  copyAgencyIds: readonly string[];
  /** SUBMITTED complaints await the koordinator's verification: only koordinators see them. */
  status?: string;
}

export type Access = 'act' | 'read' | 'none';

/** True when `agencyId` is `root` or one of its units, at any depth. */
export function isWithin(tree: AgencyTree, agencyId: string | null, root: string): boolean {
  for (let current = agencyId, depth = 0; current && depth < 20; current = tree.parentOf.get(current) ?? null, depth++) {
    if (current === root) return true;
  }
  return false;
}

/** The koordinator's region covers the incident's region or the receiving agency's region. */
function inRegion(tree: AgencyTree, officer: OfficerView, complaint: ComplaintScope): boolean {
  const officerRegion = tree.regionOf.get(officer.agencyId);
  if (!officerRegion) return false;
  const agencyRegion = complaint.agencyId ? (tree.regionOf.get(complaint.agencyId) ?? null) : null;
  return regionAncestry(complaint.regionCode).includes(officerRegion) || regionAncestry(agencyRegion).includes(officerRegion);
}

export function decideAccess(officer: OfficerView, complaint: ComplaintScope, tree: AgencyTree): Access {
  if (!officer.active) return 'none';
  if (officer.role === 'ADMIN_KOORDINATOR') return inRegion(tree, officer, complaint) ? 'act' : 'none';
  // The verification queue sits with the koordinator's office but belongs to the koordinators alone.
  if (complaint.status === 'SUBMITTED') return 'none';
  if (isWithin(tree, complaint.agencyId, officer.agencyId)) return 'act';
  if (complaint.copyAgencyIds.some((id) => isWithin(tree, id, officer.agencyId))) return 'read';
  return 'none';
}

/** Verification-stage actions belong to the koordinator; the rest to whoever may act. */
const KOORDINATOR_ONLY: readonly OfficerAction[] = ['archive', 'merge'];
const AGENCY_ONLY: readonly OfficerAction[] = ['not_authority'];
/** Forwarding (disposisi) is the admins' job; a pejabat penghubung answers and updates. */
const ADMINS_ONLY: readonly OfficerAction[] = ['forward'];

export function mayPerform(officer: OfficerView, action: OfficerAction): boolean {
  if (KOORDINATOR_ONLY.includes(action)) return officer.role === 'ADMIN_KOORDINATOR';
  if (AGENCY_ONLY.includes(action)) return officer.role !== 'ADMIN_KOORDINATOR';
  if (ADMINS_ONLY.includes(action)) return officer.role !== 'PEJABAT_PENGHUBUNG';
  return true;
}

/** Where an officer may forward to: the koordinator anywhere in the region, others inside their agency. */
export function mayForwardTo(officer: OfficerView, targetAgencyId: string, tree: AgencyTree): boolean {
  if (officer.role === 'ADMIN_KOORDINATOR') {
    const officerRegion = tree.regionOf.get(officer.agencyId);
    return officerRegion !== undefined && regionAncestry(tree.regionOf.get(targetAgencyId) ?? null).includes(officerRegion);
  }
  return isWithin(tree, targetAgencyId, officer.agencyId);
}
