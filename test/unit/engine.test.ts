/** The engine across steps: branching, kembali, edits, commands, expiry, whole reports, lookups. */
import { describe, expect, it } from 'vitest';
import { SubmittedFormSchema, type SubmittedForm } from '../../src/domain/index.js';
import type { Effect } from '../../src/engine/index.js';
import type { Conversation } from '../helpers/engine.js';
import { DESCRIPTION, choice, expectRefused, fillTo, media, newConversation, photo, pin, withoutClock } from './support/complaint.js';

const MENU_PROMPT = 'Selamat datang di layanan pengaduan. Apa yang ingin Anda lakukan?';
const submits = (effects: Effect[]) => effects.filter((e) => e.type === 'submit');
const texts = (c: Conversation) => c.last.messages.map((m) => m.text);

describe('branching on the report type', () => {
  it.each([
    ['pengaduan', 'incident_date'],
    ['informasi', 'incident_date'],
    ['aspirasi', 'location'],
  ])('%s: after the title comes %s', async (type, next) => {
    const c = await newConversation();
    fillTo(c, 'title', { type: choice(`type.${type}`) });
    c.send('Jalan berlubang di Dinoyo');
    expect(c.state!.stepId).toBe(next);
  });

  it('changing aspirasi to pengaduan at the summary asks the date, then returns to the summary', async () => {
    const c = await newConversation();
    fillTo(c, 'summary', { type: choice('type.aspirasi') });
    expect(c.lastText).not.toContain('Tanggal kejadian');
    c.choose('summary.change');
    expect(c.last.messages[0]!.text).toBe('Jawaban mana yang ingin diubah?');
    c.choose('summary.edit_type');
    c.choose('type.pengaduan');
    expect(c.state!.stepId).toBe('incident_date');
    c.send('kemarin');
    expect(c.state!.stepId).toBe('summary');
    expect(c.lastText).toContain('*Jenis laporan*: Pengaduan');
    expect(c.lastText).toContain('*Tanggal kejadian*: 22/11/2026');
    c.choose('summary.send');
    const form = (submits(c.last.effects)[0] as { form: SubmittedForm }).form;
    expect(form).toMatchObject({ type: 'PENGADUAN', incidentDate: '2026-11-22' });
  });
});

describe('kembali', () => {
  it('goes back one step, keeping the earlier answers', async () => {
    const c = await newConversation();
    fillTo(c, 'description');
    c.send('kembali');
    expect(c.state!.stepId).toBe('subcategory');
    expect(c.state!.answers.category).toMatchObject({ value: 'cat-pu' });
    c.send('/back');
    expect(c.state!.stepId).toBe('category');
  });

  it('skips a step the branch left out', async () => {
    const c = await newConversation();
    fillTo(c, 'location', { type: choice('type.aspirasi') });
    c.send('kembali');
    expect(c.state!.stepId).toBe('title');
  });

  it('says so at the first step and stays there', async () => {
    const c = await newConversation();
    fillTo(c, 'type');
    c.send('kembali');
    expect(texts(c)).toEqual(['Ini sudah pertanyaan pertama.', 'Apa jenis laporan Anda?']);
    expect(c.state!.stepId).toBe('type');
  });

  it.each([
    ['while editing an answer', ['summary.change', 'summary.edit_description']],
    ['while picking the answer to change', ['summary.change']],
  ])('returns to the summary %s', async (_when, buttons) => {
    const c = await newConversation();
    fillTo(c, 'summary');
    const before = c.state!.answers;
    for (const id of buttons) c.choose(id);
    c.send('kembali');
    expect(c.state).toMatchObject({ stepId: 'summary', editing: false, picking: false, answers: before });
    expect(c.lastText).toContain('Periksa laporan Anda:');
  });
});

