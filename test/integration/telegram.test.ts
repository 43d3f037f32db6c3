import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PgTelegramRecords } from '../../src/store/telegram.js';
import { eventually } from '../helpers/app.js';
import { fileWithButtons } from '../helpers/telegram-flows.js';
import { albumFixture, fixture, JPEG, startTelegramApp, TelegramCitizen, type TelegramTestApp } from '../helpers/telegram.js';
import { storedSession } from '../helpers/sessions.js';

describe('Telegram: a citizen files and follows a complaint', () => {
  let app: TelegramTestApp;
  beforeAll(async () => {
    app = await startTelegramApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('files with inline buttons and a map pin, gets a code, and hears where the report went', async () => {
    const citizen = new TelegramCitizen(app);
    const { code, seen } = await fileWithButtons(citizen);
    // The menu came with inline buttons whose callback_data is the engine's choice id.
    expect(seen[0]?.reply_markup?.inline_keyboard?.flat().map((b) => b.callback_data)).toContain('main.report');
    // The location question offered the "send my location" reply-keyboard button.
    const askedWhere = seen.find((s) => s.text.startsWith('Di mana lokasinya?'));
    expect(askedWhere?.reply_markup?.keyboard?.[0]?.[0]).toEqual({ text: '📍 Kirim lokasi', request_location: true });
    // Every button press was answered.
    const presses = app.fake.calls.filter((c) => c.method === 'answerCallbackQuery').length;
    expect(presses).toBeGreaterThanOrEqual(9);

    const complaint = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: code }, include: { agency: true } }), 'the complaint row');
    expect(complaint).toMatchObject({ channel: 'TELEGRAM', chatId: citizen.chatId, latitude: -7.9425, longitude: 112.6094 });
    // A fast intake sends the routing notice along with the confirmation: look in what filing saw too.
    const notice = await eventually(async () => {
      seen.push(...(await citizen.news()));
      return seen.find((s) => s.text.includes('diteruskan ke'));
    }, 'the routing notice');
    expect(notice.text).toContain(code);
    // Its message id is kept, so a reply-to can find the complaint.
    const kept = await app.db.telegramSentMessage.findUnique({ where: { chatId_messageId: { chatId: citizen.chatId, messageId: notice.message_id } } });
    expect(kept?.trackingCode).toBe(code);

    // A reply-to on the notice lands in the complaint's thread.
    const reply = fixture('reply-to', citizen.chatId, { '"message_id": 1,': `"message_id": ${notice.message_id},` });
    const confirm = await citizen.feed(reply);
    expect(confirm.map((s) => s.text)).toEqual([`Pesan Anda sudah ditambahkan ke laporan ${code} dan diteruskan ke petugas.`]);
    const thread = await app.db.message.findFirst({ where: { complaintId: complaint.id, direction: 'IN' } });
    expect(thread?.text).toBe('Lubangnya makin besar setelah hujan kemarin.');

    // A deep link t.me/<bot>?start=status_<code> looks the report up.
    const lookup = await citizen.feed(fixture('start-deeplink', citizen.chatId, { 'ADU-7KQ2-M9XD': code }));
    expect(lookup.at(-1)?.text).toContain(`Laporan <b>${code}</b>`);
    expect(lookup.at(-1)?.text).toContain('Status:');
  });

  it('answers a button from a question that is over with "sudah ditutup" and changes nothing', async () => {
    const citizen = new TelegramCitizen(app);
    const typeQuestion = await citizen.command('/lapor');
    const aspirasi = TelegramCitizen.button(typeQuestion, 'Aspirasi');
    await citizen.press(TelegramCitizen.button(typeQuestion, 'Pengaduan'));
    const chat = { channel: 'TELEGRAM' as const, chatId: citizen.chatId };
    const before = (await storedSession(app.db, chat))?.state;
    // The type question is over: its other button must not change the answer.
    const stale = await citizen.press(aspirasi);
    expect(stale[0]?.text).toMatch(/^Pertanyaan ini sudah ditutup\./);
    expect(app.fake.calls.some((c) => c.method === 'answerCallbackQuery' && c.payload.callback_query_id === citizen.lastCallbackId)).toBe(true);
    const after = (await storedSession(app.db, chat))?.state;
    expect({ flowId: after?.flowId, stepId: after?.stepId, answers: after?.answers }).toEqual({ flowId: before?.flowId, stepId: before?.stepId, answers: before?.answers });
    expect(after?.flowId).toBe('complaint');
    expect(after?.stepId).not.toBe('type');
  });

  it('collects a two-photo album into one media step', async () => {
    const citizen = new TelegramCitizen(app);
    const [first, second] = albumFixture(citizen.chatId);
    app.fake.files.set('AgACAgUAAxkBAAIBa-large1', JPEG);
    app.fake.files.set('AgACAgUAAxkBAAIBb-large2', Buffer.concat([JPEG, Buffer.from([0])]));
    let m = await citizen.command('/lapor');
    m = await citizen.press(TelegramCitizen.button(m, 'Pengaduan'));
    m = await citizen.press(TelegramCitizen.button(m, 'Pekerjaan Umum'));
    await citizen.press(TelegramCitizen.button(m, 'Jalan Rusak'));
    m = await citizen.say('Jalan di depan Pasar Dinoyo berlubang besar sejak dua minggu, sudah ada pengendara jatuh.');
    await citizen.press(TelegramCitizen.button(m, 'judul'));
    await citizen.say('kemarin');
    m = await citizen.say('Jl. MT Haryono depan Pasar Dinoyo, Lowokwaru');
    expect(m.at(-1)?.text).toContain('Kirim foto');

    expect(await citizen.feed(first)).toEqual([]);
    expect(await citizen.feed(second)).toEqual([]);
    app.albums.fire();
    await app.telegram!.runtime.idle();
    const answer = await citizen.news();
    expect(answer.map((s) => s.text)).toEqual([expect.stringContaining('Lampiran diterima (2/5)')]);
    const stored = await app.db.attachment.findMany({ where: { channel: 'TELEGRAM', chatId: citizen.chatId } });
    expect(stored).toHaveLength(2);
  });

  it('refuses a file over the limit with a clear reply and stores nothing', async () => {
    const citizen = new TelegramCitizen(app);
    const answer = await citizen.feed(fixture('document-too-big', citizen.chatId));
    expect(answer.map((s) => s.text)).toEqual(['Berkas terlalu besar. Maksimal 20 MB per berkas.']);
    expect(app.fake.calls.some((c) => c.method === 'getFile' && c.payload.file_id === 'BQACAgUAAxkBAAIBc-big')).toBe(false);
    expect(await app.db.attachment.count({ where: { chatId: citizen.chatId } })).toBe(0);
  });

  it('takes a reply-to naming a message id beyond the database column as naming no sent message', async () => {
    const records = new PgTelegramRecords(app.db);
    expect(await records.findSentCode('12345', Number.MAX_SAFE_INTEGER)).toBeNull();
    expect(await records.findSentCode('12345', 2_147_483_647)).toBeNull();
  });

  it('re-prompts after a sticker, ignores edits and unregistered groups', async () => {
    const citizen = new TelegramCitizen(app);
    expect((await citizen.feed(fixture('sticker', citizen.chatId))).map((s) => s.text)).toEqual(['Mohon jawab dengan teks.']);
    expect(await citizen.feed(fixture('edited', citizen.chatId))).toEqual([]);
    const callsBefore = app.fake.calls.length;
    await app.telegram!.runtime.handleUpdate(fixture('supergroup', citizen.chatId));
    await app.settle();
    expect(app.fake.calls.length).toBe(callsBefore);
    expect(app.fake.sent('-1001234567890')).toEqual([]);
  });
});

