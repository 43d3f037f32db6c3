/**
 * Telegram Update → what the channel does with it. Pure: no network, no clock, no grammY objects,
 * so every kind of update is table-tested from fixture JSON. Files are only described here; the
 * adapter downloads them (media.ts) before they become an InboundMessage.
 */
import type { CommandName, InboundMessage, MediaKind } from '../../domain/index.js';
import { UpdateSchema, type TgMessage } from './updates.js';

/** A file to fetch through getFile before it becomes a media message. */
export interface FileToFetch {
  fileId: string;
  fileUniqueId: string;
  kind: MediaKind;
  declaredMime: string;
  sizeBytes?: number;
  name?: string;
}

export type Reading =
  /** A message for the inbound handler; a callback must be answered, a reply-to may name a complaint. */
  | { kind: 'inbound'; message: InboundMessage; callbackQueryId?: string; replyToMessageId?: number }
  /** Files to download first; an album carries its media_group_id and is collected into one message. */
  | { kind: 'files'; base: Omit<InboundMessage, 'content'>; files: FileToFetch[]; caption?: string; albumId?: string }
  /** Something the bot cannot read where an answer is expected (a sticker, a poll): ask again. */
  | { kind: 'unsupported'; chatId: string; what: string }
  /** A button press that carries nothing usable: only answered. */
  | { kind: 'answer-only'; callbackQueryId: string }
  /** The user blocked (kicked) or unblocked the bot in a private chat. */
  | { kind: 'reachability'; chatId: string; reachable: boolean }
  /** A message in a group: officers' forum groups are looked up by the receiver (topics.ts). */
  | { kind: 'group'; chatId: string; senderId: string; messageId: number; threadId?: number; text?: string; hasMedia: boolean; file?: FileToFetch }
  /** A button pressed in a group (a topic's action buttons). */
  | { kind: 'group-button'; callbackQueryId: string; chatId: string; senderId: string; data: string; threadId?: number }
  | { kind: 'ignored'; reason: string };

/** Slash commands the citizen flows understand, mapped to command events. Others stay text (officer commands). */
const COMMANDS: Record<string, CommandName> = {
  start: 'start',
  menu: 'menu',
  batal: 'cancel',
  cancel: 'cancel',
  kembali: 'back',
  back: 'back',
  bantuan: 'help',
  help: 'help',
  bahasa: 'language',
  language: 'language',
  status: 'status',
  cek: 'status',
  lapor: 'report',
  report: 'report',
};

/** Deep-link payloads of /start (t.me/<bot>?start=…): letters, digits, _ and - only. */
const DEEP_LINKS: { pattern: RegExp; read: (m: RegExpExecArray) => { command: CommandName; argument?: string } }[] = [
  { pattern: /^status_([A-Za-z0-9-]{10,20})$/, read: (m) => ({ command: 'status', argument: m[1] ?? '' }) },
  { pattern: /^lapor$/, read: () => ({ command: 'report' }) },
];

export function readUpdate(raw: unknown, receivedAt: Date): Reading {
  const parsed = UpdateSchema.safeParse(raw);
  if (!parsed.success) return { kind: 'ignored', reason: 'update does not parse' };
  const update = parsed.data;
  if (update.callback_query) {
    const query = update.callback_query;
    const chat = query.message?.chat;
    if (query.data && chat && (chat.type === 'supergroup' || chat.type === 'group')) {
      const threadId = query.message?.message_thread_id;
      return { kind: 'group-button', callbackQueryId: query.id, chatId: String(chat.id), senderId: String(query.from.id), data: query.data, ...(threadId !== undefined ? { threadId } : {}) };
    }
    if (!query.data || !chat || chat.type !== 'private') return { kind: 'answer-only', callbackQueryId: query.id };
    const message: InboundMessage = {
      channel: 'TELEGRAM',
      chatId: String(chat.id),
      senderId: String(query.from.id),
      platformMessageId: `cb:${query.id}`,
      content: { kind: 'choice', choiceId: query.data },
      receivedAt,
    };
    return { kind: 'inbound', message, callbackQueryId: query.id };
  }
  if (update.edited_message) return { kind: 'ignored', reason: 'edited message' };
  if (update.my_chat_member) {
    const { chat, new_chat_member: member } = update.my_chat_member;
    if (chat.type !== 'private') return { kind: 'ignored', reason: 'membership change in a group' };
    return { kind: 'reachability', chatId: String(chat.id), reachable: member.status !== 'kicked' };
  }
  if (update.message) return readMessage(update.message, receivedAt);
  return { kind: 'ignored', reason: 'update kind not handled' };
}

