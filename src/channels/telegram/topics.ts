/**
 * Officers' forum groups. An agency admin registers a supergroup with topics by sending /grup in
 * it; each complaint routed to that agency then gets a topic with its summary and action buttons.
 * What a linked officer writes in the topic is the agency's answer to the citizen; "#catatan …"
 * stays internal, "#tunda …", "#selesai …", "#arsip …" and "#teruskan instansi" are the other
 * actions. Every action runs as the officer, with casework's scope and lifecycle checks.
 */
import type { Logger } from 'pino';
import type { ComplaintStatus, MediaRef, OutboundMessage } from '../../domain/index.js';
import type { OfficerRequest } from '../../services/casework.js';
import type { Reading } from './inbound.js';

export interface TopicDeps {
  /** Registers the group for the sender's agency; the reply to post. */
  registerGroup(chatId: string, senderId: string): Promise<string>;
  isRegisteredGroup(chatId: string): Promise<boolean>;
  codeOfTopic(chatId: string, threadId: number): Promise<string | null>;
  /** Runs the request as the officer linked to `senderId`; null when the sender is not an officer. */
  act(senderId: string, request: OfficerRequest, at: Date): Promise<string | null>;
  sendToTopic(chatId: string, threadId: number | undefined, messages: OutboundMessage[]): Promise<void>;
  answerCallback(callbackQueryId: string, text?: string): Promise<unknown>;
  log: Logger;
  now: () => Date;
}

/** Topic buttons: callback_data `op:<verb>:<code>` (at most 28 bytes); these act at once. */
const direct = (verb: string) => (verb === 'ambil' ? 'claim' : verb === 'proses' ? 'start' : verb === 'tutup' ? 'close' : null);
const HINTS: Record<string, string> = {
  tunda: 'Tulis di topik ini: #tunda <pertanyaan untuk pelapor>',
  teruskan: 'Tulis di topik ini: #teruskan <kode-instansi>',
  selesai: 'Tulis di topik ini: #selesai <jawaban akhir untuk pelapor>',
  arsip: 'Tulis di topik ini: #arsip <alasan>',
};

export function topicButtons(code: string): { id: string; label: string }[] {
  return [
    { id: `op:ambil:${code}`, label: '🙋 Ambil' },
    { id: `op:proses:${code}`, label: '🔧 Proses' },
    { id: `op:tunda:${code}`, label: '❓ Minta info' },
    { id: `op:teruskan:${code}`, label: '↪️ Teruskan' },
    { id: `op:selesai:${code}`, label: '✅ Selesai' },
    { id: `op:arsip:${code}`, label: '🗄 Arsip' },
  ];
}

/** The status as the topic's name shows it. */
const STATUS_LABEL: Record<ComplaintStatus, string> = {
  SUBMITTED: '🆕 Verifikasi',
  ON_HOLD: '⏸ Ditunda',
  FORWARDED: '📨 Baru',
  IN_PROGRESS: '🔧 Diproses',
  FOLLOWED_UP: '💬 Dijawab',
  CITIZEN_REPLIED: '↩️ Ditanggapi',
  DONE: '✅ Selesai',
  ARCHIVED: '🗄 Arsip',
};

/** The topic's name: the code, the status and the category, within Telegram's 128 characters. */
export function topicName(code: string, category: string, status: ComplaintStatus): string {
  return `${code} · ${STATUS_LABEL[status]} · ${category}`.slice(0, 128);
}

/** A finished complaint's topic is closed; reopening the complaint reopens it. */
export function isTopicClosed(status: ComplaintStatus): boolean {
  return status === 'DONE' || status === 'ARCHIVED';
}

/** The answer's text when an officer sends a file without a caption. */
export const FILE_ONLY_TEXT = 'Terlampir berkas dari petugas.';

/** Reads what an officer wrote in a complaint's topic. */
export function readTopicText(code: string, text: string): OfficerRequest {
  const tag = /^#(catatan|tunda|selesai|arsip|teruskan)\b\s*([\s\S]*)$/i.exec(text.trim());
  if (!tag) return { action: 'answer', code, text: text.trim() };
  const body = (tag[2] ?? '').trim();
  switch (tag[1]?.toLowerCase()) {
    case 'catatan':
      return { action: 'note', code, text: body };
    case 'tunda':
      return { action: 'hold', code, text: body };
    case 'selesai':
      return { action: 'resolve', code, text: body };
    case 'arsip':
      return { action: 'archive', code, text: body };
    default:
      return { action: 'forward', code, agencyCode: body.split(/\s+/)[0]?.toLowerCase() ?? '', copyCodes: [] };
  }
}

/**
 * `fetchMedia` downloads the message's file into the media store (null when it was refused: the
 * receiver already said why). A photo or document goes with the answer (or the note) it captions.
 */
export async function handleGroupMessage(deps: TopicDeps, reading: Extract<Reading, { kind: 'group' }>, fetchMedia: () => Promise<MediaRef[] | null> = () => Promise.resolve([])): Promise<void> {
  const text = reading.text?.trim() ?? '';
  if (/^\/grup(\s|$)/i.test(text)) {
    await deps.sendToTopic(reading.chatId, reading.threadId, [{ text: await deps.registerGroup(reading.chatId, reading.senderId) }]);
    return;
  }
  if (!(await deps.isRegisteredGroup(reading.chatId))) {
    deps.log.info({ chatId: reading.chatId }, 'message in an unregistered group ignored');
    return;
  }
  const code = reading.threadId === undefined ? null : await deps.codeOfTopic(reading.chatId, reading.threadId);
  if (!code) return; // the General topic, or a topic that is not a complaint's: officers talk freely there
  if (!text && !reading.hasMedia) return;
  const request = readTopicText(code, text || FILE_ONLY_TEXT);
  let withMedia = request;
  if (reading.hasMedia) {
    if (request.action !== 'answer' && request.action !== 'resolve' && request.action !== 'note') {
      await deps.sendToTopic(reading.chatId, reading.threadId, [{ text: '⚠️ Berkas hanya dapat dikirim dengan jawaban (tanpa tanda) atau #selesai / #catatan.' }]);
      return;
    }
    const media = await fetchMedia();
    if (!media) return;
    withMedia = { ...request, media };
  }
  const answer = await deps.act(reading.senderId, withMedia, deps.now());
  if (answer === null) {
    deps.log.info({ chatId: reading.chatId }, 'topic message from someone who is not a linked officer ignored');
    return;
  }
  await deps.sendToTopic(reading.chatId, reading.threadId, [{ text: answer }]);
}

export async function handleGroupButton(deps: TopicDeps, reading: Extract<Reading, { kind: 'group-button' }>): Promise<void> {
  const match = /^op:([a-z]+):([A-Z]{2,5}-[0-9A-Z]{4}-[0-9A-Z]{4})$/.exec(reading.data);
  const verb = match?.[1] ?? '';
  const code = match?.[2];
  const hint = HINTS[verb];
  if (!code || !(await deps.isRegisteredGroup(reading.chatId))) {
    await deps.answerCallback(reading.callbackQueryId);
    return;
  }
  if (hint) {
    await deps.answerCallback(reading.callbackQueryId, hint);
    return;
  }
  const action = direct(verb);
  await deps.answerCallback(reading.callbackQueryId);
  if (!action) return;
  const answer = await deps.act(reading.senderId, { action, code }, deps.now());
  if (answer !== null) await deps.sendToTopic(reading.chatId, reading.threadId, [{ text: answer }]);
}
