/** The working-day calendar: arithmetic over the real `calendar/` files, and the loader against broken files. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { WorkingDayCalendar } from '../../src/domain/calendar.js';
import { CalendarFileError, loadCalendar, parseCalendarFiles } from '../../src/store/calendar-files.js';

const calendarDir = join(import.meta.dirname, '..', '..', 'calendar');
const realFiles = readdirSync(calendarDir)
  .filter((name) => name.endsWith('.yaml'))
  .map((name) => ({ name, source: readFileSync(join(calendarDir, name), 'utf8') }));
const calendar = parseCalendarFiles(realFiles);

const WIB = 'Asia/Jakarta';
const WITA = 'Asia/Makassar';
const WIT = 'Asia/Jayapura';

const date = (iso: string) => {
  const [year, month, day] = iso.split('-').map(Number);
  return { year: year!, month: month!, day: day! };
};

describe('addWorkingDays', () => {
  it.each([
    // label, filed at, working days, zone, deadline (UTC)
    ['Friday 23:00 WIB + 3 skips the weekend → Wednesday', '2026-11-20T23:00:00+07:00', 3, WIB, '2026-11-25T16:59:59.999Z'],
    ['0 days → end of the filing day', '2026-11-20T08:00:00+07:00', 0, WIB, '2026-11-20T16:59:59.999Z'],
    ['0 days on a holiday → still the end of that day', '2026-03-21T08:00:00+07:00', 0, WIB, '2026-03-21T16:59:59.999Z'],
    ['Friday + 1 → Monday', '2026-11-20T10:00:00+07:00', 1, WIB, '2026-11-23T16:59:59.999Z'],
    ['filed on Saturday: Monday is the first working day', '2026-11-21T10:00:00+07:00', 1, WIB, '2026-11-23T16:59:59.999Z'],
    ['Imlek: cuti bersama Monday and holiday Tuesday are skipped', '2026-02-13T09:00:00+07:00', 1, WIB, '2026-02-18T16:59:59.999Z'],
    ['Idulfitri 2026: 18-24 March are all off', '2026-03-17T09:00:00+07:00', 3, WIB, '2026-03-27T16:59:59.999Z'],
    ['the day before the Idulfitri break + 2 → the day after it', '2026-03-16T09:00:00+07:00', 2, WIB, '2026-03-25T16:59:59.999Z'],
    ['filed on Idulfitri itself (Sunday 22 March)', '2026-03-22T09:00:00+07:00', 1, WIB, '2026-03-25T16:59:59.999Z'],
    ['Kenaikan, Iduladha, Waisak and Pancasila: 14 days', '2026-05-08T09:00:00+07:00', 14, WIB, '2026-06-04T16:59:59.999Z'],
    ['60 days across 17 August and Maulid', '2026-08-03T09:00:00+07:00', 60, WIB, '2026-10-28T16:59:59.999Z'],
    ['Christmas: cuti bersama 24 and holiday 25 December', '2026-12-23T09:00:00+07:00', 3, WIB, '2026-12-30T16:59:59.999Z'],
    ['year end: into 2027, skipping New Year', '2026-12-23T09:00:00+07:00', 5, WIB, '2027-01-04T16:59:59.999Z'],
    ['31 December + 1 → Monday 4 January 2027', '2026-12-31T09:00:00+07:00', 1, WIB, '2027-01-04T16:59:59.999Z'],
    ['WITA: a day ends at 15:59:59.999Z', '2026-11-20T10:00:00+08:00', 3, WITA, '2026-11-25T15:59:59.999Z'],
    ['WIT: a day ends at 14:59:59.999Z', '2026-11-20T10:00:00+09:00', 3, WIT, '2026-11-25T14:59:59.999Z'],
    ['Friday 22:30 WIB, 0 days, counted in WIB: Friday', '2026-11-20T15:30:00Z', 0, WIB, '2026-11-20T16:59:59.999Z'],
    ['the same instant in WITA (23:30): still Friday', '2026-11-20T15:30:00Z', 0, WITA, '2026-11-20T15:59:59.999Z'],
    ['the same instant in WIT (00:30): already Saturday', '2026-11-20T15:30:00Z', 0, WIT, '2026-11-21T14:59:59.999Z'],
    ['Thursday 22:30 WIB + 1 in WIB → Friday', '2026-11-19T15:30:00Z', 1, WIB, '2026-11-20T16:59:59.999Z'],
    ['the same instant + 1 in WIT (Friday 00:30) → Monday', '2026-11-19T15:30:00Z', 1, WIT, '2026-11-23T14:59:59.999Z'],
  ])('%s', (_label, filed, days, zone, deadline) => {
    expect(calendar.addWorkingDays(new Date(filed), days, zone).toISOString()).toBe(deadline);
  });

  it.each([-1, 1.5, Number.NaN])('refuses %s working days', (days) => {
    expect(() => calendar.addWorkingDays(new Date('2026-11-20T10:00:00Z'), days, WIB)).toThrow(RangeError);
  });

  it.each([
    ['2026-02-13T09:00:00+07:00', WIB],
    ['2026-03-16T23:59:59.999+07:00', WIB],
    ['2026-12-18T00:00:00+08:00', WITA],
    ['2026-05-13T12:00:00+09:00', WIT],
  ])('workingDaysBetween undoes addWorkingDays from %s in %s', (filed, zone) => {
    const start = new Date(filed);
    const counts = [0, 1, 3, 5, 10, 14, 60].map((days) => calendar.workingDaysBetween(start, calendar.addWorkingDays(start, days, zone), zone));
    expect(counts).toEqual([0, 1, 3, 5, 10, 14, 60]);
  });
});

describe('workingDaysBetween', () => {
  it.each([
    ['the same day', '2026-11-20T08:00:00+07:00', '2026-11-20T20:00:00+07:00', WIB, 0],
    ['`to` before `from`', '2026-11-25T08:00:00+07:00', '2026-11-20T08:00:00+07:00', WIB, 0],
    ['Friday to the next Wednesday', '2026-11-20T23:00:00+07:00', '2026-11-25T01:00:00+07:00', WIB, 3],
    ['Friday to Sunday', '2026-11-20T10:00:00+07:00', '2026-11-22T10:00:00+07:00', WIB, 0],
    ['across the Idulfitri break', '2026-03-17T09:00:00+07:00', '2026-03-27T09:00:00+07:00', WIB, 3],
    ['across the year end', '2026-12-23T09:00:00+07:00', '2027-01-04T09:00:00+07:00', WIB, 5],
    ['all of 2026: 261 weekdays minus 13 weekday holidays and 8 cuti bersama', '2025-12-31T12:00:00+07:00', '2026-12-31T12:00:00+07:00', WIB, 240],
    ['Thursday 22:30 WIB to Monday, in WIB', '2026-11-19T15:30:00Z', '2026-11-23T03:00:00Z', WIB, 2],
    ['the same instants in WIT (Friday 00:30 to Monday)', '2026-11-19T15:30:00Z', '2026-11-23T03:00:00Z', WIT, 1],
  ])('%s', (_label, from, to, zone, expected) => {
    expect(calendar.workingDaysBetween(new Date(from), new Date(to), zone)).toBe(expected);
  });
});

describe('days', () => {
  it.each([
    ['2026-11-23', true, undefined],
    ['2026-11-21', false, undefined],
    ['2026-01-16', false, 'Isra Mikraj Nabi Muhammad SAW'],
    ['2026-02-16', false, 'Cuti bersama Tahun Baru Imlek 2577 Kongzili'],
    ['2026-03-20', false, 'Cuti bersama Idulfitri 1447 Hijriah'],
    ['2026-03-21', false, 'Idulfitri 1447 Hijriah'],
    ['2026-12-24', false, 'Cuti bersama Kelahiran Yesus Kristus'],
    ['2027-01-01', false, 'Tahun Baru 2027 Masehi'],
    ['2028-01-03', true, undefined],
  ])('%s: working day %s, name %s', (iso, working, name) => {
    expect(calendar.isWorkingDay(date(iso))).toBe(working);
    expect(calendar.holidayName(date(iso))).toBe(name);
  });

  it.each([
    [WIB, '2026-11-20'],
    [WITA, '2026-11-20'],
    [WIT, '2026-11-21'],
  ])('localDate of Friday 22:30 WIB in %s is %s', (zone, iso) => {
    expect(calendar.localDate(new Date('2026-11-20T15:30:00Z'), zone)).toEqual(date(iso));
  });

  it.each([
    ['a holiday key that is no date', () => new WorkingDayCalendar(new Map([['2026-02-30', 'x']]))],
    ['an impossible date asked', () => calendar.isWorkingDay({ year: 2026, month: 13, day: 1 })],
  ])('refuses %s', (_label, run) => {
    expect(run).toThrow(RangeError);
  });
});

describe('the real calendar files', () => {
  it('load from disk and cover 2026 and 2027', async () => {
    const loaded = await loadCalendar(calendarDir);
    expect(loaded.coveredYears()).toEqual([2026, 2027]);
    expect(loaded.holidayName(date('2026-03-19'))).toBe('Hari Suci Nyepi Tahun Baru Saka 1948');
  });

  it('hold the 17 holidays and 8 cuti bersama of the 2026 SKB', () => {
    const named: string[] = [];
    for (let day = new Date(Date.UTC(2026, 0, 1)); day.getUTCFullYear() === 2026; day.setUTCDate(day.getUTCDate() + 1)) {
      const iso = day.toISOString().slice(0, 10);
      if (calendar.holidayName(date(iso)) !== undefined) named.push(iso);
    }
    expect(named).toHaveLength(25);
  });
});

type File = { name: string; source: string };
const file = (lines: string[], name = '2026.yaml'): File => ({ name, source: `${lines.join('\n')}\n` });
/** Lines 1-4 of a valid file; entries added after it start at line 5. */
const head = ['# test', 'year: 2026', 'holidays:', '  - { date: 2026-01-01, name: Tahun Baru 2026 Masehi }'];

