/**
 * The working-day calendar: due dates of appeals (rules 4.11).
 *
 * Rules 4.11 defers to the law: APPC (Administrative Procedural Code of the RK) art. 76 — an appeal
 * is considered within 15 working days from receipt, extendable up to two months from receipt in all.
 * Working days are Monday–Friday minus the public holidays of Kazakhstan (`date-holidays`, type
 * 'public', with its substitute days), adjusted by the decree overrides from configuration.
 *
 * Every instant is turned into a local calendar date in an IANA zone (design: Time) — never a fixed
 * offset: Asia/Almaty was UTC+6 until 1 March 2024 and is UTC+5 since. Calendar dates themselves
 * (`IsoDate`, 'YYYY-MM-DD') are computed with plain UTC-date arithmetic, which has no DST or offsets.
 */
import { InputError } from '../errors.js';
import { holidayList, type HolidayList, type ListedHoliday } from './kz-holidays.js';

/** A calendar date, 'YYYY-MM-DD'. */
export type IsoDate = string;

export const DEFAULT_TIME_ZONE = 'Asia/Almaty';
/** APPC art. 76: consideration within 15 working days from receipt (rules 4.11). */
export const CONSIDERATION_WORKING_DAYS = 15;
/** APPC art. 76: the term may be extended up to two months from receipt in all. */
export const MAX_EXTENSION_MONTHS = 2;

/** Days moved by government decree (design: Time). */
export interface CalendarOverrides {
  /** e.g. a Saturday made a working day */
  workingDays: IsoDate[];
  /** e.g. a bridge day off */
  daysOff: IsoDate[];
}

export interface CalendarOptions {
  timeZone?: string;
  overrides?: Partial<CalendarOverrides>;
  /** where the public holidays come from (default: the built table, else date-holidays) */
  holidays?: HolidayList;
}

export interface WorkingCalendar {
  readonly timeZone: string;
  isWorkingDay(date: IsoDate): boolean;
  /** The n-th working day after `date` (`date` itself never counts); n = 0 gives `date`. */
  addWorkingDays(date: IsoDate, n: number): IsoDate;
  /** Working days in (a, b]; negative when b is before a. addWorkingDays(a, n) = b ⇒ n. */
  workingDaysBetween(a: IsoDate, b: IsoDate): number;
  /** The calendar date of an instant in this calendar's zone. */
  localDate(instant: Date): IsoDate;
  /** rules 4.11: the `days`-th working day after the local date of receipt. */
  dueDate(receivedAt: Date, days?: number): IsoDate;
  /** rules 4.11: the latest date an extension may reach: receipt + 2 calendar months. */
  maxExtensionDate(receivedAt: Date): IsoDate;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** Due dates remembered per calendar (a year of receipt days times a few term lengths). */
const ADDED_CACHE_SIZE = 10_000;
const DAY_MS = 86_400_000;

function toUtcMs(date: IsoDate): number {
  const m = ISO_DATE.exec(date);
  if (m) {
    const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
    const ms = Date.UTC(y, mo - 1, d);
    const back = new Date(ms);
    // Date.UTC maps years 0–99 to 1900–1999 and rolls 31 Feb over to March: reject both.
    if (back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d) {
      return ms;
    }
  }
  throw new InputError(
    'bad_date',
    `not a calendar date (expected YYYY-MM-DD): ${JSON.stringify(date)}`,
  );
}

function fromUtcMs(ms: number): IsoDate {
  return new Date(ms).toISOString().slice(0, 10);
}

export function isIsoDate(value: string): boolean {
  try {
    toUtcMs(value);
    return true;
  } catch {
    return false;
  }
}

/** Validates a 'YYYY-MM-DD' string (a real date); throws InputError otherwise. */
export function parseIsoDate(value: string): IsoDate {
  toUtcMs(value);
  return value;
}

export function addDays(date: IsoDate, n: number): IsoDate {
  return fromUtcMs(toUtcMs(date) + n * DAY_MS);
}

/** Calendar months, the day clamped to the month's end (31 December + 2 months = 28/29 February). */
export function addMonths(date: IsoDate, n: number): IsoDate {
  const d = new Date(toUtcMs(date));
  const first = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + n, 1);
  const target = new Date(first);
  const lastDay = new Date(
    Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0),
  ).getUTCDate();
  return fromUtcMs(first + (Math.min(d.getUTCDate(), lastDay) - 1) * DAY_MS);
}

/** 0 = Sunday … 6 = Saturday. */
export function dayOfWeek(date: IsoDate): number {
  return new Date(toUtcMs(date)).getUTCDay();
}

export function isWeekend(date: IsoDate): boolean {
  const dow = dayOfWeek(date);
  return dow === 0 || dow === 6;
}

/** Throws InputError for a zone Intl does not know. */
export function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch (error) {
    throw new InputError('bad_time_zone', `unknown IANA time zone: ${JSON.stringify(timeZone)}`, {
      cause: error,
    });
  }
}

