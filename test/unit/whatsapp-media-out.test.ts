import { describe, expect, it } from 'vitest';
import { MAX_CAPTION_CHARS, MAX_IMAGE_BYTES } from '../../src/channels/whatsapp/limits.js';
import { planParts, toFileContent, type ReadFile } from '../../src/channels/whatsapp/media-out.js';

const ID = '0b7e2c1a-8f3d-4c55-9a61-2d4f6e8a9b10';
const file = (mimeType: string) => ({ url: `/api/webchat/files/${ID}`, mimeType, attachmentId: ID });

describe('WhatsApp outbound files: planning and content', () => {
  it('a short text rides as the first file\'s caption; a long one, or a voice note, gets its own text first', () => {
    expect(planParts({ text: 'Jawaban', media: [file('image/jpeg'), file('application/pdf')] }, 'id')).toEqual([
      { kind: 'file', file: { attachmentId: ID, mimeType: 'image/jpeg' }, caption: 'Jawaban' },
      { kind: 'file', file: { attachmentId: ID, mimeType: 'application/pdf' } },
    ]);
    const long = 'x'.repeat(MAX_CAPTION_CHARS + 1);
    expect(planParts({ text: long, media: [file('image/jpeg')] }, 'id').map((p) => p.kind)).toEqual(['text', 'file']);
    expect(planParts({ text: 'Rekaman', media: [file('audio/ogg')] }, 'id')).toEqual([{ kind: 'text', text: 'Rekaman' }, { kind: 'file', file: { attachmentId: ID, mimeType: 'audio/ogg' } }]);
    // A link without a stored file is for the web chat only.
    expect(planParts({ text: 'Tautan', media: [{ url: 'https://example.org/a.pdf', mimeType: 'application/pdf' }] }, 'en')).toEqual([{ kind: 'text', text: 'Tautan' }]);
  });

  it('stored type picks the content; a photo too big for a photo goes as a document; a gone file is a note keeping the caption', async () => {
    const read = (data: Buffer | null, mimeType: string): ReadFile => () => Promise.resolve(data ? { data, mimeType, name: 'f.bin' } : null);
    const small = Buffer.from('abc');
    const part = { kind: 'file' as const, file: { attachmentId: ID, mimeType: 'image/jpeg' }, caption: 'Cap' };
    expect((await toFileContent(part, read(small, 'video/mp4'), 'id')).content).toEqual({ video: small, mimetype: 'video/mp4', caption: 'Cap' });
    expect((await toFileContent(part, read(small, 'audio/ogg'), 'id')).content).toEqual({ audio: small, mimetype: 'audio/ogg', ptt: false });
    const big = Buffer.alloc(MAX_IMAGE_BYTES + 1);
    const asDocument = (await toFileContent(part, read(big, 'image/jpeg'), 'id')).content;
    // Identity, not a deep compare of 16 MB.
    expect('document' in asDocument && asDocument.document === big).toBe(true);
    expect(asDocument).toHaveProperty('fileName', 'f.bin');
    expect(asDocument).toHaveProperty('caption', 'Cap');
    const gone = await toFileContent(part, read(null, ''), 'en');
    expect(gone.note).toBe(true);
    expect('text' in gone.content ? gone.content.text : '').toMatch(/^Cap\n\n📎 The attachment "berkas" is no longer available/);
  });
});
