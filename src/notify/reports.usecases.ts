/**
 * Building and queueing the reports: the Chairman's monthly and interim reports (rules 4.15) and
 * the Ombudsman's daily digest (rules 4.10, 4.11). Each is queued in one transaction with its row
 * in `reports`, whose primary key (kind, period) makes it at most one per period whoever asks —
 * two daemons, a restart, the CLI. The row records the journal head the report carries (design:
 * truncation is detectable; `senim journal verify` checks it).
 */
import { and, eq, inArray, max } from 'drizzle-orm';
import type { WorkingCalendar } from '../cases/calendar.js';
import { zonedDateTime } from '../cases/calendar.js';
import { journalHead } from '../cases/journal.repository.js';
import type { Config } from '../config.js';
import type { Db, Queryable, Tx } from '../db/database.js';
import { reports } from '../db/schema.js';
import type { Vault } from '../db/vault.js';
import { readHealth, sourceProblems, type SourceHealth } from '../ingest/health.repository.js';
import {
  monthRange,
  parseMonth,
  renderChairmanReport,
  trendMonths,
  type ChairmanStats,
  type RenderedReport,
} from './chairman-report.js';
import { countNewAppeals, reportFigures, type ReportFilter } from './chairman-report.repository.js';
import {
  renderOmbudsmanDigest,
  SECTION_CAP,
  type HealthNote,
  type OmbudsmanDigestData,
} from './ombudsman-digest.js';
import { digestLists, followUpList, heldMessages } from './ombudsman-digest.repository.js';
import { listFailed, queueMail } from './outbox.repository.js';

export type ReportKind = 'chairman' | 'chairman-interim' | 'ombudsman';

export const CHAIRMAN_KINDS: ReportKind[] = ['chairman', 'chairman-interim'];

export interface ReportDeps {
  db: Db;
  vault: Vault;
  calendar: WorkingCalendar;
  config: Pick<
    Config,
    'timeZone' | 'from' | 'ombudsmanEmail' | 'chairmanEmail' | 'interimThreshold'
  >;
  now: () => Date;
}

export interface BuiltReport {
  kind: ReportKind;
  period: string;
  head: { number: number; hash: string };
  rendered: RenderedReport;
}

export interface QueuedReport extends BuiltReport {
  /** false when this period's report had already been queued (nothing new was queued) */
  queued: boolean;
  outboxId: number | null;
  /** true when no recipient is configured: the report stays in the outbox */
  held: boolean;
}

/** Heads no newer than this are already reported: the latest head of `kinds`' reports, or 0. */
export async function lastReportedHead(q: Queryable, kinds: ReportKind[]): Promise<number> {
  const [row] = await q
    .select({ head: max(reports.headNumber) })
    .from(reports)
    .where(inArray(reports.kind, kinds));
  return Number(row?.head ?? 0);
}

/** When the latest report of a kind was made, or null when none was. */
async function lastReportAt(q: Queryable, kind: ReportKind): Promise<Date | null> {
  const [row] = await q
    .select({ at: max(reports.createdAt) })
    .from(reports)
    .where(eq(reports.kind, kind));
  return row?.at ? new Date(row.at) : null;
}

/** The latest period sent of a kind, in period order ('2026-10', '2026-11-25'). */
export async function lastPeriod(q: Queryable, kind: ReportKind): Promise<string | null> {
  const [row] = await q
    .select({ period: max(reports.period) })
    .from(reports)
    .where(eq(reports.kind, kind));
  return row?.period ?? null;
}

function localStamp(instant: Date, timeZone: string): string {
  const { date, time } = zonedDateTime(instant, timeZone);
  return `${date} ${time}`;
}

