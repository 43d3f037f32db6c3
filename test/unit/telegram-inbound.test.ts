import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readUpdate } from '../../src/channels/telegram/inbound.js';
import { readTopicText, topicButtons } from '../../src/channels/telegram/topics.js';

const at = new Date('2026-11-23T08:00:00Z');
const load = (name: string): unknown => JSON.parse(readFileSync(join(import.meta.dirname, '..', 'fixtures', 'telegram', `${name}.json`), 'utf8'));
const base = { channel: 'TELEGRAM', chatId: '700000001', senderId: '700000001', receivedAt: at };

describe('Telegram updates → what the channel does', () => {
  it('a text message is text, keyed by chat and message id', () => {
    expect(readUpdate(load('text'), at)).toEqual({ kind: 'inbound', message: { ...base, platformMessageId: '700000001:11', content: { kind: 'text', text: 'Halo' } } });
  });

  it('/start with a status deep link is a status command with the code', () => {
    expect(readUpdate(load('start-deeplink'), at)).toMatchObject({ kind: 'inbound', message: { content: { kind: 'command', command: 'status', argument: 'ADU-7KQ2-M9XD' } } });
  });

  it('/status@bot CODE is a status command; /batal, /kembali, /bantuan, /bahasa en are command events', () => {
    expect(readUpdate(load('command'), at)).toMatchObject({ message: { content: { kind: 'command', command: 'status', argument: 'ADU-7KQ2-M9XD' } } });
    const command = (text: string) => {
      const update = load('text') as { message: Record<string, unknown> };
      return readUpdate({ ...update, message: { ...update.message, text, entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]!.length }] } }, at);
    };
    expect(command('/batal')).toMatchObject({ message: { content: { kind: 'command', command: 'cancel' } } });
    expect(command('/kembali')).toMatchObject({ message: { content: { kind: 'command', command: 'back' } } });
    expect(command('/bantuan')).toMatchObject({ message: { content: { kind: 'command', command: 'help' } } });
    expect(command('/bahasa en')).toMatchObject({ message: { content: { kind: 'command', command: 'language', argument: 'en' } } });
    expect(command('/start')).toMatchObject({ message: { content: { kind: 'command', command: 'start' } } });
    expect(command('/start something_else')).toMatchObject({ message: { content: { kind: 'command', command: 'start' } } });
    // Officer commands reach the officer desk as text, without the bot's name.
    expect(command('/daftar@AduanTestBot K7Q2M9XD')).toMatchObject({ message: { content: { kind: 'text', text: '/daftar K7Q2M9XD' } } });
    expect(command('/tugas')).toMatchObject({ message: { content: { kind: 'text', text: '/tugas' } } });
  });

  it('a button press is a choice to answer; without data or outside a private chat it is only answered', () => {
    expect(readUpdate(load('callback'), at)).toEqual({
      kind: 'inbound',
      callbackQueryId: '4382bfdwdsb323b2d9',
      message: { ...base, platformMessageId: 'cb:4382bfdwdsb323b2d9', content: { kind: 'choice', choiceId: 'main.report' } },
    });
    const update = load('callback') as { callback_query: Record<string, unknown> };
    expect(readUpdate({ ...update, callback_query: { ...update.callback_query, data: undefined } }, at)).toEqual({ kind: 'answer-only', callbackQueryId: '4382bfdwdsb323b2d9' });
  });

  it('a map pin is a location; a venue carries its name and address', () => {
    expect(readUpdate(load('location'), at)).toMatchObject({ message: { content: { kind: 'location', latitude: -7.9425, longitude: 112.6094 } } });
    expect(readUpdate(load('venue'), at)).toMatchObject({ message: { content: { kind: 'location', address: 'Pasar Dinoyo, Jl. MT Haryono, Lowokwaru' } } });
  });

  it('a photo of an album is the largest size to fetch, with its media_group_id', () => {
    const [first] = load('album') as unknown[];
    expect(readUpdate(first, at)).toMatchObject({
      kind: 'files',
      albumId: '13612345678901234',
      caption: 'Lubangnya di sini',
      files: [{ fileId: 'AgACAgUAAxkBAAIBa-large1', kind: 'photo', declaredMime: 'image/jpeg', sizeBytes: 64000 }],
    });
    expect(readUpdate(load('document-too-big'), at)).toMatchObject({ kind: 'files', files: [{ kind: 'document', declaredMime: 'video/mp4', sizeBytes: 52428800, name: 'rekaman.mp4' }] });
  });

  it('a text reply to one of the bot messages carries the replied message id', () => {
    expect(readUpdate(load('reply-to'), at)).toMatchObject({ kind: 'inbound', replyToMessageId: 1, message: { content: { kind: 'text' } } });
  });

  it('stickers are unsupported; edits and junk are ignored; group messages go to the officers groups; blocking is a reachability change', () => {
    expect(readUpdate(load('sticker'), at)).toEqual({ kind: 'unsupported', chatId: '700000001', what: 'sticker' });
    expect(readUpdate(load('edited'), at)).toEqual({ kind: 'ignored', reason: 'edited message' });
    expect(readUpdate(load('supergroup'), at)).toEqual({ kind: 'group', chatId: '-1001234567890', senderId: '700000002', messageId: 301, threadId: 42, text: 'ini grup yang tidak terdaftar', hasMedia: false });
    expect(readUpdate({ update_id: 5, poll: { id: 'x' } }, at)).toEqual({ kind: 'ignored', reason: 'update kind not handled' });
    expect(readUpdate({ message: 'nope' }, at)).toEqual({ kind: 'ignored', reason: 'update does not parse' });
    expect(readUpdate(load('blocked'), at)).toEqual({ kind: 'reachability', chatId: '700000001', reachable: false });
  });
});

describe('officers in a forum topic', () => {
  it('plain text answers the citizen; #catatan, #tunda, #selesai, #arsip and #teruskan are the other actions', () => {
    const code = 'ADU-7KQ2-M9XD';
    expect(readTopicText(code, ' Jalan ditambal Kamis. ')).toEqual({ action: 'answer', code, text: 'Jalan ditambal Kamis.' });
    expect(readTopicText(code, '#catatan cek anggaran')).toEqual({ action: 'note', code, text: 'cek anggaran' });
    expect(readTopicText(code, '#TUNDA Di RT berapa?')).toEqual({ action: 'hold', code, text: 'Di RT berapa?' });
    expect(readTopicText(code, '#selesai Sudah diperbaiki.')).toEqual({ action: 'resolve', code, text: 'Sudah diperbaiki.' });
    expect(readTopicText(code, '#arsip spam')).toEqual({ action: 'archive', code, text: 'spam' });
    expect(readTopicText(code, '#teruskan Dishub-Malang sekarang')).toEqual({ action: 'forward', code, agencyCode: 'dishub-malang', copyCodes: [] });
    expect(topicButtons(code).every((b) => Buffer.byteLength(b.id) <= 64)).toBe(true);
  });

  it('a button pressed in a group carries its topic', () => {
    const update = load('callback') as { callback_query: { message: Record<string, unknown> } & Record<string, unknown> };
    const inGroup = { ...update, callback_query: { ...update.callback_query, data: 'op:ambil:ADU-7KQ2-M9XD', message: { ...update.callback_query.message, chat: { id: -100123, type: 'supergroup' }, message_thread_id: 7 } } };
    expect(readUpdate(inGroup, at)).toEqual({ kind: 'group-button', callbackQueryId: '4382bfdwdsb323b2d9', chatId: '-100123', senderId: '700000001', data: 'op:ambil:ADU-7KQ2-M9XD', threadId: 7 });
  });
});

