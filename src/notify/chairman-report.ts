/**
 * The Chairman's report (rules 4.15), rendered from aggregate numbers only. Pure.
 *
 * Confidentiality (rules 4.9; contract: Reports): the input type holds counts and category labels,
 * never a name, address, phone, e-mail or a word of content, so none can reach the report. Cells of
 * a cross-tabulation below 3 are shown as `<3` so that a rare combination (a site, a category, a
 * language) cannot point at an appellant; one-dimension totals stay exact. Because those exact
 * totals are the margins of every cross-tab, a row or column with a single small cell would let a
 * reader subtract it back out: such a row or column gets a second cell withheld (`x`).
 */

import { addMonths, zonedDateTime, type IsoDate } from '../cases/calendar.js';
import { InputError } from '../errors.js';

export type Counts = Record<string, number>;

export interface CrossTabCell {
  row: string;
  col: string;
  count: number;
}

export interface CrossTab {
  /** e.g. 'category × site' */
  title: string;
  rowLabel: string;
  colLabel: string;
  cells: CrossTabCell[];
}

export interface ChairmanStats {
  kind: 'monthly' | 'interim';
  /** '2026-10' for a monthly report; for an interim one, the numbers it covers */
  period: string;
  /** human label of the period, e.g. 'October 2026' or 'appeals No. 38–47' */
  periodLabel: string;
  builtAt: string;
  timeZone: string;
  head: { number: number; hash: string };
  total: number;
  byChannel: Counts;
  byScope: Counts;
  byCategory: Counts;
  bySite: Counts;
  byLanguage: Counts;
  status: { open: number; closed: number; redirected: number; overdue: number; extended: number };
  /** calendar days from receipt to closure, over the period's closed appeals */
  medianDaysToClose: number | null;
  crossTabs: CrossTab[];
  /** appeals received per month (receipt time, calendar zone), oldest first, 12 months */
  trend: { month: string; count: number }[];
  /** appeals registered from the mailbox backlog since the last report (reported once, not as a surge) */
  backlog: {
    count: number;
    firstMonth: string | null;
    lastMonth: string | null;
    byScope: Counts;
  } | null;
}

export interface RenderedReport {
  subject: string;
  text: string;
  html: string;
}

export const SMALL_CELL = 3;

export type CellShown = { kind: 'value'; count: number } | { kind: 'small' } | { kind: 'withheld' };

/**
 * Small-cell suppression of one cross-tab: cells 1–2 become `<3`; then any row or column left with
 * exactly one hidden cell gets its smallest other non-zero cell withheld too, until none is left
 * (complementary suppression: the exact one-dimension totals must not give a small cell away).
 */
export function suppress(
  cells: readonly CrossTabCell[],
): Map<string, { row: string; col: string; shown: CellShown }> {
  const key = (row: string, col: string) => JSON.stringify([row, col]);
  type Cell = { row: string; col: string; count: number; shown: CellShown };
  const result = new Map<string, Cell>();
  for (const c of cells) {
    if (c.count <= 0) continue;
    result.set(key(c.row, c.col), {
      row: c.row,
      col: c.col,
      count: c.count,
      shown: c.count < SMALL_CELL ? { kind: 'small' } : { kind: 'value', count: c.count },
    });
  }
  const lines = (pick: (c: Cell) => string): Cell[][] => {
    const groups = new Map<string, Cell[]>();
    for (const c of result.values()) {
      const g = groups.get(pick(c)) ?? [];
      g.push(c);
      groups.set(pick(c), g);
    }
    return [...groups.values()];
  };
  for (let changed = true; changed;) {
    changed = false;
    for (const line of [...lines((c) => 'r' + c.row), ...lines((c) => 'c' + c.col)]) {
      const hidden = line.filter((c) => c.shown.kind !== 'value');
      if (hidden.length !== 1) continue;
      const candidates = line
        .filter((c) => c.shown.kind === 'value')
        .sort(
          (a, b) => a.count - b.count || a.row.localeCompare(b.row) || a.col.localeCompare(b.col),
        );
      const victim = candidates[0];
      if (!victim) continue;
      victim.shown = { kind: 'withheld' };
      changed = true;
    }
  }
  return new Map([...result].map(([k, v]) => [k, { row: v.row, col: v.col, shown: v.shown }]));
}

