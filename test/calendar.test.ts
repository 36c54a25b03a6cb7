import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  createCalendar,
  dayOfWeek,
  isIsoDate,
  zonedDateTime,
} from '../src/cases/calendar.js';
import {
  TABLE_YEARS,
  holidayList,
  listKzHolidays,
  writeHolidayTable,
} from '../src/cases/kz-holidays.js';
import { InputError } from '../src/errors.js';

const cal = createCalendar();

describe('working days (rules 4.11)', () => {
  it('an appeal received on Monday 5 October 2026 is due Tuesday 27 October 2026, over Republic Day and its substitute', () => {
    const received = new Date('2026-10-05T10:00:00+05:00');
    expect(cal.isWorkingDay('2026-10-25')).toBe(false); // Sunday, Republic Day
    expect(cal.isWorkingDay('2026-10-26')).toBe(false); // its substitute Monday
    expect(cal.dueDate(received)).toBe('2026-10-27');
    expect(dayOfWeek('2026-10-27')).toBe(2);
    expect(cal.workingDaysBetween('2026-10-05', '2026-10-27')).toBe(15);
  });

  it('counting starts the day after receipt: one working day after a Monday is the Tuesday', () => {
    expect(cal.addWorkingDays('2026-10-05', 1)).toBe('2026-10-06');
    expect(cal.addWorkingDays('2026-10-05', 0)).toBe('2026-10-05');
    expect(cal.addWorkingDays('2026-10-09', 1)).toBe('2026-10-12'); // Friday → Monday
  });

  it('an appeal received on the eve of Nauryz 2026 skips 21–25 March', () => {
    // 21 Sat, 22 Sun, 23 Mon are Nauryz; the weekend days move to 24 and 25 March.
    for (const d of ['2026-03-23', '2026-03-24', '2026-03-25'])
      expect(cal.isWorkingDay(d)).toBe(false);
    expect(cal.isWorkingDay('2026-03-26')).toBe(true);
    expect(cal.addWorkingDays('2026-03-20', 1)).toBe('2026-03-26');
    expect(cal.dueDate(new Date('2026-03-20T16:00:00+05:00'))).toBe('2026-04-15');
  });

  it('crosses the year end over New Year, its substitute and Orthodox Christmas', () => {
    // 1 Jan 2027 Fri, 2 Jan Sat → Mon 4 Jan off; 7 Jan Thu off.
    const received = new Date('2026-12-23T11:00:00+05:00');
    expect(cal.dueDate(received)).toBe('2027-01-18');
    expect(cal.addWorkingDays('2026-12-31', 1)).toBe('2027-01-05');
    expect(cal.addWorkingDays('2027-01-06', 1)).toBe('2027-01-08');
    expect(cal.workingDaysBetween('2026-12-23', '2027-01-18')).toBe(15);
  });

  it('crosses a month end', () => {
    expect(cal.addWorkingDays('2026-04-29', 2)).toBe('2026-05-04'); // 1 May off
    expect(cal.addWorkingDays('2026-06-30', 1)).toBe('2026-07-01');
  });

  it('knows the public holidays of 2026 and 2027', () => {
    const off = [
      '2026-01-01',
      '2026-01-02',
      '2026-01-07',
      '2026-03-09', // 8 March on a Sunday
      '2026-05-01',
      '2026-05-07',
      '2026-05-11', // 9 May on a Saturday
      '2026-05-27', // Kurban Ait
      '2026-07-06',
      '2026-12-16',
      '2027-01-01',
      '2027-01-04', // 2 January on a Saturday
      '2027-01-07',
      '2027-03-08',
      '2027-03-22',
      '2027-03-23',
      '2027-03-24', // 21 March on a Sunday
      '2027-05-03', // 1 May on a Saturday
      '2027-05-07',
      '2027-05-10', // 9 May on a Sunday
      '2027-07-06',
      '2027-10-25',
      '2027-12-16',
    ];
    for (const d of off) expect(cal.isWorkingDay(d), d).toBe(false);
    const on = ['2026-01-05', '2026-03-10', '2026-12-17', '2027-01-05', '2027-03-25', '2027-12-17'];
    for (const d of on) expect(cal.isWorkingDay(d), d).toBe(true);
    expect(cal.isWorkingDay('2026-10-24')).toBe(false); // a plain Saturday
  });

  it('workingDaysBetween is signed and zero for the same day', () => {
    expect(cal.workingDaysBetween('2026-10-27', '2026-10-05')).toBe(-15);
    expect(cal.workingDaysBetween('2026-10-05', '2026-10-05')).toBe(0);
  });
});

describe('local date in the IANA zone (design: Time)', () => {
  it('a Friday 23:30 in Almaty is still that Friday', () => {
    const fri = new Date('2026-10-02T23:30:00+05:00');
    expect(fri.toISOString().slice(0, 10)).toBe('2026-10-02');
    expect(cal.localDate(fri)).toBe('2026-10-02');
    expect(cal.dueDate(fri)).toBe(createCalendar().addWorkingDays('2026-10-02', 15));
  });

  it('uses the Almaty date when the UTC date is the day before', () => {
    // Tuesday 03:00 in Almaty is Monday 22:00 UTC: received Tuesday, so counting starts Wednesday.
    const tue = new Date('2026-10-05T22:00:00Z');
    expect(cal.localDate(tue)).toBe('2026-10-06');
    expect(cal.dueDate(tue)).toBe('2026-10-28');
    // Saturday 00:30 Almaty = Friday 19:30 UTC.
    expect(cal.localDate(new Date('2026-10-02T19:30:00Z'))).toBe('2026-10-03');
  });

  it('follows the 1 March 2024 change from UTC+6 to UTC+5', () => {
    // Before: UTC+6 (a fixed +5 would say 28 February).
    expect(zonedDateTime(new Date('2024-02-28T18:30:00Z'), 'Asia/Almaty')).toEqual({
      date: '2024-02-29',
      time: '00:30',
    });
    // After: UTC+5 (a fixed +6 would say 2 March).
    expect(zonedDateTime(new Date('2024-03-01T18:30:00Z'), 'Asia/Almaty')).toEqual({
      date: '2024-03-01',
      time: '23:30',
    });
  });

  it('takes another zone when configured', () => {
    const utc = createCalendar({ timeZone: 'UTC' });
    expect(utc.localDate(new Date('2026-10-05T22:00:00Z'))).toBe('2026-10-05');
  });
});

