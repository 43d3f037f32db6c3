/**
 * What happens to one WhatsApp message: read it (inbound.ts), map the sender to one chat id,
 * slow down floods, refuse what cannot be kept (view-once, oversized media: checked from
 * fileLength before downloading), route a quoted reply to its complaint (a citizen's reply to the
 * thread, an officer's answer to the citizen), and hand everything else to the inbound handler.
 */
import type { Logger } from 'pino';
import type { InboundContent, InboundMessage, Language, MediaRef, OutboundMessage } from '../../domain/index.js';
import type { Texts } from '../../engine/index.js';
import { BusyError } from '../../services/handle-inbound.js';
import { KeyedSerialiser } from '../../services/keyed-serialiser.js';
import { toOfficerAnswer } from '../../services/officer-desk.js';
import type { RateLimiter } from '../../services/ports.js';
import type { InboundHandler } from '../channel.js';
import { readMessage, type Payload, type Sighting } from './inbound.js';
import { groupChatId, newPersonChatId } from './jids.js';
import { say } from './texts.js';

export type SavedFile = { ok: true; media: MediaRef } | { ok: false; reason: 'unknown-type'; mimeType: string };

/** Officers' WhatsApp groups; without it every group is ignored. */
export interface GroupDeps {
  isRegistered(groupJid: string): Promise<boolean>;
  /** "daftargrup" from a linked officer: registers the group for their agency; returns the answer. */
  register(groupJid: string, senderChatId: string): Promise<string>;
}

export interface ReceiverDeps {
  handle: InboundHandler;
  send: (chatId: string, messages: OutboundMessage[]) => Promise<void>;
  records: {
    resolveContact(seen: Sighting & { newChatId: string }, at: Date): Promise<string>;
    findSentCode(chatId: string, messageId: string): Promise<string | null>;
  };
  /** Downloads a message's media (Baileys' downloadMediaMessage in production). */
  download: (raw: unknown) => Promise<Buffer>;
  saveFile: (input: { chatId: string; data: Buffer; declaredMime: string; name?: string }) => Promise<SavedFile>;
  /** A LID's phone number from the socket's lid-mapping, when the message carried only the LID. */
  pnForLid?: (lid: string) => Promise<string | null>;
  /** A citizen's text quoting the bot's message about a complaint; null to read it as ordinary text. */
  replyToComplaint?: (message: InboundMessage & { content: { kind: 'text' } }, code: string) => Promise<OutboundMessage[] | null>;
  isOfficer: (senderChatId: string) => Promise<boolean>;
  /** A bare number answering the last numbered message becomes that choice. */
  choices?: { resolve(chatId: string, content: InboundContent): Promise<InboundContent> };
  groups?: GroupDeps;
  limiter: RateLimiter;
  flood: { limit: number; windowMs: number };
  texts: Texts;
  language: Language;
  maxFileBytes: number;
  log: Logger;
  now: () => Date;
}

const REGISTER_GROUP = /^\/?(daftargrup|grup)\s*$/i;

