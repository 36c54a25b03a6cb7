/**
 * The public holidays of Kazakhstan as date-holidays lists them, year by year.
 *
 * date-holidays keeps every country's rules and four calendar libraries in memory for the life of
 * the process: 8.5 MB, a quarter of the ingest's main-thread heap, walked again by each of its
 * full collections. So `npm run build` writes its list for TABLE_YEARS to dist/kz-holidays.json
 * (scripts/kz-holidays.ts), and date-holidays itself is loaded only for a year outside the table,
 * or when there is no table (running from source without a build).
 */
import { readFileSync, writeFileSync, renameSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type HolidaysClass from 'date-holidays';

/** One public holiday: its local date ('YYYY-MM-DD') and whether it is a substitute day off. */
export interface ListedHoliday {
  date: string;
  substitute: boolean;
}

export type HolidayList = (year: number) => ListedHoliday[];

export const HOLIDAY_TABLE = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dist/kz-holidays.json',
);
/** Years of receipt, due dates and reports a journal may need, and some. */
export const TABLE_YEARS = { first: 2000, last: 2060 } as const;

const require = createRequire(import.meta.url);
let library: HolidaysClass | undefined;

/** date-holidays' public holidays of Kazakhstan in one year (loads the library once). */
export function listKzHolidays(year: number): ListedHoliday[] {
  if (!library) {
    const Holidays = require('date-holidays') as typeof HolidaysClass;
    library = new Holidays('KZ');
  }
  return (
    library
      .getHolidays(year)
      .filter((h) => h.type === 'public')
      // `date` is the local date, e.g. '2026-05-27 00:00:00' or '2024-06-16 00:00:00 -0600'
      .map((h) => ({ date: h.date.slice(0, 10), substitute: h.substitute === true }))
  );
}

/** Writes the table (the build step); `version` names the date-holidays it came from. */
export function writeHolidayTable(file: string, version: string): void {
  const years: Record<string, ListedHoliday[]> = {};
  for (let year = TABLE_YEARS.first; year <= TABLE_YEARS.last; year++) {
    years[year] = listKzHolidays(year);
  }
  writeFileSync(`${file}.tmp`, JSON.stringify({ source: `date-holidays ${version}`, years }));
  renameSync(`${file}.tmp`, file);
}

/** The holidays of a year from the table when it has the year, else from date-holidays. */
export function holidayList(table: string = HOLIDAY_TABLE): HolidayList {
  // undefined: not read yet; null: read, and there is no table
  let years: Record<string, ListedHoliday[]> | null | undefined;
  return (year) => {
    if (years === undefined) years = readTable(table);
    return years?.[year] ?? listKzHolidays(year);
  };
}

function readTable(file: string): Record<string, ListedHoliday[]> | null {
  try {
    const parsed = JSON.parse(readFileSync(file, 'utf8')) as { years?: unknown };
    return typeof parsed.years === 'object'
      ? (parsed.years as Record<string, ListedHoliday[]>)
      : null;
  } catch {
    // no build (or a damaged file): date-holidays answers instead, the same days
    return null;
  }
}
