/** One describe per step kind of the real complaint flow: what each accepts, refuses and stores. */
import { describe, expect, it } from 'vitest';
import { SubmittedFormSchema, type InboundContent } from '../../src/domain/index.js';
import { suggestTitle } from '../../src/engine/index.js';
import {
  DESCRIPTION,
  choice,
  expectRefused,
  fillTo,
  media,
  newConversation,
  photo,
  pin,
} from './support/complaint.js';

describe('choice step', () => {
  it.each<[string, InboundContent | string, string, string]>([
    ['button', choice('type.aspirasi'), 'aspirasi', 'ASPIRASI'],
    ['number', '3', 'informasi', 'PERMINTAAN_INFORMASI'],
    ['label', 'Permintaan informasi', 'informasi', 'PERMINTAAN_INFORMASI'],
    ['label, any case', 'PENGADUAN', 'pengaduan', 'PENGADUAN'],
    ['option id', 'aspirasi', 'aspirasi', 'ASPIRASI'],
    ['near spelling', 'pengadun', 'pengaduan', 'PENGADUAN'],
  ])('type by %s', async (_how, input, optionId, value) => {
    const c = await newConversation();
    fillTo(c, 'type');
    c.send(input);
    expect(c.state!.answers.type).toEqual({ kind: 'choice', optionId, value });
    expect(c.state!.stepId).toBe('category');
  });

  it.each<[string, InboundContent | string, string]>([
    ['button', choice('subcategory.pu-pju'), 'cat-pu-pju'],
    ['number', '1', 'cat-pu-jalan'],
    ['label', 'penerangan jalan umum', 'cat-pu-pju'],
    ['near spelling', 'jalan rusk', 'cat-pu-jalan'],
  ])('catalog sub-category by %s stores the category id', async (_how, input, value) => {
    const c = await newConversation();
    fillTo(c, 'subcategory');
    expect(c.last.messages[0]!.choices).toEqual([
      { id: 'subcategory.pu-jalan-rusak', label: 'Jalan Rusak' },
      { id: 'subcategory.pu-pju', label: 'Penerangan Jalan Umum' },
    ]);
    c.send(input);
    expect(c.state!.answers.subcategory).toMatchObject({ kind: 'choice', value });
    expect(c.state!.stepId).toBe('description');
  });

  it.each<[string, InboundContent | string]>([
    ['unknown text', 'sampah menumpuk'],
    ['number out of range', '4'],
    ['number zero', '0'],
    ['empty text', ''],
    ['a button id the step does not have', choice('type.bogus')],
    ['a location', pin(-7.95, 112.61)],
    ['a photo', media(photo('att-x'))],
  ])('refuses %s with error_choice_unknown', async (_what, input) => {
    const c = await newConversation();
    fillTo(c, 'type');
    expectRefused(c, input, 'Pilihan itu tidak ada. Balas dengan nomor atau nama salah satu pilihan.');
    expect(c.last.messages[0]!.text).toContain('Apa jenis laporan Anda?');
  });

  it('agency: "tidak tahu" stores null, an agency stores its id', async () => {
    const c = await newConversation();
    fillTo(c, 'agency');
    // "Tidak tahu" first: the common answer must not scroll off a phone screen.
    expect(c.last.messages[0]!.choices!.map((o) => o.label)).toEqual([
      'Tidak tahu',
      'Dinas Pekerjaan Umum',
      'Dinas Kependudukan dan Pencatatan Sipil',
    ]);
    c.send('tidak tahu');
    expect(c.state!.answers.agency).toEqual({ kind: 'choice', optionId: 'unknown', value: null });
    c.send('kembali');
    c.send('Dinas Pekerjaan Umum');
    expect(c.state!.answers.agency).toEqual({ kind: 'choice', optionId: 'dpuprpkp-malang', value: 'ag-pu' });
  });
});

