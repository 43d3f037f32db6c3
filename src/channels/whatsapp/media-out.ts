/**
 * Outbound files for WhatsApp: an officer's answer with files reaches the citizen as photos,
 * videos, voice notes or documents. Parts are planned first (pure): the answer text rides as the
 * first file's caption when it fits and the file can carry one (voice notes cannot); otherwise the
 * text goes first. At send time a stored file becomes Baileys content by its type and size; a file
 * gone from the media store, or too big for any kind, becomes a text note saying so.
 */
import type { AnyMessageContent } from '@whiskeysockets/baileys';
import type { Language, OutboundMessage } from '../../domain/index.js';
import { MAX_AUDIO_BYTES, MAX_CAPTION_CHARS, MAX_DOCUMENT_BYTES, MAX_IMAGE_BYTES, MAX_VIDEO_BYTES } from './limits.js';
import { renderMessage } from './render.js';

export interface FileRef {
  attachmentId: string;
  mimeType: string;
  name?: string;
}

/** One WhatsApp message to send: a text, or a stored file with an optional caption. */
export type WaPart = { kind: 'text'; text: string } | { kind: 'file'; file: FileRef; caption?: string };

/** Reads a stored attachment back (the media store); null when it is gone. */
export type ReadFile = (attachmentId: string) => Promise<{ data: Buffer; mimeType: string; name: string | null } | null>;

type FileKind = 'image' | 'video' | 'audio' | 'document';

function kindOfMime(mimeType: string): FileKind {
  if (mimeType.startsWith('image/')) return 'image';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'audio';
  return 'document';
}

const LIMITS: Record<FileKind, number> = { image: MAX_IMAGE_BYTES, video: MAX_VIDEO_BYTES, audio: MAX_AUDIO_BYTES, document: MAX_DOCUMENT_BYTES };

/** The parts of one outbound message: texts, then its stored files (links without a stored file are web-only). */
export function planParts(message: OutboundMessage, language: Language): WaPart[] {
  const texts = renderMessage(message, language);
  const files: FileRef[] = (message.media ?? []).flatMap((m) => (m.attachmentId ? [{ attachmentId: m.attachmentId, mimeType: m.mimeType, ...(m.name ? { name: m.name } : {}) }] : []));
  const [first, ...rest] = files;
  const only = texts.length === 1 ? texts[0] : undefined;
  if (first && only !== undefined && only.length <= MAX_CAPTION_CHARS && kindOfMime(first.mimeType) !== 'audio') {
    return [{ kind: 'file', file: first, caption: only }, ...rest.map((file): WaPart => ({ kind: 'file', file }))];
  }
  return [...texts.map((text): WaPart => ({ kind: 'text', text })), ...files.map((file): WaPart => ({ kind: 'file', file }))];
}

const NOTES: Record<Language, { gone: (name: string) => string; tooBig: (name: string, mb: number) => string }> = {
  id: {
    gone: (name) => `📎 Lampiran "${name}" tidak tersedia lagi. Hubungi instansi bila Anda memerlukannya.`,
    tooBig: (name, mb) => `📎 Lampiran "${name}" lebih dari ${mb} MB sehingga tidak dapat dikirim lewat WhatsApp. Hubungi instansi untuk mendapatkannya.`,
  },
  en: {
    gone: (name) => `📎 The attachment "${name}" is no longer available. Contact the agency if you need it.`,
    tooBig: (name, mb) => `📎 The attachment "${name}" is larger than ${mb} MB and cannot be sent over WhatsApp. Contact the agency to get it.`,
  },
};

/**
 * The Baileys content for a file part: by the stored type, as a document when too big for its kind,
 * or a text note (with the caption kept) when the file is gone or too big for a document.
 */
export async function toFileContent(part: Extract<WaPart, { kind: 'file' }>, readFile: ReadFile, language: Language): Promise<{ content: AnyMessageContent; note: boolean }> {
  const stored = await readFile(part.file.attachmentId);
  const name = stored?.name ?? part.file.name ?? 'berkas';
  const withCaption = (note: string) => ({ content: { text: part.caption ? `${part.caption}\n\n${note}` : note }, note: true });
  if (!stored) return withCaption(NOTES[language].gone(name));
  const size = stored.data.length;
  let kind = kindOfMime(stored.mimeType);
  if (size > LIMITS[kind]) kind = 'document';
  if (size > LIMITS.document) return withCaption(NOTES[language].tooBig(name, Math.floor(MAX_DOCUMENT_BYTES / 1048576)));
  const caption = part.caption ? { caption: part.caption } : {};
  const mimetype = stored.mimeType;
  switch (kind) {
    case 'image':
      return { content: { image: stored.data, mimetype, ...caption }, note: false };
    case 'video':
      return { content: { video: stored.data, mimetype, ...caption }, note: false };
    case 'audio':
      return { content: { audio: stored.data, mimetype, ptt: false }, note: false };
    case 'document':
      return { content: { document: stored.data, mimetype, fileName: name, ...caption }, note: false };
  }
}