function cellText(shown: CellShown | undefined): string {
  if (!shown) return '0';
  if (shown.kind === 'small') return '<3';
  if (shown.kind === 'withheld') return 'x';
  return String(shown.count);
}

const LABELS: Record<string, string> = {
  phone: 'phone',
  email: 'e-mail',
  in: 'in remit (case)',
  out: 'out of remit (redirected)',
  pending: 'awaiting triage',
  kk: 'Kazakh',
  ru: 'Russian',
  en: 'English',
};

export const NONE = '(none)';

function label(value: string): string {
  return LABELS[value] ?? value.replace(/_/g, ' ');
}

function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}

function sorted(counts: Counts): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function pad(value: string, width: number): string {
  return value.length >= width ? value : value + ' '.repeat(width - value.length);
}

const ONE_DIMENSION: { title: string; pick: (s: ChairmanStats) => Counts }[] = [
  { title: 'By channel', pick: (s) => s.byChannel },
  { title: 'By scope', pick: (s) => s.byScope },
  { title: 'By category', pick: (s) => s.byCategory },
  { title: 'By site (rules 4.3)', pick: (s) => s.bySite },
  { title: 'By language', pick: (s) => s.byLanguage },
];

function statusRows(s: ChairmanStats): [string, string][] {
  return [
    ['received', String(s.total)],
    ['open', String(s.status.open)],
    ['closed', String(s.status.closed)],
    ['redirected (out of remit)', String(s.status.redirected)],
    ['overdue', String(s.status.overdue)],
    ['extended', String(s.status.extended)],
    ['median days to close', s.medianDaysToClose === null ? '—' : s.medianDaysToClose.toFixed(1)],
  ];
}

function crossTabAxes(tab: CrossTab): { rows: string[]; cols: string[] } {
  const rows = [...new Set(tab.cells.filter((c) => c.count > 0).map((c) => c.row))].sort();
  const cols = [...new Set(tab.cells.filter((c) => c.count > 0).map((c) => c.col))].sort();
  return { rows, cols };
}

const BAR_WIDTH = 40;

function heading(s: ChairmanStats): string {
  return s.kind === 'monthly'
    ? `Trust line report for ${s.periodLabel}`
    : `Interim trust line report: ${s.periodLabel}`;
}

export function renderChairmanReport(s: ChairmanStats): RenderedReport {
  const subject =
    s.kind === 'monthly'
      ? `Senim: trust line report, ${s.periodLabel}`
      : `Senim: interim trust line report (${s.total} new appeals)`;
  return { subject, text: renderText(s), html: renderHtml(s) };
}

function renderText(s: ChairmanStats): string {
  const out: string[] = [];
  out.push(heading(s), '');
  out.push(
    'Appeals received through the trust line (rules 4.15), by time of receipt in ' +
      `${s.timeZone}; state as of ${s.builtAt}. No personal data: numbers and categories only.`,
    '',
  );
  for (const [k, v] of statusRows(s)) out.push(`  ${pad(k, 28)} ${v}`);
  for (const dim of ONE_DIMENSION) {
    out.push('', dim.title);
    const entries = sorted(dim.pick(s));
    if (entries.length === 0) out.push('  —');
    for (const [k, v] of entries) out.push(`  ${pad(label(k), 28)} ${v}`);
  }
  for (const tab of s.crossTabs) {
    const { rows, cols } = crossTabAxes(tab);
    if (rows.length === 0) continue;
    const shown = suppress(tab.cells);
    out.push(
      '',
      `${tab.title} (cells below 3 shown as <3; x = withheld so a small cell cannot be derived)`,
    );
    const w = Math.max(12, ...rows.map((r) => label(r).length)) + 2;
    const cw = Math.max(8, ...cols.map((c) => label(c).length)) + 2;
    out.push('  ' + pad('', w) + cols.map((c) => pad(label(c), cw)).join(''));
    for (const r of rows) {
      const line = cols.map((c) => pad(cellText(shown.get(JSON.stringify([r, c]))?.shown), cw));
      out.push('  ' + pad(label(r), w) + line.join(''));
    }
  }
  out.push('', 'Appeals received per month, last 12 months');
  const max = Math.max(1, ...s.trend.map((t) => t.count));
  for (const t of s.trend) {
    const bar = '#'.repeat(Math.round((t.count / max) * BAR_WIDTH));
    out.push(`  ${t.month}  ${pad(String(t.count), 6)} ${bar}`);
  }
  if (s.backlog && s.backlog.count > 0) {
    out.push('', backlogSentence(s.backlog));
    for (const [k, v] of sorted(s.backlog.byScope)) out.push(`  ${pad(label(k), 28)} ${v}`);
  }
  out.push('', headLine(s), '');
  return out.join('\n');
}

