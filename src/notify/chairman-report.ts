/**
 * The Chairman's report (rules 4.15), rendered from aggregate numbers only. Pure.
 *
 * Confidentiality (rules 4.9; contract: Reports): the input type holds counts and category labels,
 * never a name, address, phone, e-mail or a word of content, so none can reach the report. Cells of
 * a cross-tabulation below 3 are shown as `<3` so that a rare combination (a site, a category, a
 * language) cannot point at an appellant; one-dimension totals stay exact. Because those exact
 * totals are the margins of every cross-tab, a row or column with a single small cell would let a
 * reader subtract it back out: such a row or column gets a second cell withheld (`x`).
 *
 * The Chairman of AlES reads Russian and Kazakh: each report is one mail with the Russian text
 * first, then the Kazakh one, and a subject in both. The bilingual frame (`bilingualMail`), the
 * labels of channels, scopes, categories, sites and languages (`valueLabel`) and the journal head
 * line serve the Ombudsman's digest too.
 */

import type { Language } from '../cases/appeal.models.js';
import { addMonths, zonedDateTime, type IsoDate } from '../cases/calendar.js';
import { escapeHtml } from '../cases/journal.book.js';
import { SITE_LABELS } from '../cases/sites.js';
import { CATEGORY_LABELS } from '../cases/triage.js';
import { InputError } from '../errors.js';
import { formatMonth } from './templates.js';

/** The languages of the reports, in mail order: Russian first, then Kazakh. */
export const REPORT_LANGUAGES = ['ru', 'kk'] as const satisfies readonly Language[];
export type ReportLanguage = (typeof REPORT_LANGUAGES)[number];
/** One text in each report language. */
export type Bilingual<T = string> = Readonly<Record<ReportLanguage, T>>;

export type Counts = Record<string, number>;

export interface CrossTabCell {
  row: string;
  col: string;
  count: number;
}

/** Categories (rows) against one other dimension (columns). */
export interface CrossTab {
  col: 'site' | 'language' | 'channel';
  cells: CrossTabCell[];
}