describe('text step', () => {
  it.each<[string, string, string]>([
    ['too short', 'Jalan rusak.', 'Terlalu pendek (12 karakter). Mohon tulis minimal 20 karakter.'],
    ['one below the minimum', 'x'.repeat(19), 'Terlalu pendek (19 karakter). Mohon tulis minimal 20 karakter.'],
    ['one above the maximum', 'x'.repeat(4001), 'Terlalu panjang (4001 karakter). Maksimal 4000 karakter.'],
    ['100 KB', 'a'.repeat(102_400), 'Terlalu panjang (102400 karakter). Maksimal 4000 karakter.'],
    ['19 emoji (38 UTF-16 units)', '😀'.repeat(19), 'Terlalu pendek (19 karakter). Mohon tulis minimal 20 karakter.'],
    ['4001 emoji', '🚧'.repeat(4001), 'Terlalu panjang (4001 karakter). Maksimal 4000 karakter.'],
    ['19 Arabic letters', 'شارعمكسورأمامالسوقا', 'Terlalu pendek (19 karakter). Mohon tulis minimal 20 karakter.'],
    ['empty', '', 'Pesan kosong. Silakan ketik jawaban Anda.'],
    ['only spaces', '   \n\t  ', 'Pesan kosong. Silakan ketik jawaban Anda.'],
    ['a location', '', 'Mohon jawab dengan teks.'],
  ])('description refuses %s', async (what, text, notice) => {
    const c = await newConversation();
    fillTo(c, 'description');
    const input: InboundContent = what === 'a location' ? pin(-7.95, 112.61) : { kind: 'text', text };
    expectRefused(c, input, notice);
    expect(c.last.messages[0]!.text).toContain('Ceritakan kejadiannya');
  });

  it.each<[string, string]>([
    ['exactly the minimum', 'x'.repeat(20)],
    ['exactly the maximum', 'x'.repeat(4000)],
    ['20 emoji (40 UTF-16 units)', '😀'.repeat(20)],
    ['4000 emoji (8000 UTF-16 units)', '🚧'.repeat(4000)],
    ['Arabic, right to left', 'الشارع مكسور أمام السوق منذ ثلاثة أشهر'],
    ['surrounding spaces trimmed', `   ${DESCRIPTION}   `],
  ])('description accepts %s and stores it trimmed', async (_what, text) => {
    const c = await newConversation();
    fillTo(c, 'description');
    c.send(text);
    expect(c.state!.answers.description).toEqual({ kind: 'text', text: text.trim() });
    expect(c.state!.stepId).toBe('title');
  });

  it('title offers a suggestion from the description, and the button stores it', async () => {
    const c = await newConversation();
    fillTo(c, 'title');
    const prompt = c.last.messages[0]!;
    const suggestion = suggestTitle(DESCRIPTION, 120);
    expect(suggestion).toBe('Jalan di depan Pasar Dinoyo berlubang besar sejak tiga bulan');
    expect(prompt.text).toBe(`Tulis judul singkat laporan Anda, atau pakai usulan ini:\n*${suggestion}*`);
    expect(prompt.choices).toEqual([{ id: 'title.suggested', label: 'Pakai judul ini' }]);
    c.choose('title.suggested');
    expect(c.state!.answers.title).toEqual({ kind: 'text', text: suggestion });
  });

  it.each<[string, string]>([
    ['Ok', 'Terlalu pendek (2 karakter). Mohon tulis minimal 5 karakter.'],
    ['j'.repeat(121), 'Terlalu panjang (121 karakter). Maksimal 120 karakter.'],
  ])('title refuses "%s" with its limits', async (text, notice) => {
    const c = await newConversation();
    fillTo(c, 'title');
    expectRefused(c, text, notice);
  });

  it('a title of 120 emoji (240 UTF-16 units) is accepted and the form still passes its schema', async () => {
    const c = await newConversation();
    fillTo(c, 'summary', { title: '🚧'.repeat(120) });
    const submit = c.choose('summary.send').effects[0];
    expect(submit?.type === 'submit' && submit.form.title).toBe('🚧'.repeat(120));
    expect(SubmittedFormSchema.safeParse(submit?.type === 'submit' ? submit.form : null).success).toBe(true);
  });

  it('holds the suggested title to the step limits too', async () => {
    const c = await newConversation();
    // The first sentence is "?!": no title at all can be suggested from it.
    fillTo(c, 'title', { description: '?! Jalan di depan pasar berlubang besar sekali' });
    expectRefused(c, choice('title.suggested'), 'Pesan kosong. Silakan ketik jawaban Anda.');
  });

  it.each<[string, string]>([
    ['description', 'Tolong perbaiki jalan di depan rumah saya'],
    ['description', 'Bahasa petugas di loket kasar sekali kepada warga'],
    ['title', 'Stop pungli di kantor kelurahan'],
    ['title', 'Kembalikan trotoar untuk pejalan kaki'],
  ])('a %s that starts with a command word is an answer: "%s"', async (stepId, text) => {
    const c = await newConversation();
    fillTo(c, stepId);
    const result = c.send(text);
    expect(result.effects).toEqual([]);
    expect(result.state.answers[stepId]).toEqual({ kind: 'text', text });
    expect(result.state.flowId).toBe('complaint');
  });
});

