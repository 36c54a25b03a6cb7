/**
 * The Chairman's report's SQL (rules 4.15): aggregates only, computed in the database so a month
 * over a journal of a million entries stays well under a second. The entries are chosen by a
 * receipt-time range (the entries_received_at index) or a number range (the primary key); their
 * records are aggregated per entry for those entries only (one grouped pass, hash-joined), to
 * derive the present state as src/cases/case-state.ts does. Nothing here reads personal data or content.
 */
import { sql, type SQL } from 'drizzle-orm';
import { zonedDateTime } from '../cases/calendar.js';
import { rows, type Queryable } from '../db/database.js';
import type { ChairmanStats, Counts, CrossTab } from './chairman-report.js';
import { NONE } from './chairman-report.js';

/** Which entries a report covers; the journal head bounds both, so the figures match the head sent. */
export type ReportFilter =
  | { kind: 'received'; from: Date; to: Date; upTo: number }
  | { kind: 'numbers'; after: number; upTo: number };

export interface StatsQuery {
  filter: ReportFilter;
  /** today's date in the calendar zone: open appeals due before it are overdue */
  today: string;
  /** 13 boundaries, oldest first: 12 months [b0, b1) … [b11, b12) by receipt time */
  trend: { month: string; from: Date }[];
  trendEnd: Date;
  /** backlog entries with numbers in (after, upTo] are reported (once) as such */
  backlogAfter: number;
  timeZone: string;
}

export type ReportFigures = Pick<
  ChairmanStats,
  | 'total'
  | 'byChannel'
  | 'byScope'
  | 'byCategory'
  | 'bySite'
  | 'byLanguage'
  | 'status'
  | 'medianDaysToClose'
  | 'crossTabs'
  | 'trend'
  | 'backlog'
>;

const ts = (d: Date) => sql`${d.toISOString()}::timestamptz`;

/** Per entry: its last triage decision, last extension, last closure (as caseState folds them). */
const AGGREGATES = sql`
        bool_or(x.kind = 'triage') as triaged,
        (array_agg(x.payload->>'scope' order by x.seq desc)
          filter (where x.kind = 'triage' and x.payload->>'scope' in ('in', 'out', 'pending')))[1] as scope,
        (array_agg(case when jsonb_typeof(x.payload->'category') = 'string' then x.payload->>'category' end
          order by x.seq desc) filter (where x.kind = 'triage'))[1] as category,
        (array_agg(x.payload->>'until' order by x.seq desc)
          filter (where x.kind = 'extension' and jsonb_typeof(x.payload->'until') = 'string'
                  and x.payload->>'until' <> ''))[1] as until,
        (array_agg(x.created_at order by x.seq desc) filter (where x.kind = 'closure'))[1] as closed_at`;

/**
 * The present state of the chosen entries, in SQL: the last triage decision (scope, category), the
 * last extension (due date), the last closure (caseState in src/cases/case-state.ts). `extra`:
 * more entry columns, each `e.column,`. For a bounded set (a month) the records are looked up per
 * entry through the entry_events_entry index; over the whole journal (`wholeJournal`) they are
 * grouped in one pass and hash-joined instead.
 */
export function stateOf(where: SQL, extra: SQL = sql``, wholeJournal = false): SQL {
  const records = wholeJournal
    ? sql`left join (
      select x.entry_number, ${AGGREGATES}
      from entry_events x where x.kind in ('triage', 'extension', 'closure')
      group by x.entry_number
    ) ev on ev.entry_number = e.number`
    : sql`left join lateral (
      select ${AGGREGATES}
      from entry_events x
      where x.entry_number = e.number and x.kind in ('triage', 'extension', 'closure')
    ) ev on true`;
  return sql`
    select e.number, e.channel, e.language, e.received_at, e.backlog, ${extra}
      coalesce(e.site, ${NONE}) as site,
      coalesce(ev.scope, e.scope) as scope,
      coalesce(case when ev.triaged then ev.category else e.category end, ${NONE}) as category,
      coalesce(ev.until, to_char(e.due_date, 'YYYY-MM-DD')) as due,
      ev.until is not null as extended,
      ev.closed_at,
      case when ev.closed_at is not null then 'closed'
           when coalesce(ev.scope, e.scope) = 'out' then 'redirected'
           else 'open' end as status
    from entries e
    ${records}
    where ${where}`;
}

function filterSql(f: ReportFilter): SQL {
  return f.kind === 'received'
    ? sql`e.received_at >= ${ts(f.from)} and e.received_at < ${ts(f.to)} and e.number <= ${f.upTo} and not e.backlog`
    : sql`e.number > ${f.after} and e.number <= ${f.upTo} and not e.backlog`;
}

interface GroupRow {
  g: number;
  channel: string | null;
  scope: string | null;
  category: string | null;
  site: string | null;
  language: string | null;
  n: number;
  open: number;
  closed: number;
  redirected: number;
  overdue: number;
  extended: number;
  median: number | null;
}

// grouping(channel, scope, category, site, language): a bit is 1 when that column is NOT grouped.
const ALL = 0b11111;
const bit = {
  channel: 0b10000,
  scope: 0b01000,
  category: 0b00100,
  site: 0b00010,
  language: 0b00001,
};
const only = (...cols: (keyof typeof bit)[]) => ALL & ~cols.reduce((m, c) => m | bit[c], 0);

