/**
 * Admin users and their bearer tokens. A token is `adn_` + 43 base64url characters (32 random
 * bytes); only its sha256 is stored, so it is shown once when issued. Revoked, expired tokens and
 * inactive users authenticate as nobody.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { AdminPrincipal, AdminRole, AuthenticateAdmin } from '../services/admin-principal.js';
import { AdminError, badRequest, notFound } from '../services/admin/errors.js';
import { saveAudit, summarise, type AuditActor } from './admin/audit.js';
import { isUniqueViolation, type Db } from './prisma.js';

export const ADMIN_TOKEN_PREFIX = 'adn_';
const TOKEN_PATTERN = /^adn_[A-Za-z0-9_-]{43}$/;
/** lastUsedAt is written at most this often per token, so reads do not turn into writes. */
const LAST_USED_GRANULARITY_MS = 60_000;

export function newAdminToken(random: (n: number) => Buffer = randomBytes): string {
  return `${ADMIN_TOKEN_PREFIX}${random(32).toString('base64url')}`;
}

export const hashAdminToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** The token in "Bearer <token>", or in "Basic base64(<anything>:<token>)" (browsers, for the queue dashboard). */
export function parseAuthorization(header: string | undefined): string | null {
  if (!header) return null;
  const [scheme, value] = header.trim().split(/\s+/, 2);
  if (!value) return null;
  let token = value;
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    token = decoded.slice(decoded.indexOf(':') + 1);
  } else if (scheme?.toLowerCase() !== 'bearer') return null;
  return TOKEN_PATTERN.test(token) ? token : null;
}

export interface NewAdminUser {
  name: string;
  role: AdminRole;
  /** Agency code; required for every role but OPERATOR. */
  agencyCode?: string | undefined;
  officerId?: string | undefined;
}

export class PgAdminAuth {
  constructor(private readonly db: Db, private readonly now: () => Date = () => new Date()) {}

  authenticate: AuthenticateAdmin = async (authorization) => {
    const token = parseAuthorization(authorization);
    if (!token) return null;
    const row = await this.db.adminToken.findUnique({ where: { tokenHash: hashAdminToken(token) }, include: { user: true } });
    const now = this.now();
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt <= now) || !row.user.active) return null;
    if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > LAST_USED_GRANULARITY_MS) {
      await this.db.adminToken.update({ where: { id: row.id }, data: { lastUsedAt: now } });
    }
    const principal: AdminPrincipal = { userId: row.user.id, name: row.user.name, role: row.user.role, agencyId: row.user.agencyId, officerId: row.user.officerId, tokenId: row.id };
    return principal;
  };

  async createUser(actor: AuditActor, input: NewAdminUser): Promise<{ id: string }> {
    const agency = input.agencyCode ? await this.db.agency.findUnique({ where: { code: input.agencyCode } }) : null;
    if (input.agencyCode && !agency) throw badRequest(`agency "${input.agencyCode}" does not exist`);
    if (input.role !== 'OPERATOR' && !agency) throw badRequest(`role ${input.role} needs an agency (--agency CODE)`);
    if (input.role === 'OPERATOR' && agency) throw badRequest('an OPERATOR belongs to no agency');
    if (input.officerId) {
      const officer = await this.db.officer.findUnique({ where: { id: input.officerId } }).catch(() => null);
      if (!officer) throw badRequest(`officer "${input.officerId}" does not exist`);
      if (officer.agencyId !== agency?.id || officer.role !== input.role) throw badRequest('the linked officer must have the same role and agency');
    }
    try {
      return await this.db.$transaction(async (tx) => {
        const user = await tx.adminUser.create({ data: { name: input.name, role: input.role, agencyId: agency?.id ?? null, officerId: input.officerId ?? null } });
        await saveAudit(tx, actor, { action: 'admin_user.create', targetType: 'admin_user', targetId: user.id, agencyId: user.agencyId, after: summarise(user, ['name', 'role', 'agencyId', 'officerId']) });
        return { id: user.id };
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw new AdminError(409, 'conflict', `an admin user named "${input.name}" already exists`);
      throw error;
    }
  }

  /** Issues a token; the secret is returned once and never stored. */
  async issueToken(actor: AuditActor, input: { user: string; label: string; expiresAt?: Date | undefined }): Promise<{ id: string; token: string; expiresAt: Date | null }> {
    const user = await this.findUser(input.user);
    if (!user.active) throw badRequest(`admin user "${user.name}" is deactivated`);
    if (input.expiresAt && input.expiresAt <= this.now()) throw badRequest('expiresAt must be in the future');
    const token = newAdminToken();
    return this.db.$transaction(async (tx) => {
      const row = await tx.adminToken.create({ data: { userId: user.id, tokenHash: hashAdminToken(token), label: input.label, expiresAt: input.expiresAt ?? null } });
      await saveAudit(tx, actor, { action: 'admin_token.issue', targetType: 'admin_token', targetId: row.id, agencyId: user.agencyId, after: { user: user.name, label: row.label, expiresAt: row.expiresAt?.toISOString() ?? null } });
      return { id: row.id, token, expiresAt: row.expiresAt };
    });
  }

  async revokeToken(actor: AuditActor, tokenId: string): Promise<void> {
    const row = await this.db.adminToken.findUnique({ where: { id: tokenId }, include: { user: true } }).catch(() => null);
    if (!row) throw notFound(`admin token "${tokenId}"`);
    if (row.revokedAt) return;
    await this.db.$transaction(async (tx) => {
      await tx.adminToken.update({ where: { id: row.id }, data: { revokedAt: this.now() } });
      await saveAudit(tx, actor, { action: 'admin_token.revoke', targetType: 'admin_token', targetId: row.id, agencyId: row.user.agencyId, before: { user: row.user.name, label: row.label } });
    });
  }

  async setUserActive(actor: AuditActor, nameOrId: string, active: boolean): Promise<void> {
    const user = await this.findUser(nameOrId);
    await this.db.$transaction(async (tx) => {
      await tx.adminUser.update({ where: { id: user.id }, data: { active } });
      await saveAudit(tx, actor, { action: active ? 'admin_user.activate' : 'admin_user.deactivate', targetType: 'admin_user', targetId: user.id, agencyId: user.agencyId, before: { active: user.active }, after: { active } });
    });
  }

  async listUsers() {
    return this.db.adminUser.findMany({
      orderBy: { createdAt: 'asc' },
      include: { tokens: { select: { id: true, label: true, createdAt: true, lastUsedAt: true, expiresAt: true, revokedAt: true }, orderBy: { createdAt: 'asc' } } },
    });
  }

  /** By id or by name. */
  async findUser(nameOrId: string) {
    const byName = await this.db.adminUser.findUnique({ where: { name: nameOrId } });
    const user = byName ?? (/^[0-9a-f-]{36}$/i.test(nameOrId) ? await this.db.adminUser.findUnique({ where: { id: nameOrId } }) : null);
    if (!user) throw notFound(`admin user "${nameOrId}"`);
    return user;
  }
}
