/**
 * `senim journal export` (rules 4.14, Appendix 1; contract: Journal export). Entries are streamed
 * a page at a time with their current state; personal data is decrypted only here, for the
 * Ombudsman's own copy of the journal.
 */
import { and, count, inArray, isNotNull } from 'drizzle-orm';
import type { Queryable } from '../db/database.js';
import { entryEvents, messages } from '../db/schema.js';
import type { Vault } from '../db/vault.js';
import type { Appellant, CaseStatus, Channel, Language, Scope } from './appeal.models.js';
import { caseState, type StateEvent } from './case-state.js';
import { zonedDateTime } from './calendar.js';
import { allEntries, appellantOf, type EntryRow } from './journal.repository.js';

/** The JSON export record (contract). */
export interface ExportRecord {
  number: number;
  receivedAt: string;
  channel: Channel;
  anonymous: boolean;
  fullName: string | null;
  address: string | null;
  phone: string | null;
  legalForm: string | null;
  orgName: string | null;
  replyAddress: string | null;
  content: string;
  language: Language;
  scope: Scope;
  category: string | null;
  messages: number;
  dueDate: string | null;
  status: CaseStatus;
  /** the entry's chain hash, so a printed copy can be checked against the database */
  hash: string;
}

/** Appendix 1 headings, in order, Kazakh (as in the rules' original) and Russian. */
export const APPENDIX1_HEADINGS: readonly { kk: string; ru: string }[] = [
  { kk: 'Өтініштің реттік нөмірі', ru: 'Порядковый номер обращения' },
  { kk: 'Өтініштің келіп түскен күні мен уақыты', ru: 'Дата и время поступления обращения' },
  { kk: 'Тегі, аты, әкесінің аты', ru: 'Фамилия, имя, отчество' },
  {
    kk: 'Өтініш берушінің үйінің мекенжайы, телефон нөмірі',
    ru: 'Домашний адрес, номер телефона заявителя',
  },
  { kk: 'Өтініштің қысқаша мазмұны', ru: 'Краткое содержание обращения' },
  {
    kk: 'Заңды тұлғалардың мүдделерін білдіретін тұлғалар үшін ұйымдық-құқықтық нысаны және атауы',
    ru: 'Для представителей юридических лиц: организационно-правовая форма и наименование',
  },
  {
    kk: 'Жауап жіберілуі тиіс пошталық мекенжай',
    ru: 'Почтовый адрес, по которому направляется ответ',
  },
];

/** ISO-8601 with the zone's offset, e.g. 2026-10-05T09:30:00+05:00. */
export function isoWithOffset(instant: Date, timeZone: string): string {
  const { date, time } = zonedDateTime(instant, timeZone);
  const minuteStart = Math.floor(instant.getTime() / 60_000) * 60_000;
  const offsetMin = Math.round((Date.parse(`${date}T${time}:00Z`) - minuteStart) / 60_000);
  const abs = Math.abs(offsetMin);
  const offset = `${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  const seconds = String(instant.getUTCSeconds()).padStart(2, '0');
  return `${date}T${time}:${seconds}${offset}`;
}

/** The seven Appendix 1 cells of a record, as printed. */
export function appendix1Cells(r: ExportRecord, timeZone: string): string[] {
  const { date, time } = zonedDateTime(new Date(r.receivedAt), timeZone);
  const [y, m, d] = date.split('-');
  const join = (...parts: (string | null)[]) => parts.filter((p) => p).join(', ');
  return [
    String(r.number),
    `${d}.${m}.${y} ${time}`,
    r.fullName ?? '',
    join(r.address, r.phone),
    r.content,
    join(r.legalForm, r.orgName),
    r.replyAddress ?? '',
  ];
}

interface PageFacts {
  events: Map<number, StateEvent[]>;
  messageCounts: Map<number, number>;
}

async function pageFacts(q: Queryable, numbers: number[]): Promise<PageFacts> {
  const events = new Map<number, StateEvent[]>();
  const messageCounts = new Map<number, number>();
  if (numbers.length === 0) return { events, messageCounts };
  const eventRows = await q
    .select()
    .from(entryEvents)
    .where(inArray(entryEvents.entryNumber, numbers))
    .orderBy(entryEvents.seq);
  for (const row of eventRows) {
    const list = events.get(row.entryNumber) ?? [];
    list.push(row);
    events.set(row.entryNumber, list);
  }
  const counts = await q
    .select({ entry: messages.entryNumber, n: count() })
    .from(messages)
    .where(and(isNotNull(messages.entryNumber), inArray(messages.entryNumber, numbers)))
    .groupBy(messages.entryNumber);
  for (const row of counts) if (row.entry !== null) messageCounts.set(row.entry, Number(row.n));
  return { events, messageCounts };
}

function toRecord(
  entry: EntryRow,
  appellant: Appellant | null,
  facts: PageFacts,
  timeZone: string,
): ExportRecord {
  const state = caseState(entry, facts.events.get(entry.number) ?? []);
  const a = entry.anonymous ? null : appellant;
  return {
    number: entry.number,
    receivedAt: isoWithOffset(entry.receivedAt, timeZone),
    channel: entry.channel,
    anonymous: entry.anonymous,
    fullName: a?.fullName ?? null,
    address: a?.address ?? null,
    phone: a?.phone ?? null,
    legalForm: a?.legalForm ?? null,
    orgName: a?.orgName ?? null,
    replyAddress: a?.replyAddress ?? null,
    content: entry.content,
    language: entry.language,
    scope: state.scope,
    category: state.category,
    messages: facts.messageCounts.get(entry.number) ?? 0,
    dueDate: state.dueDate,
    status: state.status,
    hash: entry.hash,
  };
}

/** Current-state records of the journal, in number order; `from`/`to` bound the receipt time. */
export async function* exportRecords(
  q: Queryable,
  vault: Vault,
  options: { timeZone: string; from?: Date; to?: Date },
): AsyncGenerator<ExportRecord> {
  let page: EntryRow[] = [];
  const flush = async function* () {
    // A wrong or lost key leaves personal data unavailable, never the journal (rules 4.14).
    await vault
      .preload(
        q,
        page.flatMap((e) => (e.keyId === null ? [] : [e.keyId])),
      )
      .catch(() => undefined);
    const facts = await pageFacts(
      q,
      page.map((e) => e.number),
    );
    for (const entry of page) {
      yield toRecord(
        entry,
        await appellantOf(q, vault, entry).catch(() => null),
        facts,
        options.timeZone,
      );
    }
    page = [];
  };
  for await (const entry of allEntries(q, { from: options.from, to: options.to })) {
    page.push(entry);
    if (page.length >= 500) yield* flush();
  }
  yield* flush();
}

const CSV_FORMULA = /^[=+\-@\t\r]/;

/** A CSV cell: quoted, and neutralised when Excel would read it as a formula (contract). */
export function csvCell(value: string): string {
  const safe = CSV_FORMULA.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** UTF-8 with BOM and CRLF, so Excel opens Cyrillic and Kazakh text correctly. */
export function csvHeader(): string {
  return '\uFEFF' + APPENDIX1_HEADINGS.map((h) => csvCell(`${h.kk} / ${h.ru}`)).join(',') + '\r\n';
}

export function csvRow(r: ExportRecord, timeZone: string): string {
  return appendix1Cells(r, timeZone).map(csvCell).join(',') + '\r\n';
}