async function chairmanStats(
  q: Queryable,
  deps: ReportDeps,
  now: Date,
  head: { number: number; hash: string },
  what: { kind: 'monthly'; month: string } | { kind: 'interim'; after: number },
  backlogAfter: number,
): Promise<ChairmanStats> {
  const tz = deps.config.timeZone;
  const today = deps.calendar.localDate(now);
  const trendTo = what.kind === 'monthly' ? what.month : today.slice(0, 7);
  const trend = trendMonths(trendTo, tz);
  const filter: ReportFilter =
    what.kind === 'monthly'
      ? { kind: 'received', ...monthRange(what.month, tz), upTo: head.number }
      : { kind: 'numbers', after: what.after, upTo: head.number };
  const figures = await reportFigures(q, {
    filter,
    today,
    trend: trend.months,
    trendEnd: trend.end,
    backlogAfter,
    timeZone: tz,
  });
  return {
    kind: what.kind,
    period: what.kind === 'monthly' ? what.month : `interim:${what.after + 1}`,
    numbers: what.kind === 'monthly' ? null : { from: what.after + 1, to: head.number },
    builtAt: localStamp(now, tz),
    timeZone: tz,
    head,
    ...figures,
  };
}

/** The Chairman's report for a month, as it would be sent now (nothing is recorded). */
export async function previewChairmanMonthly(
  deps: ReportDeps,
  month: string,
): Promise<BuiltReport> {
  return deps.db.transaction((tx) => buildChairmanMonthly(tx, deps, month));
}

/** The Chairman's report for a month, built in the caller's transaction. */
export async function buildChairmanMonthly(
  q: Queryable,
  deps: ReportDeps,
  month: string,
): Promise<BuiltReport> {
  parseMonth(month);
  const now = deps.now();
  const head = await journalHead(q);
  const after = await lastReportedHead(q, CHAIRMAN_KINDS);
  const stats = await chairmanStats(q, deps, now, head, { kind: 'monthly', month }, after);
  return { kind: 'chairman', period: month, head, rendered: renderChairmanReport(stats) };
}

/**
 * What the digest asks the Ombudsman to act on, as codes the digest words in Russian and Kazakh:
 * the sources' problems (as `senim status` sees them), a source without a successful poll in a
 * day, and no Chairman's address. Failed outgoing mail has a section of its own.
 */
function healthNotes(
  sources: SourceHealth[],
  now: Date,
  chairmanEmail: string | null,
): HealthNote[] {
  const notes: HealthNote[] = [];
  for (const s of sources) {
    notes.push(...sourceProblems([s], now));
    // sourceProblems names a success more than a day old; here a source never polled counts too
    if (!s.lastSuccessAt) notes.push({ kind: 'no-recent-poll', source: s.source });
  }
  if (!chairmanEmail) notes.push({ kind: 'no-chairman-email' });
  return notes;
}

/** The Ombudsman's digest as it would be sent now (nothing is recorded). */
export async function buildOmbudsmanDigest(
  q: Queryable,
  deps: ReportDeps,
  period?: string,
): Promise<BuiltReport> {
  const now = deps.now();
  const tz = deps.config.timeZone;
  const head = await journalHead(q);
  const since = await lastReportedHead(q, ['ombudsman']);
  const today = deps.calendar.localDate(now);
  const dueSoonUntil = deps.calendar.addWorkingDays(today, 3);
  const lists = await digestLists(q, { since, upTo: head.number, today, dueSoonUntil });
  const followUps = await followUpList(q, await lastReportAt(q, 'ombudsman'));
  const held = await heldMessages(q);
  const failed = (await listFailed(q)).filter((m) => m.status === 'failed');
  const sources = await readHealth(q);
  const health = healthNotes(sources, now, deps.config.chairmanEmail);
  const section = <T, U>(s: { items: T[]; total: number }, map: (t: T) => U) => ({
    items: s.items.map(map),
    total: s.total,
  });
  const local = <T extends { receivedAt: Date }>(
    e: T,
  ): Omit<T, 'receivedAt'> & { receivedAt: string } => ({
    ...e,
    receivedAt: localStamp(e.receivedAt, tz),
  });
  const data: OmbudsmanDigestData = {
    date: today,
    builtAt: localStamp(now, tz),
    head,
    since,
    newAppeals: section(lists.newAppeals, local),
    pending: section(lists.pending, local),
    dueSoon: section(lists.dueSoon, local),
    dueSoonUntil,
    overdue: section(lists.overdue, local),
    followUps,
    held: section(held, local),
    failedMail: {
      items: failed.slice(0, SECTION_CAP).map((f) => ({
        id: f.id,
        kind: f.kind,
        entryNumber: f.entryNumber,
        attempts: f.attempts,
        lastError: f.lastError,
        createdAt: localStamp(f.createdAt, tz),
        bounced: f.bouncedAt ? { at: localStamp(f.bouncedAt, tz), status: f.bounceStatus } : null,
      })),
      total: failed.length,
    },
    health,
    healthSources: sources.map((s) => ({
      source: s.source,
      lastSuccessAt: s.lastSuccessAt ? localStamp(s.lastSuccessAt, tz) : null,
      authExpiresAt: s.authExpiresAt ? localStamp(s.authExpiresAt, tz) : null,
    })),
    backlogUnanswered: section(lists.backlogUnanswered, local),
  };
  return {
    kind: 'ombudsman',
    period: period ?? today,
    head,
    rendered: renderOmbudsmanDigest(data),
  };
}

