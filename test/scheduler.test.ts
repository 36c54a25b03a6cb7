import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../src/cases/calendar.js';
import { insertEntry, verifyJournal, type NewEntry } from '../src/cases/journal.repository.js';
import { openPostgres, rows } from '../src/db/database.js';
import { createLogger } from '../src/log.js';
import { sendChairmanMonthly } from '../src/notify/reports.usecases.js';
import { createScheduler, duePeriods, type SchedulerDeps } from '../src/notify/scheduler.js';
import { pglite, postgresEngine, type TestDatabase } from './helpers/engines.js';
import { newEntry } from './helpers/entries.js';
import { reportDeps } from './helpers/reports.js';

const calendar = createCalendar({ timeZone: 'Asia/Almaty' });
const log = createLogger('silent');
const at = (local: string) => new Date(`${local}:00+05:00`);

function schedulerDeps(
  t: Pick<TestDatabase, 'database' | 'vault'>,
  config: Partial<SchedulerDeps['config']> = {},
): SchedulerDeps {
  return {
    ...reportDeps(t, new Date(0), config),
    database: t.database,
    log,
    now: () => {
      throw new Error('the tests drive the clock through tick(now)');
    },
  };
}

async function register(t: TestDatabase, n: number, over: Partial<NewEntry> = {}) {
  for (let i = 0; i < n; i++) {
    await t.database.db.transaction((tx) => insertEntry(tx, t.vault, newEntry(over)));
  }
}

async function reportRows(t: Pick<TestDatabase, 'database'>) {
  return rows<{ kind: string; period: string; created_at: string | Date; head_number: number }>(
    t.database.db,
    sql`select kind, period, created_at, head_number from reports order by created_at, kind, period`,
  );
}

describe('duePeriods: what is due at a moment (pure)', () => {
  it('sends the previous month from 09:00 Almaty on the 1st, not before', () => {
    const sent = { lastMonthly: '2026-09', lastDaily: '2026-10-30' };
    expect(duePeriods(at('2026-11-01T08:59'), sent, calendar)).toEqual([]);
    expect(duePeriods(at('2026-11-01T09:00'), sent, calendar)).toEqual([
      { kind: 'chairman', period: '2026-10' },
    ]);
  });

  it('catches up a missed month late, and every missed month up to three after a long downtime', () => {
    expect(
      duePeriods(
        at('2026-11-17T14:00'),
        { lastMonthly: '2026-09', lastDaily: '2026-11-17' },
        calendar,
      ),
    ).toEqual([{ kind: 'chairman', period: '2026-10' }]);
    expect(
      duePeriods(
        at('2027-03-02T10:00'),
        { lastMonthly: '2026-09', lastDaily: '2027-03-02' },
        calendar,
      ).map((d) => d.period),
    ).toEqual(['2026-12', '2027-01', '2027-02']);
  });

  it('on a fresh installation sends only the latest month, not one per month of a backlog', () => {
    expect(
      duePeriods(at('2026-11-05T10:00'), { lastMonthly: null, lastDaily: '2026-11-05' }, calendar),
    ).toEqual([{ kind: 'chairman', period: '2026-10' }]);
  });

  it('sends the digest on working days from 09:00, and on a day off the last working day’s if it was missed', () => {
    const sent = { lastMonthly: '2026-09', lastDaily: '2026-10-21' };
    expect(duePeriods(at('2026-10-22T08:30'), sent, calendar)).toEqual([]);
    expect(duePeriods(at('2026-10-22T09:05'), sent, calendar)).toEqual([
      { kind: 'ombudsman', period: '2026-10-22' },
    ]);
    // Saturday 24 October after a Friday the daemon was down: Friday's digest, once.
    expect(duePeriods(at('2026-10-24T11:00'), sent, calendar)).toEqual([
      { kind: 'ombudsman', period: '2026-10-23' },
    ]);
    // Monday 26 October 2026 is a public holiday (Republic Day moved): nothing new that day.
    expect(
      duePeriods(
        at('2026-10-26T12:00'),
        { lastMonthly: '2026-09', lastDaily: '2026-10-23' },
        calendar,
      ),
    ).toEqual([]);
  });
});