function backlogSentence(b: NonNullable<ChairmanStats['backlog']>): string {
  const span =
    b.firstMonth && b.lastMonth
      ? b.firstMonth === b.lastMonth
        ? ` received in ${b.firstMonth}`
        : ` received ${b.firstMonth} to ${b.lastMonth}`
      : '';
  return (
    `Backlog: ${b.count} appeals${span} were registered from the mailbox backlog when Senim ` +
    'started. They are reported here once and are not counted in the figures above.'
  );
}

function headLine(s: ChairmanStats): string {
  return `Journal head: No. ${s.head.number}, sha256 ${s.head.hash} (check with: senim journal verify)`;
}

const TABLE = 'border-collapse:collapse;margin:0 0 16px 0;font-size:13px';
const TD = 'border:1px solid #ccc;padding:3px 8px';
const NUM = `${TD};text-align:right`;

function htmlCounts(title: string, rows: [string, string][]): string {
  const body = rows.length
    ? rows
        .map(
          ([k, v]) =>
            `<tr><td style="${TD}">${escapeHtml(k)}</td><td style="${NUM}">${escapeHtml(v)}</td></tr>`,
        )
        .join('')
    : `<tr><td style="${TD}" colspan="2">—</td></tr>`;
  return `<h3 style="margin:16px 0 4px 0">${escapeHtml(title)}</h3><table style="${TABLE}">${body}</table>`;
}

function htmlCrossTab(tab: CrossTab): string {
  const { rows, cols } = crossTabAxes(tab);
  if (rows.length === 0) return '';
  const shown = suppress(tab.cells);
  const head =
    `<tr><th style="${TD}">${escapeHtml(tab.rowLabel)} \\ ${escapeHtml(tab.colLabel)}</th>` +
    cols.map((c) => `<th style="${TD}">${escapeHtml(label(c))}</th>`).join('') +
    '</tr>';
  const body = rows
    .map(
      (r) =>
        `<tr><td style="${TD}">${escapeHtml(label(r))}</td>` +
        cols
          .map(
            (c) =>
              `<td style="${NUM}">${escapeHtml(cellText(shown.get(JSON.stringify([r, c]))?.shown))}</td>`,
          )
          .join('') +
        '</tr>',
    )
    .join('');
  return `<h3 style="margin:16px 0 4px 0">${escapeHtml(tab.title)}</h3><table style="${TABLE}">${head}${body}</table>`;
}

/** Bars are table cells with a background colour: they render in mail clients without images or scripts. */
function htmlTrend(trend: ChairmanStats['trend']): string {
  const max = Math.max(1, ...trend.map((t) => t.count));
  const rows = trend
    .map((t) => {
      const width = Math.round((t.count / max) * 300);
      const bar =
        width > 0
          ? `<table cellpadding="0" cellspacing="0" style="border-collapse:collapse"><tr><td width="${width}" height="12" bgcolor="#2f6db5" style="width:${width}px;height:12px;background:#2f6db5;font-size:1px;line-height:1px">&nbsp;</td></tr></table>`
          : '';
      return `<tr><td style="padding:2px 8px">${escapeHtml(t.month)}</td><td style="padding:2px 8px;text-align:right">${t.count}</td><td style="padding:2px 8px">${bar}</td></tr>`;
    })
    .join('');
  return `<h3 style="margin:16px 0 4px 0">Appeals received per month, last 12 months</h3><table style="${TABLE}">${rows}</table>`;
}

