/** The officer's text commands (parseOfficerCommand) and the one-time link codes ("daftar <kode>"). */
import { describe, expect, it } from 'vitest';
import { CODE_ALPHABET } from '../../src/domain/index.js';
import { OFFICER_HELP, parseOfficerCommand } from '../../src/services/officer-desk.js';
import { LINK_CODE_PATTERN, hashLinkCode, newLinkCode } from '../../src/services/onboarding.js';

type Parsed = ReturnType<typeof parseOfficerCommand>;

const CODE = 'ADU-7KQ2-M9XD';
const OTHER = 'ADU-AB12-CD34';

/**
 * Each command in four spellings: as in the help, with a leading "/", verb in capitals, and the
 * verb capitalised after "/"; the code in turn canonical, lower case without dashes, lower case
 * with dashes, and upper case without dashes.
 */
const spellings = (verb: string, rest: string): [string][] => {
  const cap = verb.charAt(0).toUpperCase() + verb.slice(1);
  const codes = [CODE, 'adu7kq2m9xd', 'adu-7kq2-m9xd', 'ADU7KQ2M9XD'];
  return [verb, `/${verb}`, verb.toUpperCase(), `/${cap}`].map((v, i) => [`${v} ${codes[i]!}${rest ? ` ${rest}` : ''}`]);
};

const commands: [verb: string, rest: string, expected: Parsed][] = [
  ['lihat', '', { view: CODE }],
  ['status', '', { view: CODE }], // Telegram's /status for officers
  ['teruskan', 'dpuprpkp-malang', { request: { action: 'forward', code: CODE, agencyCode: 'dpuprpkp-malang', copyCodes: [] } }],
  ['teruskan', 'DPUPRPKP-Malang', { request: { action: 'forward', code: CODE, agencyCode: 'dpuprpkp-malang', copyCodes: [] } }],
  ['teruskan', 'dishub-malang tembusan dlh-malang,Satpolpp-Malang', { request: { action: 'forward', code: CODE, agencyCode: 'dishub-malang', copyCodes: ['dlh-malang', 'satpolpp-malang'] } }],
  ['teruskan', 'dishub-malang TEMBUSAN dlh-malang, satpolpp-malang', { request: { action: 'forward', code: CODE, agencyCode: 'dishub-malang', copyCodes: ['dlh-malang', 'satpolpp-malang'] } }],
  ['teruskan', 'dishub-malang tembusan dlh-malang satpolpp-malang', { request: { action: 'forward', code: CODE, agencyCode: 'dishub-malang', copyCodes: ['dlh-malang', 'satpolpp-malang'] } }],
  ['teruskan', 'dishub-malang tembusan', { request: { action: 'forward', code: CODE, agencyCode: 'dishub-malang', copyCodes: [] } }],
  ['tunda', 'Mohon kirim foto lokasi', { request: { action: 'hold', code: CODE, text: 'Mohon kirim foto lokasi' } }],
  ['bukanwewenang', 'dishub-malang Parkir bukan urusan PU', { request: { action: 'not_authority', code: CODE, text: 'Parkir bukan urusan PU', agencyCode: 'dishub-malang' } }],
  ['bukanwewenang', 'DISHUB-MALANG Parkir bukan urusan PU', { request: { action: 'not_authority', code: CODE, text: 'Parkir bukan urusan PU', agencyCode: 'dishub-malang' } }],
  ['bukanwewenang', 'Bukan urusan kami', { request: { action: 'not_authority', code: CODE, text: 'Bukan urusan kami' } }],
  ['arsip', 'Spam berulang', { request: { action: 'archive', code: CODE, text: 'Spam berulang' } }],
  ['ambil', '', { request: { action: 'claim', code: CODE } }],
  ['proses', '', { request: { action: 'start', code: CODE } }],
  ['tutup', '', { request: { action: 'close', code: CODE } }],
  ['balas', 'Jalan sudah kami tambal.', { request: { action: 'answer', code: CODE, text: 'Jalan sudah kami tambal.' } }],
  ['balas', '#tambal', { request: { action: 'answer', code: CODE, text: '#tambal' } }],
  ['selesai', 'Sudah diperbaiki', { request: { action: 'resolve', code: CODE, text: 'Sudah diperbaiki' } }],
  ['catatan', 'tim survei hari Senin', { request: { action: 'note', code: CODE, text: 'tim survei hari Senin' } }],
  ['gabung', OTHER, { request: { action: 'merge', code: CODE, intoCode: OTHER } }],
  ['gabung', 'adu-ab12-cd34', { request: { action: 'merge', code: CODE, intoCode: OTHER } }],
];

