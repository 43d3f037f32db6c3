import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actAsOfficer } from '../../src/services/casework.js';
import type { CaseRecord } from '../../src/services/case-ports.js';
import { createOfficerWithCode, issueLinkCode } from '../../src/services/onboarding.js';
import { PgCaseStore } from '../../src/store/cases.js';
import { startTestApp, testConfig, whileDatabaseRefuses, type TestApp } from '../helpers/app.js';
import { addOfficer, agencyByCode, Chat, complaintOf, file, settled, type Officer } from '../helpers/officers.js';
import { WebchatClient } from '../helpers/webchat-client.js';

type Events = Awaited<ReturnType<typeof complaintOf>>['events'];
/** The complaint's history without the delivery records of notices. */
const trail = (events: Events) =>
  events.filter((e) => !(e.type === 'MESSAGE_OUT' && e.actorType === 'SYSTEM')).map((e) => ({ type: e.type, from: e.fromStatus, to: e.toStatus, actor: e.actorType, actorId: e.actorId }));

const choose = (chat: Chat, label: string) => chat.say({ choice: WebchatClient.choice(chat.seen, label) });

/** Serves one stale read of a complaint, as if another officer changed it between our read and our write. */
class StaleRead extends PgCaseStore {
  constructor(app: TestApp, private readonly stale: CaseRecord) {
    super(app.db, app.pool);
  }
  override findCase(): Promise<CaseRecord | null> {
    return Promise.resolve(this.stale);
  }
}