describe('date step', () => {
  it.each<[string, string]>([
    ['hari ini', '2026-11-23'],
    ['kemarin', '2026-11-22'],
    ['2 hari lalu', '2026-11-21'],
    ['23/11/2026', '2026-11-23'],
    ['1 Januari 2016', '2016-01-01'],
  ])('"%s" → %s', async (text, date) => {
    const c = await newConversation();
    fillTo(c, 'incident_date');
    c.send(text);
    expect(c.state!.answers.incident_date).toEqual({ kind: 'date', date });
    expect(c.state!.stepId).toBe('location');
  });

  it.each<[string, InboundContent | string, string]>([
    ['besok', 'besok', 'Tanggal kejadian tidak boleh di masa depan.'],
    ["tomorrow's date", '24/11/2026', 'Tanggal kejadian tidak boleh di masa depan.'],
    ['next year', '1 Januari 2027', 'Tanggal kejadian tidak boleh di masa depan.'],
    ['more than ten years back', '31/12/2015', 'Tanggal terlalu lama. Mohon periksa tahunnya.'],
    ['31 February', '31/02/2026', 'Tanggal tidak dikenali. Ketik misalnya "hari ini", "kemarin", "23/11/2026" atau "23 November 2026".'],
    ['nonsense', 'waktu itu', 'Tanggal tidak dikenali. Ketik misalnya "hari ini", "kemarin", "23/11/2026" atau "23 November 2026".'],
    ['a location', pin(-7.95, 112.61), 'Tanggal tidak dikenali. Ketik misalnya "hari ini", "kemarin", "23/11/2026" atau "23 November 2026".'],
  ])('refuses %s', async (_what, input, notice) => {
    const c = await newConversation();
    fillTo(c, 'incident_date');
    expectRefused(c, input, notice);
  });

  it('"today" is the citizen\'s day in Asia/Jakarta, not UTC', async () => {
    const c = await newConversation({}, new Date('2026-11-23T16:45:00Z'));
    fillTo(c, 'incident_date');
    // 16:59 UTC is still 23 November in WIB; 17:30 UTC is 00:30 WIB on 24 November.
    c.now = new Date('2026-11-23T16:59:00Z');
    expectRefused(c, '24/11/2026', 'Tanggal kejadian tidak boleh di masa depan.');
    c.now = new Date('2026-11-23T17:30:00Z');
    c.send('24/11/2026');
    expect(c.state!.answers.incident_date).toEqual({ kind: 'date', date: '2026-11-24' });
    c.send('kembali');
    c.send('hari ini');
    expect(c.state!.answers.incident_date).toEqual({ kind: 'date', date: '2026-11-24' });
    c.send('kembali');
    expectRefused(c, '25/11/2026', 'Tanggal kejadian tidak boleh di masa depan.');
  });
});