describe('Telegram webhook', () => {
  let app: TelegramTestApp;
  const post = (body: unknown, secret = app.config.TELEGRAM_WEBHOOK_SECRET) =>
    app.http!.inject({ method: 'POST', url: '/telegram/webhook', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) } });
  beforeAll(async () => {
    app = await startTelegramApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('refuses a wrong or missing secret and handles nothing', async () => {
    const citizen = new TelegramCitizen(app);
    expect((await post(fixture('text', citizen.chatId), 'wrong-secret-0123456789')).statusCode).toBe(401);
    expect((await post(fixture('text', citizen.chatId), '')).statusCode).toBe(401);
    expect(await citizen.news()).toEqual([]);
  });

  it('handles an update once even when Telegram delivers it twice', async () => {
    const citizen = new TelegramCitizen(app);
    const update = fixture('text', citizen.chatId);
    const first = await post(update);
    expect(first.statusCode).toBe(200);
    const second = await post(update);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ ok: true, duplicate: true });
    const replies = await citizen.news();
    expect(replies).toHaveLength(1);
    expect(replies[0]?.text).toContain('Selamat datang');
  });
});

describe('Telegram outbound limits', () => {
  let app: TelegramTestApp;
  beforeAll(async () => {
    app = await startTelegramApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('waits out a 429 retry_after and then delivers, without spending an attempt', async () => {
    const citizen = new TelegramCitizen(app);
    app.fake.fail('sendMessage', { error_code: 429, description: 'Too Many Requests: retry after 1', parameters: { retry_after: 1 } }, { chatId: citizen.chatId });
    const replies = await citizen.say('Halo');
    expect(replies).toHaveLength(1);
    const attempts = app.fake.calls.filter((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === citizen.chatId);
    expect(attempts).toHaveLength(2);
    const jobs = await app.telegram!.runtime.queue.getJobs(['completed']);
    const job = jobs.find((j) => (j.data as { chatId: string }).chatId === citizen.chatId);
    expect(job?.attemptsMade).toBe(1);
  });

  it('records a chat that blocked the bot and does not retry it', async () => {
    const citizen = new TelegramCitizen(app);
    app.fake.fail('sendMessage', { error_code: 403, description: 'Forbidden: bot was blocked by the user' }, { chatId: citizen.chatId, times: 5 });
    await citizen.say('Halo');
    const failed = await eventually(async () => (await app.telegram!.runtime.queue.getJobs(['failed'])).find((j) => (j.data as { chatId: string }).chatId === citizen.chatId), 'the failed send');
    expect(failed.attemptsMade).toBe(1);
    expect(app.fake.calls.filter((c) => c.method === 'sendMessage' && String(c.payload.chat_id) === citizen.chatId)).toHaveLength(1);
    expect(await app.db.telegramUnreachableChat.findUnique({ where: { chatId: citizen.chatId } })).toMatchObject({ errorCode: 403 });
    await expect(app.telegram!.runtime.channel.send(citizen.chatId, [{ text: 'x' }])).rejects.toMatchObject({ retryable: false });
    // Writing again (the user unblocked the bot and pressed Start) clears the record.
    await app.telegram!.runtime.handleUpdate({ ...fixture('blocked', citizen.chatId), my_chat_member: { ...(fixture('blocked', citizen.chatId).my_chat_member as object), new_chat_member: { status: 'member' } } });
    await app.settle(); // updates are queued, then handled by the telegram-in worker
    expect(await app.db.telegramUnreachableChat.findUnique({ where: { chatId: citizen.chatId } })).toBeNull();
  });
});