describe('officers handle complaints through the bot', () => {
  let app: TestApp;
  let clock = new Date('2026-11-24T02:00:00Z'); // Tuesday 09:00 WIB
  const tick = () => (clock = new Date(clock.getTime() + 60_000));
  let koordinator: Officer;
  let binaMarga: Officer;
  let dishub: Officer;
  let binaMargaName: string;

  beforeAll(async () => {
    app = await startTestApp({ now: () => clock, config: testConfig({ WEBCHAT_RATE_LIMIT: '10000' }) });
    koordinator = await addOfficer(app, { role: 'ADMIN_KOORDINATOR', agencyCode: 'diskominfo-malang' }, clock);
    binaMarga = await addOfficer(app, { role: 'ADMIN_INSTANSI', agencyCode: 'dpuprpkp-malang-bina-marga' }, clock);
    dishub = await addOfficer(app, { role: 'ADMIN_INSTANSI', agencyCode: 'dishub-malang' }, clock);
    binaMargaName = (await agencyByCode(app, 'dpuprpkp-malang-bina-marga')).name;
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('links a chat once per code; refuses used and expired codes; a deactivated officer can do nothing anywhere', async () => {
    const store = app.cases.officers;
    const { officerId, code } = await createLinked('Sari Wulandari');
    const agency = (await agencyByCode(app, 'dishub-malang')).name;
    const first = new Chat(app);
    expect((await first.say(`daftar ${code}`))[0]?.text).toBe(`Terhubung sebagai petugas Sari Wulandari (${agency}). Ketik "bantuan" untuk daftar perintah.`);
    expect((await new Chat(app).say(`daftar ${code}`))[0]?.text).toBe('Kode pendaftaran sudah dipakai. Minta kode baru ke admin.');
    expect((await first.say(`daftar ${code}`))[0]?.text).toBe('Kode pendaftaran sudah dipakai. Minta kode baru ke admin.');

    const shortLived = await issueLinkCode(store, officerId, clock, 1);
    clock = new Date(shortLived.expiresAt.getTime() + 1000);
    expect((await new Chat(app).say(`daftar ${shortLived.code}`))[0]?.text).toBe('Kode pendaftaran sudah kedaluwarsa. Minta kode baru ke admin.');

    const second = new Chat(app);
    expect((await second.say(`daftar ${(await issueLinkCode(store, officerId, clock, 72)).code}`))[0]?.text).toMatch(/^Terhubung sebagai petugas Sari Wulandari/);
    expect(await app.db.officerIdentity.count({ where: { officerId } })).toBe(2);
    expect(await app.db.officerLinkCode.count({ where: { officerId, usedAt: { not: null } } })).toBe(2);

    expect(await store.setActive(officerId, false)).toBe(true);
    for (const chat of [first, second]) {
      for (const command of ['tugas', 'lihat ADU-0000-0000', 'ambil ADU-0000-0000']) expect((await chat.say(command)).map((m) => m.text)).toEqual(['Akun petugas Anda nonaktif. Hubungi admin.']);
    }
    expect((await new Chat(app).say(`daftar ${(await issueLinkCode(store, officerId, clock, 72)).code}`))[0]?.text).toBe('Akun petugas ini nonaktif.');
  });

  async function createLinked(name: string) {
    const created = await createOfficerWithCode(app.cases.officers, { name, role: 'ADMIN_INSTANSI', agencyCode: 'dishub-malang' }, clock, 72);
    if ('error' in created) throw new Error(created.error);
    return created;
  }

  it('happy path: claim, start, answer, the citizen confirms with 5 stars; every step is recorded and told', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    const filed = await complaintOf(app, code);
    expect(filed).toMatchObject({ status: 'FORWARDED', version: 0, agency: { code: 'dpuprpkp-malang-bina-marga' } });
    await citizen.waitFor(`Laporan ${code} diteruskan ke ${binaMargaName}. Kami akan mengabari Anda di sini setiap ada perkembangan.`);

    const at: Date[] = [];
    const step = async (command: string) => {
      at.push(tick());
      return binaMarga.run(command);
    };
    expect(await step(`ambil ${code}`)).toBe(`✅ ${code}: diambil oleh ${binaMarga.name}.`);
    expect(await step(`proses ${code}`)).toBe(`✅ ${code}: sedang diproses.`);
    await citizen.waitFor(`Laporan ${code} sedang diproses oleh ${binaMargaName}.`);
    const answer = 'Lubang sudah ditambal hari ini oleh tim pemeliharaan jalan.';
    expect(await step(`balas ${code} ${answer}`)).toBe(`✅ ${code}: jawaban dikirim ke pelapor; pelapor diminta menilai.`);
    const since = citizen.seen.length;
    await citizen.waitFor(`Apakah masalah pada laporan ${code} sudah selesai?`, since);
    expect(citizen.texts().slice(since)).toEqual([`Tanggapan ${binaMargaName} untuk laporan ${code}:\n\n${answer}`, `Apakah masalah pada laporan ${code} sudah selesai?`]);

    at.push(tick());
    await choose(citizen, 'Ya, sudah selesai');
    expect((await choose(citizen, '5')).map((m) => m.text)).toContain(`Terima kasih atas penilaian Anda untuk laporan ${code}.`);
    await citizen.waitFor(`Laporan ${code} selesai. Terima kasih atas penilaian Anda.`);

    await settled(app);
    const done = await complaintOf(app, code);
    expect(done).toMatchObject({ status: 'DONE', outcome: 'RESOLVED', rating: 5, version: 4, assigneeId: binaMarga.id, inProgressAt: at[1], followedUpAt: at[2], closedAt: at[3] });
    const officer = { actor: 'OFFICER', actorId: binaMarga.id };
    // The citizen's own later events are checked (and found wanting) in the next test.
    expect(trail(done.events)).toMatchObject([
      { type: 'CREATED', from: null, to: 'SUBMITTED', actor: 'CITIZEN', actorId: done.citizenId },
      { type: 'FORWARDED', from: 'SUBMITTED', to: 'FORWARDED', actor: 'SYSTEM', actorId: null },
      { type: 'ASSIGNED', from: 'FORWARDED', to: 'FORWARDED', ...officer },
      { type: 'STATUS_CHANGED', from: 'FORWARDED', to: 'IN_PROGRESS', ...officer },
      { type: 'MESSAGE_OUT', from: 'IN_PROGRESS', to: 'FOLLOWED_UP', ...officer },
      { type: 'RATED', from: null, to: null, actor: 'CITIZEN' },
      { type: 'STATUS_CHANGED', from: 'FOLLOWED_UP', to: 'DONE', actor: 'CITIZEN' },
    ]);
    const acted = done.events.filter((e) => e.actorType !== 'SYSTEM' && e.type !== 'CREATED');
    expect(acted.map((e) => e.createdAt)).toEqual([at[0], at[1], at[2], at[3], at[3]]);
    expect(done.messages.filter((m) => m.direction === 'OUT').map((m) => m.text)).toEqual(
      expect.arrayContaining([answer, `Laporan ${code} sedang diproses oleh ${binaMargaName}.`, `Laporan ${code} selesai. Terima kasih atas penilaian Anda.`]),
    );
  });

  // Regression (was a bug): the citizen's own actions (reply, rating, confirm, reopen) are logged with actorType CITIZEN
  // but actorId null, while CREATED names the citizen: the audit trail cannot say who acted.
  it('names the citizen as the actor of their own rating and confirmation', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    await binaMarga.run(`balas ${code} Sudah kami perbaiki kemarin sore.`);
    await citizen.waitFor(`Apakah masalah pada laporan ${code} sudah selesai?`);
    await choose(citizen, 'Ya, sudah selesai');
    await choose(citizen, '4');
    const c = await complaintOf(app, code);
    const own = c.events.filter((e) => e.actorType === 'CITIZEN');
    expect(own.map((e) => e.type)).toEqual(['CREATED', 'RATED', 'STATUS_CHANGED']);
    expect(own.every((e) => e.actorId === c.citizenId)).toBe(true);
  });

  it('reopens when the citizen says "Belum" with a low rating: comment in the thread, officer alerted', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    await binaMarga.run(`balas ${code} Lubang sudah ditimbun.`);
    await citizen.waitFor(`Apakah masalah pada laporan ${code} sudah selesai?`);
    await choose(citizen, 'Belum');
    expect((await choose(citizen, '2')).map((m) => m.text)).toEqual(['Apa yang belum selesai? Tanggapan Anda akan diteruskan kembali ke instansi.']);
    const comment = 'Lubangnya cuma ditimbun tanah, hujan sedikit sudah berlubang lagi.';
    tick();
    expect((await citizen.say(comment)).map((m) => m.text)).toContain(`Terima kasih. Laporan ${code} dikembalikan ke instansi bersama tanggapan Anda.`);
    await citizen.waitFor(`Laporan ${code} dibuka kembali dan dikembalikan ke ${binaMargaName} bersama tanggapan Anda.`);
    await binaMarga.chat.waitFor(`Pelapor membuka kembali ${code} (nilai 2): ${comment}`);

    const c = await complaintOf(app, code);
    expect(c).toMatchObject({ status: 'CITIZEN_REPLIED', rating: 2, outcome: null, closedAt: null });
    expect(c.messages.filter((m) => m.direction === 'IN').map((m) => ({ text: m.text, channel: m.channel, chatId: m.chatId }))).toEqual([{ text: comment, channel: 'WEBCHAT', chatId: citizen.chatId }]);
    expect(trail(c.events).at(-1)).toMatchObject({ type: 'STATUS_CHANGED', from: 'FOLLOWED_UP', to: 'CITIZEN_REPLIED', actor: 'CITIZEN' });
  });

  it('hold and resume: the citizen is asked, answers in the thread, the status and the clocks come back', async () => {
    const citizen = new Chat(app);
    const { code, id } = await file(app, citizen);
    await binaMarga.run(`proses ${code}`);
    const clocks = () => app.db.complaintDeadline.findMany({ where: { complaintId: id }, orderBy: { kind: 'asc' } });
    expect((await clocks()).map((d) => [d.kind, d.state])).toEqual([['FIRST_ANSWER', 'ACTIVE'], ['RESOLUTION', 'ACTIVE']]);

    tick();
    expect(await binaMarga.run(`tunda ${code} Mohon kirim foto lokasi`)).toBe(`✅ ${code}: ditunda; pertanyaan dikirim ke pelapor.`);
    await citizen.waitFor(`Tulis pesan Anda untuk laporan ${code}:`);
    expect(citizen.texts().slice(-2)).toEqual([`Laporan ${code} ditunda: ${binaMargaName} memerlukan informasi tambahan.\n\nMohon kirim foto lokasi`, `Tulis pesan Anda untuk laporan ${code}:`]);
    expect(await complaintOf(app, code)).toMatchObject({ status: 'ON_HOLD', holdReturnStatus: 'IN_PROGRESS' });
    const paused = await clocks();
    expect(paused.map((d) => [d.kind, d.state])).toEqual([['FIRST_ANSWER', 'PAUSED'], ['RESOLUTION', 'PAUSED']]);
    expect(paused.every((d) => (d.remainingWorkingDays ?? 0) >= 1)).toBe(true);

    const answerAt = tick();
    const text = 'Foto sudah saya kirim ke email dinas, lubangnya di depan toko bangunan.';
    expect((await citizen.say(text)).map((m) => m.text)).toEqual([`Pesan Anda sudah ditambahkan ke laporan ${code} dan diteruskan ke petugas.`]);
    await binaMarga.chat.waitFor(`Pelapor ${code} menulis: ${text}`);
    const c = await complaintOf(app, code);
    expect(c).toMatchObject({ status: 'IN_PROGRESS', holdReturnStatus: null });
    expect(c.messages.filter((m) => m.direction === 'IN').map((m) => m.text)).toEqual([text]);
    expect(c.events.filter((e) => e.type === 'MESSAGE_IN').map((e) => ({ from: e.fromStatus, to: e.toStatus, actor: e.actorType, at: e.createdAt }))).toEqual([{ from: 'ON_HOLD', to: 'IN_PROGRESS', actor: 'CITIZEN', at: answerAt }]);
    expect((await clocks()).map((d) => [d.kind, d.state, d.remainingWorkingDays])).toEqual([['FIRST_ANSWER', 'ACTIVE', null], ['RESOLUTION', 'ACTIVE', null]]);
  });

  /** A complaint filed by `citizen` and put on hold by Bina Marga with a question: the citizen's reply form is open. */
  async function onHoldWithQuestion(citizen: Chat): Promise<{ code: string; id: string }> {
    const filed = await file(app, citizen);
    await binaMarga.run(`tunda ${filed.code} Mohon kirim foto lokasi`);
    await citizen.waitFor(`Tulis pesan Anda untuk laporan ${filed.code}:`);
    return filed;
  }

  /** The citizen's answer is in the thread exactly once, and the complaint went back to the agency. */
  async function expectAnswerStoredOnce(code: string, text: string): Promise<void> {
    const c = await complaintOf(app, code);
    expect(c.status).toBe('FORWARDED');
    expect(c.messages.filter((m) => m.direction === 'IN').map((m) => m.text)).toEqual([text]);
  }

  // Regression (was a bug): the reply form that "tunda" opens is an ordinary session and expires after SESSION_IDLE_MINUTES
  // (60): a citizen who answers the question later, as people do in a chat, is told their session ended
  // and "laporan yang belum dikirim tidak tersimpan"; the answer is dropped and the complaint stays
  // ON_HOLD with its clocks paused, unless the citizen guesses "tambah KODE".
  it('takes the answer to an officer\'s question given the next morning', async () => {
    const citizen = new Chat(app);
    const { code } = await onHoldWithQuestion(citizen);
    clock = new Date(clock.getTime() + 16 * 3_600_000);
    const replies = (await citizen.say('Fotonya sudah saya kirim lewat email dinas.')).map((m) => m.text);
    expect(replies).toContain(`Pesan Anda sudah ditambahkan ke laporan ${code} dan diteruskan ke petugas.`);
    expect((await complaintOf(app, code)).status).toBe('FORWARDED');
  });

  it('tells the citizen how to send again an answer the database refused after their form was saved, and takes it then', async () => {
    const citizen = new Chat(app);
    const { code } = await onHoldWithQuestion(citizen);
    const text = 'Fotonya (GAGAL-SIMPAN) sudah saya kirim lewat email dinas.';
    // A fault in PostgreSQL itself: the thread's new message is refused, after the session was saved.
    await whileDatabaseRefuses(app, { table: 'Message', on: 'INSERT', when: `NEW.text LIKE '%GAGAL-SIMPAN%'` }, async () => {
      expect((await citizen.say(text)).map((m) => m.text)).toEqual([`Maaf, pesan Anda untuk laporan ${code} belum tersimpan karena gangguan. Kirim ulang dengan mengetik: tambah ${code}`]);
    });
    const refused = await complaintOf(app, code);
    expect(refused.status).toBe('ON_HOLD');
    expect(refused.messages.filter((m) => m.direction === 'IN')).toEqual([]);
    expect((await citizen.say(`tambah ${code}`)).at(-1)?.text).toBe(`Tulis pesan Anda untuk laporan ${code}:`);
    expect((await citizen.say(text)).map((m) => m.text)).toEqual([`Pesan Anda sudah ditambahkan ke laporan ${code} dan diteruskan ke petugas.`]);
    await expectAnswerStoredOnce(code, text);
  });

  it("thanks the citizen for an answer that was stored even when its clocks then fail, and stores it once", async () => {
    const citizen = new Chat(app);
    const { code, id } = await onHoldWithQuestion(citizen);
    const text = 'Fotonya sudah saya kirim, lubangnya di depan toko bangunan.';
    // The reply commits; resuming its paused clocks afterwards is refused by PostgreSQL.
    await whileDatabaseRefuses(app, { table: 'ComplaintDeadline', on: 'INSERT OR UPDATE', when: `NEW."complaintId" = '${id}'` }, async () => {
      expect((await citizen.say(text)).map((m) => m.text)).toEqual([`Pesan Anda sudah ditambahkan ke laporan ${code} dan diteruskan ke petugas.`]);
    });
    await expectAnswerStoredOnce(code, text);
  });

  // Regression (was a bug): a citizen's reply to the koordinator's question on a SUBMITTED complaint alerts nobody:
  // replyAsCitizen asks findOfficerChats for koordinators only when agencyId is null, but a complaint
  // awaiting verification sits at the koordinator's agency, and agency alerts exclude ADMIN_KOORDINATOR.
  it('tells the koordinator when the citizen answers their question on a complaint awaiting verification', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    await binaMarga.run(`bukanwewenang ${code} Jalan nasional, bukan kewenangan kota`);
    expect(await koordinator.run(`tunda ${code} Di kilometer berapa tepatnya?`)).toBe(`✅ ${code}: ditunda; pertanyaan dikirim ke pelapor.`);
    await citizen.waitFor(`Tulis pesan Anda untuk laporan ${code}:`);
    await citizen.say('Kilometer 12 arah Batu.');
    expect((await complaintOf(app, code)).status).toBe('SUBMITTED');
    // Officer alerts are sent before the citizen's request is answered: no need to wait.
    expect(await koordinator.chat.refresh()).toContain(`Pelapor ${code} menulis: Kilometer 12 arah Batu.`);
  });

  it('the koordinator forwards with a copy; an unknown agency is refused and changes nothing', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen, { category: 'Topik Lainnya', subcategory: 'Lainnya', description: 'Saran agar jam layanan kantor kelurahan diperpanjang sampai sore hari.' });
    const before = await complaintOf(app, code);
    expect(before.agency?.isCoordinator).toBe(true);

    expect(await koordinator.run(`teruskan ${code} dinas-tidak-ada`)).toBe('⚠️ Instansi "dinas-tidak-ada" tidak ada. Lihat kode instansi pada daftar instansi.');
    expect(await koordinator.run(`teruskan ${code} dishub-malang tembusan bukan-instansi`)).toBe('⚠️ Instansi tembusan "bukan-instansi" tidak ada.');
    expect(await complaintOf(app, code)).toMatchObject({ version: before.version, status: before.status, agencyId: before.agencyId, copies: [] });

    const forwardedAt = tick();
    expect(await koordinator.run(`teruskan ${code} dishub-malang tembusan dlh-malang`)).toBe(`✅ ${code}: diteruskan ke Dinas Perhubungan Kota Malang dengan 1 tembusan.`);
    const c = await complaintOf(app, code);
    expect(c).toMatchObject({ status: 'FORWARDED', version: before.version + 1, forwardedAt, agency: { code: 'dishub-malang' } });
    expect(c.copies.map((x) => x.agencyId)).toEqual([(await agencyByCode(app, 'dlh-malang')).id]);
    expect(trail(c.events).slice(-2)).toEqual([
      { type: 'FORWARDED', from: before.status, to: 'FORWARDED', actor: 'OFFICER', actorId: koordinator.id },
      { type: 'COPY_ADDED', from: before.status, to: 'FORWARDED', actor: 'OFFICER', actorId: koordinator.id },
    ]);
    await citizen.waitFor(`Laporan ${code} diteruskan ke Dinas Perhubungan Kota Malang. Kami akan mengabari Anda di sini setiap ada perkembangan.`);
    await dishub.chat.waitFor(`Laporan ${code} masuk ke instansi Anda: ${c.title}. Lihat: lihat ${code}`);
  });

  // Regression (was a bug): "Topik Lainnya" is routed by a seed rule to Diskominfo, the admin koordinator, and intake treats
  // any rule as a forward: the complaint is FORWARDED (FIRST_ANSWER clock, agency officers alerted,
  // citizen told "diteruskan ke") instead of awaiting verification (SUBMITTED, VERIFY clock, koordinator).
  it('a complaint that lands at the koordinator awaits verification', async () => {
    const citizen = new Chat(app);
    const { code, id } = await file(app, citizen, { category: 'Topik Lainnya', subcategory: 'Lainnya', description: 'Saran agar ada layanan pengaduan lewat telepon di setiap kelurahan.' });
    expect((await complaintOf(app, code)).status).toBe('SUBMITTED');
    expect((await app.db.complaintDeadline.findMany({ where: { complaintId: id } })).map((d) => d.kind)).toEqual(['VERIFY']);
    await citizen.waitFor(`Laporan ${code} diterima oleh Dinas Komunikasi dan Informatika Kota Malang dan sedang diverifikasi`);
  });

  it('"bukan wewenang" goes back to the koordinator keeping the history, or on to a named agency', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    const koordinatorAgency = await agencyByCode(app, 'diskominfo-malang');
    expect(await binaMarga.run(`bukanwewenang ${code} Jalan nasional, kewenangan BBPJN`)).toBe(`✅ ${code}: bukan wewenang; dikembalikan ke admin koordinator untuk verifikasi ulang.`);
    const back = await complaintOf(app, code);
    expect(back).toMatchObject({ status: 'SUBMITTED', agencyId: koordinatorAgency.id, assigneeId: null, version: 1 });
    expect(trail(back.events).map((e) => [e.type, e.from, e.to])).toEqual([['CREATED', null, 'SUBMITTED'], ['FORWARDED', 'SUBMITTED', 'FORWARDED'], ['STATUS_CHANGED', 'FORWARDED', 'SUBMITTED']]);
    expect(back.events.findLast((e) => e.actorType === 'OFFICER')?.data).toMatchObject({ action: 'not_authority', internalText: 'Jalan nasional, kewenangan BBPJN' });
    await citizen.waitFor(`Laporan ${code} bukan wewenang instansi sebelumnya dan sedang diverifikasi ulang untuk diteruskan ke instansi yang tepat.`);
    await koordinator.chat.waitFor(`Laporan ${code} masuk ke instansi Anda:`);
    // Awaiting verification, it belongs to the koordinators alone.
    expect(await binaMarga.run(`lihat ${code}`)).toBe(`Laporan ${code} tidak ditemukan dalam wilayah kerja Anda.`);

    const other = new Chat(app);
    const second = await file(app, other);
    expect(await binaMarga.run(`bukanwewenang ${second.code} dishub-malang Ini soal rambu, bukan jalan`)).toBe(`✅ ${second.code}: bukan wewenang; dialihkan ke Dinas Perhubungan Kota Malang.`);
    expect(await complaintOf(app, second.code)).toMatchObject({ status: 'FORWARDED', agency: { code: 'dishub-malang' }, version: 1 });
    await other.waitFor(`Laporan ${second.code} diteruskan ke Dinas Perhubungan Kota Malang.`, 0);
    await dishub.chat.waitFor(`Laporan ${second.code} masuk ke instansi Anda:`);
  });

  it('only the koordinator archives; the citizen sees the reason', async () => {
    const citizen = new Chat(app);
    const { code, id } = await file(app, citizen);
    expect(await binaMarga.run(`arsip ${code} Iklan, bukan pengaduan`)).toBe('⚠️ Peran Anda tidak dapat melakukan "arsip" pada laporan.');
    expect(await complaintOf(app, code)).toMatchObject({ status: 'FORWARDED', version: 0 });
    const reason = 'Isi laporan berupa promosi usaha, bukan pengaduan layanan publik.';
    expect(await koordinator.run(`arsip ${code} ${reason}`)).toBe(`✅ ${code}: diarsipkan; alasan dikirim ke pelapor.`);
    await citizen.waitFor(`Laporan ${code} diarsipkan dan tidak ditindaklanjuti. Alasan: ${reason}`);
    expect(await complaintOf(app, code)).toMatchObject({ status: 'ARCHIVED', outcome: 'ARCHIVED', version: 1, closedAt: clock });
    expect((await app.db.complaintDeadline.findMany({ where: { complaintId: id } })).map((d) => d.state)).toEqual(['CANCELLED', 'CANCELLED']);
  });

  it('scope: another agency sees nothing and touches nothing; a copy-only agency reads but cannot act', async () => {
    const { code } = await file(app, new Chat(app));
    expect(await dishub.run(`lihat ${code}`)).toBe(`Laporan ${code} tidak ditemukan dalam wilayah kerja Anda.`);
    for (const command of [`proses ${code}`, `balas ${code} Sudah kami tangani`, `tunda ${code} Kirim foto`, `teruskan ${code} dishub-malang`]) {
      expect(await dishub.run(command)).toBe(`⚠️ Laporan ${code} tidak ditemukan dalam wilayah kerja Anda.`);
    }
    expect(await complaintOf(app, code)).toMatchObject({ status: 'FORWARDED', version: 0 });

    const parent = await addOfficer(app, { role: 'ADMIN_INSTANSI', agencyCode: 'dpuprpkp-malang' }, clock);
    expect(await parent.run(`lihat ${code}`)).toMatch(new RegExp(`^${code} — .*\\nStatus: FORWARDED · ${binaMargaName}\\n`));

    const copied = await file(app, new Chat(app));
    await koordinator.run(`teruskan ${copied.code} dpuprpkp-malang-bina-marga tembusan dishub-malang`);
    expect(await dishub.run(`lihat ${copied.code}`)).toMatch(new RegExp(`^${copied.code} — .*\\nStatus: FORWARDED · ${binaMargaName}\\n`));
    const before = await complaintOf(app, copied.code);
    for (const command of [`proses ${copied.code}`, `catatan ${copied.code} Ini juga urusan kami`]) {
      expect(await dishub.run(command)).toBe(`⚠️ Instansi Anda hanya menerima tembusan ${copied.code}; tindakan dilakukan oleh instansi tujuan.`);
    }
    expect((await complaintOf(app, copied.code)).version).toBe(before.version);
  });

  it('refuses actions the status does not allow, naming the status, and changes nothing', async () => {
    const citizen = new Chat(app);
    const { code } = await file(app, citizen);
    expect(await binaMarga.run(`tutup ${code}`)).toBe(`⚠️ Laporan ${code} berstatus terdisposisi: tindakan "tutup" tidak bisa dilakukan.`);
    expect((await complaintOf(app, code)).version).toBe(0);
    await binaMarga.run(`balas ${code} Sudah diperbaiki.`);
    expect(await binaMarga.run(`tutup ${code}`)).toBe(`✅ ${code}: ditutup.`);
    const done = await complaintOf(app, code);
    expect(done).toMatchObject({ status: 'DONE', outcome: 'CLOSED_UNCONFIRMED', version: 2 });
    expect(await binaMarga.run(`balas ${code} Tambahan jawaban`)).toBe(`⚠️ Laporan ${code} berstatus selesai: tindakan "balas" tidak bisa dilakukan.`);
    expect(await binaMarga.run(`tunda ${code} Kirim foto`)).toBe(`⚠️ Laporan ${code} berstatus selesai: tindakan "tunda" tidak bisa dilakukan.`);
    const after = await complaintOf(app, code);
    expect(after).toMatchObject({ status: 'DONE', version: 2 });
    expect(after.events.filter((e) => e.actorType === 'OFFICER').map((e) => e.id)).toEqual(done.events.filter((e) => e.actorType === 'OFFICER').map((e) => e.id));
  });

  it('two officers acting at once: exactly one change wins each time, and a stale write is refused', async () => {
    const second = await addOfficer(app, { role: 'PEJABAT_PENGHUBUNG', agencyCode: 'dpuprpkp-malang-bina-marga' }, clock);
    const { code } = await file(app, new Chat(app));
    const race = async (a: string, b: string) => {
      const before = (await complaintOf(app, code)).version;
      const answers = await Promise.all([binaMarga.run(a), second.run(b)]);
      const won = answers.filter((t) => t.startsWith('✅')).length;
      expect(won, answers.join(' | ')).toBe(1);
      const lost = answers.find((t) => t.startsWith('⚠️'));
      expect(lost).toMatch(new RegExp(`^⚠️ Laporan ${code} (baru saja diubah petugas lain\\. Lihat lagi: lihat ${code}|berstatus .*: tindakan "[\\w ]+" tidak bisa dilakukan\\.)$`));
      expect((await complaintOf(app, code)).version).toBe(before + 1);
    };
    await race(`proses ${code}`, `proses ${code}`);
    await race(`balas ${code} Sudah ditambal.`, `tunda ${code} Kirim foto lubangnya`);

    const stale = await app.cases.casework.cases.findCase(code);
    await binaMarga.run(`catatan ${code} Dicek ulang oleh tim lapangan`);
    const record = await app.cases.casework.cases.findOfficerByIdentity('WEBCHAT', second.chat.chatId);
    const outcome = await actAsOfficer({ ...app.cases.casework, cases: new StaleRead(app, stale!) }, record!, { action: 'note', code, text: 'catatan lama' }, clock);
    expect(outcome).toEqual({ ok: false, message: `Laporan ${code} baru saja diubah petugas lain. Lihat lagi: lihat ${code}` });
    expect((await complaintOf(app, code)).version).toBe(stale!.version + 1);
  });

  it('an internal note never reaches the citizen; canned answers are filled in; an unknown template is refused', async () => {
    const citizen = new Chat(app);
    const { code, id } = await file(app, citizen);
    const note = 'Warga ini sudah melapor tiga kali lewat telepon';
    expect(await binaMarga.run(`catatan ${code} ${note}`)).toBe(`✅ ${code}: catatan internal disimpan (tidak dikirim ke pelapor).`);
    const agency = await agencyByCode(app, 'dpuprpkp-malang-bina-marga');
    await app.db.cannedAnswer.upsert({
      where: { agencyId_code: { agencyId: agency.id, code: 'terima' } },
      create: { agencyId: agency.id, code: 'terima', title: 'Diterima', text: 'Laporan {kode} sudah kami terima: {judul}' },
      update: {},
    });
    expect(await binaMarga.run(`balas ${code} #nope`)).toBe('⚠️ Templat jawaban "nope" tidak ada untuk instansi ini.');
    expect((await complaintOf(app, code)).status).toBe('FORWARDED');
    expect(await binaMarga.run(`balas ${code} #terima`)).toBe(`✅ ${code}: jawaban dikirim ke pelapor; pelapor diminta menilai.`);
    const c = await complaintOf(app, code);
    const filled = `Laporan ${code} sudah kami terima: ${c.title}`;
    await citizen.waitFor(`Tanggapan ${binaMargaName} untuk laporan ${code}:\n\n${filled}`);
    await settled(app);
    expect(c.events.find((e) => e.type === 'NOTE')).toMatchObject({ actorType: 'OFFICER', actorId: binaMarga.id, data: { action: 'note', internalText: note } });
    expect((await citizen.refresh()).some((t) => t.includes(note))).toBe(false);
    expect(await app.db.message.count({ where: { complaintId: id, text: { contains: note } } })).toBe(0);
    expect(await app.db.message.count({ where: { complaintId: id, direction: 'OUT', text: filled } })).toBe(1);
  });

  it('suspects a duplicate 50 m away, merges it, and tells both reporters about the surviving complaint', async () => {
    // A spot no other test pins; 0.00045° of latitude is 50 m.
    const pin = { latitude: -7.957313, longitude: 112.613371 };
    const first = new Chat(app);
    const original = await file(app, first, { pin });
    clock = new Date(clock.getTime() + 2 * 86_400_000);
    const second = new Chat(app);
    const copy = await file(app, second, { pin: { latitude: pin.latitude + 0.00045, longitude: pin.longitude } });
    const dup = await complaintOf(app, copy.code);
    expect(dup.duplicateOfId).toBe(original.id);
    expect(dup.events.find((e) => e.type === 'DUPLICATE_SUSPECTED')).toMatchObject({ actorType: 'SYSTEM', data: { of: original.code } });
    expect(await binaMarga.run(`lihat ${copy.code}`)).toContain(`Kemungkinan duplikat dari ${original.code} (gabung ${copy.code} ${original.code})`);

    expect(await binaMarga.run(`gabung ${copy.code} ${original.code}`)).toBe('⚠️ Peran Anda tidak dapat melakukan "gabung" pada laporan.');
    expect(await koordinator.run(`gabung ${copy.code} ${original.code}`)).toBe(`✅ ${copy.code}: digabung ke ${original.code}; pelapor akan menerima kabar dari laporan itu.`);
    expect(await complaintOf(app, copy.code)).toMatchObject({ status: 'DONE', outcome: 'MERGED', mergedIntoId: original.id });
    await second.waitFor(`Laporan ${copy.code} digabung dengan laporan ${original.code} tentang masalah yang sama. Kabar selanjutnya akan dikirim dari laporan ${original.code}.`);

    await binaMarga.run(`proses ${original.code}`);
    const notice = `Laporan ${original.code} sedang diproses oleh ${binaMargaName}.`;
    await first.waitFor(notice);
    await second.waitFor(notice);
  });
});