describe('location step', () => {
  const region = async (input: InboundContent | string) => {
    const c = await newConversation();
    fillTo(c, 'location');
    c.send(input);
    expect(c.state!.stepId).toBe('attachments');
    return c.state!.answers.location;
  };

  it.each<[string, InboundContent | string, object]>([
    ['a pin', pin(-7.9425, 112.6157), { latitude: -7.9425, longitude: 112.6157, address: null, regionCode: '35.73' }],
    [
      'a pin with an address naming a kecamatan',
      pin(-7.9425, 112.6157, ' Jl. MT Haryono 1, Lowokwaru '),
      { latitude: -7.9425, longitude: 112.6157, address: 'Jl. MT Haryono 1, Lowokwaru', regionCode: '35.73.05' },
    ],
    [
      'a typed address in Lowokwaru',
      'Jl. Soekarno Hatta No. 9, Kec. LOWOKWARU',
      { latitude: null, longitude: null, address: 'Jl. Soekarno Hatta No. 9, Kec. LOWOKWARU', regionCode: '35.73.05' },
    ],
    ['a typed address in Klojen', 'Jl. Ijen 5, Klojen', { latitude: null, longitude: null, address: 'Jl. Ijen 5, Klojen', regionCode: '35.73.02' }],
    ['a typed address naming no kecamatan', 'Jl. Raya Tlogomas 12', { latitude: null, longitude: null, address: 'Jl. Raya Tlogomas 12', regionCode: '35.73' }],
    ['a name inside a longer word', 'Jl. Lowokwarukidul 3', { latitude: null, longitude: null, address: 'Jl. Lowokwarukidul 3', regionCode: '35.73' }],
  ])('%s', async (_what, input, expected) => {
    expect(await region(input)).toEqual({ kind: 'location', ...expected });
  });

  it.each<[string, InboundContent | string]>([
    ['too short an address', 'Jl 1'],
    ['an address of 501 characters', 'a'.repeat(501)],
    ['a photo', media(photo('att-x'))],
  ])('refuses %s', async (_what, input) => {
    const c = await newConversation();
    fillTo(c, 'location');
    expectRefused(c, input, 'Mohon kirim lokasi (pin peta) atau ketik alamat minimal 5 karakter.');
  });
});

