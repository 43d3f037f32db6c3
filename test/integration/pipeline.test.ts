import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newTrackingCode } from '../../src/domain/index.js';
import { eventually, startTestApp, type TestApp } from '../helpers/app.js';
import { fileComplaint, WebchatClient, type BotMessage } from '../helpers/webchat-client.js';

/** The lookup answer among the new messages (a routing notice may arrive in between). */
const lookupReply = (messages: BotMessage[]) => messages.find((m) => m.text.startsWith('Laporan *'));

describe('a complaint filed through the web chat, end to end', () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('gives a code at once, stores and routes it, tells the citizen where it went, and looks it up', async () => {
    const citizen = new WebchatClient(app.http!);
    const { code } = await fileComplaint(citizen);
    expect(code).toMatch(/^ADU-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const complaint = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: code }, include: { agency: true, category: true, events: { orderBy: { id: 'asc' } } } }), 'the complaint row');
    expect(complaint).toMatchObject({ type: 'PENGADUAN', status: 'FORWARDED', channel: 'WEBCHAT', chatId: citizen.chatId, regionCode: '35.73.05', anonymous: false, confidential: false });
    expect(complaint.category.code).toBe('pu-jalan-rusak');
    // The seed routes the road sub-category to the roads unit of the public works department.
    expect(complaint.agency?.code).toBe('dpuprpkp-malang-bina-marga');
    expect(complaint.incidentDate).not.toBeNull();
    // Earlier tests filed the same road: a DUPLICATE_SUSPECTED event may stand between these two.
    expect(complaint.events.map((e) => e.type).filter((t) => t !== 'DUPLICATE_SUSPECTED').slice(0, 2)).toEqual(['CREATED', 'FORWARDED']);

    const notice = await eventually(async () => (await citizen.read()).find((m) => m.text.includes('diteruskan ke')), 'the routing notice in the chat');
    expect(notice.text).toBe(`Laporan ${code} diteruskan ke ${complaint.agency?.name}. Kami akan mengabari Anda di sini setiap ada perkembangan.`);
    await eventually(() => app.db.message.findFirst({ where: { complaintId: complaint.id, direction: 'OUT' } }), 'the notice in the thread');

    const lookup = lookupReply(await citizen.say(`cek ${code.toLowerCase()}`));
    expect(lookup?.text).toContain(`Laporan *${code}*`);
    expect(lookup?.text).toContain('Status: Terdisposisi ke instansi');
    expect(lookup?.text).toContain(`Instansi: ${complaint.agency?.name}`);
    expect(lookup?.text).toContain('Riwayat:');
    expect(lookup?.text).toContain('Judul: Jalan di depan Pasar Dinoyo');
  });

  it('greets a returning citizen in the language they chose, once their conversation is gone', async () => {
    const citizen = new WebchatClient(app.http!);
    await citizen.say('halo');
    expect((await citizen.say('bahasa en')).at(-1)?.text).toBe('Welcome to the complaint service. What would you like to do?');
    // The expiry sweep (a worker, say) deleted the finished conversation; this process still has its copy.
    const chat = { channel_chatId: { channel: 'WEBCHAT' as const, chatId: citizen.chatId } };
    await app.db.conversationSession.delete({ where: chat });
    expect((await citizen.say('halo')).at(-1)?.text).toBe('Welcome to the complaint service. What would you like to do?');
    expect(await app.db.conversationSession.findUnique({ where: chat })).toMatchObject({ language: 'en', version: 1 });
  });

  it('routes to the agency the citizen named, and to the coordinator when no rule matches', async () => {
    const named = await fileComplaint(new WebchatClient(app.http!), { agency: 'Perhubungan' });
    const toNamed = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: named.code }, include: { agency: true } }), 'named');
    expect(toNamed.agency?.name).toMatch(/Perhubungan/);

    const other = await fileComplaint(new WebchatClient(app.http!), { category: 'Topik Lainnya', subcategory: 'Lainnya', type: 'Aspirasi' });
    const toOther = await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: other.code }, include: { agency: true } }), 'other');
    expect(toOther.type).toBe('ASPIRASI');
    expect(toOther.incidentDate).toBeNull();
    expect(toOther.agency?.isCoordinator).toBe(true);
  });

  it('shows strangers only status, agency and dates; never the content of a rahasia report', async () => {
    const reporter = new WebchatClient(app.http!);
    const { code } = await fileComplaint(reporter, { confidential: true, anonymous: true, description: 'Petugas kelurahan meminta uang tambahan untuk mengurus surat pindah, rahasiakan.' });
    await eventually(() => app.db.complaint.findUnique({ where: { trackingCode: code } }), 'stored');

    const forStranger = lookupReply(await new WebchatClient(app.http!).say(`status ${code}`));
    expect(forStranger?.text).toContain('Status:');
    expect(forStranger?.text).toContain('(Isi laporan ini rahasia.)');
    expect(forStranger?.text).not.toContain('Judul');
    expect(forStranger?.text).not.toContain('Petugas kelurahan');
    expect(forStranger?.text).not.toContain('Riwayat');

    const forReporter = lookupReply(await reporter.say(`cek ${code}`));
    expect(forReporter?.text).toContain('Judul:');
    expect(forReporter?.text).toContain('Riwayat:');
  });

  it('rate-limits lookups per chat so codes cannot be enumerated', async () => {
    const prober = new WebchatClient(app.http!);
    const answers: string[] = [];
    for (let i = 0; i < app.config.LOOKUP_LIMIT + 1; i++) answers.push((await prober.say(`cek ADU-0000-00${String(i).padStart(2, '0')}`)).map((m) => m.text).join());
    expect(answers.slice(0, app.config.LOOKUP_LIMIT).every((a) => a.includes('tidak ditemukan'))).toBe(true);
    expect(answers.at(-1)).toContain('Terlalu banyak pengecekan');
  });
});

describe('a tracking code drawn twice', () => {
  // The codes of this run only (the integration database is shared by the files of one run).
  const run = newTrackingCode('ADU').split('-')[1]!;
  const draws = [`ADU-${run}-AAAA`, `ADU-${run}-AAAA`, `ADU-${run}-BBBB`];
  let drawn = 0;
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp({ newCode: () => draws[Math.min(drawn++, draws.length - 1)]! });
  });
  afterAll(async () => {
    await app.dispose();
  });

  it('gives the second citizen a fresh code instead of the first one’s, and stores both', async () => {
    const first = await fileComplaint(new WebchatClient(app.http!));
    const second = await fileComplaint(new WebchatClient(app.http!));
    expect([first.code, second.code]).toEqual([`ADU-${run}-AAAA`, `ADU-${run}-BBBB`]);
    // Drawn only at the two confirmations (and the retry), not for the messages before them.
    expect(drawn).toBe(3);
    const stored = await eventually(async () => {
      const rows = await app.db.complaint.findMany({ where: { trackingCode: { startsWith: `ADU-${run}-` } }, select: { trackingCode: true, chatId: true } });
      return rows.length === 2 ? rows : null;
    }, 'both complaints');
    expect(new Set(stored.map((r) => r.chatId)).size).toBe(2);
  });
});