describe('parseOfficerCommand: every command, every spelling', () => {
  it.each(commands.flatMap(([verb, rest, expected]) => spellings(verb, rest).map(([text]) => [text, expected] as const)))('%j', (text, expected) => {
    expect(parseOfficerCommand(text)).toEqual(expected);
  });
});

describe('parseOfficerCommand: texts as written', () => {
  it.each<[string, Parsed]>([
    ['  balas ADU-7KQ2-M9XD   Sudah   ditambal  ', { request: { action: 'answer', code: CODE, text: 'Sudah   ditambal' } }],
    ['balas ADU-7KQ2-M9XD Terima kasih.\n\nJalan sudah ditambal.\nSalam', { request: { action: 'answer', code: CODE, text: 'Terima kasih.\n\nJalan sudah ditambal.\nSalam' } }],
    ['selesai ADU-7KQ2-M9XD\nSudah diperbaiki', { request: { action: 'resolve', code: CODE, text: 'Sudah diperbaiki' } }],
    ['bukanwewenang ADU-7KQ2-M9XD dishub-malang Parkir,\nbukan PU', { request: { action: 'not_authority', code: CODE, text: 'Parkir,\nbukan PU', agencyCode: 'dishub-malang' } }],
    ['tunda ADU-7KQ2-M9XD ok', { request: { action: 'hold', code: CODE, text: 'ok' } }],
    ['lihat ADU-7KQ2-M9XO', { view: 'ADU-7KQ2-M9X0' }], // O read as zero
    ['lihat XYZ-7KQ2-M9XD', { view: 'XYZ-7KQ2-M9XD' }], // any prefix: the desk checks existence
  ])('%j', (text, expected) => {
    expect(parseOfficerCommand(text)).toEqual(expected);
  });
});

describe('parseOfficerCommand: list and help', () => {
  it.each([['tugas'], ['/tugas'], ['TUGAS'], ['Tugas saya']])('%j → list', (text) => {
    expect(parseOfficerCommand(text)).toEqual({ list: true });
  });

  it.each([[''], ['/'], ['bantuan'], ['/bantuan'], ['BANTUAN'], ['help'], ['/start'], ['  bantuan  ']])('%j → help', (text) => {
    expect(parseOfficerCommand(text)).toEqual({ reply: OFFICER_HELP });
  });

  it('the help names every command', () => {
    for (const verb of ['tugas', 'lihat', 'teruskan', 'tembusan', 'tunda', 'bukanwewenang', 'arsip', 'ambil', 'proses', 'tutup', 'balas', 'selesai', 'catatan', 'gabung']) {
      expect(OFFICER_HELP).toContain(verb);
    }
  });

  it.each<[string, string]>([
    ['hapus ADU-7KQ2-M9XD', 'hapus'],
    ['HAPUS ADU-7KQ2-M9XD', 'hapus'],
    ['/teruskanlah ADU-7KQ2-M9XD dpu', 'teruskanlah'],
    ['ADU-7KQ2-M9XD', 'adu-7kq2-m9xd'],
    ['halo', 'halo'],
  ])('unknown verb %j → help', (text, verb) => {
    expect(parseOfficerCommand(text)).toEqual({ reply: `Perintah "${verb}" tidak dikenal.\n\n${OFFICER_HELP}` });
  });
});

