import { beforeAll, describe, expect, it } from 'vitest';
import type { Choice } from '../../src/domain/index.js';
import type { Commands } from '../../src/engine/index.js';
import {
  localDate,
  matchChoice,
  matchCommand,
  matchWord,
  mimeAllowed,
  parseDate,
  suggestTitle,
  toIsoDate,
  type CalendarDate,
} from '../../src/engine/parsers.js';
import { realFlows } from '../helpers/engine.js';

const categories: Choice[] = [
  { id: 'pu-jalan-rusak', label: 'Jalan Rusak' },
  { id: 'pu-pju', label: 'Penerangan Jalan Umum' },
  { id: 'pu-drainase', label: 'Drainase' },
];
const menu: Choice[] = [
  { id: 'report', label: '📝 Buat laporan' },
  { id: 'status', label: '🔎 Cek status laporan' },
  { id: 'help', label: '❓ Bantuan' },
  { id: 'language', label: '🌐 English' },
];

describe('matchChoice', () => {
  it.each([
    ['1', categories, 'pu-jalan-rusak'],
    ['3', categories, 'pu-drainase'],
    [' 2. ', categories, 'pu-pju'],
    ['jalan rusak', categories, 'pu-jalan-rusak'],
    ['JALAN RUSAK!', categories, 'pu-jalan-rusak'],
    ['Penerangan jalan umum', categories, 'pu-pju'],
    ['pu-pju', categories, 'pu-pju'],
    ['PU PJU', categories, 'pu-pju'],
    ['jalan rusk', categories, 'pu-jalan-rusak'],
    ['drainse', categories, 'pu-drainase'],
    ['penerangan', categories, 'pu-pju'],
    ['buat laporan', menu, 'report'],
    ['📝 Buat laporan', menu, 'report'],
    ['cek status', menu, 'status'],
    ['bantuan', menu, 'help'],
    ['English', menu, 'language'],
    ['4', menu, 'language'],
  ])('"%s" → %s', (text, choices, id) => {
    expect(matchChoice(text, choices)?.id).toBe(id);
  });

  const twins: Choice[] = [
    { id: 'batu', label: 'Kota Batu' },
    { id: 'baru', label: 'Kota Baru' },
  ];

  it.each([
    ['0', categories, 'number zero'],
    ['4', categories, 'number past the last option'],
    ['99', categories, 'large number'],
    ['', categories, 'empty'],
    ['!!!', categories, 'punctuation only'],
    ['📝', menu, 'emoji only'],
    ['sampah', categories, 'nothing close'],
    ['kota bau', twins, 'one edit from two options'],
    ['kota ba', twins, 'prefix of two options'],
  ])('"%s" → null (%s)', (text, choices) => {
    expect(matchChoice(text, choices)).toBeNull();
  });
});

describe('parseDate', () => {
  const today: CalendarDate = { year: 2026, month: 11, day: 23 };

  it.each([
    ['hari ini', '2026-11-23'],
    ['Hari Ini!', '2026-11-23'],
    ['today', '2026-11-23'],
    ['kemarin', '2026-11-22'],
    ['yesterday', '2026-11-22'],
    ['kemarin lusa', '2026-11-21'],
    ['2 hari lalu', '2026-11-21'],
    ['10 hari yang lalu', '2026-11-13'],
    ['3 days ago', '2026-11-20'],
    ['30 hari lalu', '2026-10-24'],
    ['besok', '2026-11-24'],
    ['tomorrow', '2026-11-24'],
    ['23/11/2026', '2026-11-23'],
    ['1/2/2026', '2026-02-01'],
    ['23-11-26', '2026-11-23'],
    ['23.11.2026', '2026-11-23'],
    ['2026-11-23', '2026-11-23'],
    ['2026-1-5', '2026-01-05'],
    ['23 November 2026', '2026-11-23'],
    ['23 Nov', '2026-11-23'],
    ['5 Agustus 2026', '2026-08-05'],
    ['5 agt 2026', '2026-08-05'],
    ['tgl 17 agustus 2025', '2025-08-17'],
    ['1 Januari 2025', '2025-01-01'],
    ['12 nopember 2026', '2026-11-12'],
    ['29/02/2028', '2028-02-29'],
  ])('"%s" → %s', (text, iso) => {
    const date = parseDate(text, today);
    expect(date).not.toBeNull();
    expect(toIsoDate(date!)).toBe(iso);
  });

  it('counts back across a year boundary', () => {
    expect(toIsoDate(parseDate('kemarin', { year: 2027, month: 1, day: 1 })!)).toBe('2026-12-31');
  });

  it.each([
    '31/02/2026',
    '29/02/2026',
    '32/01/2026',
    '12/13/2026',
    '2026-13-01',
    '23 Foo 2026',
    'nonsense',
    'kapan ya',
    '',
    '2026/11/23',
  ])('"%s" → null', (text) => {
    expect(parseDate(text, today)).toBeNull();
  });
});

