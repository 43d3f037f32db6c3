/**
 * Who is calling the admin surfaces (admin API, figures, queue dashboard, WhatsApp pairing page).
 * Admin users hold bearer tokens; each user has one role. OPERATOR is the deployment's IT team
 * (Diskominfo): everything, everywhere. The officer roles keep the scopes they have in chat
 * (domain/scope.ts): koordinator their region, admin instansi their agency and its units,
 * pejabat penghubung their unit.
 */
import type { OfficerRole } from '../domain/scope.js';

export type AdminRole = 'OPERATOR' | OfficerRole;

export interface AdminPrincipal {
  /** The token's user id (admin user), used in the audit log. */
  userId: string;
  name: string;
  role: AdminRole;
  /** Null only for OPERATOR. */
  agencyId: string | null;
  /** Set when the admin user is an officer who also works in chat. */
  officerId: string | null;
  /** The token this request used (audit rows name it); absent for the CLI. */
  tokenId?: string;
}

export const ADMIN_ROLES = ['OPERATOR', 'ADMIN_KOORDINATOR', 'ADMIN_INSTANSI', 'PEJABAT_PENGHUBUNG'] as const satisfies readonly AdminRole[];

/** Resolves an Authorization header value ("Bearer …") to its principal, or null when unknown, revoked or malformed. */
export type AuthenticateAdmin = (authorization: string | undefined) => Promise<AdminPrincipal | null>;
