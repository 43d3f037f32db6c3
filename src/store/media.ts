/**
 * The media store: files on local disk (MEDIA_DIR), named by their sha256, described by an
 * Attachment row. The type is read from the bytes, not trusted from the client.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileTypeFromBuffer } from 'file-type';
import type { Channel, MediaKind, MediaRef } from '../domain/index.js';
import type { Db } from './prisma.js';

export type SavedMedia = { ok: true; media: MediaRef } | { ok: false; reason: 'unknown-type'; mimeType: string };

/** What the service ever accepts; each flow step narrows it further (conversations/*.yaml). */
const ACCEPTED = /^(image|video|audio)\/|^application\/pdf$/;

export class MediaStore {
  constructor(private readonly db: Db, private readonly dir: string) {}

  async save(input: { channel: Channel; chatId: string; data: Buffer; declaredMime: string; name?: string }): Promise<SavedMedia> {
    const sniffed = await fileTypeFromBuffer(input.data);
    const mimeType = sniffed?.mime;
    if (!mimeType || !ACCEPTED.test(mimeType)) return { ok: false, reason: 'unknown-type', mimeType: mimeType ?? (input.declaredMime || 'application/octet-stream') };
    const sha256 = createHash('sha256').update(input.data).digest('hex');
    const storageKey = `${sha256.slice(0, 2)}/${sha256}.${sniffed.ext}`;
    const path = join(this.dir, storageKey);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, input.data);
    const kind = kindOf(mimeType);
    const row = await this.db.attachment.create({
      data: { channel: input.channel, chatId: input.chatId, kind, mimeType, sizeBytes: input.data.length, originalName: input.name?.slice(0, 255) ?? null, storageKey, sha256 },
    });
    return { ok: true, media: { attachmentId: row.id, kind, mimeType, sizeBytes: row.sizeBytes, ...(row.originalName ? { name: row.originalName } : {}) } };
  }
}

export interface StoredFile {
  data: Buffer;
  mimeType: string;
  name: string | null;
}

/** Reading stored files back: for the channels that upload them, and for the reporter's browser. */
export class MediaReader {
  constructor(private readonly db: Db, private readonly dir: string) {}

  /** The file and its metadata; null when the row is gone or its bytes are gone from the media directory. */
  async read(attachmentId: string): Promise<StoredFile | null> {
    const row = await this.db.attachment.findUnique({ where: { id: attachmentId } });
    if (!row) return null;
    try {
      return { data: await readFile(join(this.dir, row.storageKey)), mimeType: row.mimeType, name: row.originalName };
    } catch (error) {
      if (typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT') return null;
      throw error;
    }
  }

  /**
   * A file of an agency's answer, for the reporter of that complaint only: the attachment must be
   * listed on an outbound message of a complaint filed from this chat. Internal notes' files never are.
   */
  async readForReporter(attachmentId: string, chat: { channel: Channel; chatId: string }): Promise<StoredFile | null> {
    const shared = await this.db.message.findFirst({
      where: { direction: 'OUT', content: { path: ['attachmentIds'], array_contains: [attachmentId] }, complaint: { channel: chat.channel, chatId: chat.chatId } },
      select: { id: true },
    });
    return shared ? this.read(attachmentId) : null;
  }
}

export function kindOf(mimeType: string): MediaKind {
  if (mimeType.startsWith('image/')) return 'photo';
  if (mimeType.startsWith('video/')) return 'video';
  if (mimeType.startsWith('audio/')) return 'voice';
  return 'document';
}
