import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { eventually } from '../helpers/app.js';
import { fileWithButtons } from '../helpers/telegram-flows.js';
import { FakeTelegram, fixture, TelegramCitizen, type TelegramTestApp } from '../helpers/telegram.js';
import { fileByNumbers } from '../helpers/whatsapp-flows.js';
import { startWhatsAppApp, WhatsAppPerson, type WhatsAppTestApp } from '../helpers/whatsapp.js';

/** Officers of one agency on both channels; each answers a citizen on the other channel by quoting the notice. */
describe('Cross-channel relay: WhatsApp officers answer Telegram citizens and the other way round', () => {
  let app: WhatsAppTestApp;
  let tg: TelegramTestApp;
  // Officers of a sub-agency no other test file links officers to, so notices are this file's own.
  const agencyCode = 'dpuprpkp-malang-bina-marga';
  beforeAll(async () => {
    app = await startWhatsAppApp({}, { telegram: new FakeTelegram() });
    tg = app.telegramView();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  async function officerCode(name: string): Promise<string> {
    const created = await createOfficerWithCode(app.cases.officers, { name, role: 'PEJABAT_PENGHUBUNG', agencyCode }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    return created.code;
  }

  it('an officer on WhatsApp quotes the notice of a Telegram filing; the citizen reads the answer in Telegram', async () => {
    const officer = new WhatsAppPerson(app);
    expect((await officer.say(`daftar ${await officerCode('Wati WA')}`)).map((m) => m.text)).toEqual([expect.stringMatching(/^Terhubung sebagai petugas /)]);
    await app.cases.refreshOfficerChats();

    const citizen = new TelegramCitizen(tg);
    const { code } = await fileWithButtons(citizen);
    const notice = await eventually(async () => (await officer.news()).find((m) => m.text.includes(`Laporan baru ${code}`)), 'the notice on WhatsApp');

    const answered = await officer.quote('Tim kami menambal lubang itu besok pagi.', notice.id);
    expect(answered.at(-1)?.text).toMatch(/^✅/);
    const answer = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Tim kami menambal lubang itu besok pagi.')), 'the answer in Telegram');
    expect(answer.text).toContain(code);
    // Nothing of it went to WhatsApp citizens: the only WhatsApp sends were to the officer.
    const c = await app.db.complaint.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(c.channel).toBe('TELEGRAM');
    const events = await app.db.complaintEvent.findMany({ where: { complaintId: c.id, actorType: 'OFFICER' } });
    expect(events.length).toBeGreaterThan(0);
  });

  it('an officer on Telegram replies to the notice of a WhatsApp filing; the citizen reads the answer in WhatsApp', async () => {
    const officer = new TelegramCitizen(tg);
    expect((await officer.command(`/daftar ${await officerCode('Budi TG')}`)).map((m) => m.text)).toEqual([expect.stringMatching(/^Terhubung sebagai petugas /)]);
    await app.cases.refreshOfficerChats();

    const citizen = new WhatsAppPerson(app);
    const { code } = await fileByNumbers(citizen);
    const notice = await eventually(async () => (await officer.news()).find((m) => m.text.includes(`Laporan baru ${code}`)), 'the notice in Telegram');

    const reply = fixture('reply-to', officer.chatId, { 'Lubangnya makin besar setelah hujan kemarin.': 'Petugas kami datang hari Kamis.', '"message_id": 1,': `"message_id": ${notice.message_id},` });
    const answered = await officer.feed(reply);
    expect(answered.at(-1)?.text).toMatch(/^✅/);
    const answer = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Petugas kami datang hari Kamis.')), 'the answer in WhatsApp');
    expect(answer.text).toContain(code);
    expect(answer.jid).toBe(citizen.jids.lid);
  });

  it('a non-officer on Telegram writing "balas KODE …" as a reply answers nothing', async () => {
    const other = new WhatsAppPerson(app);
    const { code } = await fileByNumbers(other);
    const stranger = new TelegramCitizen(tg);
    await stranger.say('halo');
    const c = await app.db.complaint.findUniqueOrThrow({ where: { trackingCode: code } });
    // A reply to a (forged) bot message id that never carried this code: read as ordinary text, no answer recorded.
    const reply = fixture('reply-to', stranger.chatId, { 'Lubangnya makin besar setelah hujan kemarin.': `balas ${code} bukan petugas`, '"message_id": 1,': '"message_id": 999999,' });
    await stranger.feed(reply);
    expect(await app.db.complaintEvent.count({ where: { complaintId: c.id, actorType: 'OFFICER' } })).toBe(0);
  });
});