const zonedFormats = new Map<string, Intl.DateTimeFormat>();

/** Local date and wall-clock time ('HH:mm') of an instant in an IANA zone, via Intl (no Temporal in Node 20). */
export function zonedDateTime(instant: Date, timeZone: string): { date: IsoDate; time: string } {
  if (Number.isNaN(instant.getTime())) throw new InputError('bad_instant', 'invalid date-time');
  let format = zonedFormats.get(timeZone);
  if (!format) {
    assertTimeZone(timeZone);
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    zonedFormats.set(timeZone, format);
  }
  const parts: Record<string, string> = {};
  for (const p of format.formatToParts(instant)) parts[p.type] = p.value;
  const year = (parts.year ?? '').padStart(4, '0');
  return {
    date: `${year}-${parts.month ?? ''}-${parts.day ?? ''}`,
    time: `${parts.hour ?? ''}:${parts.minute ?? ''}`,
  };
}

/**
 * Public holidays of Kazakhstan in one year, from date-holidays (type 'public' only: it also lists
 * observances). Its substitute rules ("if Saturday then next Monday") are evaluated day by day, so
 * when a substitute falls on another holiday of the same group it is listed twice and a day off is
 * lost (Nauryz 2026: 21 Sat → 23 Mon, itself Nauryz; Nauryz 2027: 21 Sun → 23 Tue). The Labour Code
 * moves such a day to the next working day after the holidays, so a colliding substitute is pushed
 * forward to the next weekday that is not already off.
 */
function kzPublicHolidays(listed: readonly ListedHoliday[]): Set<IsoDate> {
  const days = new Set<IsoDate>();
  const substitutes: IsoDate[] = [];
  for (const { date, substitute } of listed) {
    if (substitute) substitutes.push(date);
    else days.add(date);
  }
  for (const sub of substitutes.sort()) {
    let day = sub;
    while (days.has(day) || isWeekend(day)) day = addDays(day, 1);
    days.add(day);
  }
  return days;
}

export function createCalendar(options: CalendarOptions = {}): WorkingCalendar {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  assertTimeZone(timeZone);
  const workingDays = new Set((options.overrides?.workingDays ?? []).map(parseIsoDate));
  const daysOff = new Set((options.overrides?.daysOff ?? []).map(parseIsoDate));
  for (const d of workingDays) {
    if (daysOff.has(d)) {
      throw new InputError('bad_calendar_override', `${d} is both a working day and a day off`);
    }
  }

  const listHolidays = options.holidays ?? holidayList();
  const byYear = new Map<number, Set<IsoDate>>(); // holiday set cached per year

  function isHoliday(date: IsoDate): boolean {
    const year = Number(date.slice(0, 4));
    let set = byYear.get(year);
    if (!set) {
      set = kzPublicHolidays(listHolidays(year));
      byYear.set(year, set);
    }
    return set.has(date);
  }

  function isWorkingDay(date: IsoDate): boolean {
    parseIsoDate(date);
    if (workingDays.has(date)) return true;
    if (daysOff.has(date)) return false;
    return !isWeekend(date) && !isHoliday(date);
  }

  // A backlog asks for the same few due dates thousands of times; the calendar never changes.
  const added = new Map<string, IsoDate>();

  function addWorkingDays(date: IsoDate, n: number): IsoDate {
    const key = `${date}+${n}`;
    const known = added.get(key);
    if (known !== undefined) return known;
    const day = countWorkingDays(date, n);
    if (added.size >= ADDED_CACHE_SIZE) added.clear();
    added.set(key, day);
    return day;
  }

  function countWorkingDays(date: IsoDate, n: number): IsoDate {
    parseIsoDate(date);
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new InputError('bad_working_days', `working days must be a whole number ≥ 0: ${n}`);
    }
    let day = date;
    for (let left = n; left > 0;) {
      day = addDays(day, 1);
      if (isWorkingDay(day)) left--;
    }
    return day;
  }

  function workingDaysBetween(a: IsoDate, b: IsoDate): number {
    const [from, to] = [toUtcMs(a), toUtcMs(b)];
    if (to < from) return -workingDaysBetween(b, a);
    let count = 0;
    for (let ms = from + DAY_MS; ms <= to; ms += DAY_MS) if (isWorkingDay(fromUtcMs(ms))) count++;
    return count;
  }

  function localDate(instant: Date): IsoDate {
    return zonedDateTime(instant, timeZone).date;
  }

  return {
    timeZone,
    isWorkingDay,
    addWorkingDays,
    workingDaysBetween,
    localDate,
    // rules 4.11, APPC art. 76: counting starts the day after receipt.
    dueDate: (receivedAt, days = CONSIDERATION_WORKING_DAYS) =>
      addWorkingDays(localDate(receivedAt), days),
    maxExtensionDate: (receivedAt) => addMonths(localDate(receivedAt), MAX_EXTENSION_MONTHS),
  };
}