describe('the scheduler on pglite, driven by a fake clock', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await pglite.open();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('sends one monthly report, late, after a restart and a downtime across the 1st, and one digest per working day', async () => {
    const deps = schedulerDeps(t);
    const step = 3 * 3_600_000;
    let running = createScheduler(deps);
    const drive = async (from: Date, to: Date) => {
      for (let now = from.getTime(); now <= to.getTime(); now += step) {
        expect((await running.tick(new Date(now))).leader).toBe(true);
      }
    };
    await register(t, 3, { receivedAt: at('2026-10-05T10:00') });
    await drive(at('2026-10-20T00:00'), at('2026-10-29T23:00'));
    await running.stop(); // a restart …
    running = createScheduler(deps);
    await drive(at('2026-10-30T02:00'), at('2026-10-31T12:00'));
    await running.stop(); // … then down from Saturday noon until Monday afternoon
    running = createScheduler(deps);
    await drive(at('2026-11-02T15:00'), at('2026-11-30T23:00'));
    await running.stop();

    const sent = await reportRows(t);
    const monthly = sent.filter((r) => r.kind === 'chairman');
    expect(monthly.map((r) => r.period)).toEqual(['2026-09', '2026-10']);
    const october = monthly[1]!;
    expect(new Date(october.created_at)).toEqual(at('2026-11-02T15:00'));

    const daily = sent.filter((r) => r.kind === 'ombudsman').map((r) => r.period);
    expect(new Set(daily).size).toBe(daily.length);
    for (const day of daily) expect(calendar.isWorkingDay(day)).toBe(true);
    expect(daily).toContain('2026-10-30');
    expect(daily).toContain('2026-11-02');
    expect(daily).not.toContain('2026-10-26'); // a public holiday
    expect(daily).toHaveLength(5 + 4 + 21); // 19–23, 27–30 Oct; the working days of 2–30 Nov

    const outbox = await rows<{ n: number; keys: number }>(
      t.database.db,
      sql`select count(*)::int as n, count(distinct dedupe_key)::int as keys from outbox`,
    );
    expect(outbox[0]).toEqual({ n: sent.length, keys: sent.length });
    expect((await verifyJournal(t.database.db)).ok).toBe(true);
  });

  it('sends an interim report at 10 new appeals, none at the 11th, the next after 10 more; a backlog never triggers one', async () => {
    const deps = schedulerDeps(t);
    const s = createScheduler(deps);
    const now = at('2026-12-10T12:00'); // monthly for November is sent on the first tick
    const interims = async () => (await reportRows(t)).filter((r) => r.kind === 'chairman-interim');

    await s.tick(now);
    expect(await interims()).toHaveLength(0);
    await register(t, 40, { backlog: true, receivedAt: at('2025-06-01T10:00') });
    await s.tick(now);
    expect(await interims()).toHaveLength(0);

    await register(t, 9);
    await s.tick(now);
    expect(await interims()).toHaveLength(0);
    await register(t, 1);
    const tenth = await s.tick(now);
    expect(tenth.queued.map((r) => r.kind)).toEqual(['chairman-interim']);
    // The backlog is reported once, as such, in the first report after it was registered.
    const interim = tenth.queued[0]!.rendered.text;
    expect(interim).toContain('зарегистрировано обращений: 40 (поступили: 2025-06)');
    expect(interim).toContain('тіркелген өтініштер: 40 (түскен кезеңі: 2025-06)');
    expect(interim).toMatch(/\n {2}поступило обращений +10\n/);
    expect(interim).toMatch(/\n {2}түскен өтініштер +10\n/);
    await register(t, 1);
    await s.tick(now);
    expect(await interims()).toHaveLength(1);
    await register(t, 9);
    const second = await s.tick(now);
    expect(await interims()).toHaveLength(2);
    expect(second.queued[0]!.rendered.text).not.toContain('накопившейся почты');
    await s.stop();
  });

  it('keeps reports in the outbox (held) when no recipients are configured', async () => {
    const u = await pglite.open();
    try {
      const s = createScheduler(schedulerDeps(u, { ombudsmanEmail: null, chairmanEmail: null }));
      const result = await s.tick(at('2026-11-02T10:00'));
      expect(result.queued.map((r) => [r.kind, r.held])).toEqual([
        ['chairman', true],
        ['ombudsman', true],
      ]);
      const statuses = await rows<{ status: string }>(
        u.database.db,
        sql`select status from outbox`,
      );
      expect(statuses.map((r) => r.status)).toEqual(['held', 'held']);
      await s.stop();
    } finally {
      await u.dispose();
    }
  });
});

describe('two schedulers on PostgreSQL', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await postgresEngine.open();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('send each report once when both tick at the same moment', async () => {
    await register(t, 12, { receivedAt: at('2026-10-05T10:00') });
    const other = await openPostgres(t.url!);
    try {
      const a = createScheduler(schedulerDeps(t));
      const b = createScheduler(schedulerDeps({ database: other, vault: t.vault }));
      const now = at('2026-11-02T10:00');
      const results = await Promise.all([a.tick(now), b.tick(now)]);
      expect(results.filter((r) => r.leader)).toHaveLength(1);
      // The follower takes over when the leader goes away, and finds nothing left to send.
      await a.stop();
      await b.stop();
      const c = createScheduler(schedulerDeps({ database: other, vault: t.vault }));
      expect(await c.tick(now)).toEqual({ leader: true, queued: [] });
      await c.stop();
      const sent = await reportRows(t);
      expect(sent.map((r) => r.kind).sort()).toEqual(['chairman', 'ombudsman']);
    } finally {
      await other.close();
    }
  });

  it('queue a report once even without the leader lock: the reports key decides', async () => {
    const other = await openPostgres(t.url!);
    try {
      const now = at('2026-12-01T09:00');
      const results = await Promise.all([
        sendChairmanMonthly({ ...schedulerDeps(t), now: () => now }, '2026-11'),
        sendChairmanMonthly(
          { ...schedulerDeps({ database: other, vault: t.vault }), now: () => now },
          '2026-11',
        ),
      ]);
      expect(results.map((r) => r.queued).sort()).toEqual([false, true]);
      const [row] = await rows<{ n: number }>(
        t.database.db,
        sql`select count(*)::int as n from outbox where dedupe_key = 'report:chairman:2026-11'`,
      );
      expect(row?.n).toBe(1);
    } finally {
      await other.close();
    }
  });
});