/** Categories against these dimensions; the renderer names them. */
const CROSS_TABS: CrossTab['col'][] = ['site', 'language', 'channel'];

export async function reportFigures(q: Queryable, query: StatsQuery): Promise<ReportFigures> {
  // JIT compilation costs more than it saves on these short aggregates (~70 ms each at 1M
  // entries). Transaction-local: it has an effect when the caller runs in a transaction.
  await q.execute(sql`select set_config('jit', 'off', true)`);
  const groups = await rows<GroupRow>(
    q,
    sql`
    with s as (${stateOf(filterSql(query.filter))})
    select grouping(channel, scope, category, site, language)::int as g,
      channel, scope, category, site, language,
      count(*)::int as n,
      (count(*) filter (where status = 'open'))::int as open,
      (count(*) filter (where status = 'closed'))::int as closed,
      (count(*) filter (where status = 'redirected'))::int as redirected,
      (count(*) filter (where status = 'open' and due < ${query.today}))::int as overdue,
      (count(*) filter (where extended))::int as extended,
      (percentile_cont(0.5) within group (order by extract(epoch from closed_at - received_at) / 86400.0)
        filter (where closed_at is not null))::float8 as median
    from s
    group by grouping sets ((), (channel), (scope), (category), (site), (language),
      (category, site), (category, language), (category, channel))`,
  );
  const one = (col: keyof typeof bit): Counts => {
    const counts: Counts = {};
    for (const r of groups) {
      if (Number(r.g) === only(col)) counts[String(r[col])] = Number(r.n);
    }
    return counts;
  };
  const total = groups.find((r) => Number(r.g) === ALL);
  const crossTabs: CrossTab[] = CROSS_TABS.map((col) => ({
    col,
    cells: groups
      .filter((r) => Number(r.g) === only('category', col))
      .map((r) => ({ row: String(r.category), col: String(r[col]), count: Number(r.n) })),
  }));

  const trend = await trendCounts(q, query);
  const backlog = await backlogFigures(q, query);
  const median = total?.median;
  return {
    total: Number(total?.n ?? 0),
    byChannel: one('channel'),
    byScope: one('scope'),
    byCategory: one('category'),
    bySite: one('site'),
    byLanguage: one('language'),
    status: {
      open: Number(total?.open ?? 0),
      closed: Number(total?.closed ?? 0),
      redirected: Number(total?.redirected ?? 0),
      overdue: Number(total?.overdue ?? 0),
      extended: Number(total?.extended ?? 0),
    },
    medianDaysToClose: median === null || median === undefined ? null : Number(median),
    crossTabs,
    trend,
    backlog,
  };
}

/** One pass over the 12 months' range of the receipt index; backlog is not a surge. */
async function trendCounts(q: Queryable, query: StatsQuery): Promise<ChairmanStats['trend']> {
  const { trend } = query;
  if (trend.length === 0) return [];
  const first = trend[0]!.from;
  const columns = trend.map((m, i) => {
    const end = trend[i + 1]?.from ?? query.trendEnd;
    return sql`(count(*) filter (where received_at >= ${ts(m.from)} and received_at < ${ts(end)}))::int as ${sql.identifier('m' + i)}`;
  });
  const [row] = await rows<Record<string, number>>(
    q,
    sql`select ${sql.join(columns, sql`, `)} from entries
      where received_at >= ${ts(first)} and received_at < ${ts(query.trendEnd)}
        and number <= ${query.filter.upTo} and not backlog`,
  );
  return trend.map((m, i) => ({ month: m.month, count: Number(row?.['m' + i] ?? 0) }));
}

async function backlogFigures(q: Queryable, query: StatsQuery): Promise<ChairmanStats['backlog']> {
  const found = await rows<{ scope: string; n: number; first: string | Date; last: string | Date }>(
    q,
    sql`with s as (${stateOf(sql`e.number > ${query.backlogAfter} and e.number <= ${query.filter.upTo} and e.backlog`)})
      select scope, count(*)::int as n, min(received_at) as first, max(received_at) as last
      from s group by scope`,
  );
  if (found.length === 0) return null;
  const byScope: Counts = {};
  let first: Date | null = null;
  let last: Date | null = null;
  for (const r of found) {
    byScope[r.scope] = Number(r.n);
    const f = new Date(r.first);
    const l = new Date(r.last);
    if (!first || f < first) first = f;
    if (!last || l > last) last = l;
  }
  return {
    count: Object.values(byScope).reduce((a, b) => a + b, 0),
    firstMonth: first ? zonedDateTime(first, query.timeZone).date.slice(0, 7) : null,
    lastMonth: last ? zonedDateTime(last, query.timeZone).date.slice(0, 7) : null,
    byScope,
  };
}

/** Appeals (not backlog) registered after `after`: the interim threshold (rules 4.15). */
export async function countNewAppeals(q: Queryable, after: number): Promise<number> {
  const [row] = await rows<{ n: number }>(
    q,
    sql`select count(*)::int as n from entries where number > ${after} and not backlog`,
  );
  return Number(row?.n ?? 0);
}
