/** Pure readers of what citizens type: options, dates, yes/no, commands. No I/O, no clock of their own. */
import { distance } from 'fastest-levenshtein';
import type { Choice, CommandName } from '../domain/index.js';
import type { Commands } from './flow-schema.js';

/** Lower-case, strip accents, punctuation and extra spaces: "  Jalan-Rusak! " → "jalan rusak". */
export function normalise(text: string): string {
  return text
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const stripEmoji = (label: string) => normalise(label.replace(/\p{Extended_Pictographic}/gu, ''));

/**
 * Finds the option a citizen meant: its number ("2"), its label or id, or a near spelling
 * ("jalan rusk"). A near spelling counts only when exactly one option is that close.
 */
export function matchChoice(text: string, choices: readonly Choice[]): Choice | null {
  const input = normalise(text);
  if (input === '') return null;
  if (/^\d+$/.test(input)) return choices[Number(input) - 1] ?? null;
  const exact = choices.find((c) => stripEmoji(c.label) === input || normalise(c.id) === input);
  if (exact) return exact;
  const tolerance = Math.max(1, Math.floor(input.length / 5));
  const near = choices.filter((c) => distance(stripEmoji(c.label), input) <= tolerance);
  if (near.length === 1 && near[0]) return near[0];
  const prefixed = choices.filter((c) => input.length >= 4 && stripEmoji(c.label).startsWith(input));
  return prefixed.length === 1 && prefixed[0] ? prefixed[0] : null;
}

export function matchWord(text: string, words: readonly string[]): boolean {
  const input = normalise(text);
  return input !== '' && words.some((w) => normalise(w) === input);
}

/** "batal", "/batal", "bahasa en", "/status ADU-…" → the command and its argument. */
export function matchCommand(text: string, commands: Commands): { command: CommandName; argument?: string } | null {
  const trimmed = text.trim().replace(/^\//, '');
  if (trimmed.length > 60) return null;
  const c = commands.commands;
  const table: [CommandName, string[]][] = [
    ['cancel', c.cancel], ['back', c.back], ['help', c.help], ['language', c.language],
    ['menu', c.menu], ['report', c.report], ['status', c.status], ['rate', c.rate], ['reply', c.reply],
  ];
  const input = normalise(trimmed);
  for (const [command, words] of table) {
    for (const word of words) {
      const w = normalise(word);
      // A word of symbols only ("?") normalises to nothing: compare it as written.
      if (w === '') {
        if (trimmed === word) return { command };
        continue;
      }
      if (input === w) return { command };
      if (input.startsWith(`${w} `)) return { command, argument: trimmed.slice(trimmed.toLowerCase().indexOf(' ') + 1).trim() };
    }
  }
  return null;
}

const MONTHS: Record<string, number> = {
  januari: 1, january: 1, jan: 1,
  februari: 2, february: 2, pebruari: 2, feb: 2, peb: 2,
  maret: 3, march: 3, mar: 3,
  april: 4, apr: 4,
  mei: 5, may: 5,
  juni: 6, june: 6, jun: 6,
  juli: 7, july: 7, jul: 7,
  agustus: 8, august: 8, agu: 8, agt: 8, ags: 8, aug: 8,
  september: 9, sep: 9, sept: 9,
  oktober: 10, october: 10, okt: 10, oct: 10,
  november: 11, nopember: 11, nov: 11, nop: 11,
  desember: 12, december: 12, des: 12, dec: 12,
};

/** A calendar date, independent of time zones. */
export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

export const toIsoDate = (d: CalendarDate) =>
  `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}`;

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** Today's date in the given IANA zone: the citizen's "hari ini" is local, not UTC. */
export function localDate(now: Date, timeZone: string): CalendarDate {
  // Building a formatter costs ~0.25 ms: one per zone, kept.
  let format = dayFormats.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, format);
  }
  const parts = format.formatToParts(now);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

function valid(year: number, month: number, day: number): CalendarDate | null {
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCFullYear() !== year || d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return null;
  return { year, month, day };
}

/**
 * Reads "hari ini", "kemarin", "2 hari lalu", "23/11/2026", "23-11-26", "2026-11-23",
 * "23 November 2026", "23 nov" (this year). Returns null when it cannot.
 */
export function parseDate(text: string, today: CalendarDate): CalendarDate | null {
  const input = normalise(text);
  if (['hari ini', 'today', 'tadi', 'barusan', 'sekarang', 'now'].includes(input)) return today;
  if (['kemarin', 'kemaren', 'yesterday'].includes(input)) return addDays(today, -1);
  if (['kemarin lusa', 'lusa kemarin'].includes(input)) return addDays(today, -2);
  // Read so that the step can say "not in the future" instead of "not a date".
  if (['besok', 'tomorrow'].includes(input)) return addDays(today, 1);
  if (input === 'lusa') return addDays(today, 2);
  const ago = /^(\d{1,3}) (hari|days?) (lalu|yang lalu|ago)$/.exec(input);
  if (ago?.[1]) return addDays(today, -Number(ago[1]));

  const iso = /^(\d{4}) (\d{1,2}) (\d{1,2})$/.exec(input);
  if (iso?.[1] && iso[2] && iso[3] && /^\d{4}-/.test(text.trim())) return valid(Number(iso[1]), Number(iso[2]), Number(iso[3]));

  const numeric = /^(\d{1,2}) (\d{1,2}) (\d{2}|\d{4})$/.exec(input);
  if (numeric?.[1] && numeric[2] && numeric[3]) {
    const year = numeric[3].length === 2 ? 2000 + Number(numeric[3]) : Number(numeric[3]);
    return valid(year, Number(numeric[2]), Number(numeric[1]));
  }
  const named = /^(?:tanggal |tgl )?(\d{1,2}) ([a-z]+)(?: (\d{4}))?$/.exec(input);
  if (named?.[1] && named[2]) {
    const month = MONTHS[named[2]];
    if (!month) return null;
    return valid(named[3] ? Number(named[3]) : today.year, month, Number(named[1]));
  }
  return null;
}

export function compareDates(a: CalendarDate, b: CalendarDate): number {
  return a.year - b.year || a.month - b.month || a.day - b.day;
}

/** A short title from the start of the account of events, cut at a word boundary. */
export function suggestTitle(description: string, max = 60): string {
  const firstSentence = description.trim().split(/(?<=[.!?])\s|\n/)[0] ?? '';
  const clean = firstSentence.replace(/\s+/g, ' ').replace(/[.!?]+$/, '');
  // Counted in characters like the text step counts them, leaving room for the "…".
  const chars = [...clean];
  if (chars.length <= max) return clean;
  const cut = chars.slice(0, max - 1).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > 20 ? cut.slice(0, space) : cut).trim()}…`;
}

/** True when a MIME type is allowed by a list such as [image/*, application/pdf]. */
export function mimeAllowed(mimeType: string, allowed: readonly string[]): boolean {
  const [type] = mimeType.toLowerCase().split('/');
  return allowed.some((a) => a === mimeType.toLowerCase() || (a.endsWith('/*') && a.slice(0, -2) === type));
}
