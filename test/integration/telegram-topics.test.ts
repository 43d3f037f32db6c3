import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { eventually } from '../helpers/app.js';
import { fileWithButtons, groupMessage, groupPress } from '../helpers/telegram-flows.js';
import { FILE_ONLY_TEXT } from '../../src/channels/telegram/topics.js';
import { Chat, file, settled } from '../helpers/officers.js';
import { fixture, JPEG, startTelegramApp, TelegramCitizen, type TelegramTestApp } from '../helpers/telegram.js';

const GROUP = '-1009876543210';

describe('Telegram: an agency handles complaints in forum topics', () => {
  let app: TelegramTestApp;
  beforeAll(async () => {
    app = await startTelegramApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  const inGroup = async (update: unknown) => {
    await app.telegram!.runtime.handleUpdate(update);
    await app.settle();
  };
  const groupPosts = () => app.fake.calls.filter((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === GROUP);

  it('registers the group, opens a topic per complaint, relays answers both ways and keeps #catatan internal', async () => {
    // An admin of the public works department links a private chat, then registers the group.
    const created = await createOfficerWithCode(app.cases.officers, { name: 'Admin PU', role: 'ADMIN_INSTANSI', agencyCode: 'dpuprpkp-malang' }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    const admin = new TelegramCitizen(app);
    await admin.command(`/daftar ${created.code}`);
    // A stranger cannot register a group; the admin can.
    await inGroup(groupMessage(GROUP, '555000111', '/grup'));
    expect(String(groupPosts().at(-1)?.payload.text)).toContain('Hanya petugas yang sudah terhubung');
    await inGroup(groupMessage(GROUP, admin.chatId, '/grup'));
    expect(String(groupPosts().at(-1)?.payload.text)).toMatch(/^✅ Grup ini terdaftar untuk /);

    // A complaint routed to the department's roads unit opens a topic in the department's group.
    const citizen = new TelegramCitizen(app);
    const { code } = await fileWithButtons(citizen);
    const opened = await eventually(() => app.db.telegramTopic.findFirst({ where: { trackingCode: code } }), 'the topic row');
    const createCall = app.fake.calls.find((c) => c.method === 'createForumTopic' && String(c.payload.name).startsWith(code));
    expect(createCall?.payload).toMatchObject({ chat_id: GROUP, name: `${code} · 📨 Baru · Jalan Rusak` });
    await app.settle();
    const summary = groupPosts().find((c) => c.payload.message_thread_id === opened.threadId);
    expect(String(summary?.payload.text)).toContain(`<b>${code}</b>`);
    const buttons = (summary?.payload.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard.flat();
    expect(buttons.map((b) => b.callback_data)).toEqual(['ambil', 'proses', 'tunda', 'teruskan', 'selesai', 'arsip'].map((v) => `op:${v}:${code}`));

    // "Ambil" claims it, as the officer who pressed it.
    await inGroup(groupPress(GROUP, admin.chatId, `op:ambil:${code}`, opened.threadId));
    expect(String(groupPosts().at(-1)?.payload.text)).toMatch(/^✅/);
    expect((await app.db.complaint.findUniqueOrThrow({ where: { trackingCode: code } })).assigneeId).toBe(created.officerId);

    // An internal note stays in the thread; the citizen hears nothing of it.
    await citizen.news();
    await inGroup(groupMessage(GROUP, admin.chatId, '#catatan cek anggaran pemeliharaan dulu', opened.threadId));
    expect(String(groupPosts().at(-1)?.payload.text)).toMatch(/^✅/);
    const notes = await app.db.complaintEvent.findMany({ where: { complaint: { trackingCode: code }, type: 'NOTE' } });
    expect(notes).toHaveLength(1);
    expect((await citizen.news()).some((m) => m.text.includes('anggaran'))).toBe(false);

    // What the officer writes in the topic is the agency's answer, delivered in the citizen's chat.
    await inGroup(groupMessage(GROUP, admin.chatId, 'Tim kami menambal jalan itu hari Kamis.', opened.threadId));
    const answer = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Tim kami menambal jalan itu hari Kamis.')), 'the answer in the citizen chat');

    // The citizen's reply-to on the answer appears in the topic.
    const reply = fixture('reply-to', citizen.chatId, { '"message_id": 1,': `"message_id": ${answer.message_id},` });
    expect((await citizen.feed(reply)).map((m) => m.text)).toEqual([`Pesan Anda sudah ditambahkan ke laporan ${code} dan diteruskan ke petugas.`]);
    await eventually(() => Promise.resolve(groupPosts().find((c) => c.payload.message_thread_id === opened.threadId && String(c.payload.text).startsWith('💬 Pelapor menulis:'))), 'the reply in the topic');
  });

  it('renames the topic with the status and closes it when the complaint is closed, reopens it when reopened', async () => {
    const topicCalls = (method: string) => app.fake.calls.filter((c) => c.method === method && String(c.payload.chat_id) === GROUP);
    const admin = await app.db.officerIdentity.findFirstOrThrow({ where: { channel: 'TELEGRAM' } });
    const citizen = new TelegramCitizen(app);
    const { code } = await fileWithButtons(citizen);
    const topic = await eventually(() => app.db.telegramTopic.findFirst({ where: { trackingCode: code } }), 'the topic row');
    await app.settle();
    await inGroup(groupPress(GROUP, admin.externalId, `op:proses:${code}`, topic.threadId));
    await app.settle();
    expect(topicCalls('editForumTopic').at(-1)?.payload).toMatchObject({ message_thread_id: topic.threadId, name: `${code} · 🔧 Diproses · Jalan Rusak` });
    await inGroup(groupMessage(GROUP, admin.externalId, 'Sudah kami perbaiki kemarin.', topic.threadId));
    await app.settle();
    expect(topicCalls('editForumTopic').at(-1)?.payload).toMatchObject({ name: `${code} · 💬 Dijawab · Jalan Rusak` });
    expect(topicCalls('closeForumTopic')).toHaveLength(0);
    await inGroup(groupPress(GROUP, admin.externalId, `op:tutup:${code}`, topic.threadId));
    await app.settle();
    expect(topicCalls('editForumTopic').at(-1)?.payload).toMatchObject({ name: `${code} · ✅ Selesai · Jalan Rusak` });
    expect(topicCalls('closeForumTopic').map((c) => c.payload.message_thread_id)).toEqual([topic.threadId]);
    const closed = await app.db.telegramTopic.findUniqueOrThrow({ where: { complaintId: topic.complaintId } });
    expect(closed).toMatchObject({ closed: true, name: `${code} · ✅ Selesai · Jalan Rusak` });
    // A later version that is open again reopens it; an older one (a late job) changes nothing.
    const channel = app.telegram!.runtime.channel;
    await channel.syncTopic(GROUP, { complaintId: topic.complaintId, threadId: topic.threadId, version: closed.syncedVersion + 1, name: `${code} · 🔧 Diproses · Jalan Rusak`, closed: false });
    await app.settle();
    expect(topicCalls('reopenForumTopic').map((c) => c.payload.message_thread_id)).toEqual([topic.threadId]);
    const edits = topicCalls('editForumTopic').length;
    await channel.syncTopic(GROUP, { complaintId: topic.complaintId, threadId: topic.threadId, version: 1, name: 'lama', closed: true });
    await app.settle();
    expect(topicCalls('editForumTopic')).toHaveLength(edits);
    expect(topicCalls('closeForumTopic')).toHaveLength(1);
  });

  it('ignores messages of people who are not linked officers in a topic, and the General topic', async () => {
    const before = groupPosts().length;
    await inGroup(groupMessage(GROUP, '555000222', 'halo semua'));
    const topic = await app.db.telegramTopic.findFirstOrThrow({ where: { chatId: GROUP } });
    await inGroup(groupMessage(GROUP, '555000222', 'saya bukan petugas', topic.threadId));
    expect(groupPosts()).toHaveLength(before);
  });
});

describe('Telegram: an officer answers with photos and documents from the topic', () => {
  let app: TelegramTestApp;
  let officerId = '';
  const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n', 'latin1');
  beforeAll(async () => {
    app = await startTelegramApp();
    const created = await createOfficerWithCode(app.cases.officers, { name: 'Admin PU', role: 'ADMIN_INSTANSI', agencyCode: 'dpuprpkp-malang' }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    const admin = new TelegramCitizen(app);
    await admin.command(`/daftar ${created.code}`);
    officerId = admin.chatId;
    await app.telegram!.runtime.handleUpdate(groupMessage(GROUP, officerId, '/grup'));
    await app.settle();
  });
  afterAll(async () => {
    await app.dispose();
  });

  /** A photo or a document posted in a topic by the officer. */
  const filePost = (threadId: number, kind: 'photo' | 'document', fileId: string, caption?: string) => {
    const update = groupMessage(GROUP, officerId, '', threadId);
    const { text: _text, ...message } = update.message ?? {};
    const file = kind === 'photo' ? { photo: [{ file_id: fileId, file_unique_id: `u${fileId}`, width: 90, height: 90, file_size: JPEG.length }] } : { document: { file_id: fileId, file_unique_id: `u${fileId}`, file_name: 'surat-tanggapan.pdf', mime_type: 'application/pdf', file_size: PDF.length } };
    return { ...update, message: { ...message, ...file, ...(caption ? { caption } : {}) } };
  };
  const topicOf = (code: string) => eventually(() => app.db.telegramTopic.findFirst({ where: { trackingCode: code } }), 'the topic row');

  it('relays a photo to a Telegram citizen and keeps a #catatan document internal', async () => {
    const citizen = new TelegramCitizen(app);
    const { code } = await fileWithButtons(citizen);
    const topic = await topicOf(code);
    await app.settle();
    await citizen.news();
    app.fake.files.set('photo-answer-1', JPEG);
    app.fake.files.set('doc-note-1', PDF);

    await app.telegram!.runtime.handleUpdate(filePost(topic.threadId, 'document', 'doc-note-1', '#catatan surat dinas, jangan dikirim'));
    await app.settle();
    const note = await app.db.complaintEvent.findFirstOrThrow({ where: { complaintId: topic.complaintId, type: 'NOTE' } });
    expect(String((note.data as { attachmentIds?: string }).attachmentIds)).toMatch(/^[0-9a-f-]{36}$/);
    expect(app.fake.calls.some((c) => c.method === 'sendDocument' && String(c.payload.chat_id) === citizen.chatId)).toBe(false);

    await app.telegram!.runtime.handleUpdate(filePost(topic.threadId, 'photo', 'photo-answer-1', 'Jalan sudah ditambal, lihat foto.'));
    await app.settle();
    const answer = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Jalan sudah ditambal, lihat foto.')), 'the answer text');
    expect(answer).toBeDefined();
    const photo = await eventually(() => Promise.resolve(app.fake.calls.find((c) => c.method === 'sendPhoto' && String(c.payload.chat_id) === citizen.chatId)), 'the photo sent to the citizen');
    // The stored bytes were uploaded (multipart field named by the attach:// reference).
    const field = String(photo.payload.photo).replace('attach://', '');
    expect(Buffer.from(String(photo.payload[field]), 'latin1').equals(JPEG)).toBe(true);
    const files = await app.db.attachment.findMany({ where: { complaintId: topic.complaintId }, orderBy: { createdAt: 'asc' } });
    expect(files.map((f) => f.mimeType)).toEqual(['application/pdf', 'image/jpeg']);
    const out = await app.db.message.findFirstOrThrow({ where: { complaintId: topic.complaintId, direction: 'OUT', text: 'Jalan sudah ditambal, lihat foto.' } });
    expect(out.content).toEqual({ attachmentIds: [files[1]?.id] });
  });

  it('relays a document to a web chat citizen, readable by that chat only', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    const topic = await topicOf(code);
    await app.settle();
    app.fake.files.set('doc-answer-2', PDF);
    const before = citizen.seen.length;
    await app.telegram!.runtime.handleUpdate(filePost(topic.threadId, 'document', 'doc-answer-2'));
    await app.settle();
    await settled(app);
    await citizen.waitFor(FILE_ONLY_TEXT, before);
    const withFile = citizen.seen.slice(before).find((m) => m.media?.length);
    const url = withFile?.media?.[0]?.url ?? '';
    expect(url).toMatch(new RegExp(`^/api/webchat/files/[0-9a-f-]{36}\\?chatId=${citizen.chatId}$`));
    const got = await app.http!.inject({ method: 'GET', url });
    expect(got.statusCode).toBe(200);
    expect(got.headers['content-type']).toBe('application/pdf');
    expect(got.rawPayload.equals(PDF)).toBe(true);
    const stranger = new Chat(app);
    expect((await app.http!.inject({ method: 'GET', url: url.replace(citizen.chatId, stranger.chatId) })).statusCode).toBe(404);
    // A file of an internal note is never served, even to the reporter.
    const noteFile = await app.db.attachment.findFirstOrThrow({ where: { mimeType: 'application/pdf', complaint: { trackingCode: { not: code } } } });
    expect((await app.http!.inject({ method: 'GET', url: `/api/webchat/files/${noteFile.id}?chatId=${citizen.chatId}` })).statusCode).toBe(404);
  });
});
