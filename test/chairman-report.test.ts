import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  insertEntry,
  insertEvent,
  verifyJournal,
  type NewEntry,
} from '../src/cases/journal.repository.js';
import { rows } from '../src/db/database.js';
import {
  LANGUAGE_BREAK,
  monthRange,
  renderChairmanReport,
  suppress,
  type ChairmanStats,
  type RenderedReport,
} from '../src/notify/chairman-report.js';
import { buildChairmanMonthly, sendChairmanMonthly } from '../src/notify/reports.usecases.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { newEntry } from './helpers/entries.js';
import { reportDeps } from './helpers/reports.js';

async function register(t: TestDatabase, entry: NewEntry): Promise<number> {
  return (await t.database.db.transaction((tx) => insertEntry(tx, t.vault, entry))).number;
}

async function event(
  t: TestDatabase,
  number: number,
  kind: 'triage' | 'extension' | 'closure',
  payload: Record<string, unknown>,
  at: Date,
) {
  await t.database.db.transaction((tx) => insertEvent(tx, number, kind, payload, at));
}

/** The Russian and the Kazakh part of a report, text and HTML, in mail order. */
function languageParts(r: RenderedReport): {
  ru: { text: string; html: string };
  kk: { text: string; html: string };
} {
  const [ruText, kkText, ...rest] = r.text.split(LANGUAGE_BREAK);
  expect(rest).toHaveLength(0);
  const ruAt = r.html.indexOf('<div lang="ru">');
  const kkAt = r.html.indexOf('<div lang="kk">');
  expect(ruAt).toBeGreaterThan(0);
  expect(kkAt).toBeGreaterThan(ruAt);
  return {
    ru: { text: ruText ?? '', html: r.html.slice(ruAt, kkAt) },
    kk: { text: kkText ?? '', html: r.html.slice(kkAt) },
  };
}

/** The value after a label at the start of an indented line: `  label   13`. */
function valueOf(text: string, label: string): string | undefined {
  const escaped = label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`\\n  ${escaped} +(\\S+)`).exec(text)?.[1];
}

function sampleStats(over: Partial<ChairmanStats>): ChairmanStats {
  return {
    kind: 'monthly',
    period: '2026-10',
    numbers: null,
    builtAt: '2026-11-01 09:00',
    timeZone: 'Asia/Almaty',
    head: { number: 3, hash: 'ab'.repeat(32) },
    total: 3,
    byChannel: { phone: 3 },
    byScope: { in: 3 },
    byCategory: { corruption: 3 },
    bySite: { '(none)': 3 },
    byLanguage: { ru: 3 },
    status: { open: 3, closed: 0, redirected: 0, overdue: 0, extended: 0 },
    medianDaysToClose: null,
    crossTabs: [],
    trend: [{ month: '2026-10', count: 3 }],
    backlog: null,
    ...over,
  };
}

const oct = (day: number, hour = 10) =>
  new Date(`2026-10-${String(day).padStart(2, '0')}T${String(hour).padStart(2, '0')}:00:00+05:00`);

