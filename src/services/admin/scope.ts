/**
 * What an admin principal may see and change, decided with the officers' own scope rules
 * (domain/scope.ts): OPERATOR everything; ADMIN_KOORDINATOR every agency and complaint of their
 * region; ADMIN_INSTANSI their agency and its units; PEJABAT_PENGHUBUNG their unit.
 *
 * Reference data: categories and holidays are national, so only OPERATOR changes them. Agencies,
 * routing rules and officers are changed by OPERATOR anywhere, by a koordinator inside the region
 * and by an admin instansi inside their agency; a pejabat penghubung only reads.
 */
import { decideAccess, isWithin, regionAncestry, type Access, type AgencyTree, type ComplaintScope } from '../../domain/index.js';
import type { AdminPrincipal, AdminRole } from '../admin-principal.js';

export interface AgencyNode {
  id: string;
  parentId: string | null;
  regionCode: string;
}

export function toAgencyTree(agencies: readonly AgencyNode[]): AgencyTree {
  return {
    parentOf: new Map(agencies.map((a) => [a.id, a.parentId])),
    regionOf: new Map(agencies.map((a) => [a.id, a.regionCode])),
  };
}

/** The region a koordinator answers for (their agency's region), or null. */
function regionOf(principal: AdminPrincipal, tree: AgencyTree): string | null {
  return principal.agencyId ? (tree.regionOf.get(principal.agencyId) ?? null) : null;
}

/** True when the principal may read data of `agencyId` (agency record, its officers, its rules). */
export function isAgencyInScope(principal: AdminPrincipal, agencyId: string | null, tree: AgencyTree): boolean {
  if (principal.role === 'OPERATOR') return true;
  if (!agencyId || !principal.agencyId) return false;
  if (principal.role === 'ADMIN_KOORDINATOR') {
    const region = regionOf(principal, tree);
    return region !== null && regionAncestry(tree.regionOf.get(agencyId) ?? null).includes(region);
  }
  return isWithin(tree, agencyId, principal.agencyId);
}

/** Agencies, routing rules and officers: who may change them (within scope). */
export const REFERENCE_WRITERS: readonly AdminRole[] = ['OPERATOR', 'ADMIN_KOORDINATOR', 'ADMIN_INSTANSI'];
/** Categories and holidays are national. */
export const NATIONAL_WRITERS: readonly AdminRole[] = ['OPERATOR'];
/** The audit log: OPERATOR everything, koordinator their region's part. */
export const AUDIT_READERS: readonly AdminRole[] = ['OPERATOR', 'ADMIN_KOORDINATOR'];

/** Every agency id the principal may read, or 'all'. */
export function agencyIdsInScope(principal: AdminPrincipal, tree: AgencyTree): string[] | 'all' {
  if (principal.role === 'OPERATOR') return 'all';
  return [...tree.parentOf.keys()].filter((id) => isAgencyInScope(principal, id, tree));
}

/** Access to one complaint: OPERATOR acts everywhere; officer roles as in chat. */
export function decideComplaintAccess(principal: AdminPrincipal, complaint: ComplaintScope, tree: AgencyTree): Access {
  if (principal.role === 'OPERATOR') return 'act';
  if (!principal.agencyId) return 'none';
  return decideAccess({ id: principal.officerId ?? principal.userId, role: principal.role, agencyId: principal.agencyId, active: true }, complaint, tree);
}

/** Officers an admin may create: nobody creates a role above their own. */
export function mayCreateOfficerRole(principal: AdminPrincipal, role: 'ADMIN_KOORDINATOR' | 'ADMIN_INSTANSI' | 'PEJABAT_PENGHUBUNG'): boolean {
  if (principal.role === 'OPERATOR' || principal.role === 'ADMIN_KOORDINATOR') return true;
  return principal.role === 'ADMIN_INSTANSI' && role !== 'ADMIN_KOORDINATOR';
}

/**
 * Identity of anonim reporters: hidden from everyone by default. OPERATOR and ADMIN_KOORDINATOR (for a
 * complaint in their region) may reveal it on request, with a written reason; the reveal is audited.
 */
export const IDENTITY_REVEALERS: readonly AdminRole[] = ['OPERATOR', 'ADMIN_KOORDINATOR'];

export type ContentVisibility = { content: boolean; title: boolean };

/**
 * Rahasia (confidential) content: whoever may act on the complaint reads it; an agency that only got a
 * copy (tembusan) sees what the public lookup shows (domain/privacy.ts: no title, no content).
 */
export function decideContentVisibility(access: Access, complaint: { confidential: boolean }): ContentVisibility {
  if (access === 'act' || !complaint.confidential) return { content: access !== 'none', title: access !== 'none' };
  return { content: false, title: false };
}
