/**
 * The working-day calendar (hari kerja): Monday to Friday, minus national holidays and cuti bersama.
 *
 * SP4N-LAPOR! deadlines are counted in working days and end at the close of the last one, in the
 * region's own time zone (WIB Asia/Jakarta, WITA Asia/Makassar, WIT Asia/Jayapura). The holidays
 * are data (`calendar/<year>.yaml`, loaded by `src/store/calendar-files.ts`), because the joint
 * decree (SKB) that fixes them changes every year; this class only does the arithmetic.
 *
 * Days are handled as "epoch days" (days since 1970-01-01 on the proleptic Gregorian calendar), so
 * walking and comparing dates is integer arithmetic. Time zones are read with Intl, never from
 * hard-coded offsets, so any IANA zone works, including ones with daylight saving time.
 */

export interface CalendarDate {
  year: number;
  month: number;
  day: number;
}

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export class WorkingDayCalendar {
  /** Epoch day → name. */
  private readonly names = new Map<number, string>();
  /** Epoch days of the holidays that fall on Monday to Friday, ascending: what a weekday count subtracts. */
  private readonly weekdayHolidays: number[];
  private readonly years: number[];

  /** `holidays`: ISO date 'YYYY-MM-DD' → name (holiday or cuti bersama). Throws RangeError on a bad key. */
  constructor(holidays: ReadonlyMap<string, string>) {
    const years = new Set<number>();
    for (const [iso, name] of holidays) {
      const date = parseIsoDate(iso);
      if (!date) throw new RangeError(`holiday date "${iso}" is not a calendar date written YYYY-MM-DD`);
      this.names.set(toEpochDay(date), name);
      years.add(date.year);
    }
    this.weekdayHolidays = [...this.names.keys()].filter((day) => !isWeekend(day)).sort((a, b) => a - b);
    this.years = [...years].sort((a, b) => a - b);
  }

  isWorkingDay(date: CalendarDate): boolean {
    const day = toEpochDay(checked(date));
    return !isWeekend(day) && !this.names.has(day);
  }

  holidayName(date: CalendarDate): string | undefined {
    return this.names.get(toEpochDay(checked(date)));
  }

  /** The local calendar date of `instant` in `timeZone`. */
  localDate(instant: Date, timeZone: string): CalendarDate {
    const wall = wallClock(instant.getTime(), timeZone);
    return { year: wall.year, month: wall.month, day: wall.day };
  }

  /**
   * End (23:59:59.999 local time in `timeZone`) of the `days`-th working day after the local day of
   * `start`. `days` = 0 gives the end of the start day itself, working day or not.
   */
  addWorkingDays(start: Date, days: number, timeZone: string): Date {
    if (!Number.isSafeInteger(days) || days < 0) throw new RangeError(`working days must be a whole number ≥ 0, got ${days}`);
    let day = toEpochDay(this.localDate(start, timeZone));
    for (let counted = 0; counted < days; ) {
      day += 1;
      if (!isWeekend(day) && !this.names.has(day)) counted += 1;
    }
    const end = fromEpochDay(day);
    return new Date(wallTimeToInstant(Date.UTC(end.year, end.month - 1, end.day, 23, 59, 59, 999), timeZone));
  }

  /**
   * Whole working days strictly after the local day of `from` up to and including the local day of
   * `to` (0 when `to` is not on a later day). Counts weekdays arithmetically, so long spans are cheap.
   */
  workingDaysBetween(from: Date, to: Date, timeZone: string): number {
    const first = toEpochDay(this.localDate(from, timeZone));
    const last = toEpochDay(this.localDate(to, timeZone));
    if (last <= first) return 0;
    const holidays = upperBound(this.weekdayHolidays, last) - upperBound(this.weekdayHolidays, first);
    return weekdaysUpTo(last) - weekdaysUpTo(first) - holidays;
  }

  /** Every holiday and cuti bersama as ISO date 'YYYY-MM-DD' → name, ascending. */
  entries(): Map<string, string> {
    const days = [...this.names.keys()].sort((a, b) => a - b);
    return new Map(days.map((day) => [formatIsoDate(fromEpochDay(day)), this.names.get(day) ?? '']));
  }

  /**
   * A new calendar with run-time changes laid over this one (admin API, CLI): EXTRA adds a day off,
   * CANCELLED makes a listed holiday a working day. This calendar is not changed.
   */
  withOverrides(overrides: readonly HolidayOverride[]): WorkingDayCalendar {
    const merged = this.entries();
    for (const o of overrides) {
      if (o.kind === 'EXTRA') merged.set(o.date, o.name);
      else merged.delete(o.date);
    }
    return new WorkingDayCalendar(merged);
  }

  /** The years the data covers, ascending, so callers can warn when a deadline falls past the last one. */
  coveredYears(): number[] {
    return [...this.years];
  }
}

