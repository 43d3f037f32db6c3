/**
 * What happens to one update: read it (inbound.ts), fetch its files, collect albums, hand the
 * message to the inbound handler, answer button presses, and reply "busy" when the handler cannot
 * take the message. Free of grammY objects: the bot (bot.ts) and the webhook feed it updates.
 */
import type { Logger } from 'pino';
import type { InboundMessage, Language, MediaRef, OutboundMessage } from '../../domain/index.js';
import type { Texts } from '../../engine/index.js';
import { BusyError } from '../../services/handle-inbound.js';
import type { InboundHandler } from '../channel.js';
import { readUpdate, type FileToFetch } from './inbound.js';
import { ALBUM_WAIT_MS } from './limits.js';
import { AlbumCollector, type Download, type Scheduler } from './media.js';
import { handleGroupButton, handleGroupMessage, type TopicDeps } from './topics.js';

export type SavedFile = { ok: true; media: MediaRef } | { ok: false; reason: 'unknown-type'; mimeType: string };

export interface ReceiverDeps {
  handle: InboundHandler;
  /** The channel's own delivery (queued), for the few replies the receiver writes itself. */
  send: (chatId: string, messages: OutboundMessage[]) => Promise<void>;
  answerCallback: (callbackQueryId: string) => Promise<unknown>;
  download: (file: FileToFetch) => Promise<Download>;
  saveFile: (input: { chatId: string; data: Buffer; declaredMime: string; name?: string }) => Promise<SavedFile>;
  records: {
    findSentCode(chatId: string, messageId: number): Promise<string | null>;
    markUnreachable(chatId: string, errorCode: number, description: string): Promise<void>;
    clearUnreachable(chatId: string): Promise<void>;
  };
  /**
   * A text reply to one of the bot's messages about a complaint: added to that complaint's thread.
   * Returns the confirmation to show, or null to treat the text as an ordinary message.
   */
  replyToComplaint?: (message: InboundMessage & { content: { kind: 'text' } }, code: string) => Promise<OutboundMessage[] | null>;
  /** Officers' forum groups; without it every group is ignored. */
  groups?: TopicDeps;
  texts: Texts;
  language: Language;
  maxFileBytes: number;
  log: Logger;
  now: () => Date;
  scheduler: Scheduler;
}

interface AlbumPart {
  base: Omit<InboundMessage, 'content'>;
  media: MediaRef[];
  caption?: string;
}

export class TelegramReceiver {
  private readonly albums: AlbumCollector<AlbumPart>;

  constructor(private readonly deps: ReceiverDeps) {
    this.albums = new AlbumCollector(deps.scheduler, ALBUM_WAIT_MS, (key, parts) => this.flushAlbum(key, parts));
  }

  /** Handles one update; never throws for what a citizen sent, only when a dependency fails. */
  async process(update: unknown): Promise<void> {
    const reading = readUpdate(update, this.deps.now());
    const { log } = this.deps;
    switch (reading.kind) {
      case 'ignored':
        log.info({ reason: reading.reason }, 'telegram update ignored');
        return;
      case 'group':
        // A file is fetched only once the topic is known to be a complaint's (topics.ts asks).
        if (this.deps.groups) await handleGroupMessage(this.deps.groups, reading, () => (reading.file ? this.fetchFiles(reading.chatId, [reading.file]) : Promise.resolve([])));
        else log.info({ chatId: reading.chatId }, 'telegram group message ignored');
        return;
      case 'group-button':
        if (this.deps.groups) await handleGroupButton(this.deps.groups, reading);
        else await this.answer(reading.callbackQueryId);
        return;
      case 'answer-only':
        await this.answer(reading.callbackQueryId);
        return;
      case 'reachability':
        if (reading.reachable) await this.deps.records.clearUnreachable(reading.chatId);
        else await this.deps.records.markUnreachable(reading.chatId, 403, 'Forbidden: bot was blocked by the user (my_chat_member)');
        return;
      case 'unsupported':
        log.info({ chatId: reading.chatId, what: reading.what }, 'telegram message of a kind the bot cannot read');
        await this.deps.send(reading.chatId, [{ text: this.say('error_expected_text') }]);
        return;
      case 'inbound':
        if (reading.callbackQueryId) await this.answer(reading.callbackQueryId);
        if (reading.replyToMessageId !== undefined && (await this.replyTo(reading.message, reading.replyToMessageId))) return;
        await this.deliver(reading.message);
        return;
      case 'files': {
        const media = await this.fetchFiles(reading.base.chatId, reading.files);
        if (!media) return;
        const part = { base: reading.base, media, ...(reading.caption ? { caption: reading.caption } : {}) };
        if (reading.albumId) this.albums.add(`${reading.base.chatId}:${reading.albumId}`, part);
        else await this.deliver({ ...part.base, content: { kind: 'media', media, ...(part.caption ? { caption: part.caption } : {}) } });
      }
    }
  }