describe('changing an answer from the summary', () => {
  it('replaces the description and shows it', async () => {
    const c = await newConversation();
    fillTo(c, 'summary');
    c.choose('summary.change');
    c.send('kronologi');
    expect(c.state!.stepId).toBe('description');
    c.send('Jalan berlubang sedalam 30 cm di depan Pasar Dinoyo, sudah dua kali ada motor jatuh.');
    expect(c.state!.stepId).toBe('summary');
    expect(c.lastText).toContain('*Kronologi*: Jalan berlubang sedalam 30 cm');
    expect(c.lastText).not.toContain(`*Kronologi*: ${DESCRIPTION}`);
    const description = c.state!.answers.description;
    expect(description?.kind === 'text' && description.text).toMatch(/^Jalan berlubang sedalam 30 cm/);
  });

  it('a new category asks the sub-category again and the summary shows both', async () => {
    const c = await newConversation();
    fillTo(c, 'summary');
    c.choose('summary.change');
    c.choose('summary.edit_category');
    c.choose('category.kependudukan');
    expect(c.state!.stepId).toBe('subcategory');
    expect(c.state!.answers.subcategory).toBeUndefined();
    expect(c.last.messages[0]!.choices).toEqual([{ id: 'subcategory.kependudukan-ktp', label: 'KTP Elektronik' }]);
    c.send('1');
    expect(c.state!.stepId).toBe('summary');
    expect(c.lastText).toContain('*Kategori*: Kependudukan');
    expect(c.lastText).toContain('*Sub-kategori*: KTP Elektronik');
    expect(c.lastText).not.toContain('Jalan Rusak');
    c.send('kirim');
    const sent = submits(c.last.effects);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ form: { categoryId: 'cat-ktp' } });
  });

  it('the same category keeps the sub-category', async () => {
    const c = await newConversation();
    fillTo(c, 'summary');
    c.choose('summary.change');
    c.choose('summary.edit_category');
    c.choose('category.pu');
    expect(c.state!.stepId).toBe('summary');
    expect(c.state!.answers.subcategory).toMatchObject({ value: 'cat-pu-jalan' });
  });
});

describe('commands inside a form', () => {
  it.each(['batal', '/batal', 'BATAL ', choice('summary.cancel')])('%j cancels: nothing is sent, the menu is shown', async (input) => {
    const c = await newConversation();
    fillTo(c, 'summary');
    const result = c.send(input);
    expect(result.effects).toEqual([]);
    expect(texts(c)).toEqual(['Laporan dibatalkan. Tidak ada yang dikirim.', MENU_PROMPT]);
    expect(result.state).toMatchObject({ flowId: 'menu', stepId: 'main', answers: {}, history: [] });
  });

  it.each(['bantuan', '?', '/help'])('%s shows the help and asks the same step again', async (word) => {
    const c = await newConversation();
    fillTo(c, 'location');
    const before = withoutClock(c.state);
    c.send(word);
    expect(texts(c)[0]).toMatch(/^Cara memakai layanan ini:/);
    expect(texts(c)[1]).toMatch(/^Di mana lokasinya\?/);
    expect(withoutClock(c.state)).toEqual(before);
  });

  it('bahasa switches to English and back, asking the same step each time', async () => {
    const c = await newConversation();
    fillTo(c, 'category');
    c.send('bahasa');
    expect(texts(c)).toEqual(['Language switched to English.', 'Choose a category:']);
    expect(c.last.messages[1]!.choices!.map((o) => o.label)).toEqual(['Public Works', 'Civil Registration']);
    expect(c.last.effects).toEqual([{ type: 'language', language: 'en' }]);
    expect(c.state).toMatchObject({ language: 'en', stepId: 'category' });
    c.send('bahasa en');
    expect(c.state!.language).toBe('en');
    c.send('bahasa id');
    expect(texts(c)).toEqual(['Bahasa diganti ke Bahasa Indonesia.', 'Pilih kategori laporan:']);
    expect(c.last.effects).toEqual([{ type: 'language', language: 'id' }]);
  });

  it.each(['lapor', 'menu', 'halo', 'cek ADU-7KQ2-M9XD'])('"%s" is not a command inside a form', async (word) => {
    const c = await newConversation();
    fillTo(c, 'type');
    expectRefused(c, word, 'Pilihan itu tidak ada. Balas dengan nomor atau nama salah satu pilihan.');
  });
});

describe('buttons', () => {
  it.each([
    ['a button of an earlier step', 'type.aspirasi'],
    ['a button of the menu', 'main.report'],
    ['an id without a step', 'garbage'],
  ])('%s is closed and changes nothing', async (_what, id) => {
    const c = await newConversation();
    fillTo(c, 'description');
    expectRefused(c, choice(id), 'Pertanyaan ini sudah ditutup.');
    expect(c.last.messages[0]!.text).toContain('Ceritakan kejadiannya');
  });

  it('a button after the session ended opens the menu', async () => {
    const c = await newConversation();
    c.choose('type.pengaduan');
    expect(texts(c)).toEqual(['Pertanyaan ini sudah ditutup.', MENU_PROMPT]);
    expect(c.state).toMatchObject({ flowId: 'menu', stepId: 'main' });
  });
});