/** A holiday added (EXTRA) or taken away (CANCELLED) at run time, over the calendar files. */
export interface HolidayOverride {
  date: string;
  kind: 'EXTRA' | 'CANCELLED';
  name: string;
}

export function formatIsoDate(date: CalendarDate): string {
  return `${String(date.year).padStart(4, '0')}-${String(date.month).padStart(2, '0')}-${String(date.day).padStart(2, '0')}`;
}

/** Reads 'YYYY-MM-DD' into a date that exists (no 2026-02-30), or returns undefined. */
export function parseIsoDate(text: string): CalendarDate | undefined {
  const match = ISO_DATE.exec(text);
  if (!match) return undefined;
  const date = { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
  return isValidDate(date) ? date : undefined;
}

export function isValidDate(date: CalendarDate): boolean {
  const { year, month, day } = date;
  if (![year, month, day].every(Number.isInteger)) return false;
  const back = fromEpochDay(toEpochDay(date));
  return back.year === year && back.month === month && back.day === day;
}

function checked(date: CalendarDate): CalendarDate {
  if (!isValidDate(date)) throw new RangeError(`not a calendar date: ${date.year}-${date.month}-${date.day}`);
  return date;
}

function toEpochDay(date: CalendarDate): number {
  // Date.UTC maps years 0-99 to 1900-1999; setUTCFullYear does not.
  const d = new Date(0);
  d.setUTCFullYear(date.year, date.month - 1, date.day);
  return Math.floor(d.getTime() / MS_PER_DAY);
}

function fromEpochDay(day: number): CalendarDate {
  const d = new Date(day * MS_PER_DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** 1970-01-01 was a Thursday; 0 = Sunday … 6 = Saturday. */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

/** Monday-to-Friday days in (−∞, day] relative to a fixed origin: only differences are meaningful. */
function weekdaysUpTo(day: number): number {
  // Shift so that index 0 is a Monday (1970-01-05 is epoch day 4).
  const shifted = day - 4;
  const weeks = Math.floor(shifted / 7);
  const rest = shifted - weeks * 7; // 0 = Monday … 6 = Sunday
  return weeks * 5 + Math.min(rest + 1, 5);
}

/** Number of elements of the ascending `values` that are ≤ `limit`. */
function upperBound(values: readonly number[], limit: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((values[mid] ?? Infinity) <= limit) low = mid + 1;
    else high = mid;
  }
  return low;
}

interface WallClock extends CalendarDate {
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building an Intl.DateTimeFormat costs far more than using one. */
function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, found);
  }
  return found;
}

function wallClock(instant: number, timeZone: string): WallClock {
  const wall: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    switch (part.type) {
      case 'year':
      case 'month':
      case 'day':
      case 'minute':
      case 'second':
        wall[part.type] = Number(part.value);
        break;
      case 'hour':
        wall.hour = Number(part.value) % 24;
        break;
    }
  }
  return wall;
}

/** Local wall time minus UTC at `instant`, in milliseconds (e.g. +7 h for WIB). */
function offsetAt(instant: number, timeZone: string): number {
  const wall = wallClock(instant, timeZone);
  const d = new Date(0);
  d.setUTCFullYear(wall.year, wall.month - 1, wall.day);
  d.setUTCHours(wall.hour, wall.minute, wall.second, 0);
  const wholeSeconds = instant - (((instant % 1000) + 1000) % 1000);
  return d.getTime() - wholeSeconds;
}

/**
 * The instant at which clocks in `timeZone` show `wall` (a wall time encoded as if it were UTC).
 * The offset is looked up at the first guess and once more at the result, which settles it on both
 * sides of an offset change; in a gap (a DST jump) the later offset wins.
 */
function wallTimeToInstant(wall: number, timeZone: string): number {
  const guess = wall - offsetAt(wall, timeZone);
  const offset = offsetAt(guess, timeZone);
  return wall - offset;
}
