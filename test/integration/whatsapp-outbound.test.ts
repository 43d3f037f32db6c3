import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeSessionState, idleState } from '../../src/engine/index.js';
import { actAsOfficer } from '../../src/services/casework.js';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { MediaStore } from '../../src/store/media.js';
import { utc } from '../../src/store/prisma.js';
import { eventually, whileDatabaseRefuses } from '../helpers/app.js';
import { JPEG } from '../helpers/telegram.js';
import { fileByNumbers } from '../helpers/whatsapp-flows.js';
import { startWhatsAppApp, WhatsAppPerson, type WhatsAppTestApp } from '../helpers/whatsapp.js';

/** Unique bytes per test (files are stored by their hash; file-type reads only the header). */
const jpeg = () => Buffer.concat([JPEG, randomBytes(16)]);
const pdf = () => Buffer.from(`%PDF-1.4\n1 0 obj <<>> endobj\n% ${randomBytes(8).toString('hex')}\ntrailer <<>>\n%%EOF\n`);

describe('WhatsApp outbound: officers\' files reach citizens as media', () => {
  let app: WhatsAppTestApp;
  let media: MediaStore;
  beforeAll(async () => {
    app = await startWhatsAppApp();
    media = new MediaStore(app.db, app.config.MEDIA_DIR);
  });
  afterAll(async () => {
    await app?.dispose();
  });

  /** A complaint filed on WhatsApp, and the officer record that may answer it. */
  async function filed() {
    const created = await createOfficerWithCode(app.cases.officers, { name: 'Tono Berkas', role: 'PEJABAT_PENGHUBUNG', agencyCode: 'dpuprpkp-malang-bina-marga' }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    const officerChat = new WhatsAppPerson(app);
    await officerChat.say(`daftar ${created.code}`);
    const officer = await app.cases.casework.cases.findOfficerByIdentity('WHATSAPP', officerChat.jids.pnUser);
    if (!officer) throw new Error('the officer did not link');
    const citizen = new WhatsAppPerson(app);
    const { code } = await fileByNumbers(citizen);
    await eventually(async () => (await app.db.complaint.findUnique({ where: { trackingCode: code } }))?.agencyId, 'the complaint routed');
    return { officer, citizen, code };
  }

  async function saved(data: Buffer, name: string) {
    const result = await media.save({ channel: 'WHATSAPP', chatId: 'officer-upload', data, declaredMime: 'application/octet-stream', name });
    if (!result.ok) throw new Error(`not stored: ${result.mimeType}`);
    return result.media;
  }

  it('an answer with a photo and a PDF: the photo carries the answer as its caption, the PDF follows as a document', async () => {
    const { officer, citizen, code } = await filed();
    const photo = jpeg();
    const doc = pdf();
    const files = [await saved(photo, 'lubang.jpg'), await saved(doc, 'jadwal-perbaikan.pdf')];
    const outcome = await actAsOfficer(app.cases.casework, officer, { action: 'answer', code, text: 'Foto lokasi dan jadwal perbaikan terlampir.', media: files }, new Date());
    expect(outcome.ok).toBe(true);

    const got = await eventually(async () => {
      const news = await citizen.news();
      return news.some((m) => m.content.document) ? news : null;
    }, 'the answer with its files');
    const image = got.find((m) => m.content.image);
    expect(image?.content.image?.equals(photo)).toBe(true);
    expect(image?.content.mimetype).toBe('image/jpeg');
    expect(image?.content.caption).toContain('Foto lokasi dan jadwal perbaikan terlampir.');
    expect(image?.content.caption).toContain(code);
    const document = got.find((m) => m.content.document);
    expect(document?.content.document?.equals(doc)).toBe(true);
    expect(document?.content).toMatchObject({ mimetype: 'application/pdf', fileName: 'jadwal-perbaikan.pdf' });
    // The caption was the text: no separate text message repeats it.
    expect(got.filter((m) => m.content.text?.includes('Foto lokasi'))).toEqual([]);
    // Recorded for quoting and retries: the photo's message carries the complaint's code.
    const record = await eventually(() => app.db.whatsAppSentMessage.findUnique({ where: { messageId: image!.id } }), 'the record of the photo');
    expect(record.trackingCode).toBe(code);
    expect(record.content).toContain('imageMessage');
  });

  it('a file gone from the media store becomes a text note; the answer itself still arrives', async () => {
    const { officer, citizen, code } = await filed();
    const photo = jpeg();
    const file = await saved(photo, 'hilang.jpg');
    const row = await app.db.attachment.findUniqueOrThrow({ where: { id: file.attachmentId } });
    await rm(join(app.config.MEDIA_DIR, row.storageKey));
    await actAsOfficer(app.cases.casework, officer, { action: 'answer', code, text: 'Bukti perbaikan terlampir.', media: [file] }, new Date());

    const note = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Bukti perbaikan terlampir.')), 'the answer');
    expect(note.content.image).toBeUndefined();
    expect(note.content.text).toContain('Lampiran "hilang.jpg" tidak tersedia lagi');
    expect(note.content.text).toContain(code);
  });

  it('getMessage answers a retry from the stored outbound message; an unknown key gets undefined', async () => {
    const person = new WhatsAppPerson(app);
    const [welcome] = await person.say('halo');
    if (!welcome) throw new Error('no reply');
    await eventually(() => app.db.whatsAppSentMessage.findUnique({ where: { messageId: welcome.id } }), 'the record of the reply');
    const getMessage = app.fake.getMessage!;
    const again = await getMessage({ remoteJid: welcome.jid, fromMe: true, id: welcome.id });
    expect(again?.extendedTextMessage?.text).toBe(welcome.text);
    expect(await getMessage({ remoteJid: welcome.jid, fromMe: true, id: 'BAE5NEVERSENT' })).toBeUndefined();
  });

  it('the maintenance sweep empties sent copies older than WHATSAPP_SENT_RETENTION_DAYS and keeps the codes quoting needs', async () => {
    const day = 86_400_000;
    const now = Date.now();
    const tag = randomBytes(4).toString('hex');
    const row = (id: string, ageDays: number, trackingCode: string | null) => ({
      messageId: `${id}-${tag}`, jid: '628111@s.whatsapp.net', chatId: `wa-prune-${tag}`, content: '{"conversation":"lama"}', trackingCode, createdAt: new Date(now - ageDays * day),
    });
    await app.db.whatsAppSentMessage.createMany({ data: [row('OLDCODE', 20, 'ADU-PRUN-0001'), row('OLDMENU', 20, null), row('NEW', 1, 'ADU-PRUN-0002')] });
    await app.queues.maintenance.add('recover', {});
    await eventually(async () => ((await app.db.whatsAppSentMessage.findUnique({ where: { messageId: `OLDCODE-${tag}` } }))?.content === '' ? true : null), 'the sweep to prune');
    const left = await app.db.whatsAppSentMessage.findMany({ where: { chatId: `wa-prune-${tag}` }, orderBy: { messageId: 'asc' } });
    expect(left.map((r) => [r.messageId.split('-')[0], r.content, r.trackingCode])).toEqual([
      ['NEW', '{"conversation":"lama"}', 'ADU-PRUN-0002'],
      ['OLDCODE', '', 'ADU-PRUN-0001'],
    ]);
    expect(await app.fake.getMessage!({ remoteJid: '628111@s.whatsapp.net', fromMe: true, id: `OLDCODE-${tag}` })).toBeUndefined();
    expect(await app.whatsapp!.records.findSentCode(`wa-prune-${tag}`, `OLDCODE-${tag}`)).toBe('ADU-PRUN-0001');
  });

  it('runs every maintenance sweep when one of them fails, then fails the job naming it', async () => {
    const tag = randomBytes(4).toString('hex');
    const ancient = new Date('2000-01-03T01:00:00Z');
    // An idle form older than any other test's, so the expiry sweep's first batch starts with it, and
    // its save (the "form ended" state) is refused by the database: the expiry sweep throws. The
    // refusal is in place before the row is, as the scheduled sweep may run at any moment.
    const chatId = `expiry-fault-${tag}`;
    const form = { ...idleState('id', ancient), flowId: 'complaint', stepId: 'description' };
    // The WhatsApp prune runs last: a sent copy past its retention shows whether it ran.
    const sent = { messageId: `OLD-${tag}`, jid: '628111@s.whatsapp.net', chatId: `wa-sweep-${tag}`, content: '{"conversation":"lama"}', trackingCode: null, createdAt: ancient };
    try {
      await whileDatabaseRefuses(app, { table: 'ConversationSession', on: 'UPDATE', when: `NEW."chatId" = '${chatId}'` }, async () => {
        await app.pool.query(
          `INSERT INTO "ConversationSession" (id, channel, "chatId", version, language, state, "updatedAt", "expiresAt") VALUES (gen_random_uuid(), 'WEBCHAT', $1, 1, 'id', $2::jsonb, ${utc('$3')}, ${utc('$3')})`,
          [chatId, encodeSessionState(form), ancient.toISOString()],
        );
        await app.db.whatsAppSentMessage.create({ data: sent });
        const job = await app.queues.maintenance.add('recover', {}, { attempts: 1 });
        const failed = await eventually(async () => (await Job.fromId(app.queues.maintenance, job.id!))?.failedReason, 'the maintenance job to fail');
        expect(failed).toBe('maintenance sweeps failed: expiry (the others ran; see the log)');
        expect(await app.db.whatsAppSentMessage.findUnique({ where: { messageId: sent.messageId } })).toBeNull();
        expect(await app.db.conversationSession.findUnique({ where: { channel_chatId: { channel: 'WEBCHAT', chatId } } })).toMatchObject({ version: 1 });
      });
    } finally {
      await app.db.conversationSession.deleteMany({ where: { chatId } });
    }
  });

  it('prunes a large backlog in batches, each well inside the statement timeout', async () => {
    const day = 86_400_000;
    const tag = randomBytes(4).toString('hex');
    // Older than anything another test writes, so the counts are this test's own.
    const ago = (days: number) => new Date(Date.now() - days * day);
    const row = (i: number, trackingCode: string | null, ageDays = 400) => ({
      messageId: `BATCH${i}-${tag}`, jid: '628111@s.whatsapp.net', chatId: `wa-batch-${tag}`, content: '{"conversation":"lama"}', trackingCode, createdAt: ago(ageDays),
    });
    await app.db.whatsAppSentMessage.createMany({
      data: [...[0, 1, 2, 3, 4].map((i) => row(i, null)), ...[5, 6, 7].map((i) => row(i, `ADU-BTCH-000${i}`)), row(8, null, 200)],
    });
    expect(await app.whatsapp!.records.pruneSent(ago(300), 2)).toEqual({ deleted: 5, cleared: 3 });
    const left = await app.db.whatsAppSentMessage.findMany({ where: { chatId: `wa-batch-${tag}` }, orderBy: { messageId: 'asc' } });
    expect(left.map((r) => [r.messageId.split('-')[0], r.content === '' ? 'cleared' : 'kept'])).toEqual([
      ['BATCH5', 'cleared'],
      ['BATCH6', 'cleared'],
      ['BATCH7', 'cleared'],
      ['BATCH8', 'kept'],
    ]);
    expect(await app.whatsapp!.records.pruneSent(ago(300), 2)).toEqual({ deleted: 0, cleared: 0 });
  });
});