describe('expiry', () => {
  it('a message idleMinutes+1 after the last one drops the form and shows the menu', async () => {
    const c = await newConversation();
    fillTo(c, 'location');
    c.now = new Date(c.now.getTime() + 60 * 60_000);
    const result = c.send('Jl. MT Haryono, Lowokwaru');
    expect(texts(c)).toEqual([
      'Sesi Anda sebelumnya berakhir karena tidak aktif lebih dari 60 menit; laporan yang belum dikirim tidak tersimpan. Silakan mulai lagi.',
      MENU_PROMPT,
    ]);
    expect(result.effects).toEqual([]);
    expect(result.state).toMatchObject({ flowId: 'menu', stepId: 'main', answers: {}, history: [], editing: false });
    c.send('lapor');
    expect(c.state).toMatchObject({ flowId: 'complaint', stepId: 'type', answers: {} });
  });

  it('uses the configured idle time', async () => {
    const c = await newConversation({ idleMinutes: 5 });
    fillTo(c, 'description');
    c.now = new Date(c.now.getTime() + 5 * 60_000);
    c.send(DESCRIPTION);
    expect(texts(c)[0]).toContain('lebih dari 5 menit');
    expect(c.state!.flowId).toBe('menu');
  });

  it('a message exactly idleMinutes later continues where the citizen stopped', async () => {
    const c = await newConversation();
    fillTo(c, 'location');
    // The helper adds one minute after every message: the gap is exactly 60 minutes.
    c.now = new Date(c.now.getTime() + 59 * 60_000);
    c.send('Jl. MT Haryono, Lowokwaru');
    expect(c.state).toMatchObject({ flowId: 'complaint', stepId: 'attachments' });
    expect(c.state!.answers.description).toEqual({ kind: 'text', text: DESCRIPTION });
    expect(texts(c).join()).not.toContain('Sesi Anda');
  });
});

const expectedForm = (overrides: Partial<SubmittedForm>): SubmittedForm => ({
  trackingCode: 'ADU-7KQ2-M9XD',
  channel: 'WEBCHAT',
  chatId: 'chat-1',
  senderId: 'chat-1',
  language: 'id',
  type: 'PENGADUAN',
  categoryId: 'cat-pu-jalan',
  title: 'Jalan di depan Pasar Dinoyo berlubang besar sejak tiga bulan',
  description: DESCRIPTION,
  incidentDate: '2026-11-22',
  location: { latitude: null, longitude: null, address: 'Jl. MT Haryono, Dinoyo, Kec. Lowokwaru', regionCode: '35.73.05' },
  attachmentIds: [],
  requestedAgencyId: null,
  anonymous: false,
  confidential: false,
  submittedAt: '',
  ...overrides,
});

