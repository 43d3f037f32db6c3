/**
 * What the WhatsApp channel keeps in PostgreSQL besides its session: one contact per person
 * whichever JID form (phone number or LID) arrives, the messages the bot sent (for getMessage and
 * quoted replies), sends refused because the person never wrote first, and officers' groups.
 */
import { isUniqueViolation, type Db } from './prisma.js';

export interface ContactSighting {
  pnJid?: string | undefined;
  lidJid?: string | undefined;
  /** The JID the message came from: replies go there. */
  replyJid: string;
  /** chatId for a person seen the first time. */
  newChatId: string;
}

export interface SentRecord {
  messageId: string;
  jid: string;
  chatId: string;
  /** The message proto as JSON (BufferJSON), for getMessage. */
  content: string;
  trackingCode: string | null;
}

export class PgWhatsAppRecords {
  constructor(private readonly db: Db) {}

  /**
   * The chatId of the person behind these JIDs: found by LID or phone number, the missing form
   * stored when it first shows up, created on first contact. Safe when two messages race.
   */
  async resolveContact(seen: ContactSighting, at: Date): Promise<string> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.resolveOnce(seen, at);
      } catch (error) {
        if (attempt >= 2 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  private async resolveOnce(seen: ContactSighting, at: Date): Promise<string> {
    const byLid = seen.lidJid ? await this.db.whatsAppContact.findUnique({ where: { lidJid: seen.lidJid } }) : null;
    const byPn = seen.pnJid ? await this.db.whatsAppContact.findUnique({ where: { pnJid: seen.pnJid } }) : null;
    // Both known as different people (an old phone-number contact and a new LID one): the older one wins.
    const found = byLid && byPn ? (byLid.firstInbound <= byPn.firstInbound ? byLid : byPn) : (byLid ?? byPn);
    if (!found) {
      const created = await this.db.whatsAppContact.create({
        data: { chatId: seen.newChatId, pnJid: seen.pnJid ?? null, lidJid: seen.lidJid ?? null, replyJid: seen.replyJid, firstInbound: at, lastInbound: at },
      });
      return created.chatId;
    }
    const fill = {
      ...(seen.pnJid && !found.pnJid && !byPn ? { pnJid: seen.pnJid } : {}),
      ...(seen.lidJid && !found.lidJid && !byLid ? { lidJid: seen.lidJid } : {}),
    };
    await this.db.whatsAppContact.update({ where: { chatId: found.chatId }, data: { ...fill, replyJid: seen.replyJid, lastInbound: at } });
    return found.chatId;
  }

  async findContact(chatId: string): Promise<{ chatId: string; pnJid: string | null; lidJid: string | null; replyJid: string } | null> {
    return this.db.whatsAppContact.findUnique({ where: { chatId }, select: { chatId: true, pnJid: true, lidJid: true, replyJid: true } });
  }

  async saveSent(record: SentRecord): Promise<void> {
    await this.db.whatsAppSentMessage.upsert({ where: { messageId: record.messageId }, create: record, update: {} });
  }

  async findSentContent(messageId: string): Promise<string | null> {
    const content = (await this.db.whatsAppSentMessage.findUnique({ where: { messageId }, select: { content: true } }))?.content;
    return content ? content : null;
  }

  /**
   * The sent copies are for WhatsApp's retries (getMessage), which come within days: rows older than
   * `olderThan` lose their content, and those about no complaint go. A row with a tracking code stays
   * (a few dozen bytes), so a citizen quoting an old status message still reaches its complaint.
   * In batches: after a long pause the backlog may be large, and one statement over all of it could
   * run past the statement timeout, be cancelled, and never get done.
   */
  async pruneSent(olderThan: Date, batch = 5_000): Promise<{ cleared: number; deleted: number }> {
    const before = olderThan.toISOString();
    const repeat = async (statement: () => Promise<number>) => {
      let total = 0;
      for (;;) {
        const count = await statement();
        total += count;
        if (count < batch) return total;
      }
    };
    const deleted = await repeat(
      () => this.db.$executeRaw`DELETE FROM "WhatsAppSentMessage" WHERE "messageId" IN (SELECT "messageId" FROM "WhatsAppSentMessage"
        WHERE "createdAt" < (${before}::timestamptz AT TIME ZONE 'UTC') AND "trackingCode" IS NULL LIMIT ${batch})`,
    );
    const cleared = await repeat(
      () => this.db.$executeRaw`UPDATE "WhatsAppSentMessage" SET content = '' WHERE "messageId" IN (SELECT "messageId" FROM "WhatsAppSentMessage"
        WHERE "createdAt" < (${before}::timestamptz AT TIME ZONE 'UTC') AND content <> '' LIMIT ${batch})`,
    );
    return { cleared, deleted };
  }

  /** The complaint a message the bot sent to this chat was about. */
  async findSentCode(chatId: string, messageId: string): Promise<string | null> {
    const row = await this.db.whatsAppSentMessage.findUnique({ where: { messageId }, select: { chatId: true, trackingCode: true } });
    return row && row.chatId === chatId ? row.trackingCode : null;
  }

  async recordRefused(chatId: string, reason: string): Promise<void> {
    await this.db.whatsAppRefusedSend.create({ data: { chatId, reason: reason.slice(0, 500) } });
  }

  async countRefused(chatId: string): Promise<number> {
    return this.db.whatsAppRefusedSend.count({ where: { chatId } });
  }

  /** Registers (or moves) the officers' group of an agency. */
  async registerGroup(groupJid: string, agencyId: string, officerId: string): Promise<void> {
    await this.db.$transaction([
      this.db.whatsAppAgencyGroup.deleteMany({ where: { OR: [{ groupJid }, { agencyId }] } }),
      this.db.whatsAppAgencyGroup.create({ data: { groupJid, agencyId, registeredBy: officerId } }),
    ]);
  }

  async findGroupAgency(groupJid: string): Promise<string | null> {
    return (await this.db.whatsAppAgencyGroup.findUnique({ where: { groupJid } }))?.agencyId ?? null;
  }

  async findAgencyGroups(agencyIds: string[]): Promise<{ groupJid: string; agencyId: string }[]> {
    return this.db.whatsAppAgencyGroup.findMany({ where: { agencyId: { in: agencyIds } }, select: { groupJid: true, agencyId: true } });
  }
}