export interface ChairmanStats {
  kind: 'monthly' | 'interim';
  /** '2026-10' for a monthly report; for an interim one, 'interim:<first number it covers>' */
  period: string;
  /** the registration numbers an interim report covers; null for a monthly one */
  numbers: { from: number; to: number } | null;
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

/**
 * An empty cell reads `<3` like a small one: a 0 beside `<3` cells would pin them down from the
 * exact totals (a row «<3, <3, 0» of total 2 is «1, 1, 0»).
 */
function cellText(shown: CellShown | undefined): string {
  if (!shown || shown.kind === 'small') return '<3';
  if (shown.kind === 'withheld') return 'x';
  return String(shown.count);
}

export const NONE = '(none)';

export type Dimension = 'channel' | 'scope' | 'category' | 'site' | 'language';

const VALUE_LABELS: Record<'channel' | 'scope' | 'language', Record<string, Bilingual>> = {
  channel: {
    phone: { ru: 'телефон', kk: 'телефон' },
    email: { ru: 'электронная почта', kk: 'электрондық пошта' },
  },
  scope: {
    in: { ru: 'в компетенции Омбудсмена', kk: 'Омбудсмен құзыретінде' },
    out: { ru: 'вне компетенции (перенаправлено)', kk: 'құзыретінен тыс (басқа органға жолданды)' },
    pending: { ru: 'ожидает решения о компетенции', kk: 'құзыреті туралы шешім күтуде' },
  },
  language: {
    kk: { ru: 'казахский', kk: 'қазақ тілі' },
    ru: { ru: 'русский', kk: 'орыс тілі' },
    en: { ru: 'английский', kk: 'ағылшын тілі' },
  },
};

const NOT_GIVEN: Bilingual = { ru: 'не указано', kk: 'көрсетілмеген' };

/** A channel, scope, category, site or language as the reader sees it; an unknown value as it is. */
export function valueLabel(dimension: Dimension, value: string, lang: ReportLanguage): string {
  if (value === NONE) return NOT_GIVEN[lang];
  const table: Readonly<Record<string, Readonly<Partial<Record<Language, string>>>>> =
    dimension === 'category'
      ? CATEGORY_LABELS
      : dimension === 'site'
        ? SITE_LABELS
        : VALUE_LABELS[dimension];
  return (
    (Object.hasOwn(table, value) ? table[value]?.[lang] : undefined) ?? value.replace(/_/g, ' ')
  );
}

const DIMENSIONS: Record<
  Dimension,
  { by: Bilingual; name: Bilingual; pick: (s: ChairmanStats) => Counts }
> = {
  channel: {
    by: { ru: 'По каналу поступления', kk: 'Түсу арнасы бойынша' },
    name: { ru: 'канал', kk: 'арна' },
    pick: (s) => s.byChannel,
  },
  scope: {
    by: { ru: 'По компетенции', kk: 'Құзыреті бойынша' },
    name: { ru: 'компетенция', kk: 'құзыреті' },
    pick: (s) => s.byScope,
  },
  category: {
    by: { ru: 'По категории', kk: 'Санаты бойынша' },
    name: { ru: 'категория', kk: 'санат' },
    pick: (s) => s.byCategory,
  },
  site: {
    by: { ru: 'По объекту (п. 4.3 Правил)', kk: 'Нысан бойынша (Қағидалардың 4.3-тармағы)' },
    name: { ru: 'объект', kk: 'нысан' },
    pick: (s) => s.bySite,
  },
  language: {
    by: { ru: 'По языку обращения', kk: 'Өтініш тілі бойынша' },
    name: { ru: 'язык', kk: 'тіл' },
    pick: (s) => s.byLanguage,
  },
};

const ONE_DIMENSION: Dimension[] = ['channel', 'scope', 'category', 'site', 'language'];

const TEXT = {
  summary: { ru: 'Итоги', kk: 'Қорытынды' },
  trend: {
    ru: 'Обращения по месяцам за последние 12 месяцев',
    kk: 'Соңғы 12 айдағы өтініштер, ай бойынша',
  },
  smallCells: {
    ru: 'В таблицах ниже значения меньше 3 показаны как <3; x — значение скрыто, чтобы малое значение нельзя было вычислить из итогов.',
    kk: 'Төмендегі кестелерде 3-тен аз мәндер <3 деп көрсетілген; x — шағын мәнді жиынтық сандардан есептеп шығаруға болмауы үшін жасырылған мән.',
  },
} as const satisfies Record<string, Bilingual>;

function sorted(counts: Counts): [string, number][] {
  return Object.entries(counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

function pad(value: string, width: number): string {
  return value.length >= width ? value : value + ' '.repeat(width - value.length);
}

function statusRows(s: ChairmanStats, lang: ReportLanguage): [string, string][] {
  const ru = lang === 'ru';
  const median = s.medianDaysToClose === null ? '—' : s.medianDaysToClose.toFixed(1);
  return [
    [ru ? 'поступило обращений' : 'түскен өтініштер', String(s.total)],
    [ru ? 'на рассмотрении' : 'қаралуда', String(s.status.open)],
    [ru ? 'рассмотрено' : 'қаралды', String(s.status.closed)],
    [
      ru ? 'перенаправлено (вне компетенции)' : 'басқа органға жолданды (құзыретінен тыс)',
      String(s.status.redirected),
    ],
    [ru ? 'просрочено' : 'мерзімі өткен', String(s.status.overdue)],
    [ru ? 'срок продлён' : 'мерзімі ұзартылған', String(s.status.extended)],
    [ru ? 'медиана, дней до закрытия' : 'жабылғанға дейінгі күндер, медиана', median],
  ];
}

function dimensionRows(dim: Dimension, counts: Counts, lang: ReportLanguage): [string, string][] {
  return sorted(counts).map(([k, v]) => [valueLabel(dim, k, lang), String(v)]);
}

function crossTabAxes(tab: CrossTab): { rows: string[]; cols: string[] } {
  const rows = [...new Set(tab.cells.filter((c) => c.count > 0).map((c) => c.row))].sort();
  const cols = [...new Set(tab.cells.filter((c) => c.count > 0).map((c) => c.col))].sort();
  return { rows, cols };
}

function crossTabTitle(tab: CrossTab, lang: ReportLanguage): string {
  const rows = DIMENSIONS.category.name[lang];
  return `${rows.charAt(0).toUpperCase()}${rows.slice(1)} × ${DIMENSIONS[tab.col].name[lang]}`;
}

const BAR_WIDTH = 40;

function heading(s: ChairmanStats, lang: ReportLanguage): string {
  const range = `№ ${s.numbers?.from ?? '?'}–${s.numbers?.to ?? s.head.number}`;
  if (lang === 'ru') {
    return s.kind === 'monthly'
      ? `Ежемесячный отчёт по обращениям на линию доверия за ${formatMonth(s.period, 'ru')}`
      : `Промежуточный отчёт по обращениям на линию доверия: ${range}`;
  }
  return s.kind === 'monthly'
    ? `Сенім телефонына түскен өтініштер туралы ${formatMonth(s.period, 'kk')} айының есебі`
    : `Сенім телефонына түскен өтініштер туралы аралық есеп: ${range}`;
}

function intro(s: ChairmanStats, lang: ReportLanguage): string {
  return lang === 'ru'
    ? `Обращения, поступившие на линию доверия (п. 4.15 Правил), по времени поступления (${s.timeZone}); ` +
        `состояние на ${s.builtAt}. Персональных данных нет: только числа и категории.`
    : `Сенім телефонына түскен өтініштер (Қағидалардың 4.15-тармағы), түскен уақыты бойынша (${s.timeZone}); ` +
        `жағдай ${s.builtAt} күйінде. Дербес деректер жоқ: тек сандар мен санаттар.`;
}

export function renderChairmanReport(s: ChairmanStats): RenderedReport {
  const subject =
    s.kind === 'monthly'
      ? `${heading(s, 'ru')} / ${heading(s, 'kk')}`
      : `Промежуточный отчёт по обращениям на линию доверия: новых обращений — ${s.total} / ` +
        `Сенім телефонына түскен өтініштер туралы аралық есеп: жаңа өтініштер — ${s.total}`;
  return bilingualMail(subject, (lang) => ({
    text: renderText(s, lang),
    html: renderHtml(s, lang),
  }));
}

/** Label–value lines, the values in one column after the longest label. */
function textCounts(rows: [string, string][]): string[] {
  if (rows.length === 0) return ['  —'];
  const width = Math.max(...rows.map(([k]) => k.length)) + 2;
  return rows.map(([k, v]) => `  ${pad(k, width)} ${v}`);
}

function renderText(s: ChairmanStats, lang: ReportLanguage): string {
  const out: string[] = [heading(s, lang), '', intro(s, lang), '', TEXT.summary[lang]];
  out.push(...textCounts(statusRows(s, lang)));
  for (const dim of ONE_DIMENSION) {
    out.push('', DIMENSIONS[dim].by[lang]);
    out.push(...textCounts(dimensionRows(dim, DIMENSIONS[dim].pick(s), lang)));
  }
  const tabs = s.crossTabs.filter((tab) => crossTabAxes(tab).rows.length > 0);
  if (tabs.length) out.push('', TEXT.smallCells[lang]);
  for (const tab of tabs) {
    const { rows, cols } = crossTabAxes(tab);
    const shown = suppress(tab.cells);
    const rowLabels = rows.map((r) => valueLabel('category', r, lang));
    const colLabels = cols.map((c) => valueLabel(tab.col, c, lang));
    const w = Math.max(12, ...rowLabels.map((r) => r.length)) + 2;
    const cw = Math.max(8, ...colLabels.map((c) => c.length)) + 2;
    out.push('', crossTabTitle(tab, lang));
    out.push('  ' + pad('', w) + colLabels.map((c) => pad(c, cw)).join(''));
    rows.forEach((r, i) => {
      const line = cols.map((c) => pad(cellText(shown.get(JSON.stringify([r, c]))?.shown), cw));
      out.push('  ' + pad(rowLabels[i] ?? r, w) + line.join(''));
    });
  }
  out.push('', TEXT.trend[lang]);
  const max = Math.max(1, ...s.trend.map((t) => t.count));
  for (const t of s.trend) {
    const bar = '#'.repeat(Math.round((t.count / max) * BAR_WIDTH));
    out.push(`  ${t.month}  ${pad(String(t.count), 6)} ${bar}`);
  }
  if (s.backlog && s.backlog.count > 0) {
    out.push('', backlogSentence(s.backlog, lang));
    out.push(...textCounts(dimensionRows('scope', s.backlog.byScope, lang)));
  }
  out.push('', journalHeadLine(s.head, lang));
  return out.join('\n');
}

function backlogSentence(b: NonNullable<ChairmanStats['backlog']>, lang: ReportLanguage): string {
  const span =
    b.firstMonth && b.lastMonth
      ? b.firstMonth === b.lastMonth
        ? b.firstMonth
        : `${b.firstMonth} — ${b.lastMonth}`
      : null;
  return lang === 'ru'
    ? `Из накопившейся почты при запуске Senim зарегистрировано обращений: ${b.count}` +
        (span ? ` (поступили: ${span})` : '') +
        '. Они показаны здесь один раз и не входят в числа выше.'
    : `Senim іске қосылғанда жинақталған поштадан тіркелген өтініштер: ${b.count}` +
        (span ? ` (түскен кезеңі: ${span})` : '') +
        '. Олар мұнда бір рет көрсетіледі және жоғарыдағы сандарға кірмейді.';
}

/** The head of the chain (design: truncation is detectable), on every digest and report. */
export function journalHeadLine(
  head: { number: number; hash: string },
  lang: ReportLanguage,
): string {
  return lang === 'ru'
    ? `Голова журнала: № ${head.number}, sha256 ${head.hash} (проверка: senim journal verify)`
    : `Журнал басы: № ${head.number}, sha256 ${head.hash} (тексеру: senim journal verify)`;
}

/** Between the Russian and the Kazakh text of a plain-text report. */
export const LANGUAGE_BREAK = '\n\n----------\n\n';

/**
 * One mail with a part per report language, Russian first: the plain texts one after the other,
 * the HTML parts in one document (inline styles only, no images or scripts: it renders in mail
 * clients that strip `<style>`).
 */
export function bilingualMail(
  subject: string,
  part: (lang: ReportLanguage) => { text: string; html: string },
): RenderedReport {
  const parts = REPORT_LANGUAGES.map((lang) => ({ lang, ...part(lang) }));
  const text = parts.map((p) => p.text.replace(/[ \t]+$/gm, '').trim()).join(LANGUAGE_BREAK) + '\n';
  const html = [
    `<!DOCTYPE html><html lang="${REPORT_LANGUAGES[0]}"><head><meta charset="utf-8"><title>${escapeHtml(subject)}</title></head>`,
    '<body style="font-family:Arial,Helvetica,sans-serif;color:#222;font-size:14px">',
    parts
      .map((p) => `<div lang="${p.lang}">\n${p.html}\n</div>`)
      .join('\n<hr style="border:0;border-top:2px solid #999;margin:32px 0">\n'),
    '</body></html>',
  ].join('\n');
  return { subject, text, html };
}

const TABLE = 'border-collapse:collapse;margin:0 0 16px 0;font-size:13px';
const TD = 'border:1px solid #ccc;padding:3px 8px';
const NUM = `${TD};text-align:right`;
const H3 = 'margin:16px 0 4px 0;font-size:15px';
const MUTED = 'font-size:12px;color:#555';

function htmlCounts(title: string, rows: [string, string][]): string {
  const body = rows.length
    ? rows
        .map(
          ([k, v]) =>
            `<tr><td style="${TD}">${escapeHtml(k)}</td><td style="${NUM}">${escapeHtml(v)}</td></tr>`,
        )
        .join('')
    : `<tr><td style="${TD}" colspan="2">—</td></tr>`;
  return `<h3 style="${H3}">${escapeHtml(title)}</h3><table cellpadding="0" cellspacing="0" style="${TABLE}">${body}</table>`;
}

function htmlCrossTab(tab: CrossTab, lang: ReportLanguage): string {
  const { rows, cols } = crossTabAxes(tab);
  if (rows.length === 0) return '';
  const shown = suppress(tab.cells);
  const corner = `${DIMENSIONS.category.name[lang]} \\ ${DIMENSIONS[tab.col].name[lang]}`;
  const head =
    `<tr><th style="${TD}">${escapeHtml(corner)}</th>` +
    cols.map((c) => `<th style="${TD}">${escapeHtml(valueLabel(tab.col, c, lang))}</th>`).join('') +
    '</tr>';
  const body = rows
    .map(
      (r) =>
        `<tr><td style="${TD}">${escapeHtml(valueLabel('category', r, lang))}</td>` +
        cols
          .map(
            (c) =>
              `<td style="${NUM}">${escapeHtml(cellText(shown.get(JSON.stringify([r, c]))?.shown))}</td>`,
          )
          .join('') +
        '</tr>',
    )
    .join('');
  return `<h3 style="${H3}">${escapeHtml(crossTabTitle(tab, lang))}</h3><table cellpadding="0" cellspacing="0" style="${TABLE}">${head}${body}</table>`;
}

/** Bars are table cells with a background colour: they render in mail clients without images or scripts. */
function htmlTrend(trend: ChairmanStats['trend'], lang: ReportLanguage): string {
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
  return `<h3 style="${H3}">${escapeHtml(TEXT.trend[lang])}</h3><table cellpadding="0" cellspacing="0" style="${TABLE}">${rows}</table>`;
}

function renderHtml(s: ChairmanStats, lang: ReportLanguage): string {
  const parts: string[] = [
    `<h2 style="font-size:18px">${escapeHtml(heading(s, lang))}</h2>`,
    `<p>${escapeHtml(intro(s, lang))}</p>`,
    htmlCounts(TEXT.summary[lang], statusRows(s, lang)),
  ];
  for (const dim of ONE_DIMENSION) {
    parts.push(
      htmlCounts(DIMENSIONS[dim].by[lang], dimensionRows(dim, DIMENSIONS[dim].pick(s), lang)),
    );
  }
  const tabs = s.crossTabs.map((tab) => htmlCrossTab(tab, lang)).filter((t) => t !== '');
  if (tabs.length)
    parts.push(`<p style="${MUTED}">${escapeHtml(TEXT.smallCells[lang])}</p>`, ...tabs);
  parts.push(htmlTrend(s.trend, lang));
  if (s.backlog && s.backlog.count > 0) {
    parts.push(
      htmlCounts(backlogSentence(s.backlog, lang), dimensionRows('scope', s.backlog.byScope, lang)),
    );
  }
  parts.push(`<p style="${MUTED}">${escapeHtml(journalHeadLine(s.head, lang))}</p>`);
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
