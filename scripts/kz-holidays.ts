/**
 * `npm run build` step: dist/kz-holidays.json, date-holidays' public holidays of Kazakhstan for
 * TABLE_YEARS, so that the running process need not keep date-holidays in memory (kz-holidays.ts).
 * Built by the installed date-holidays, so the table always says what it would.
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { HOLIDAY_TABLE, writeHolidayTable } from '../src/cases/kz-holidays.js';

const { version } = createRequire(import.meta.url)('date-holidays/package.json') as {
  version: string;
};
mkdirSync(path.dirname(HOLIDAY_TABLE), { recursive: true });
writeHolidayTable(HOLIDAY_TABLE, version);