  /** Flushes open albums and waits for them (shutdown). */
  drain(): Promise<void> {
    return this.albums.drain();
  }

  /** Waits for album flushes already under way (tests fire the scheduler, then wait here). */
  idle(): Promise<void> {
    return this.albums.idle();
  }

  private say(key: 'error_expected_text' | 'busy' | 'error_media_too_big' | 'error_media_type', params?: Record<string, string | number>): string {
    return this.deps.texts.t(key, this.deps.language, params);
  }

  private async answer(callbackQueryId: string): Promise<void> {
    // Always answered, first, so the button stops spinning; a query that is too old fails harmlessly.
    await this.deps.answerCallback(callbackQueryId).catch((error: unknown) => this.deps.log.warn({ err: error }, 'answerCallbackQuery failed'));
  }

  private async deliver(message: InboundMessage): Promise<void> {
    try {
      await this.deps.handle(message);
    } catch (error) {
      if (!(error instanceof BusyError)) throw error;
      this.deps.log.warn({ chatId: message.chatId }, 'telegram message not handled: busy');
      await this.deps.send(message.chatId, [{ text: this.say('busy') }]);
    }
  }

  private async replyTo(message: InboundMessage, repliedId: number): Promise<boolean> {
    const { content } = message;
    if (content.kind !== 'text' || !this.deps.replyToComplaint) return false;
    const code = await this.deps.records.findSentCode(message.chatId, repliedId);
    if (!code) return false;
    const replies = await this.deps.replyToComplaint({ ...message, content }, code);
    if (!replies) return false;
    await this.deps.send(message.chatId, replies);
    return true;
  }

  /** Downloads and stores each file; on a file too big or of a refused type, says so and stores nothing more. */
  private async fetchFiles(chatId: string, files: FileToFetch[]): Promise<MediaRef[] | null> {
    const media: MediaRef[] = [];
    for (const file of files) {
      const downloaded = await this.deps.download(file);
      if (!downloaded.ok) {
        this.deps.log.info({ chatId, reason: downloaded.reason, detail: downloaded.detail }, 'telegram file not accepted');
        const text = downloaded.reason === 'too-big' ? this.say('error_media_too_big', { maxMb: Math.floor(this.deps.maxFileBytes / 1048576) }) : this.say('busy');
        await this.deps.send(chatId, [{ text }]);
        return null;
      }
      const saved = await this.deps.saveFile({ chatId, data: downloaded.data, declaredMime: file.declaredMime, ...(file.name ? { name: file.name } : {}) });
      if (!saved.ok) {
        await this.deps.send(chatId, [{ text: this.say('error_media_type', { type: saved.mimeType }) }]);
        return null;
      }
      media.push(saved.media);
    }
    return media;
  }

  private async flushAlbum(key: string, parts: AlbumPart[]): Promise<void> {
    const first = parts[0];
    if (!first) return;
    const caption = parts.find((p) => p.caption)?.caption;
    const message: InboundMessage = { ...first.base, content: { kind: 'media', media: parts.flatMap((p) => p.media), ...(caption ? { caption } : {}) } };
    try {
      await this.deliver(message);
    } catch (error) {
      this.deps.log.error({ err: error, album: key }, 'telegram album could not be handled');
    }
  }
}