describe('small-cell suppression of a cross-tab (pure)', () => {
  it('shows cells of 1 and 2 as <3 and withholds a second cell where one alone could be derived from the totals', () => {
    const shown = suppress([
      { row: 'corruption', col: 'TPP-1', count: 5 },
      { row: 'corruption', col: 'TPP-2', count: 1 },
      { row: 'corruption', col: 'HQ', count: 7 },
      { row: 'fraud', col: 'TPP-1', count: 4 },
      { row: 'fraud', col: 'HQ', count: 9 },
      { row: 'fraud', col: 'TPP-2', count: 6 },
    ]);
    const at = (r: string, c: string) => shown.get(JSON.stringify([r, c]))?.shown;
    expect(at('corruption', 'TPP-2')).toEqual({ kind: 'small' });
    // The row corruption had one hidden cell: its smallest other cell is withheld too …
    expect(at('corruption', 'TPP-1')).toEqual({ kind: 'withheld' });
    // … and so are cells in the columns that were left with one hidden cell.
    const hiddenInColumn = (c: string) =>
      ['corruption', 'fraud'].filter((r) => at(r, c)?.kind !== 'value').length;
    expect(hiddenInColumn('TPP-2')).not.toBe(1);
    expect(hiddenInColumn('TPP-1')).not.toBe(1);
    expect(at('fraud', 'HQ')).toEqual({ kind: 'value', count: 9 });
  });

  it('leaves a cross-tab with no small cell untouched', () => {
    const shown = suppress([
      { row: 'a', col: 'x', count: 3 },
      { row: 'a', col: 'y', count: 4 },
    ]);
    expect([...shown.values()].every((c) => c.shown.kind === 'value')).toBe(true);
  });

  it('renders the trend as table bars without images or scripts, and the text version as bars of #', () => {
    const stats = sampleStats({
      trend: [
        { month: '2026-09', count: 1 },
        { month: '2026-10', count: 3 },
      ],
    });
    const r = renderChairmanReport(stats);
    expect(r.html).not.toMatch(/<img|<script|url\(|<style/i);
    expect(r.html).toMatch(/bgcolor="#2f6db5"/);
    const { ru, kk } = languageParts(r);
    for (const part of [ru, kk]) {
      expect(part.text).toContain('2026-10  3      ' + '#'.repeat(40));
      expect(part.html.match(/bgcolor="#2f6db5"/g)).toHaveLength(2);
    }
    expect(ru.text).toContain(`Голова журнала: № 3, sha256 ${'ab'.repeat(32)}`);
    expect(kk.text).toContain(`Журнал басы: № 3, sha256 ${'ab'.repeat(32)}`);
  });

  it('is one mail in Russian, then Kazakh, with a subject in both', () => {
    const stats = sampleStats({
      head: { number: 4, hash: 'cd'.repeat(32) },
      total: 4,
      byChannel: { phone: 3, email: 1 },
      byScope: { in: 4 },
      byCategory: { corruption: 4 },
      bySite: { chp2: 4 },
      byLanguage: { kk: 4 },
    });
    const r = renderChairmanReport(stats);
    expect(r.subject).toBe(
      'Ежемесячный отчёт по обращениям на линию доверия за октябрь 2026 г. / ' +
        'Сенім телефонына түскен өтініштер туралы 2026 жылғы қазан айының есебі',
    );
    const { ru, kk } = languageParts(r);
    expect(ru.text).toMatch(
      /^Ежемесячный отчёт по обращениям на линию доверия за октябрь 2026 г\.\n/,
    );
    expect(kk.text).toMatch(
      /^Сенім телефонына түскен өтініштер туралы 2026 жылғы қазан айының есебі\n/,
    );
    expect(valueOf(ru.text, 'электронная почта')).toBe('1');
    expect(valueOf(kk.text, 'электрондық пошта')).toBe('1');
    expect(valueOf(ru.text, 'Коррупция (взятки, откаты, вымогательство)')).toBe('4');
    expect(valueOf(kk.text, 'Сыбайлас жемқорлық (пара, кері қайтарым, бопсалау)')).toBe('4');
    expect(valueOf(ru.text, 'ТЭЦ-2')).toBe('4');
    expect(valueOf(kk.text, '2-ЖЭО')).toBe('4');
    expect(valueOf(ru.text, 'казахский')).toBe('4');
    expect(valueOf(kk.text, 'қазақ тілі')).toBe('4');
    expect(ru.html).toContain('Ежемесячный отчёт');
    expect(kk.html).toContain('айының есебі');
    expect(r.html).toMatch(/^<!DOCTYPE html><html lang="ru">/);

    const interim = renderChairmanReport({
      ...stats,
      kind: 'interim',
      period: 'interim:48',
      numbers: { from: 48, to: 57 },
    });
    expect(interim.subject).toBe(
      'Промежуточный отчёт по обращениям на линию доверия: новых обращений — 4 / ' +
        'Сенім телефонына түскен өтініштер туралы аралық есеп: жаңа өтініштер — 4',
    );
    expect(languageParts(interim).kk.text).toMatch(/^Сенім .* аралық есеп: № 48–57\n/);
  });
});

// Personal data that must never reach the Chairman (rules 4.9; contract: Reports).
const PEOPLE = [
  {
    fullName: 'Жандосов Ерболат Кайратович',
    address: 'г. Алматы, мкр. Самал-2, д. 58, кв. 14',
    phone: '+77017654321',
    email: 'erbolat.zhandosov@mail.kz',
    content:
      'Начальник цеха Кульжанов вымогает откат за подписание акта на Шелектинской подстанции',
  },
  {
    fullName: 'Smith Johnathan Quincy',
    address: '221B Baker Street, Flat 3',
    phone: '+77772223344',
    email: 'j.quincy.smith@example.org',
    content: 'Procurement clerk Vandermeer rigged the tender for turbine bearings at Zhetysu depot',
  },
  {
    fullName: 'Сейтқалиева Гүлнар Мұратқызы',
    address: 'Алматы облысы, Қонаев қ., Абылай хан к-сі 12',
    phone: '+77051112299',
    email: 'gulnar.seitkali@gmail.com',
    content: 'Шебер Тоқтарбаев жұмысқа алу үшін пара сұрады, куәгерлер Ахметжанова мен Нұрпейісов',
  },
];

describe.each(engines)("the Chairman's report on $name", (engine) => {
  let t: TestDatabase;
  const entries: Record<string, number> = {};

  beforeAll(async () => {
    t = await engine.open();
    // September: one appeal, for the trend.
    await register(t, newEntry({ receivedAt: new Date('2026-09-10T05:00:00Z') }));
    // October: a journal full of personal data, with a mix the cross-tabs can tell apart.
    let i = 0;
    const add = async (key: string, over: Partial<NewEntry>) => {
      const p = PEOPLE[i++ % PEOPLE.length]!;
      entries[key] = await register(
        t,
        newEntry({
          receivedAt: oct(1 + (i % 20)),
          appellant: {
            fullName: p.fullName,
            address: p.address,
            phone: p.phone,
            legalForm: 'ТОО',
            orgName: 'Бекжан-Сервис',
            replyAddress: p.email,
          },
          content: p.content,
          evidence: [`ru:${p.content.split(' ')[2]} → corruption`],
          ...over,
        }),
      );
    };
    for (let k = 0; k < 5; k++) await add(`c-tpp1-${k}`, { category: 'corruption', site: 'chp1' });
    await add('c-hpp', { category: 'corruption', site: 'kapshagay_hpp', language: 'kk' });
    for (let k = 0; k < 4; k++)
      await add(`f-tpp1-${k}`, { category: 'fraud', site: 'chp1', channel: 'email' });
    await add('pending', { scope: 'pending', category: null, site: null, channel: 'email' });
    await add('to-out', { scope: 'pending', category: null, site: null });
    // The Almaty midnight boundary: 31 Oct 23:30 is October; 1 Nov 00:30 local is November.
    await add('late', {
      receivedAt: new Date('2026-10-31T18:30:00Z'),
      category: 'fraud',
      site: 'chp1',
    });
    await add('november', { receivedAt: new Date('2026-10-31T19:30:00Z'), category: 'fraud' });
    // A backlog on first start: reported once, as such, not counted as October's appeals.
    await add('backlog', { receivedAt: oct(3), backlog: true, category: 'fraud', site: 'chp1' });

    await event(t, entries['to-out']!, 'triage', { scope: 'out', category: 'billing' }, oct(22));
    await event(t, entries['c-tpp1-0']!, 'closure', { outcome: 'confirmed' }, oct(15, 10));
    await event(
      t,
      entries['c-tpp1-1']!,
      'closure',
      { outcome: 'not confirmed' },
      new Date(oct(3).getTime() + 4 * 86_400_000),
    );
    await event(
      t,
      entries['c-tpp1-2']!,
      'extension',
      { until: '2026-12-01', reason: 'inspection' },
      oct(20),
    );
  });

  afterAll(async () => {
    await t?.dispose();
  });

  it('contains no name, address, phone, e-mail or content word from a journal full of personal data', async () => {
    const report = await buildChairmanMonthly(
      t.database.db,
      reportDeps(t, new Date('2026-11-01T04:00:00Z')),
      '2026-10',
    );
    const { ru, kk } = languageParts(report.rendered);
    // Both language parts are full reports (their headings and journal heads are there) …
    expect(ru.text).toContain(
      'Ежемесячный отчёт по обращениям на линию доверия за октябрь 2026 г.',
    );
    expect(kk.text).toContain('2026 жылғы қазан айының есебі');
    expect(ru.text).toContain('Голова журнала: № ');
    expect(kk.text).toContain('Журнал басы: № ');
    // … and none of them, nor the subject, holds a trace of an appellant.
    const parts = {
      subject: report.rendered.subject,
      'ru text': ru.text,
      'ru html': ru.html,
      'kk text': kk.text,
      'kk html': kk.html,
      'whole html': report.rendered.html,
    };
    const forbidden = PEOPLE.flatMap((p) => [
      p.fullName,
      ...p.fullName.split(' '),
      p.address,
      ...p.address.split(/[ ,.]+/).filter((w) => w.length >= 5),
      p.phone,
      p.phone.slice(2),
      p.email,
      p.email.split('@')[0]!,
      ...p.content.split(' ').filter((w) => w.length >= 6),
    ]);
    forbidden.push('Бекжан-Сервис', 'ТОО');
    for (const [name, part] of Object.entries(parts)) {
      for (const s of forbidden) {
        expect(part.includes(s), `the ${name} must not contain "${s}"`).toBe(false);
        expect(part.toLowerCase().includes(s.toLowerCase()), `… nor "${s}" in any case`).toBe(
          false,
        );
      }
    }
  });

  it('counts October by Almaty receipt time, in its present state, with exact one-dimension totals', async () => {
    const report = await buildChairmanMonthly(
      t.database.db,
      reportDeps(t, new Date('2026-11-01T04:00:00Z')),
      '2026-10',
    );
    const { ru, kk } = languageParts(report.rendered);
    const expected: [string, string, string][] = [
      // 5 + 1 + 4 + pending + to-out + late = 13; not 'november', not the backlog.
      ['13', 'поступило обращений', 'түскен өтініштер'],
      ['8', 'телефон', 'телефон'],
      ['5', 'электронная почта', 'электрондық пошта'],
      // One-dimension totals are exact even where they are 1 or 2.
      [
        '1',
        'Счета за электроэнергию и приборы учёта',
        'Электр энергиясы үшін шоттар және есептегіштер',
      ],
      ['1', 'казахский', 'қазақ тілі'],
      ['1', 'ожидает решения о компетенции', 'құзыреті туралы шешім күтуде'],
      ['1', 'вне компетенции (перенаправлено)', 'құзыретінен тыс (басқа органға жолданды)'],
      ['2', 'рассмотрено', 'қаралды'],
      ['1', 'срок продлён', 'мерзімі ұзартылған'],
      ['1', 'перенаправлено (вне компетенции)', 'басқа органға жолданды (құзыретінен тыс)'],
      ['1', 'Капшагайская ГЭС им. Ш. Чокина', 'Ш. Шөкин атындағы Қапшағай ГЭС'],
    ];
    for (const [value, ruLabel, kkLabel] of expected) {
      expect(valueOf(ru.text, ruLabel), ruLabel).toBe(value);
      expect(valueOf(kk.text, kkLabel), kkLabel).toBe(value);
    }
    // closed after 4 and after 14 days (both from 2 Oct / 3 Oct receipts): median of the two
    expect(Number(valueOf(ru.text, 'медиана, дней до закрытия'))).toBeGreaterThan(3.9);
    expect(Number(valueOf(kk.text, 'жабылғанға дейінгі күндер, медиана'))).toBeGreaterThan(3.9);
  });

  it('shows cross-tab cells below 3 as <3 and never a small count in a cross-tab', async () => {
    const report = await buildChairmanMonthly(
      t.database.db,
      reportDeps(t, new Date('2026-11-01T04:00:00Z')),
      '2026-10',
    );
    const { ru, kk } = languageParts(report.rendered);
    const cases = [
      { part: ru, from: 'Категория × объект', to: 'Категория × язык', row: 'Коррупция' },
      { part: kk, from: 'Санат × нысан', to: 'Санат × тіл', row: 'Сыбайлас жемқорлық' },
    ];
    for (const { part, from, to, row } of cases) {
      const tab = part.text.slice(part.text.indexOf(from), part.text.indexOf(to));
      expect(tab).toContain(from);
      const corruption = new RegExp(`\\n {2}${row}[^\\n]*`).exec(tab)?.[0] ?? '';
      expect(corruption).toContain('<3'); // corruption × Kapshagay HPP = 1
      expect(corruption).toContain(' x'); // and TPP-1's 5 withheld, or the row total gives it away
      expect(tab).not.toMatch(/ [12] /);
      // nor a 0 beside them: «<3, <3, 0» with a row total of 2 would read «1, 1, 0»
      const cells = tab
        .split('\n')
        .filter((l) => /^ {2}\S/.test(l))
        .slice(1);
      for (const line of cells)
        expect(
          line
            .trim()
            .split(/\s{2,}/)
            .slice(1),
        ).not.toContain('0');
      expect(part.html).toContain('&lt;3');
    }
  });

  it('shows a 12-month trend of receipts, and the backlog once, as such', async () => {
    const first = await sendChairmanMonthly(
      reportDeps(t, new Date('2026-11-01T04:00:00Z')),
      '2026-10',
    );
    expect(first.rendered.text).toMatch(/2026-09 {2}1 /);
    expect(first.rendered.text).toMatch(/2026-10 {2}13 /);
    expect(first.rendered.text).toMatch(/\n {2}2025-11 {2}0\n/);
    expect(first.rendered.text).toContain('зарегистрировано обращений: 1 (поступили: 2026-10)');
    expect(first.rendered.text).toContain('тіркелген өтініштер: 1 (түскен кезеңі: 2026-10)');
    const next = await buildChairmanMonthly(
      t.database.db,
      reportDeps(t, new Date('2026-12-01T04:00:00Z')),
      '2026-11',
    );
    expect(next.rendered.text).not.toContain('накопившейся почты');
    expect(next.rendered.text).not.toContain('жинақталған поштадан');
  });

  it('records the head it carried in reports, queues it once per month, and journal verify checks that head', async () => {
    const again = await sendChairmanMonthly(
      reportDeps(t, new Date('2026-11-01T05:00:00Z')),
      '2026-10',
    );
    expect(again.queued).toBe(false);
    const found = await rows<{
      kind: string;
      period: string;
      head_number: number;
      outbox_id: number;
    }>(t.database.db, sql`select kind, period, head_number, outbox_id from reports`);
    expect(found).toHaveLength(1);
    expect(Number(found[0]!.head_number)).toBe(Object.keys(entries).length + 1);
    const outbox = await rows<{ n: number; status: string }>(
      t.database.db,
      sql`select count(*)::int as n, min(status) as status from outbox where dedupe_key = 'report:chairman:2026-10'`,
    );
    expect(outbox[0]).toMatchObject({ n: 1, status: 'queued' });
    expect((await verifyJournal(t.database.db)).ok).toBe(true);
  });

  it('keeps the report in the outbox, never to be sent, when no Chairman address is configured', async () => {
    const held = await sendChairmanMonthly(
      reportDeps(t, new Date('2026-12-01T04:00:00Z'), { chairmanEmail: null }),
      '2026-11',
    );
    expect(held).toMatchObject({ queued: true, held: true });
    const [row] = await rows<{ status: string }>(
      t.database.db,
      sql`select status from outbox where id = ${held.outboxId}`,
    );
    expect(row?.status).toBe('held');
  });
});

describe('month ranges in Asia/Almaty', () => {
  it('start at local midnight, with the offset of the day (UTC+6 before 1 March 2024, UTC+5 after)', () => {
    // At 00:00 on 1 March 2024 (+06) the clocks went back to 23:00 (+05): the hour before
    // midnight happened twice, and both belong to February.
    expect(monthRange('2024-02', 'Asia/Almaty')).toEqual({
      from: new Date('2024-01-31T18:00:00Z'),
      to: new Date('2024-02-29T19:00:00Z'),
    });
    expect(monthRange('2024-03', 'Asia/Almaty').to).toEqual(new Date('2024-03-31T19:00:00Z'));
  });
});
