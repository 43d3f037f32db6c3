/**
 * The audit log: one row per admin action (API or CLI), written inside the transaction of the
 * change it records, so there is never a change without its row or a row without its change.
 */
import { userInfo } from 'node:os';
import type { AdminPrincipal } from '../../services/admin-principal.js';
import type { Db, Prisma } from '../prisma.js';

export type Tx = Prisma.TransactionClient;

/** Who acted, through which door, in which request. */
export interface AuditActor {
  userId: string | null;
  name: string;
  role: string;
  tokenId: string | null;
  via: 'api' | 'cli';
  requestId: string | null;
}

export type AuditValue = string | number | boolean | null | string[];
export type AuditSummary = Record<string, AuditValue>;

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId: string | null;
  /** The agency the target belongs to (null: national data), for scoped reading. */
  agencyId: string | null;
  before?: AuditSummary | null;
  after?: AuditSummary | null;
}

export function apiActor(principal: AdminPrincipal, requestId: string): AuditActor {
  return { userId: principal.userId, name: principal.name, role: principal.role, tokenId: principal.tokenId ?? null, via: 'api', requestId };
}

/** The operator at the shell: the CLI runs with database access, so it acts as OPERATOR. */
export function cliActor(): AuditActor {
  let user = 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers): keep "unknown".
  }
  return { userId: null, name: `cli:${user}`, role: 'OPERATOR', tokenId: null, via: 'cli', requestId: null };
}

export async function saveAudit(tx: Tx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: actor.userId,
      actorName: actor.name,
      actorRole: actor.role,
      tokenId: actor.tokenId,
      via: actor.via,
      requestId: actor.requestId,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId,
      agencyId: entry.agencyId,
      ...(entry.before ? { before: entry.before } : {}),
      ...(entry.after ? { after: entry.after } : {}),
    },
  });
}

export interface AuditQuery {
  /** 'all' or the agencies whose rows may be read (national rows, agencyId null, only with 'all'). */
  agencyIds: string[] | 'all';
  action?: string | undefined;
  targetType?: string | undefined;
  targetId?: string | undefined;
  actorId?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
  /** Rows older than this id (the previous page's nextCursor). */
  cursor?: bigint | undefined;
  limit: number;
}

export async function findAudit(db: Db, query: AuditQuery) {
  const rows = await db.auditLog.findMany({
    where: {
      ...(query.agencyIds === 'all' ? {} : { agencyId: { in: query.agencyIds } }),
      ...(query.action ? { action: query.action } : {}),
      ...(query.targetType ? { targetType: query.targetType } : {}),
      ...(query.targetId ? { targetId: query.targetId } : {}),
      ...(query.actorId ? { actorId: query.actorId } : {}),
      ...(query.from || query.to ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } } : {}),
      ...(query.cursor !== undefined ? { id: { lt: query.cursor } } : {}),
    },
    orderBy: { id: 'desc' },
    take: query.limit + 1,
  });
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => ({ ...r, id: r.id.toString(), at: r.at.toISOString() })),
    nextCursor: rows.length > query.limit && last ? last.id.toString() : null,
  };
}

/** Plain audit values from a row: dates as ISO strings, everything else as is. */
export function summarise(row: Record<string, unknown>, keys: readonly string[]): AuditSummary {
  const out: AuditSummary = {};
  for (const key of keys) {
    const value = row[key];
    if (value instanceof Date) out[key] = value.toISOString();
    else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null) out[key] = value;
  }
  return out;
}
