import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readMessage } from '../../src/channels/whatsapp/index.js';
import { contactText } from '../../src/channels/whatsapp/inbound.js';
import { choiceHint, renderMessage, splitText } from '../../src/channels/whatsapp/render.js';

const fixture = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'whatsapp', `${name}.json`), 'utf8'));
const PN = '6281100000001@s.whatsapp.net';
const LID = '150000000000001@lid';

describe('readMessage: WAMessage fixtures', () => {
  it('a LID message with its phone number as remoteJidAlt: one sighting with both forms, answered at the LID', () => {
    expect(readMessage(fixture('text-lid'))).toEqual({ kind: 'private', id: '3EB0MSGID', sender: { replyJid: LID, lidJid: LID, pnJid: PN }, payload: { kind: 'content', content: { kind: 'text', text: 'Halo' } } });
    expect(readMessage(fixture('text-pn'))).toMatchObject({ sender: { replyJid: PN, pnJid: PN } });
    expect(readMessage(fixture('text-lid-only'))).toMatchObject({ sender: { replyJid: LID, lidJid: LID } });
    expect(readMessage(fixture('ephemeral-text'))).toMatchObject({ payload: { content: { kind: 'text', text: 'Halo' } } });
  });

  it('quoted replies carry the quoted message id', () => {
    expect(readMessage(fixture('extended-quoted'))).toMatchObject({ payload: { kind: 'content', content: { kind: 'text', text: 'Halo' }, quotedId: 'QUOTEDID' } });
  });

  it('media with caption and size known before download', () => {
    expect(readMessage(fixture('image-caption'))).toMatchObject({ payload: { kind: 'file', file: { kind: 'photo', declaredMime: 'image/jpeg', sizeBytes: 2048 }, caption: 'Jalan berlubang' } });
    expect(readMessage(fixture('video-100mb'))).toMatchObject({ payload: { kind: 'file', file: { kind: 'video', sizeBytes: 104857600 } } });
    expect(readMessage(fixture('document-caption'))).toMatchObject({ payload: { kind: 'file', file: { kind: 'document', declaredMime: 'application/pdf', name: 'surat.pdf' }, caption: 'Surat keterangan' } });
    expect(readMessage(fixture('audio-ptt'))).toMatchObject({ payload: { kind: 'file', file: { kind: 'voice', declaredMime: 'audio/ogg' } } });
  });

  it('locations and contact cards', () => {
    expect(readMessage(fixture('location'))).toMatchObject({ payload: { content: { kind: 'location', latitude: -7.9666, longitude: 112.6326, address: 'Alun-alun Malang, Jl. Merdeka, Kiduldalem' } } });
    expect(readMessage(fixture('contact'))).toMatchObject({ payload: { content: { kind: 'text', text: 'Kontak: Pak RT, +62 812-3450-0000' } } });
    expect(contactText({ vcard: 'BEGIN:VCARD\nFN:Bu Lurah\nEND:VCARD' })).toBe('Kontak: Bu Lurah');
  });

  it('reactions, edits and deletions are events, never flow input', () => {
    expect(readMessage(fixture('reaction'))).toMatchObject({ kind: 'event', event: 'reaction' });
    expect(readMessage(fixture('edit'))).toMatchObject({ kind: 'event', event: 'edit' });
    expect(readMessage(fixture('delete'))).toMatchObject({ kind: 'event', event: 'delete' });
  });

  it('skips own messages, status broadcasts, stubs; refuses view-once, stickers, polls and empty text', () => {
    expect(readMessage(fixture('from-me'))).toEqual({ kind: 'ignored', reason: 'own message' });
    expect(readMessage(fixture('status'))).toMatchObject({ kind: 'ignored' });
    expect(readMessage(fixture('no-content'))).toMatchObject({ kind: 'ignored' });
    expect(readMessage(fixture('view-once'))).toMatchObject({ payload: { kind: 'refuse', reason: 'view-once' } });
    expect(readMessage(fixture('sticker'))).toMatchObject({ payload: { kind: 'refuse', reason: 'unsupported', what: 'stickerMessage' } });
    expect(readMessage(fixture('poll'))).toMatchObject({ payload: { kind: 'refuse', reason: 'unsupported', what: 'pollCreationMessageV3' } });
    expect(readMessage(fixture('empty-text'))).toMatchObject({ payload: { kind: 'refuse', reason: 'unsupported' } });
    expect(readMessage({ key: { remoteJid: LID } })).toMatchObject({ kind: 'ignored' });
    expect(readMessage(null)).toMatchObject({ kind: 'ignored' });
  });

  it('group messages name the group and the participant (LID with its phone number)', () => {
    expect(readMessage(fixture('group-text'))).toMatchObject({ kind: 'group', groupJid: '120363000000000001@g.us', sender: { replyJid: LID, lidJid: LID, pnJid: PN } });
  });
});

describe('rendering numbered choices', () => {
  it('says how to answer', () => {
    expect(choiceHint(1, 'id')).toBe('Balas 1');
    expect(choiceHint(2, 'id')).toBe('Balas 1 atau 2');
    expect(choiceHint(3, 'id')).toBe('Balas 1, 2 atau 3');
    expect(choiceHint(7, 'en')).toBe('Reply with a number 1-7.');
    expect(renderMessage({ text: 'Jenis?', choices: [{ id: 'a', label: 'A' }, { id: 'b', label: 'B' }, { id: 'c', label: 'C' }] }, 'id')).toEqual(['Jenis?\n\n1. A\n2. B\n3. C\n\n_Balas 1, 2 atau 3_']);
  });
  it('splits long texts within the limit', () => {
    const parts = splitText(`${'a'.repeat(30)}\n${'b'.repeat(30)}\n${'c'.repeat(75)}`, 40);
    expect(parts.every((p) => p.length <= 40)).toBe(true);
    expect(parts.join('')).toBe(`${'a'.repeat(30)}${'b'.repeat(30)}${'c'.repeat(75)}`);
  });
});