describe('a whole report', () => {
  it('in Bahasa Indonesia: one submit effect whose form holds every answer', async () => {
    let drawn = 0;
    const c = await newConversation({ newTrackingCode: () => (drawn++, 'ADU-AB12-CD34') });
    expect(c.send('halo').messages[0]!.text).toBe(MENU_PROMPT);
    c.choose('main.report');
    c.choose('type.pengaduan');
    c.send('Pekerjaan Umum');
    c.send('jalan rusk');
    c.send(DESCRIPTION);
    c.choose('title.suggested');
    c.send('kemarin');
    c.send('Jl. MT Haryono, Dinoyo, Kec. Lowokwaru');
    c.send(media(photo('att-1'), photo('att-2', { mimeType: 'application/pdf', kind: 'document' })));
    c.send('selesai');
    c.send('tidak tahu');
    c.send('iya');
    c.send('nggak');
    expect(c.state!.stepId).toBe('summary');
    expect(c.lastText).toContain('*Lampiran*: 2 berkas');
    expect(c.lastText).toContain('*Instansi tujuan*: Tidak tahu');
    const sentAt = c.now.toISOString();
    // A code is drawn for the confirmed form only, not for each of the steps before it.
    expect(drawn).toBe(0);
    const result = c.choose('summary.send');
    expect(drawn).toBe(1);
    expect(submits(result.effects)).toHaveLength(1);
    expect(result.effects).toEqual([
      {
        type: 'submit',
        form: expectedForm({ trackingCode: 'ADU-AB12-CD34', attachmentIds: ['att-1', 'att-2'], anonymous: true, submittedAt: sentAt }),
      },
    ]);
    expect(SubmittedFormSchema.safeParse((result.effects[0] as { form: unknown }).form).success).toBe(true);
    expect(texts(c)).toEqual([
      'Terima kasih! Laporan Anda diterima dengan kode *ADU-AB12-CD34*. Simpan kode ini untuk cek status (ketik: cek ADU-AB12-CD34). Kami akan mengabari Anda di sini setiap ada perkembangan.',
    ]);
    expect(result.state).toMatchObject({ flowId: null, stepId: null, answers: {} });
    expect(submits(c.send('ya').effects)).toEqual([]);
  });

  it('in English: the same form, in English, with a chosen agency and a map pin', async () => {
    const c = await newConversation();
    c.send('hi');
    c.choose('main.language');
    expect(texts(c)).toEqual(['Language switched to English.', 'Welcome to the complaint service. What would you like to do?']);
    c.send('File a report');
    c.send('Information request');
    c.send('public works');
    c.send('Street Lights');
    c.send('The street lights on Jalan Ijen have been off for two weeks.');
    c.send('Street lights off on Jalan Ijen');
    c.send('yesterday');
    c.send(pin(-7.9712, 112.6203));
    c.send(media(photo('att-9')));
    c.send('done');
    c.send('Dinas Pekerjaan Umum');
    c.send('no');
    c.send('yes');
    expect(c.last.messages[0]!.text).toMatch(/^Please check your report:/);
    expect(c.lastText).toContain('*Location*: Map pin (-7.97120, 112.62030)');
    const sentAt = c.now.toISOString();
    const result = c.send('send');
    expect(result.effects).toEqual([
      {
        type: 'submit',
        form: expectedForm({
          language: 'en',
          type: 'PERMINTAAN_INFORMASI',
          categoryId: 'cat-pu-pju',
          title: 'Street lights off on Jalan Ijen',
          description: 'The street lights on Jalan Ijen have been off for two weeks.',
          location: { latitude: -7.9712, longitude: 112.6203, address: null, regionCode: '35.73' },
          attachmentIds: ['att-9'],
          requestedAgencyId: 'ag-pu',
          confidential: true,
          submittedAt: sentAt,
        }),
      },
    ]);
    expect(texts(c)[0]).toMatch(/^Thank you! Your report was received with code \*ADU-7KQ2-M9XD\*/);
    expect(result.state.language).toBe('en');
  });
});

describe('status lookups', () => {
  it.each([
    ['cek ADU-7KQ2-M9XD', 'ADU-7KQ2-M9XD'],
    ['status adu-7kq2-m9xd', 'ADU-7KQ2-M9XD'],
    ['/status ADU 7KQ2 M9XO', 'ADU-7KQ2-M9X0'],
    ['cek adu7kq2m9xd', 'ADU-7KQ2-M9XD'],
    ['cek status ADU-7KQ2-M9XD', 'ADU-7KQ2-M9XD'],
  ])('"%s" from idle gives a lookup of %s', async (text, code) => {
    const c = await newConversation();
    const result = c.send(text);
    expect(result.effects).toEqual([{ type: 'lookup', code }]);
    expect(result.state).toMatchObject({ flowId: null, stepId: null });
  });

  it('works from the menu too', async () => {
    const c = await newConversation();
    c.send('halo');
    expect(c.send('cek ADU-7KQ2-M9XD').effects).toEqual([{ type: 'lookup', code: 'ADU-7KQ2-M9XD' }]);
  });

  it('the status flow re-prompts an invalid code, then looks a lowercase code up', async () => {
    const c = await newConversation();
    c.send('halo');
    c.choose('main.status');
    expect(texts(c)).toEqual(['Ketik kode laporan Anda, misalnya ADU-7KQ2-M9XD.']);
    expectRefused(c, 'ADU-7KQ2', 'Kode tidak dikenali. Bentuknya seperti ADU-7KQ2-M9XD.');
    expect(c.send('adu-7kq2-m9xd').effects).toEqual([{ type: 'lookup', code: 'ADU-7KQ2-M9XD' }]);
  });

  it('"cek" with a bad code opens the status flow with the error', async () => {
    const c = await newConversation();
    const result = c.send('cek 12345');
    expect(result.effects).toEqual([]);
    expect(texts(c)).toEqual(['Kode tidak dikenali. Bentuknya seperti ADU-7KQ2-M9XD.\n\nKetik kode laporan Anda, misalnya ADU-7KQ2-M9XD.']);
    expect(result.state).toMatchObject({ flowId: 'status', stepId: 'code' });
  });
});