describe('decree overrides', () => {
  it('a decreed working Saturday counts and a bridge day off does not', () => {
    const decreed = createCalendar({
      overrides: { workingDays: ['2026-10-10'], daysOff: ['2026-10-07'] },
    });
    expect(decreed.isWorkingDay('2026-10-10')).toBe(true);
    expect(decreed.isWorkingDay('2026-10-07')).toBe(false);
    expect(decreed.addWorkingDays('2026-10-06', 1)).toBe('2026-10-08');
    expect(decreed.addWorkingDays('2026-10-09', 1)).toBe('2026-10-10');
    // One day gained, one lost: the due date of 5 October stays 27 October.
    expect(decreed.dueDate(new Date('2026-10-05T10:00:00+05:00'))).toBe('2026-10-27');
  });

  it('rejects a bad override date, a date in both lists, and an unknown zone', () => {
    expect(() => createCalendar({ overrides: { daysOff: ['2026-02-30'] } })).toThrow(InputError);
    expect(() =>
      createCalendar({ overrides: { workingDays: ['2026-10-10'], daysOff: ['2026-10-10'] } }),
    ).toThrow(InputError);
    expect(() => createCalendar({ timeZone: 'Mars/Olympus' })).toThrow(InputError);
    expect(() => cal.addWorkingDays('2026-10-05', -1)).toThrow(InputError);
    expect(() => cal.isWorkingDay('5.10.2026')).toThrow(InputError);
  });
});

describe('extension limit (rules 4.11)', () => {
  it('is two calendar months from the local date of receipt, clamped to the month end', () => {
    expect(cal.maxExtensionDate(new Date('2026-10-05T10:00:00+05:00'))).toBe('2026-12-05');
    expect(cal.maxExtensionDate(new Date('2026-12-31T10:00:00+05:00'))).toBe('2027-02-28');
    expect(cal.maxExtensionDate(new Date('2023-12-31T20:00:00Z'))).toBe('2024-03-01'); // 1 Jan 02:00 +6
  });
});

describe('date helpers', () => {
  it('do plain calendar arithmetic', () => {
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2026-11-30', 2)).toBe('2027-01-30');
    expect(isIsoDate('2026-02-29')).toBe(false);
    expect(isIsoDate('2026-1-5')).toBe(false);
  });
});

// The running process reads date-holidays' list from a table the build wrote, so that it need not
// keep date-holidays (8.5 MB of heap) in memory: the table must say what date-holidays says.
describe('the holiday table', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'senim-holidays-'));
  const table = path.join(dir, 'kz-holidays.json');
  writeHolidayTable(table, 'test');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('lists the same days as date-holidays, and the calendar counts the same due dates', () => {
    const fromTable = holidayList(table);
    for (const year of [TABLE_YEARS.first, 2024, 2026, 2027, TABLE_YEARS.last]) {
      expect(fromTable(year)).toEqual(listKzHolidays(year));
      expect(fromTable(year).length).toBeGreaterThan(10);
    }
    const tabled = createCalendar({ holidays: fromTable });
    const direct = createCalendar({ holidays: listKzHolidays });
    for (let day = '2026-01-01'; day < '2028-01-01'; day = addDays(day, 1)) {
      expect(tabled.addWorkingDays(day, 15)).toBe(direct.addWorkingDays(day, 15));
    }
  });

  it('asks date-holidays for a year outside it, and for every year when there is no table', () => {
    expect(holidayList(table)(TABLE_YEARS.last + 10)).toEqual(
      listKzHolidays(TABLE_YEARS.last + 10),
    );
    const missing = holidayList(path.join(dir, 'absent.json'));
    expect(missing(2026)).toEqual(listKzHolidays(2026));
  });

  it('keeps date-holidays out of memory when the table has the year', () => {
    const script = `
      import { createRequire } from 'node:module';
      import { createCalendar } from './src/cases/calendar.ts';
      import { holidayList } from './src/cases/kz-holidays.ts';
      const cal = createCalendar({ holidays: holidayList(${JSON.stringify(table)}) });
      const due = cal.dueDate(new Date('2026-03-16T10:00:00+05:00'));
      const loaded = Object.keys(createRequire(import.meta.url).cache).some((f) => f.includes('date-holidays'));
      console.log(JSON.stringify({ due, loaded }));`;
    const run = (code: string) =>
      JSON.parse(
        execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], {
          cwd: path.resolve(import.meta.dirname, '..'),
          encoding: 'utf8',
        }),
      ) as { due: string; loaded: boolean };
    // Nauryz 21–23 March 2026 and its substitute day 24 March fall inside the 15 working days
    expect(run(script)).toEqual({ due: '2026-04-09', loaded: false });
    expect(run(script.replace('2026-03-16', '2090-03-16'))).toMatchObject({ loaded: true });
  });
});