describe('localDate', () => {
  it.each([
    ['2026-11-23T17:30:00Z', 'Asia/Jakarta', '2026-11-24'],
    ['2026-11-23T16:59:59Z', 'Asia/Jakarta', '2026-11-23'],
    ['2026-11-23T17:00:00Z', 'Asia/Jakarta', '2026-11-24'],
    ['2026-11-23T17:30:00Z', 'UTC', '2026-11-23'],
    ['2026-11-23T15:30:00Z', 'Asia/Jayapura', '2026-11-24'],
    ['2026-11-23T15:30:00Z', 'Asia/Makassar', '2026-11-23'],
    ['2026-12-31T17:00:00Z', 'Asia/Jakarta', '2027-01-01'],
  ])('%s in %s is %s', (instant, zone, iso) => {
    expect(toIsoDate(localDate(new Date(instant), zone))).toBe(iso);
  });
});

describe('matchCommand', () => {
  let commands: Commands;
  beforeAll(async () => {
    commands = (await realFlows()).commands;
  });

  it.each([
    ['batal', 'cancel', undefined],
    ['/batal', 'cancel', undefined],
    ['BATAL ', 'cancel', undefined],
    ['  Batal!  ', 'cancel', undefined],
    ['cancel', 'cancel', undefined],
    ['kembali', 'back', undefined],
    ['/back', 'back', undefined],
    ['bantuan', 'help', undefined],
    ['?', 'help', undefined],
    ['bahasa', 'language', undefined],
    ['bahasa en', 'language', 'en'],
    ['/language EN', 'language', 'EN'],
    ['menu', 'menu', undefined],
    ['halo', 'menu', undefined],
    ['lapor', 'report', undefined],
    ['buat laporan', 'report', undefined],
    ['status ADU-7KQ2-M9XD', 'status', 'ADU-7KQ2-M9XD'],
    ['/status ADU-7KQ2-M9XD', 'status', 'ADU-7KQ2-M9XD'],
    ['cek adu-7kq2-m9xd', 'status', 'adu-7kq2-m9xd'],
    ['cek', 'status', undefined],
  ])('"%s" → %s %s', (text, command, argument) => {
    expect(matchCommand(text, commands)).toEqual(argument === undefined ? { command } : { command, argument });
  });

  it.each([
    ['jalan rusak di depan pasar', 'an answer'],
    ['batalkan', 'a longer word'],
    ['', 'empty'],
    [`batal ${'karena jalannya sudah diperbaiki oleh warga sendiri kemarin sore'}`, 'longer than 60 characters'],
    [`status ${'x'.repeat(80)}`, 'a command word followed by a long text'],
  ])('"%s" is not a command (%s)', (text) => {
    expect(matchCommand(text, commands)).toBeNull();
  });

  it('matchWord compares whole normalised words', () => {
    expect(matchWord('  Iya! ', commands.yes)).toBe(true);
    expect(matchWord('nggak', commands.no)).toBe(true);
    expect(matchWord('iya dong', commands.yes)).toBe(false);
    expect(matchWord('', commands.yes)).toBe(false);
  });
});

describe('suggestTitle', () => {
  it('takes the first sentence without its full stop', () => {
    expect(suggestTitle('Jalan berlubang di depan pasar. Sudah 3 bulan tidak diperbaiki.')).toBe('Jalan berlubang di depan pasar');
    expect(suggestTitle('Lampu jalan mati\nsudah seminggu')).toBe('Lampu jalan mati');
    expect(suggestTitle('  Air   PDAM   keruh!  ')).toBe('Air PDAM keruh');
  });

  it('cuts a long sentence at a word boundary and marks the cut', () => {
    const description = 'Jalan di depan pasar Dinoyo berlubang besar dan sangat berbahaya bagi pengendara motor setiap malam';
    const title = suggestTitle(description, 60);
    expect(title).toBe('Jalan di depan pasar Dinoyo berlubang besar dan sangat…');
    expect(title.length).toBeLessThanOrEqual(60);
    const kept = title.slice(0, -1);
    expect(description.startsWith(kept)).toBe(true);
    expect(description[kept.length]).toBe(' ');
  });

  it.each([
    ['one long word', 'a'.repeat(130), 120],
    ['emoji without spaces', '🚧'.repeat(130), 120],
    ['emoji after one letter', `x${'🚧'.repeat(100)}`, 60],
  ])('never exceeds the limit in characters, nor splits a character (%s)', (_name, description, max) => {
    const title = suggestTitle(description, max);
    expect([...title].length).toBeLessThanOrEqual(max);
    expect(title.endsWith('…')).toBe(true);
    expect(title).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
    expect(description.startsWith(title.slice(0, -1))).toBe(true);
  });
});

describe('mimeAllowed', () => {
  const allowed = ['image/*', 'video/*', 'application/pdf'];
  it.each([
    ['image/jpeg', true],
    ['IMAGE/PNG', true],
    ['video/mp4', true],
    ['application/pdf', true],
    ['Application/PDF', true],
    ['application/zip', false],
    ['audio/ogg', false],
    ['imagex/png', false],
    ['text/html', false],
  ])('%s → %s', (mime, expected) => {
    expect(mimeAllowed(mime, allowed)).toBe(expected);
  });
});
