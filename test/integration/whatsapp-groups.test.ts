import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOfficerWithCode } from '../../src/services/onboarding.js';
import { eventually } from '../helpers/app.js';
import { fileByNumbers } from '../helpers/whatsapp-flows.js';
import { startWhatsAppApp, waFixture, WhatsAppPerson, type WhatsAppTestApp } from '../helpers/whatsapp.js';

const newGroupJid = () => `120363${randomBytes(6).readUIntBE(0, 6).toString().padStart(15, '0')}@g.us`;

/** A message from `person` in a group: plain text, or quoting the bot's message `quotedId`. */
function inGroup(person: WhatsAppPerson, groupJid: string, text: string, quotedId?: string) {
  const message = waFixture('group-text', person.jids, { '120363000000000001@g.us': groupJid });
  const body = quotedId ? { extendedTextMessage: { text, contextInfo: { stanzaId: quotedId, participant: '6289900000000@s.whatsapp.net', quotedMessage: { conversation: 'Laporan baru' } } } } : { conversation: text };
  return { ...message, message: body };
}

describe('WhatsApp officer groups: registered, announced in, answered from', () => {
  let app: WhatsAppTestApp;
  const groupJid = newGroupJid();
  const strangeGroup = newGroupJid();
  beforeAll(async () => {
    app = await startWhatsAppApp();
  });
  afterAll(async () => {
    await app?.db.whatsAppAgencyGroup.deleteMany({ where: { groupJid: { in: [groupJid, strangeGroup] } } });
    await app?.dispose();
  });

  async function linkedOfficer(name: string, role: 'ADMIN_INSTANSI' | 'PEJABAT_PENGHUBUNG'): Promise<WhatsAppPerson> {
    const created = await createOfficerWithCode(app.cases.officers, { name, role, agencyCode: 'dpuprpkp-malang-bina-marga' }, new Date(), 72);
    if ('error' in created) throw new Error(created.error);
    const officer = new WhatsAppPerson(app);
    expect((await officer.say(`daftar ${created.code}`)).map((m) => m.text)).toEqual([expect.stringMatching(/^Terhubung sebagai petugas /)]);
    await app.cases.refreshOfficerChats();
    return officer;
  }
  const groupTexts = () => app.fake.to(groupJid).map((m) => m.text);
  /** The group's announcement of a complaint, once it is sent and recorded (so it can be quoted). */
  const announcementOf = async (code: string) => {
    const notice = await eventually(async () => {
      await app.settle();
      return app.fake.to(groupJid).find((m) => m.text.includes(`Laporan baru ${code}`));
    }, 'the announcement in the group');
    await eventually(() => app.db.whatsAppSentMessage.findUnique({ where: { messageId: notice.id } }), 'the record of the announcement');
    return notice;
  };

  it('a liaison cannot register a group; an agency admin can; a new complaint is announced there; an officer in the group answers by quoting it', async () => {
    const liaison = await linkedOfficer('Rina Grup', 'PEJABAT_PENGHUBUNG');
    liaison.app.fake.deliver(inGroup(liaison, groupJid, 'daftargrup'));
    await app.settle();
    expect(await app.db.whatsAppAgencyGroup.findUnique({ where: { groupJid } })).toBeNull();
    expect(groupTexts()).toEqual([]); // the bot never writes first in a group it does not serve

    const admin = await linkedOfficer('Agus Grup', 'ADMIN_INSTANSI');
    app.fake.deliver(inGroup(admin, groupJid, 'daftargrup'));
    await app.settle();
    expect(groupTexts()).toEqual([expect.stringMatching(/^✅ Grup ini terdaftar untuk Bidang Bina Marga/)]);

    const citizen = new WhatsAppPerson(app);
    const { code } = await fileByNumbers(citizen);
    const notice = await announcementOf(code);

    // The liaison (an officer, not the one who registered) answers from the group by quoting the notice.
    app.fake.deliver(inGroup(liaison, groupJid, 'Sudah dijadwalkan penambalan hari Senin.', notice.id));
    await app.settle();
    expect(groupTexts().at(-1)).toMatch(/^✅/);
    const answer = await eventually(async () => (await citizen.news()).find((m) => m.text.includes('Sudah dijadwalkan penambalan hari Senin.')), 'the answer in the citizen chat');
    expect(answer.text).toContain(code);
  });

  it('a non-officer in a registered group cannot answer; messages in an unregistered group are ignored', async () => {
    const citizen = new WhatsAppPerson(app);
    const { code } = await fileByNumbers(citizen);
    const notice = await announcementOf(code);
    const sentBefore = app.fake.sent.length;

    const outsider = new WhatsAppPerson(app);
    app.fake.deliver(inGroup(outsider, groupJid, 'Saya jawab saja: sudah beres.', notice.id));
    app.fake.deliver(inGroup(outsider, groupJid, `balas ${code} sudah beres`));
    // A linked officer in a group nobody registered: ignored too (no reply, no action).
    const officer = await linkedOfficer('Dedi Grup', 'PEJABAT_PENGHUBUNG');
    const afterLink = app.fake.sent.length;
    app.fake.deliver(inGroup(officer, strangeGroup, `balas ${code} dari grup asing`));
    app.fake.deliver(inGroup(officer, strangeGroup, 'tugas'));
    await app.settle();

    expect(app.fake.sent.length).toBe(afterLink);
    expect(app.fake.sent.slice(sentBefore).every((m) => m.jid === officer.jids.lid)).toBe(true);
    expect(app.fake.to(strangeGroup)).toEqual([]);
    const c = await app.db.complaint.findUniqueOrThrow({ where: { trackingCode: code } });
    expect(await app.db.complaintEvent.count({ where: { complaintId: c.id, actorType: 'OFFICER' } })).toBe(0);
    expect((await citizen.news()).some((m) => /beres|grup asing/.test(m.text))).toBe(false);
  });
});