function renderHtml(s: ChairmanStats): string {
  const parts: string[] = [];
  parts.push(
    '<!DOCTYPE html><html><head><meta charset="utf-8"><title>' +
      escapeHtml(heading(s)) +
      '</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#222">',
  );
  parts.push(`<h2>${escapeHtml(heading(s))}</h2>`);
  parts.push(
    `<p>Appeals received through the trust line (rules 4.15), by time of receipt in ${escapeHtml(s.timeZone)}; state as of ${escapeHtml(s.builtAt)}. No personal data: numbers and categories only.</p>`,
  );
  parts.push(htmlCounts('Summary', statusRows(s)));
  for (const dim of ONE_DIMENSION) {
    parts.push(
      htmlCounts(
        dim.title,
        sorted(dim.pick(s)).map(([k, v]) => [label(k), String(v)]),
      ),
    );
  }
  const tabs = s.crossTabs.map(htmlCrossTab).filter((t) => t !== '');
  if (tabs.length) {
    parts.push(
      '<p style="font-size:12px;color:#555">Cells below 3 are shown as &lt;3; x = withheld so that a small cell cannot be worked out from the totals.</p>',
    );
    parts.push(...tabs);
  }
  parts.push(htmlTrend(s.trend));
  if (s.backlog && s.backlog.count > 0) {
    parts.push(
      htmlCounts(
        backlogSentence(s.backlog),
        sorted(s.backlog.byScope).map(([k, v]) => [label(k), String(v)]),
      ),
    );
  }
  parts.push(`<p style="font-size:12px;color:#555">${escapeHtml(headLine(s))}</p></body></html>`);
  return parts.join('\n');
}

/** 'YYYY-MM', a real month; InputError otherwise (the CLI answers it with exit 2). */
export function parseMonth(value: string): string {
  const m = /^(\d{4})-(\d{2})$/.exec(value.trim());
  if (!m || Number(m[2]) < 1 || Number(m[2]) > 12 || Number(m[1]) < 2000) {
    throw new InputError(
      'bad-month',
      `--month: expected a month YYYY-MM, got "${value.slice(0, 20)}"`,
    );
  }
  return value.trim();
}

export function addMonth(month: string, n: number): string {
  return addMonths(`${month}-01`, n).slice(0, 7);
}

/**
 * The instant a local wall-clock time begins in an IANA zone (design: Time — never a fixed offset;
 * Almaty moved from UTC+6 to UTC+5 on 1 March 2024).
 */
export function localInstant(date: IsoDate, time: string, timeZone: string): Date {
  const asUtc = Date.parse(`${date}T${time}:00Z`);
  let instant = asUtc;
  for (let i = 0; i < 3; i++) {
    const seen = zonedDateTime(new Date(instant), timeZone);
    const seenAsUtc = Date.parse(`${seen.date}T${seen.time}:00Z`);
    if (seenAsUtc === asUtc) break;
    instant += asUtc - seenAsUtc;
  }
  return new Date(instant);
}

/** A month's receipt range [from, to) in the calendar zone. */
export function monthRange(month: string, timeZone: string): { from: Date; to: Date } {
  return {
    from: localInstant(`${month}-01`, '00:00', timeZone),
    to: localInstant(`${addMonth(month, 1)}-01`, '00:00', timeZone),
  };
}

/** The 12 months ending with `month`, oldest first, and the end of the last one. */
export function trendMonths(
  month: string,
  timeZone: string,
): { months: { month: string; from: Date }[]; end: Date } {
  const months = Array.from({ length: 12 }, (_, i) => {
    const m = addMonth(month, i - 11);
    return { month: m, from: monthRange(m, timeZone).from };
  });
  return { months, end: monthRange(month, timeZone).to };
}

const MONTH_NAMES = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

export function monthLabel(month: string): string {
  return `${MONTH_NAMES[Number(month.slice(5, 7)) - 1] ?? month} ${month.slice(0, 4)}`;
}
