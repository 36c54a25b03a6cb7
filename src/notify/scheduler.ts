/**
 * The schedules (design: schedules survive downtime): the Ombudsman's digest each working day at
 * 09:00 and the Chairman's report on the 1st of each month at 09:00 for the month before (rules
 * 4.15), both in the calendar zone (Asia/Almaty), plus the interim report when the volume is
 * significant.
 *
 * The cron job only wakes `tick`; what is due is decided from the clock and from what `reports`
 * says was sent (`duePeriods`, pure), so a time that passed while the daemon was down is caught up
 * when it comes back, and a tick that runs twice sends nothing twice. One daemon leads (advisory
 * lock 'scheduler'); even without it, the primary key of `reports` keeps one report per period.
 */
import cron, { type ScheduledTask } from 'node-cron';
import { zonedDateTime, type IsoDate, type WorkingCalendar } from '../cases/calendar.js';
import type { Database } from '../db/database.js';
import type { Logger } from '../log.js';
import { addMonth } from './chairman-report.js';
import {
  lastPeriod,
  sendChairmanMonthly,
  sendInterimIfDue,
  sendOmbudsmanDigest,
  type QueuedReport,
  type ReportDeps,
} from './reports.usecases.js';
import { errorCodes } from '../errors.js';

/** Local wall-clock time at which the reports go out. */
export const SEND_AT = '09:00';
/** After a long downtime, at most this many missed monthly reports are sent (the oldest first). */
export const MAX_MONTHLY_CATCH_UP = 3;
/** Wakes often enough for the interim report and for a catch-up after a database outage. */
export const CRON_EXPRESSION = '*/5 * * * *';

export interface SentState {
  /** latest monthly period sent, 'YYYY-MM' */
  lastMonthly: string | null;
  /** latest daily digest period sent, 'YYYY-MM-DD' */
  lastDaily: string | null;
}

export interface DuePeriod {
  kind: 'chairman' | 'ombudsman';
  period: string;
}

/**
 * What is due at `now`: the monthly reports whose send time (the 1st of the next month, 09:00)
 * has passed and that were not sent — all missed ones since the last sent, up to a bound, or only
 * the latest when none was ever sent (a new installation does not report its backlog's months) —
 * and the digest of the latest working day whose 09:00 has passed, if not sent (an older digest
 * is superseded by it: it lists everything since the last one sent).
 */
export function duePeriods(
  now: Date,
  sent: SentState,
  calendar: Pick<WorkingCalendar, 'isWorkingDay' | 'timeZone'>,
): DuePeriod[] {
  const local = zonedDateTime(now, calendar.timeZone);
  const at = `${local.date} ${local.time}`;
  const due: DuePeriod[] = [];

  const thisMonth = local.date.slice(0, 7);
  const latestMonthly =
    at >= `${thisMonth}-01 ${SEND_AT}` ? addMonth(thisMonth, -1) : addMonth(thisMonth, -2);
  if (!sent.lastMonthly || sent.lastMonthly < latestMonthly) {
    let first = sent.lastMonthly ? addMonth(sent.lastMonthly, 1) : latestMonthly;
    const earliest = addMonth(latestMonthly, -(MAX_MONTHLY_CATCH_UP - 1));
    if (first < earliest) first = earliest;
    for (let m = first; m <= latestMonthly; m = addMonth(m, 1)) {
      due.push({ kind: 'chairman', period: m });
    }
  }

  const day = latestDigestDay(local.date, at, calendar);
  if (day && (!sent.lastDaily || sent.lastDaily < day))
    due.push({ kind: 'ombudsman', period: day });
  return due;
}

function latestDigestDay(
  today: IsoDate,
  at: string,
  calendar: Pick<WorkingCalendar, 'isWorkingDay'>,
): IsoDate | null {
  let day = today;
  for (let i = 0; i < 40; i++) {
    if (calendar.isWorkingDay(day) && at >= `${day} ${SEND_AT}`) return day;
    day = shiftDay(day, -1);
  }
  return null;
}