export class WhatsAppReceiver {
  private readonly serial = new KeyedSerialiser();
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: ReceiverDeps) {}

  /** Takes a messages.upsert: only `notify` (new messages); per chat in order; never throws. */
  accept(upsert: { type: string; messages: readonly unknown[] }): void {
    if (upsert.type !== 'notify') return;
    for (const raw of upsert.messages) {
      const key = chatKeyOf(raw);
      const done = this.serial
        .run(key, () => this.process(raw))
        .catch((error: unknown) => this.deps.log.error({ err: error }, 'whatsapp message could not be handled'))
        .finally(() => this.running.delete(done));
      this.running.add(done);
    }
  }

  /** Waits for the messages under way (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running]);
  }

  /** Handles one message; throws only when a dependency fails. */
  async process(raw: unknown): Promise<void> {
    const reading = readMessage(raw);
    const { log } = this.deps;
    if (reading.kind === 'ignored') {
      log.debug({ reason: reading.reason }, 'whatsapp message ignored');
      return;
    }
    if (reading.kind === 'event') {
      log.info({ event: reading.event, id: reading.id }, 'whatsapp reaction/edit/deletion recorded; no flow changes');
      return;
    }
    const senderChatId = await this.resolve(reading.sender);
    if (reading.kind === 'group') {
      await this.group(reading.groupJid, senderChatId, reading.id, reading.payload, raw);
      return;
    }
    if (!(await this.withinLimit(senderChatId))) return;
    await this.person(senderChatId, senderChatId, reading.id, reading.payload, raw);
  }

  private async resolve(sender: Sighting): Promise<string> {
    let pnJid = sender.pnJid;
    if (!pnJid && sender.lidJid && this.deps.pnForLid) pnJid = (await this.deps.pnForLid(sender.lidJid).catch(() => null)) ?? undefined;
    const seen = { ...sender, ...(pnJid ? { pnJid } : {}) };
    return this.deps.records.resolveContact({ ...seen, newChatId: newPersonChatId(seen.pnJid, seen.lidJid) }, this.deps.now());
  }

  private async withinLimit(chatId: string): Promise<boolean> {
    const { limit, windowMs } = this.deps.flood;
    const hit = await this.deps.limiter.hit(`wa:${chatId}`, limit, windowMs);
    if (hit.allowed) return true;
    // One polite notice per window, not one per flooded message (every send is ban risk).
    const notice = await this.deps.limiter.hit(`wa-notice:${chatId}`, 1, windowMs);
    this.deps.log.warn({ chatId }, 'whatsapp flood: message dropped');
    if (notice.allowed) await this.deps.send(chatId, [{ text: say('flood', this.deps.language) }]);
    return false;
  }

  private async group(groupJid: string, senderChatId: string, id: string, payload: Payload, raw: unknown): Promise<void> {
    const { groups } = this.deps;
    if (!groups) return;
    const text = payload.kind === 'content' && payload.content.kind === 'text' ? payload.content.text.trim() : null;
    const chatId = groupChatId(groupJid);
    if (text && REGISTER_GROUP.test(text)) {
      const answer = await groups.register(groupJid, senderChatId);
      if (await groups.isRegistered(groupJid)) await this.deps.send(chatId, [{ text: answer }]);
      else this.deps.log.info({ groupJid }, `whatsapp group registration refused: ${answer}`);
      return;
    }
    if (!(await groups.isRegistered(groupJid)) || !(await this.deps.isOfficer(senderChatId))) return;
    await this.person(chatId, senderChatId, id, payload, raw);
  }

  private async person(chatId: string, senderId: string, id: string, payload: Payload, raw: unknown): Promise<void> {
    const base = { channel: 'WHATSAPP' as const, chatId, senderId, platformMessageId: id, receivedAt: this.deps.now() };
    const language = this.deps.language;
    if (payload.kind === 'refuse') {
      this.deps.log.info({ chatId, what: payload.what }, 'whatsapp message refused by rule');
      await this.deps.send(chatId, [{ text: say(payload.reason === 'view-once' ? 'view_once' : 'unsupported', language) }]);
      return;
    }
    if (payload.kind === 'file') {
      const media = await this.fetch(chatId, payload.file, id, raw);
      if (!media) return;
      await this.deliver({ ...base, content: { kind: 'media', media: [media], ...(payload.caption ? { caption: payload.caption } : {}) } });
      return;
    }
    const message: InboundMessage = { ...base, content: payload.content };
    if (payload.quotedId && payload.content.kind === 'text' && (await this.quoted({ ...message, content: payload.content }, payload.quotedId))) return;
    const content = this.deps.choices ? await this.deps.choices.resolve(chatId, payload.content) : payload.content;
    await this.deliver({ ...message, content });
  }

  /** A quoted reply to the bot's message about a complaint. True when handled here. */
  private async quoted(message: InboundMessage & { content: { kind: 'text' } }, quotedId: string): Promise<boolean> {
    const code = await this.deps.records.findSentCode(message.chatId, quotedId);
    if (!code) return false;
    if (await this.deps.isOfficer(message.senderId)) {
      // The officer answers the notification: "balas KODE …" unless they wrote a command themselves.
      await this.deliver({ ...message, content: { kind: 'text', text: toOfficerAnswer(message.content.text, code) } });
      return true;
    }
    if (!this.deps.replyToComplaint) return false;
    const replies = await this.deps.replyToComplaint(message, code);
    if (!replies) return false;
    await this.deps.send(message.chatId, replies);
    return true;
  }

  /** Size checked from fileLength before downloading; nothing stored when refused. */
  private async fetch(chatId: string, file: { kind: string; declaredMime: string; sizeBytes?: number; name?: string }, id: string, raw: unknown): Promise<MediaRef | null> {
    const maxMb = Math.floor(this.deps.maxFileBytes / 1048576);
    const tooBig = async () => {
      this.deps.log.info({ chatId, id, sizeBytes: file.sizeBytes }, 'whatsapp media too big: refused before download');
      await this.deps.send(chatId, [{ text: this.deps.texts.t('error_media_too_big', this.deps.language, { maxMb }) }]);
      return null;
    };
    if (file.sizeBytes !== undefined && file.sizeBytes > this.deps.maxFileBytes) return tooBig();
    let data: Buffer;
    try {
      data = await this.deps.download(raw);
    } catch (error) {
      this.deps.log.warn({ err: error, chatId, id }, 'whatsapp media download failed');
      await this.deps.send(chatId, [{ text: this.deps.texts.t('busy', this.deps.language) }]);
      return null;
    }
    if (data.length > this.deps.maxFileBytes) return tooBig();
    const saved = await this.deps.saveFile({ chatId, data, declaredMime: file.declaredMime, ...(file.name ? { name: file.name } : {}) });
    if (!saved.ok) {
      await this.deps.send(chatId, [{ text: this.deps.texts.t('error_media_type', this.deps.language, { type: saved.mimeType }) }]);
      return null;
    }
    return saved.media;
  }

  private async deliver(message: InboundMessage): Promise<void> {
    try {
      await this.deps.handle(message);
    } catch (error) {
      if (!(error instanceof BusyError)) throw error;
      this.deps.log.warn({ chatId: message.chatId }, 'whatsapp message not handled: busy');
      await this.deps.send(message.chatId, [{ text: this.deps.texts.t('busy', this.deps.language) }]);
    }
  }
}

/** Messages of one chat are handled in arrival order. */
function chatKeyOf(raw: unknown): string {
  if (typeof raw === 'object' && raw !== null && 'key' in raw && typeof raw.key === 'object' && raw.key !== null && 'remoteJid' in raw.key && typeof raw.key.remoteJid === 'string') return raw.key.remoteJid;
  return 'unknown';
}
