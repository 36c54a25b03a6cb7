/** What command modules share: parsing of common flag values and output. */
import { isIsoDate } from '../cases/calendar.js';
import { InputError } from '../errors.js';

export function parseNumber(value: string, what = 'registration number'): number {
  if (!/^\d{1,9}$/.test(value.trim()) || Number(value) < 1) {
    throw new InputError(
      'bad-number',
      `${what}: expected a positive whole number, got "${value.slice(0, 20)}"`,
    );
  }
  return Number(value);
}

/** A calendar date YYYY-MM-DD that exists (not 2026-13-01 or 2026-02-30). */
export function parseDateFlag(flag: string, value: string): string {
  const v = value.trim();
  if (!isIsoDate(v)) {
    throw new InputError(
      'bad-date',
      `${flag}: expected a date YYYY-MM-DD, got "${value.slice(0, 30)}"`,
    );
  }
  return v;
}

/** An ISO-8601 instant; a value without an offset is read in the calendar zone. */
export function parseInstantFlag(
  flag: string,
  value: string,
  zoneOffset: (localIso: string) => Date,
): Date {
  // ISO-8601 as people type it too: a space for the T, an offset of hours only (+05) or +0500
  const v = value
    .trim()
    .replace(/^(\d{4}-\d{2}-\d{2}) (?=\d{2}:)/, '$1T')
    .replace(
      /(T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?)([+-]\d{2}):?(\d{2})?$/,
      (_m, time: string, h: string, mm?: string) => `${time}${h}:${mm ?? '00'}`,
    );
  const iso = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?)?(Z|[+-]\d{2}:\d{2})?$/;
  if (!iso.test(v)) {
    throw new InputError(
      'bad-date',
      `${flag}: expected an ISO-8601 date-time like 2026-10-05T09:30+05:00, got "${v.slice(0, 40)}"`,
    );
  }
  const [, hh = '0', mi = '0', ss = '0'] = /T(\d{2}):(\d{2})(?::(\d{2}))?/.exec(v) ?? [];
  if (!isIsoDate(v.slice(0, 10)) || Number(hh) > 23 || Number(mi) > 59 || Number(ss) > 59) {
    throw new InputError('bad-date', `${flag}: not a real date-time: "${v.slice(0, 40)}"`);
  }
  const hasOffset = /(Z|[+-]\d{2}:\d{2})$/.test(v);
  const instant = hasOffset ? new Date(v) : zoneOffset(v.length === 10 ? `${v}T00:00` : v);
  if (Number.isNaN(instant.getTime())) {
    throw new InputError('bad-date', `${flag}: not a real date-time: "${v.slice(0, 40)}"`);
  }
  return instant;
}

export function out(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : text + '\n');
}

export function info(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : text + '\n');
}
