/** Shared by the report suites: report use-case deps on a test database at a fixed instant. */
import { createCalendar } from '../../src/cases/calendar.js';
import type { ReportDeps } from '../../src/notify/reports.usecases.js';
import type { TestDatabase } from './engines.js';

const calendar = createCalendar({ timeZone: 'Asia/Almaty' });

export function reportDeps(
  t: Pick<TestDatabase, 'database' | 'vault'>,
  now: Date,
  overrides: Partial<ReportDeps['config']> = {},
): ReportDeps {
  return {
    db: t.database.db,
    vault: t.vault,
    calendar,
    config: {
      timeZone: 'Asia/Almaty',
      from: 'ombudsman@ales.kz',
      ombudsmanEmail: 'ombudsman@ales.kz',
      chairmanEmail: 'chairman@ales.kz',
      interimThreshold: 10,
      ...overrides,
    },
    now: () => now,
  };
}
