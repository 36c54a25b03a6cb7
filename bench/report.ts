/**
 * The Chairman's report over a large journal: a million entries (and their records) generated
 * with SQL in a fresh PostgreSQL database (hashes are dummies: the report does not read them),
 * then the monthly report built as `senim digest` builds it.
 */
import { sql } from 'drizzle-orm';
import { createCalendar } from '../src/cases/calendar.js';
import { openPostgres, type Database } from '../src/db/database.js';
import type { Vault } from '../src/db/vault.js';
import { buildChairmanMonthly } from '../src/notify/reports.usecases.js';

/** Entries arrive every two minutes from 2023-01-01: a million reach into 2026. */
const START = '2023-01-01T00:00:00Z';
const STEP_MINUTES = 2;

export async function generateJournal(database: Database, entries: number): Promise<void> {
  const db = database.db;
  await db.execute(sql`
    insert into entries (number, received_at, registered_at, channel, anonymous, content, language,
      mixed_language, scope, category, evidence, site, due_date, backlog, prev_hash, hash)
    select g, t, t + interval '1 minute',
      case when g % 5 = 0 then 'phone' else 'email' end,
      g % 9 = 0,
      'generated entry',
      (array['ru','kk','en','ru'])[1 + g % 4],
      g % 17 = 0,
      (array['in','in','out','pending'])[1 + g % 4],
      (array['billing','heating','tariffs','safety','corruption',null])[1 + g % 6],
      '[]'::jsonb,
      (array['head_office','chp1','chp2','chp3','kapshagay_hpp',null])[1 + g % 6],
      (t + interval '21 days')::date,
      g % 101 = 0,
      md5(g::text), md5((g + 1)::text)
    from (select g, ${START}::timestamptz + g * interval '${sql.raw(String(STEP_MINUTES))} minutes' as t
          from generate_series(1, ${entries}) g) s`);
  // Records: a triage decision for every third entry, a closure for every second one.
  await db.execute(sql`
    insert into entry_events (seq, entry_number, kind, payload, created_at, prev_hash, hash)
    select row_number() over (order by n, k), n, k, p, c, 'x', 'y' from (
      select g as n, 'triage' as k,
        jsonb_build_object('scope', (array['in','out'])[1 + g % 2], 'category', 'billing') as p,
        ${START}::timestamptz + g * interval '${sql.raw(String(STEP_MINUTES))} minutes' + interval '1 day' as c
      from generate_series(3, ${entries}, 3) g
      union all
      select g, 'closure', '{}'::jsonb,
        ${START}::timestamptz + g * interval '${sql.raw(String(STEP_MINUTES))} minutes' + interval '9 days'
      from generate_series(2, ${entries}, 2) g) s`);
  await db.execute(sql`
    update chain_heads set last_number = (select count(*) from entries), last_hash = md5('head')
    where chain = 'entries'`);
  await db.execute(sql`
    update chain_heads set last_number = (select count(*) from entry_events), last_hash = md5('ev')
    where chain = 'events'`);
  await db.execute(sql`analyze`);
}

/** A month well inside the generated journal, near its end (the trend looks back 12 months). */
export function reportMonth(entries: number): string {
  const end = new Date(Date.parse(START) + entries * STEP_MINUTES * 60_000);
  end.setUTCMonth(end.getUTCMonth() - 1);
  return end.toISOString().slice(0, 7);
}

export async function openJournal(url: string, entries: number): Promise<Database> {
  const database = await openPostgres(url);
  await database.migrate();
  await generateJournal(database, entries);
  return database;
}

/** Seconds to build the month's report (read-only: nothing is recorded). */
export async function timeReport(database: Database, vault: Vault, month: string): Promise<number> {
  const started = performance.now();
  const built = await database.db.transaction((tx) =>
    buildChairmanMonthly(
      tx,
      {
        db: database.db,
        vault,
        calendar: createCalendar({ timeZone: 'Asia/Almaty' }),
        config: {
          timeZone: 'Asia/Almaty',
          from: 'ombudsman@ales.kz',
          ombudsmanEmail: null,
          chairmanEmail: null,
          interimThreshold: 10,
        },
        now: () => new Date(),
      },
      month,
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  if (!built.rendered) throw new Error('the report was not rendered');
  return seconds;
}