describe('media step', () => {
  it('keeps the step open per file and finishes on "selesai"', async () => {
    const c = await newConversation();
    fillTo(c, 'attachments');
    expect(c.last.messages[0]!.choices).toEqual([{ id: 'attachments.done', label: 'Lewati' }]);
    const one = c.send(media(photo('att-1')));
    expect(one.messages[0]!.text.split('\n\n')[0]).toBe('Lampiran diterima (1/5). Kirim lagi, atau ketik *selesai*.');
    expect(one.messages[0]!.choices).toEqual([{ id: 'attachments.done', label: 'Selesai' }]);
    expect(c.state!.stepId).toBe('attachments');
    const album = c.send(media(photo('att-2'), photo('att-3', { kind: 'video', mimeType: 'video/mp4' }), photo('att-4', { mimeType: 'application/pdf' })));
    expect(album.messages[0]!.text.split('\n\n')[0]).toBe('Lampiran diterima (4/5). Kirim lagi, atau ketik *selesai*.');
    c.send('selesai');
    expect(c.state!.stepId).toBe('agency');
    const answer = c.state!.answers.attachments;
    expect(answer?.kind === 'media' && answer.items.map((m) => m.attachmentId)).toEqual(['att-1', 'att-2', 'att-3', 'att-4']);
  });

  it.each<[string, InboundContent | string]>([
    ['"lewati"', 'lewati'],
    ['"skip"', 'skip'],
    ['the button', choice('attachments.done')],
  ])('skips with %s and stores no files', async (_how, input) => {
    const c = await newConversation();
    fillTo(c, 'attachments');
    c.send(input);
    expect(c.state!.answers.attachments).toEqual({ kind: 'media', items: [] });
    expect(c.state!.stepId).toBe('agency');
  });

  it.each<[string, InboundContent | string, string]>([
    ['a type not allowed', media(photo('z', { kind: 'document', mimeType: 'application/zip' })), 'Jenis berkas application/zip tidak didukung. Yang diterima: foto, video, suara dan PDF.'],
    ['a file over 10 MB', media(photo('big', { sizeBytes: 10 * 1048576 + 1 })), 'Berkas terlalu besar. Maksimal 10 MB per berkas.'],
    ['a text that is not "selesai"', 'ini fotonya', 'Mohon kirim foto, video, suara atau dokumen, atau ketik *selesai*.'],
    ['a location', pin(-7.95, 112.61), 'Mohon kirim foto, video, suara atau dokumen, atau ketik *selesai*.'],
  ])('refuses %s', async (_what, input, notice) => {
    const c = await newConversation();
    fillTo(c, 'attachments');
    expectRefused(c, input, notice);
  });

  it('takes the good files of an album and names the bad ones', async () => {
    const c = await newConversation();
    fillTo(c, 'attachments');
    const result = c.send(media(photo('ok-1'), photo('zip', { mimeType: 'application/zip' }), photo('ok-2')));
    expect(result.messages[0]!.text.split('\n\n')[0]).toBe(
      'Jenis berkas application/zip tidak didukung. Yang diterima: foto, video, suara dan PDF.\nLampiran diterima (2/5). Kirim lagi, atau ketik *selesai*.',
    );
    const answer = c.state!.answers.attachments;
    expect(answer?.kind === 'media' && answer.items.map((m) => m.attachmentId)).toEqual(['ok-1', 'ok-2']);
  });

  it('keeps at most maxFiles (5) and refuses more', async () => {
    const c = await newConversation();
    fillTo(c, 'attachments');
    const six = c.send(media(...['a', 'b', 'c', 'd', 'e', 'f'].map((id) => photo(id))));
    expect(six.messages[0]!.text.split('\n\n')[0]).toBe(
      'Maksimal 5 lampiran. Ketik *selesai* untuk lanjut.\nLampiran diterima (5/5). Kirim lagi, atau ketik *selesai*.',
    );
    expectRefused(c, media(photo('g')), 'Maksimal 5 lampiran. Ketik *selesai* untuk lanjut.');
    c.send('selesai');
    const answer = c.state!.answers.attachments;
    expect(answer?.kind === 'media' && answer.items.map((m) => m.attachmentId)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('does not count the same attachment twice', async () => {
    const c = await newConversation();
    fillTo(c, 'attachments');
    c.send(media(photo('att-1')));
    c.send(media(photo('att-1')));
    const answer = c.state!.answers.attachments;
    expect(answer?.kind === 'media' && answer.items).toHaveLength(1);
  });
});

describe('yes/no step', () => {
  it.each<[InboundContent | string, boolean]>([
    [choice('anonymous.yes'), true],
    [choice('anonymous.no'), false],
    ['ya', true],
    ['Iya', true],
    ['yes', true],
    ['tidak', false],
    ['nggak', false],
    ['no', false],
  ])('%j → %s', async (input, value) => {
    const c = await newConversation();
    fillTo(c, 'anonymous');
    expect(c.last.messages[0]!.choices).toEqual([
      { id: 'anonymous.yes', label: 'Ya' },
      { id: 'anonymous.no', label: 'Tidak' },
    ]);
    c.send(input);
    expect(c.state!.answers.anonymous).toEqual({ kind: 'yesno', value });
    expect(c.state!.stepId).toBe('confidential');
  });

  it.each<[InboundContent | string]>([['mungkin'], ['ya tidak'], [choice('anonymous.maybe')]])('refuses %j', async (input) => {
    const c = await newConversation();
    fillTo(c, 'anonymous');
    const notice = typeof input === 'string' ? 'Mohon jawab *ya* atau *tidak*.' : 'Pilihan itu tidak ada. Balas dengan nomor atau nama salah satu pilihan.';
    expectRefused(c, input, notice);
  });
});
