/** Officers, their link codes and chat identities in PostgreSQL. */
import type { Channel, OfficerRole } from '../domain/index.js';
import type { OfficerStore } from '../services/onboarding.js';
import { isUniqueViolation, type Db } from './prisma.js';

export class PgOfficerStore implements OfficerStore {
  constructor(private readonly db: Db) {}

  async createOfficer(input: { name: string; role: OfficerRole; agencyCode: string }): Promise<{ id: string } | { error: 'unknown_agency' }> {
    const agency = await this.db.agency.findUnique({ where: { code: input.agencyCode } });
    if (!agency) return { error: 'unknown_agency' };
    const officer = await this.db.officer.create({ data: { name: input.name, role: input.role, agencyId: agency.id } });
    return { id: officer.id };
  }

  /** A new code retires the officer's earlier unused ones: only the latest hand-over works. */
  async saveLinkCode(officerId: string, codeHash: string, expiresAt: Date): Promise<void> {
    await this.db.$transaction([
      this.db.officerLinkCode.updateMany({ where: { officerId, usedAt: null, expiresAt: { gt: new Date(0) } }, data: { expiresAt: new Date(0) } }),
      this.db.officerLinkCode.create({ data: { officerId, codeHash, expiresAt } }),
    ]);
  }

  async redeemLinkCode(codeHash: string, identity: { channel: Channel; externalId: string }, now: Date) {
    try {
      return await this.db.$transaction(async (tx) => {
        const link = await tx.officerLinkCode.findUnique({ where: { codeHash }, include: { officer: { include: { agency: true } } } });
        if (!link) return { ok: false, reason: 'unknown' } as const;
        if (link.usedAt) return { ok: false, reason: 'used' } as const;
        if (link.expiresAt <= now) return { ok: false, reason: 'expired' } as const;
        if (!link.officer.active) return { ok: false, reason: 'inactive' } as const;
        const existing = await tx.officerIdentity.findUnique({ where: { channel_externalId: identity } });
        if (existing && existing.officerId !== link.officerId) return { ok: false, reason: 'taken' } as const;
        // Single use even under a race: only the first update finds usedAt still null.
        const { count } = await tx.officerLinkCode.updateMany({ where: { codeHash, usedAt: null }, data: { usedAt: now } });
        if (count === 0) return { ok: false, reason: 'used' } as const;
        if (!existing) await tx.officerIdentity.create({ data: { ...identity, officerId: link.officerId } });
        return { ok: true, officerName: link.officer.name, agencyName: link.officer.agency.name } as const;
      });
    } catch (error) {
      if (isUniqueViolation(error)) return { ok: false, reason: 'taken' } as const;
      throw error;
    }
  }

  async setActive(officerId: string, active: boolean): Promise<boolean> {
    const { count } = await this.db.officer.updateMany({ where: { id: officerId }, data: { active } });
    return count > 0;
  }

  /** Every linked identity, for routing officers' messages past the citizen flows. */
  async findIdentityKeys(): Promise<string[]> {
    const rows = await this.db.officerIdentity.findMany({ select: { channel: true, externalId: true } });
    return rows.map((r) => `${r.channel}:${r.externalId}`);
  }
}