/**
 * The one way a report is queued: the `reports` row first (its primary key makes a concurrent
 * second attempt wait, then find it taken), then the mail, in one transaction.
 */
async function queueReport(
  deps: ReportDeps,
  kind: ReportKind,
  to: string | null,
  build: (tx: Tx) => Promise<BuiltReport | null>,
): Promise<QueuedReport | null> {
  return deps.db.transaction(async (tx) => {
    const built = await build(tx);
    if (!built) return null;
    const now = deps.now();
    const [row] = await tx
      .insert(reports)
      .values({
        kind,
        period: built.period,
        createdAt: now,
        headNumber: built.head.number,
        headHash: built.head.hash,
      })
      .onConflictDoNothing()
      .returning();
    if (!row) {
      const [existing] = await tx
        .select()
        .from(reports)
        .where(and(eq(reports.kind, kind), eq(reports.period, built.period)));
      return { ...built, queued: false, outboxId: existing?.outboxId ?? null, held: false };
    }
    const mail = await queueMail(
      tx,
      { vault: deps.vault, from: deps.config.from, now },
      {
        dedupeKey: `report:${kind}:${built.period}`,
        kind: `report-${kind}`,
        to: to ?? '',
        subject: built.rendered.subject,
        text: built.rendered.text,
        html: built.rendered.html,
        // Reports are not answers to appellants: never counted against a sender's rate limit.
        automatic: false,
        hold: !to,
      },
    );
    await tx
      .update(reports)
      .set({ outboxId: mail.id })
      .where(and(eq(reports.kind, kind), eq(reports.period, built.period)));
    return { ...built, queued: true, outboxId: mail.id, held: !to };
  });
}

/** Queues the Chairman's report for a month, once (rules 4.15). */
export async function sendChairmanMonthly(deps: ReportDeps, month: string): Promise<QueuedReport> {
  parseMonth(month);
  const queued = await queueReport(deps, 'chairman', deps.config.chairmanEmail, (tx) =>
    buildChairmanMonthly(tx, deps, month),
  );
  return queued!;
}

/** Queues the Ombudsman's digest for a period (the working day, 'YYYY-MM-DD'), once. */
export async function sendOmbudsmanDigest(deps: ReportDeps, period: string): Promise<QueuedReport> {
  const queued = await queueReport(deps, 'ombudsman', deps.config.ombudsmanEmail, (tx) =>
    buildOmbudsmanDigest(tx, deps, period),
  );
  return queued!;
}

/**
 * rules 4.15: "more often when the volume is significant" — an interim report when the appeals
 * registered since the last report to the Chairman reach the threshold. A backlog does not count.
 * Its period is the first number it covers, so two daemons that see the same last report compete
 * for the same key.
 */
export async function sendInterimIfDue(deps: ReportDeps): Promise<QueuedReport | null> {
  return queueReport(deps, 'chairman-interim', deps.config.chairmanEmail, async (tx) => {
    const after = await lastReportedHead(tx, CHAIRMAN_KINDS);
    const fresh = await countNewAppeals(tx, after);
    if (fresh < deps.config.interimThreshold) return null;
    const now = deps.now();
    const head = await journalHead(tx);
    const stats = await chairmanStats(tx, deps, now, head, { kind: 'interim', after }, after);
    return {
      kind: 'chairman-interim',
      period: stats.period,
      head,
      rendered: renderChairmanReport(stats),
    };
  });
}
