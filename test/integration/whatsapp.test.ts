import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { eventually } from '../helpers/app.js';
import { fileByNumbers } from '../helpers/whatsapp-flows.js';
import { startWhatsAppApp, WhatsAppPerson, type WhatsAppTestApp } from '../helpers/whatsapp.js';

describe('WhatsApp: citizens file with numbered choices, officers answer by quoting', () => {
  let app: WhatsAppTestApp;
  beforeAll(async () => {
    app = await startWhatsAppApp();
  });
  afterAll(async () => {
    await app?.dispose();
  });

  it('files a whole complaint with numbers, a label, a near spelling and a location; the chat stays one identity', async () => {
    const citizen = new WhatsAppPerson(app);
    const { code, seen } = await fileByNumbers(citizen);
    expect(seen.some((m) => /Balas 1, 2 atau 3|Balas dengan angka 1-\d+|Balas 1 atau 2/.test(m.text))).toBe(true);
    const stored = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: code } }), 'the stored complaint');
    expect(stored.status).toBeDefined();
    // Replies went to the LID the citizen wrote from; one contact holds both forms.
    expect(seen.every((m) => m.id.startsWith('BAE5'))).toBe(true);
    // The routing notice may have landed there too already (intake runs on its own): it comes last.
    const toLid = app.fake.to(citizen.jids.lid);
    expect(toLid.slice(0, seen.length).map((m) => m.id)).toEqual(seen.map((m) => m.id));
    expect(toLid.slice(seen.length).every((m) => m.text.includes(code))).toBe(true);
    const contacts = await app.db.whatsAppContact.findMany({ where: { OR: [{ lidJid: citizen.jids.lid }, { pnJid: citizen.jids.pn }] } });
    expect(contacts).toEqual([expect.objectContaining({ chatId: citizen.jids.pnUser, lidJid: citizen.jids.lid, pnJid: citizen.jids.pn })]);

    // The routing notice goes to the LID the citizen filed from; it may land after filing returned
    // (intake runs on its own), so wait for it before looking at what the next message brings.
    await eventually(() => Promise.resolve(app.fake.to(citizen.jids.lid).filter((m) => m.text.includes(code)).length >= 2), 'the routing notice after the confirmation');
    expect((await citizen.news()).every((m) => m.jid === citizen.jids.lid)).toBe(true);

    // Status lookup from the same person writing with the phone-number JID only: same chat, same identity.
    citizen.form = 'pn';
    const status = await citizen.say(`status ${code}`);
    expect(status.map((m) => m.text).join('\n')).toContain(code);
    expect(status.every((m) => m.jid === citizen.jids.pn)).toBe(true);
    expect(await app.db.whatsAppContact.count({ where: { chatId: citizen.jids.pnUser } })).toBe(1);
  });

  it('an officer links, hears of a new complaint, answers by quoting the notice; the citizen reads it and replies by quoting', async () => {
    const created = await createOfficerWithCode(app.cases.officers, { name: 'Sari WhatsApp', role: 'PEJABAT_PENGHUBUNG', agencyCode: 'dpuprpkp-malang-bina-marga' }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    const officer = new WhatsAppPerson(app);
    const linked = await officer.say(`daftar ${created.code}`);
    expect(linked.map((m) => m.text)).toEqual([expect.stringMatching(/^Terhubung sebagai petugas /)]);
    await app.cases.refreshOfficerChats();

    const citizen = new WhatsAppPerson(app);
    const { code } = await fileByNumbers(citizen);
    const alert = await eventually(async () => (await officer.news()).find((m) => m.text.includes(`Laporan baru ${code}`)), 'the new-complaint alert on WhatsApp');
    const sent = await app.db.whatsAppSentMessage.findUnique({ where: { messageId: alert.id } });
    expect(sent?.trackingCode).toBe(code);

    const answered = await officer.quote('Jalan akan ditambal minggu ini.', alert.id);
    expect(answered.at(-1)?.text).toMatch(/^✅/);
    const answer = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Jalan akan ditambal minggu ini.')), 'the answer in the citizen chat');

    // The citizen quotes the answer: it goes to the complaint's thread.
    const reply = await citizen.quote('Terima kasih, mohon dikabari jika sudah selesai.', answer.id);
    expect(reply.map((m) => m.text).join('\n')).toMatch(new RegExp(`${code}`));
    const c = await app.db.complaint.findUniqueOrThrow({ where: { trackingCode: code } });
    const thread = await app.db.message.findMany({ where: { complaintId: c.id } });
    expect(thread.some((m) => m.text.includes('mohon dikabari'))).toBe(true);
  });
});