function problemsOf(files: File[]): string[] {
  try {
    parseCalendarFiles(files);
  } catch (error) {
    if (error instanceof CalendarFileError) return error.problems;
    throw error;
  }
  return [];
}

describe('broken calendar files', () => {
  it.each<[string, File[], RegExp[]]>([
    ['an impossible date', [file([...head, '  - { date: 2026-02-30, name: X }'])], [/^2026\.yaml:5: holidays\[1\]\.date: 2026-02-30 is not a calendar date$/]],
    ['a date outside the year', [file([...head, '  - { date: 2027-01-01, name: X }'])], [/^2026\.yaml:5: holidays\[1\]\.date: 2027-01-01 is not in 2026/]],
    ['a malformed date', [file([...head, '  - { date: 2026-1-5, name: X }'])], [/^2026\.yaml:5: holidays\[1\]\.date: must be a date written YYYY-MM-DD/]],
    ['a date written as a number', [file([...head, '  - { date: 20260105, name: X }'])], [/^2026\.yaml:5: holidays\[1\]\.date: must be a date written YYYY-MM-DD/]],
    ['a date written day first', [file([...head, '  - { date: 05/01/2026, name: X }'])], [/^2026\.yaml:5: holidays\[1\]\.date: must be a date written YYYY-MM-DD/]],
    ['a duplicate holiday', [file([...head, '  - { date: 2026-01-01, name: Again }'])], [/^2026\.yaml:5: holidays\[1\]\.date: 2026-01-01 is listed twice in holidays \(also at line 4\)$/]],
    [
      'a duplicate cuti bersama',
      [file([...head, 'cuti_bersama:', '  - { date: 2026-02-16, name: A }', '  - { date: 2026-02-16, name: B }'])],
      [/^2026\.yaml:7: cuti_bersama\[1\]\.date: 2026-02-16 is listed twice in cuti_bersama \(also at line 6\)$/],
    ],
    ['an unclosed flow map', [file([...head, '  - { date: 2026-02-17, name: Imlek', 'cuti_bersama: []'])], [/^2026\.yaml:5: YAML syntax error: /]],
    ['a badly indented entry', [file([...head, '   - { date: 2026-02-17, name: Imlek }'])], [/^2026\.yaml:5: YAML syntax error: /]],
    ['a tab as indentation (one problem, not four)', [file([...head, '\t- { date: 2026-02-17, name: Imlek }'])], [/^2026\.yaml:5: YAML syntax error: Tabs/]],
    ['a key given twice', [file([...head, 'year: 2027'])], [/^2026\.yaml:5: YAML syntax error: Map keys must be unique$/]],
    ['a missing year', [file(['# no year', 'holidays:', '  - { date: 2026-01-01, name: X }'])], [/^2026\.yaml:2: year: missing/]],
    ['a year in words', [file(['year: dua ribu', 'holidays:', '  - { date: 2026-01-01, name: X }'])], [/^2026\.yaml:1: year: must be a year/]],
    ['a year that is not the file name', [file(head, '2027.yaml')], [/^2027\.yaml:2: year: 2026 does not match the file name/]],
    ['a misspelt list', [file([...head, 'cuti-bersama:', '  - { date: 2026-02-16, name: X }'])], [/^2026\.yaml:5: cuti-bersama: unknown key/]],
    ['an entry without a name', [file([...head, '  - { date: 2026-03-19 }'])], [/^2026\.yaml:5: holidays\[1\]\.name: must be the name/]],
    ['an entry with an unknown key', [file([...head, '  - { date: 2026-03-19, name: N, nama: M }'])], [/^2026\.yaml:5: holidays\[1\]\.nama: unknown key/]],
    ['no holidays', [file(['year: 2026', 'holidays: []'])], [/^2026\.yaml:2: holidays: must list at least one holiday$/]],
    ['an empty file', [file([''])], [/^2026\.yaml:1: must be a mapping/]],
    ['no files at all', [], [/^no calendar files/]],
    [
      'two files for one year',
      [file(head, 'a.yaml'), file(head, 'b.yaml')],
      [/^b\.yaml:2: year: 2026 is also covered by a\.yaml$/, /^b\.yaml:4: holidays\[0\]\.date: 2026-01-01 is listed twice in holidays \(also at a\.yaml:4\)$/],
    ],
    [
      'several problems at once',
      [
        file([
          ...head,
          '  - { date: 2026-02-30, name: Impossible }',
          '  - { date: 2025-12-25, name: Last year }',
          'cuti_bersama:',
          '  - { date: 2026-03-20, name: Cuti }',
          '  - { date: 2026-03-20, name: Cuti again }',
          '  - { date: 2026/03/23, name: Slashes }',
        ]),
        file(['year: 2027', 'holidays:', '  - { date: 2027-01-01, name: Tahun Baru', 'cuti_bersama: []'], '2027.yaml'),
      ],
      [
        /^2026\.yaml:5: holidays\[1\]\.date: 2026-02-30 is not a calendar date$/,
        /^2026\.yaml:6: holidays\[2\]\.date: 2025-12-25 is not in 2026/,
        /^2026\.yaml:9: cuti_bersama\[1\]\.date: 2026-03-20 is listed twice in cuti_bersama \(also at line 8\)$/,
        /^2026\.yaml:10: cuti_bersama\[2\]\.date: must be a date written YYYY-MM-DD/,
        /^2027\.yaml:3: YAML syntax error: /,
      ],
    ],
  ])('%s', (_label, files, expected) => {
    const problems = problemsOf(files);
    expect(problems).toHaveLength(expected.length);
    expected.forEach((pattern, i) => expect(problems[i]).toMatch(pattern));
  });

  it('lists every problem on its own line of the message', () => {
    const error = (() => {
      try {
        parseCalendarFiles([file([...head, '  - { date: 2026-02-30, name: A }', '  - { date: 2027-01-01, name: B }'])]);
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(CalendarFileError);
    expect(error instanceof Error ? error.message.split('\n') : []).toEqual([
      'invalid calendar files:',
      '  2026.yaml:5: holidays[1].date: 2026-02-30 is not a calendar date',
      '  2026.yaml:6: holidays[2].date: 2027-01-01 is not in 2026, the year of this file',
    ]);
  });

  it('accepts a day that is both a holiday and cuti bersama, and keeps the holiday name', () => {
    const loaded = parseCalendarFiles([
      file(['year: 2026', 'cuti_bersama:', '  - { date: 2026-03-20, name: Cuti bersama }', 'holidays:', '  - { date: 2026-03-20, name: Idulfitri }']),
    ]);
    expect([loaded.holidayName(date('2026-03-20')), loaded.isWorkingDay(date('2026-03-20')), loaded.coveredYears()]).toEqual([
      'Idulfitri',
      false,
      [2026],
    ]);
  });
});