describe('parseOfficerCommand: missing or bad arguments → the "Format: …" line', () => {
  it.each<[string, string]>([
    ['lihat', 'lihat KODE'],
    ['lihat 12345', 'lihat KODE'],
    ['teruskan', 'teruskan KODE kode-instansi [tembusan kode-a,kode-b]'],
    ['teruskan ADU-7KQ2-M9XD', 'teruskan KODE kode-instansi [tembusan kode-a,kode-b]'],
    ['teruskan dpuprpkp-malang', 'teruskan KODE kode-instansi [tembusan kode-a,kode-b]'],
    ['teruskan ADU-7KQ2-M9XD tembusan dlh-malang', 'teruskan KODE kode-instansi [tembusan kode-a,kode-b]'],
    ['tunda', 'tunda KODE teks'],
    ['tunda ADU-7KQ2-M9XD', 'tunda KODE teks'],
    ['tunda ADU-7KQ2-M9XD ?', 'tunda KODE teks'],
    ['tunda Mohon kirim foto', 'tunda KODE teks'],
    ['arsip ADU-7KQ2-M9XD', 'arsip KODE teks'],
    ['balas ADU-7KQ2-M9XD', 'balas KODE teks'],
    ['selesai', 'selesai KODE teks'],
    ['catatan ADU-7KQ2-M9XD', 'catatan KODE teks'],
    ['bukanwewenang', 'bukanwewenang KODE [kode-instansi] alasan'],
    ['bukanwewenang ADU-7KQ2-M9XD', 'bukanwewenang KODE [kode-instansi] alasan'],
    ['bukanwewenang ADU-7KQ2-M9XD dishub-malang', 'bukanwewenang KODE [kode-instansi] alasan'],
    ['bukanwewenang ADU-7KQ2-M9XD x', 'bukanwewenang KODE [kode-instansi] alasan'],
    ['ambil', 'ambil KODE'],
    ['proses ADU-7KQ2', 'proses KODE'],
    ['tutup sekarang', 'tutup KODE'],
    ['gabung ADU-7KQ2-M9XD', 'gabung KODE KODE_UTAMA'],
    ['gabung ADU-7KQ2-M9XD utama', 'gabung KODE KODE_UTAMA'],
    ['gabung', 'gabung KODE KODE_UTAMA'],
  ])('%j → Format: %s', (text, form) => {
    expect(parseOfficerCommand(text)).toEqual({ reply: `Format: ${form}` });
  });
});

describe('link codes', () => {
  const fixed = (bytes: number[]) => () => Buffer.from(bytes);
  const CROCKFORD = /^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

  it.each<[number[], string]>([
    [[0, 1, 2, 3, 4, 5, 6, 7], '0123-4567'],
    [[248, 249, 250, 251, 252, 253, 254, 255], 'RSTV-WXYZ'],
    [[10, 42, 74, 106, 138, 170, 202, 234], 'AAAA-AAAA'],
    [[31, 63, 95, 127, 159, 191, 223, 255], 'ZZZZ-ZZZZ'],
  ])('bytes %j → %s', (bytes, code) => {
    expect(newLinkCode(fixed(bytes))).toBe(code);
  });

  it('asks for eight random bytes', () => {
    const asked: number[] = [];
    newLinkCode((n) => {
      asked.push(n);
      return Buffer.alloc(n);
    });
    expect(asked).toEqual([8]);
  });

  it('fresh codes match LINK_CODE_PATTERN and use only the Crockford alphabet', () => {
    for (let i = 0; i < 500; i++) {
      const code = newLinkCode();
      expect(code).toMatch(LINK_CODE_PATTERN);
      expect(code).toMatch(CROCKFORD);
      expect([...code.replace('-', '')].every((ch) => CODE_ALPHABET.includes(ch))).toBe(true);
    }
  });

  it('every symbol of the alphabet can appear, none of I, L, O, U', () => {
    const seen = new Set(Array.from({ length: 32 }, (_, b) => newLinkCode(fixed([b, b, b, b, b, b, b, b])).charAt(0)));
    expect([...seen].sort().join('')).toBe([...CODE_ALPHABET].sort().join(''));
    expect(CODE_ALPHABET).not.toMatch(/[ILOU]/);
  });

  it.each<[string, boolean]>([
    ['7KQ2-M9XD', true],
    ['7kq2-m9xd', true],
    ['7KQ2M9XD', true],
    ['7KQ-2M9XD', false],
    ['7KQ2--M9XD', false],
    ['7KQ2-M9XD1', false],
    ['7KQ2 M9XD', false],
    ['', false],
  ])('LINK_CODE_PATTERN %j → %s', (code, ok) => {
    expect(LINK_CODE_PATTERN.test(code)).toBe(ok);
  });

  it('hashLinkCode ignores case and dashes', () => {
    const hashes = new Set(['7KQ2-M9XD', '7kq2-m9xd', '7KQ2M9XD', '7kq2m9xd', '7Kq2-m9Xd', '7-K-Q-2-M-9-X-D'].map(hashLinkCode));
    expect(hashes.size).toBe(1);
    expect([...hashes][0]).toMatch(/^[0-9a-f]{64}$/);
  });

  it('hashLinkCode tells different codes apart and never returns the code', () => {
    expect(hashLinkCode('7KQ2-M9XD')).not.toBe(hashLinkCode('7KQ2-M9XE'));
    expect(hashLinkCode('7KQ2-M9XD')).not.toContain('7KQ2');
  });
});
