import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SendError } from '../../src/services/ports.js';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { eventually } from '../helpers/app.js';
import { addOfficer, Chat, file } from '../helpers/officers.js';
import { JPEG } from '../helpers/telegram.js';
import { fileByNumbers } from '../helpers/whatsapp-flows.js';
import { startWhatsAppApp, WhatsAppPerson, type WhatsAppTestApp } from '../helpers/whatsapp.js';

describe('WhatsApp: media, identities, bad input and floods', () => {
  let app: WhatsAppTestApp;
  beforeAll(async () => {
    app = await startWhatsAppApp({ WHATSAPP_FLOOD_LIMIT: '8', WHATSAPP_MAX_FILE_BYTES: String(5 * 1024 * 1024) });
  });
  afterAll(async () => {
    await app?.dispose();
  });
  const attachments = (chatId: string) => app.db.attachment.count({ where: { channel: 'WHATSAPP', chatId } });

  it('an image with caption is downloaded and stored; a 100 MB video is refused before download, nothing stored', async () => {
    const person = new WhatsAppPerson(app);
    const image = person.fixture('image-caption');
    app.fake.media.set((image as { key: { id: string } }).key.id, JPEG);
    const replies = await person.feed(image);
    expect(replies.length).toBeGreaterThan(0);
    expect(await attachments(person.jids.pnUser)).toBe(1);

    const video = person.fixture('video-100mb');
    const refused = await person.feed(video);
    expect(refused.map((m) => m.text)).toEqual(['Berkas terlalu besar. Maksimal 5 MB per berkas.']);
    expect(await attachments(person.jids.pnUser)).toBe(1);
  });

  it('view-once, stickers, polls and empty texts get a polite rule; stubs, reactions, edits and deletions get nothing and break no flow', async () => {
    const person = new WhatsAppPerson(app);
    const menu = await person.say('menu');
    expect(menu.at(-1)?.text).toContain('1. ');
    expect((await person.feed(person.fixture('view-once'))).map((m) => m.text)).toEqual([expect.stringContaining('sekali lihat')]);
    expect((await person.feed(person.fixture('sticker'))).map((m) => m.text)).toEqual([expect.stringContaining('belum dapat kami baca')]);
    expect((await person.feed(person.fixture('poll'))).map((m) => m.text)).toEqual([expect.stringContaining('belum dapat kami baca')]);
    expect((await person.feed(person.fixture('empty-text'))).length).toBe(1);
    for (const name of ['no-content', 'reaction', 'edit', 'delete', 'from-me', 'status']) expect(await person.feed(person.fixture(name))).toEqual([]);
    app.fake.deliver(person.fixture('text-lid'), 'append');
    expect(await person.news()).toEqual([]);
    expect(await attachments(person.jids.pnUser)).toBe(0);
    // The menu is still waiting for its answer.
    const next = await person.say('1');
    expect(next.at(-1)?.text).toContain('Pengaduan');
  });

  it('LID-only first contact, then the phone number: one chat id; the LID mapping from the socket fills the number', async () => {
    const person = new WhatsAppPerson(app);
    person.form = 'lid';
    await person.say('menu');
    const contact = await app.db.whatsAppContact.findUniqueOrThrow({ where: { lidJid: person.jids.lid } });
    expect(contact).toMatchObject({ chatId: `lid-${person.jids.lidUser}`, pnJid: null });
    person.form = 'lid+pn';
    await person.say('batal');
    expect(await app.db.whatsAppContact.findUniqueOrThrow({ where: { lidJid: person.jids.lid } })).toMatchObject({ chatId: `lid-${person.jids.lidUser}`, pnJid: person.jids.pn });
    person.form = 'pn';
    await person.say('menu');
    expect(await app.db.whatsAppContact.count({ where: { OR: [{ lidJid: person.jids.lid }, { pnJid: person.jids.pn }] } })).toBe(1);

    const mapped = new WhatsAppPerson(app);
    app.fake.lidToPn.set(mapped.jids.lid, mapped.jids.pn);
    mapped.form = 'lid';
    await mapped.say('menu');
    expect(await app.db.whatsAppContact.findUniqueOrThrow({ where: { lidJid: mapped.jids.lid } })).toMatchObject({ chatId: mapped.jids.pnUser, pnJid: mapped.jids.pn });
  });

  it('a flood from one number is slowed down with one polite notice', async () => {
    const person = new WhatsAppPerson(app);
    for (let i = 0; i < 12; i++) app.fake.deliver(person.fixture('text-lid', { '"Halo"': JSON.stringify(`halo ${i}`) }));
    const replies = await person.news();
    expect(replies.filter((m) => m.text.includes('terlalu banyak')).length).toBe(1);
  });

  it('the bot never writes first: a send to a chat that never wrote is refused and recorded', async () => {
    const error = await app.whatsapp!.runtime.channel.send('6289912345678', [{ text: 'halo' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SendError);
    expect((error as SendError).retryable).toBe(false);
    expect(await app.whatsapp!.records.countRefused('6289912345678')).toBe(1);
    expect(app.fake.sent.some((s) => s.jid.startsWith('6289912345678'))).toBe(false);
  });

  it('a send that WhatsApp refuses for good is recorded, not retried', async () => {
    const person = new WhatsAppPerson(app);
    await person.say('menu');
    app.fake.failNext = 404;
    await app.whatsapp!.runtime.channel.send(person.jids.pnUser, [{ text: 'tidak sampai' }]);
    await eventually(async () => (await app.whatsapp!.records.countRefused(person.jids.pnUser)) === 1, 'the refused send to be recorded');
  });
});

describe('WhatsApp across channels', () => {
  let app: WhatsAppTestApp;
  beforeAll(async () => {
    app = await startWhatsAppApp();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('an officer on WhatsApp answers a web-chat citizen by quoting the notice', async () => {
    const created = await createOfficerWithCode(app.cases.officers, { name: 'Rina WA', role: 'PEJABAT_PENGHUBUNG', agencyCode: 'dpuprpkp-malang-bina-marga' }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    const officer = new WhatsAppPerson(app);
    await officer.say(`daftar ${created.code}`);
    await app.cases.refreshOfficerChats();
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    const notice = await eventually(async () => (await officer.news()).find((m) => m.text.includes(`Laporan baru ${code}`)), 'the notice on WhatsApp');
    const answered = await officer.quote('Tim kami meninjau lokasi besok pagi.', notice.id);
    expect(answered.map((m) => m.text)).toEqual([expect.stringMatching(/^✅/)]);
    await citizen.waitFor('Tim kami meninjau lokasi besok pagi.');
  });

  it('a WhatsApp citizen is answered by an officer working in another channel (web chat desk)', async () => {
    const officer = await addOfficer(app, { role: 'PEJABAT_PENGHUBUNG', agencyCode: 'dpuprpkp-malang-bina-marga' }, new Date());
    const citizen = new WhatsAppPerson(app);
    const { code } = await fileByNumbers(citizen);
    await eventually(async () => (await app.queues.intake.getJob(code).then((j) => j?.getState())) === 'completed', 'intake');
    expect(await officer.run(`balas ${code} Sudah dijadwalkan perbaikan.`)).toMatch(/^✅/);
    await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Sudah dijadwalkan perbaikan.')), 'the answer on WhatsApp');
  });
});