function readMessage(msg: TgMessage, receivedAt: Date): Reading {
  if (msg.chat.type === 'channel') return { kind: 'ignored', reason: 'channel post' };
  if (!msg.from || msg.from.is_bot) return { kind: 'ignored', reason: 'message without a human sender' };
  if (msg.chat.type !== 'private') {
    const text = msg.text !== undefined ? stripBotName(msg) : msg.caption;
    const file = fileOf(msg);
    return {
      kind: 'group',
      chatId: String(msg.chat.id),
      senderId: String(msg.from.id),
      messageId: msg.message_id,
      ...(msg.is_topic_message && msg.message_thread_id !== undefined ? { threadId: msg.message_thread_id } : {}),
      ...(text !== undefined ? { text } : {}),
      hasMedia: file !== null,
      ...(file ? { file } : {}),
    };
  }
  const chatId = String(msg.chat.id);
  const base = { channel: 'TELEGRAM' as const, chatId, senderId: String(msg.from.id), platformMessageId: `${chatId}:${msg.message_id}`, receivedAt };
  const replyTo = msg.reply_to_message?.from?.is_bot ? { replyToMessageId: msg.reply_to_message.message_id } : {};

  if (msg.text !== undefined) {
    const command = readCommand(msg);
    if (command) return { kind: 'inbound', message: { ...base, content: { kind: 'command', ...command } } };
    return { kind: 'inbound', message: { ...base, content: { kind: 'text', text: stripBotName(msg) } }, ...replyTo };
  }
  const place = msg.venue?.location ?? msg.location;
  if (place) {
    const address = msg.venue ? `${msg.venue.title}, ${msg.venue.address}`.slice(0, 500) : undefined;
    return { kind: 'inbound', message: { ...base, content: { kind: 'location', latitude: place.latitude, longitude: place.longitude, ...(address ? { address } : {}) } } };
  }
  const file = fileOf(msg);
  if (file) {
    return { kind: 'files', base, files: [file], ...(msg.caption ? { caption: msg.caption } : {}), ...(msg.media_group_id ? { albumId: msg.media_group_id } : {}) };
  }
  return { kind: 'unsupported', chatId, what: Object.keys(msg).find((k) => !['message_id', 'date', 'chat', 'from'].includes(k)) ?? 'empty' };
}

/** "/status ADU-…", "/start status_ADU-…", "/batal@AduanBot": a command event, or null for other commands and text. */
function readCommand(msg: TgMessage): { command: CommandName; argument?: string } | null {
  const text = msg.text ?? '';
  const entity = msg.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return null;
  const name = text.slice(1, entity.length).split('@')[0]?.toLowerCase() ?? '';
  const argument = text.slice(entity.length).trim();
  const command = COMMANDS[name];
  if (!command) return null;
  if (command === 'start' && argument) {
    for (const link of DEEP_LINKS) {
      const match = link.pattern.exec(argument);
      if (match) return link.read(match);
    }
    return { command: 'start' };
  }
  return argument ? { command, argument: argument.slice(0, 200) } : { command };
}

/** "/tugas@AduanBot" → "/tugas": officer commands reach the desk as text. */
function stripBotName(msg: TgMessage): string {
  const text = msg.text ?? '';
  const entity = msg.entities?.find((e) => e.type === 'bot_command' && e.offset === 0);
  if (!entity) return text;
  const head = text.slice(0, entity.length);
  return `${head.split('@')[0] ?? head}${text.slice(entity.length)}`;
}

function fileOf(msg: TgMessage): FileToFetch | null {
  const describe = (ref: { file_id: string; file_unique_id: string; file_size?: number | undefined; mime_type?: string | undefined; file_name?: string | undefined }, kind: MediaKind, fallbackMime: string): FileToFetch => ({
    fileId: ref.file_id,
    fileUniqueId: ref.file_unique_id,
    kind,
    declaredMime: ref.mime_type ?? fallbackMime,
    ...(ref.file_size !== undefined ? { sizeBytes: ref.file_size } : {}),
    ...(ref.file_name ? { name: ref.file_name } : {}),
  });
  const largest = msg.photo?.at(-1);
  if (largest) return describe(largest, 'photo', 'image/jpeg');
  if (msg.video) return describe(msg.video, 'video', 'video/mp4');
  if (msg.video_note) return describe(msg.video_note, 'video', 'video/mp4');
  if (msg.voice) return describe(msg.voice, 'voice', 'audio/ogg');
  if (msg.audio) return describe(msg.audio, 'voice', 'audio/mpeg');
  if (msg.document) return describe(msg.document, 'document', 'application/octet-stream');
  return null;
}