function shiftDay(day: IsoDate, n: number): IsoDate {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

export interface SchedulerDeps extends ReportDeps {
  database: Pick<Database, 'tryLock'>;
  log: Logger;
  /** called after a report was queued (e.g. the delivery loop's notify) */
  afterQueue?: () => void;
}

export interface TickResult {
  /** false when another process leads the scheduler: this tick did nothing */
  leader: boolean;
  queued: QueuedReport[];
}

export interface Scheduler {
  /** one decision-and-send pass at `now` (the cron job and the tests call it) */
  tick(now?: Date): Promise<TickResult>;
  stop(): Promise<void>;
}

/** A scheduler without a timer: `tick` is driven by the caller (a fake clock in tests). */
export function createScheduler(
  deps: SchedulerDeps,
): Scheduler & { releaseLeadership(): Promise<void> } {
  let release: (() => Promise<void>) | null = null;
  let stopped = false;

  async function tick(now: Date = deps.now()): Promise<TickResult> {
    if (stopped) return { leader: false, queued: [] };
    if (!release) {
      release = await deps.database.tryLock('scheduler');
      if (!release) return { leader: false, queued: [] };
      deps.log.info({ lock: 'scheduler' }, 'this process leads the report schedules');
    }
    const at: ReportDeps = { ...deps, now: () => now };
    const sent: SentState = {
      lastMonthly: await lastPeriod(deps.db, 'chairman'),
      lastDaily: await lastPeriod(deps.db, 'ombudsman'),
    };
    const queued: QueuedReport[] = [];
    for (const due of duePeriods(now, sent, deps.calendar)) {
      const report =
        due.kind === 'chairman'
          ? await sendChairmanMonthly(at, due.period)
          : await sendOmbudsmanDigest(at, due.period);
      if (report.queued) queued.push(report);
    }
    // After the monthly report, so that one fresh report resets the count (rules 4.15).
    const interim = await sendInterimIfDue(at);
    if (interim?.queued) queued.push(interim);
    for (const r of queued) {
      deps.log.info(
        { kind: r.kind, period: r.period, outboxId: r.outboxId, head: r.head.number, held: r.held },
        r.held ? 'report kept in the outbox: no recipient configured' : 'report queued',
      );
    }
    if (queued.length > 0) deps.afterQueue?.();
    return { leader: true, queued };
  }

  async function releaseLeadership() {
    const r = release;
    release = null;
    if (r) await r();
  }

  return {
    tick,
    releaseLeadership,
    async stop() {
      stopped = true;
      await releaseLeadership();
    },
  };
}

/**
 * The daemon's schedules: a catch-up pass now, then a pass every five minutes (node-cron, in the
 * calendar zone). Says at start which reports will stay in the outbox for want of a recipient.
 */
export function startScheduler(deps: SchedulerDeps): Scheduler {
  const scheduler = createScheduler(deps);
  if (!deps.config.ombudsmanEmail) {
    deps.log.warn('OMBUDSMAN_EMAIL is not set: the Ombudsman digests stay in the outbox');
  }
  if (!deps.config.chairmanEmail) {
    deps.log.warn("CHAIRMAN_EMAIL is not set: the Chairman's reports stay in the outbox");
  }
  let running: Promise<unknown> = Promise.resolve();
  let busy = false;
  const pass = () => {
    if (busy) return running;
    busy = true;
    running = scheduler
      .tick(deps.now())
      .catch((error: unknown) => {
        // Codes only: a driver message may quote SQL parameters (design: confidentiality).
        deps.log.error(
          { reason: errorCodes(error) },
          'report schedule pass failed; retried at the next one',
        );
      })
      .finally(() => {
        busy = false;
      });
    return running;
  };
  const task: ScheduledTask = cron.schedule(CRON_EXPRESSION, () => pass(), {
    timezone: deps.config.timeZone,
    name: 'senim-reports',
    noOverlap: true,
  });
  void pass();
  return {
    tick: (now) => scheduler.tick(now),
    async stop() {
      await task.stop();
      await task.destroy();
      await running;
      await scheduler.stop();
    },
  };
}
