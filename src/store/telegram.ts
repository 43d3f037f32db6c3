/**
 * What the Telegram channel keeps in PostgreSQL: the ids of sent messages that name a complaint
 * (so a reply-to reaches its thread) and the chats the bot can no longer reach.
 */
import type { Db } from './prisma.js';

const INT_MIN = -2_147_483_648;
const INT_MAX = 2_147_483_647;

export class PgTelegramRecords {
  constructor(private readonly db: Db) {}

  async rememberSent(chatId: string, messageId: number, trackingCode: string): Promise<void> {
    await this.db.telegramSentMessage.upsert({
      where: { chatId_messageId: { chatId, messageId } },
      create: { chatId, messageId, trackingCode },
      update: {},
    });
  }

  async findSentCode(chatId: string, messageId: number): Promise<string | null> {
    // The column is a PostgreSQL integer: an id beyond it (a forged or mangled reply-to) names no message
    // the bot sent, and must not fail the update (it would be retried, and answered, never).
    if (!Number.isInteger(messageId) || messageId < INT_MIN || messageId > INT_MAX) return null;
    const row = await this.db.telegramSentMessage.findUnique({ where: { chatId_messageId: { chatId, messageId } } });
    return row?.trackingCode ?? null;
  }

  async markUnreachable(chatId: string, errorCode: number, description: string): Promise<void> {
    await this.db.telegramUnreachableChat.upsert({
      where: { chatId },
      create: { chatId, errorCode, description: description.slice(0, 500) },
      update: { errorCode, description: description.slice(0, 500) },
    });
  }

  async findUnreachable(chatId: string): Promise<{ errorCode: number; description: string } | null> {
    return this.db.telegramUnreachableChat.findUnique({ where: { chatId }, select: { errorCode: true, description: true } });
  }

  /** The citizen wrote again (or unblocked the bot): deliveries resume. */
  async clearUnreachable(chatId: string): Promise<void> {
    await this.db.telegramUnreachableChat.deleteMany({ where: { chatId } });
  }

  /** Registers (or moves) the officers' group of an agency. */
  async registerGroup(chatId: string, agencyId: string, officerId: string): Promise<void> {
    await this.db.$transaction([
      this.db.telegramAgencyGroup.deleteMany({ where: { OR: [{ chatId }, { agencyId }] } }),
      this.db.telegramAgencyGroup.create({ data: { chatId, agencyId, registeredBy: officerId } }),
    ]);
  }

  async findGroupAgency(chatId: string): Promise<string | null> {
    return (await this.db.telegramAgencyGroup.findUnique({ where: { chatId } }))?.agencyId ?? null;
  }

  async findAgencyGroups(agencyIds: string[]): Promise<{ chatId: string; agencyId: string }[]> {
    return this.db.telegramAgencyGroup.findMany({ where: { agencyId: { in: agencyIds } }, select: { chatId: true, agencyId: true } });
  }

  async saveTopic(topic: { complaintId: string; trackingCode: string; chatId: string; threadId: number }): Promise<void> {
    await this.db.telegramTopic.upsert({ where: { complaintId: topic.complaintId }, create: topic, update: {} });
  }

  async findTopic(complaintId: string): Promise<{ chatId: string; threadId: number; trackingCode: string; name: string | null; closed: boolean; syncedVersion: number } | null> {
    return this.db.telegramTopic.findUnique({ where: { complaintId }, select: { chatId: true, threadId: true, trackingCode: true, name: true, closed: true, syncedVersion: true } });
  }

  /** What the topic shows now, and the complaint version it reflects. */
  async saveTopicState(complaintId: string, state: { name: string; closed: boolean; syncedVersion: number }): Promise<void> {
    await this.db.telegramTopic.updateMany({ where: { complaintId }, data: state });
  }

  async findTopicCode(chatId: string, threadId: number): Promise<string | null> {
    return (await this.db.telegramTopic.findUnique({ where: { chatId_threadId: { chatId, threadId } } }))?.trackingCode ?? null;
  }
}
