/**
 * The journal's SQL (rules 4.13–4.14). Registration takes the row lock on the chain head, so
 * numbers are consecutive across processes and a rolled-back registration gives its number back.
 */
import { and, asc, eq, gt, sql } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/database.js';
import { answerAddresses, chainHeads, entries, entryEvents, reports } from '../db/schema.js';
import type { Vault } from '../db/vault.js';
import { SenimError } from '../errors.js';
import type { AppealDecision } from './appeal-decision.js';
import type { Appellant, Channel } from './appeal.models.js';
import { ChainWalker, entryHash, eventHash, type ChainFinding } from './journal.chain.js';

/** An entry to register: the appeal, what was decided from its text, and its due date. */
export interface NewEntry extends AppealDecision {
  receivedAt: Date;
  channel: Channel;
  anonymous: boolean;
  /** ignored when anonymous: an anonymous entry stores no personal data at all (rules 4.14) */
  appellant: Appellant;
  /** where to answer an anonymous appeal: kept apart, encrypted, never exported (rules 4.9) */
  answerAddress: string | null;
  content: string;
  dueDate: string;
  backlog: boolean;
}

export interface Registered {
  number: number;
  hash: string;
  /** the data key of the entry's personal data, reused for its messages */
  keyId: number | null;
}

export type EntryRow = typeof entries.$inferSelect;
export type EventRow = typeof entryEvents.$inferSelect;

async function advanceHead(tx: Tx, chain: 'entries' | 'events') {
  const [head] = await tx
    .update(chainHeads)
    .set({ lastNumber: sql`${chainHeads.lastNumber} + 1` })
    .where(eq(chainHeads.chain, chain))
    .returning();
  if (!head)
    throw new SenimError('journal-head', `The ${chain} chain head is missing: run senim migrate`);
  return head;
}

function hasPersonalData(a: Appellant): boolean {
  return Object.values(a).some((v) => v !== null && v !== '');
}

/** Registers one entry. Must run inside the caller's transaction (rules 4.14). */
export async function insertEntry(
  tx: Tx,
  vault: Vault,
  input: NewEntry,
  now = new Date(),
): Promise<Registered> {
  const [registered] = await insertEntries(tx, vault, [input], now);
  return registered!;
}

/**
 * Registers several entries in the caller's transaction, numbered in the order given (a backlog
 * committed in groups). The head is advanced by the whole group in one statement, which takes its
 * row lock as insertEntry does, so numbers stay gap-free and consecutive across processes; the
 * hashes are chained here and the rows inserted together (rules 4.14).
 */
export async function insertEntries(
  tx: Tx,
  vault: Vault,
  inputs: readonly NewEntry[],
  now = new Date(),
): Promise<Registered[]> {
  if (inputs.length === 0) return [];
  const [head] = await tx
    .update(chainHeads)
    .set({ lastNumber: sql`${chainHeads.lastNumber} + ${inputs.length}` })
    .where(eq(chainHeads.chain, 'entries'))
    .returning();
  if (!head)
    throw new SenimError('journal-head', 'The entries chain head is missing: run senim migrate');
  const first = head.lastNumber - inputs.length + 1;
  // one data key per entry with personal data, and one per kept-apart answer address
  const personalAt: number[] = [];
  const addressAt: number[] = [];
  const plaintexts: string[] = [];
  inputs.forEach((input, i) => {
    if (!input.anonymous && hasPersonalData(input.appellant)) {
      personalAt[i] = plaintexts.push(JSON.stringify(input.appellant)) - 1;
    } else if (input.anonymous && input.answerAddress) {
      addressAt[i] = plaintexts.push(input.answerAddress) - 1;
    }
  });
  const sealed = await vault.sealMany(tx, plaintexts);
  let prevHash = head.lastHash;
  const rows: (typeof entries.$inferInsert)[] = [];
  const registered: Registered[] = [];
  const addresses: (typeof answerAddresses.$inferInsert)[] = [];
  inputs.forEach((input, i) => {
    const personal = personalAt[i] === undefined ? null : sealed[personalAt[i]]!;
    const address = addressAt[i] === undefined ? null : sealed[addressAt[i]]!;
    const row = {
      number: first + i,
      receivedAt: input.receivedAt,
      registeredAt: now,
      channel: input.channel,
      anonymous: input.anonymous,
      personal: personal?.ciphertext ?? null,
      keyId: personal?.keyId ?? null,
      content: input.content,
      language: input.language,
      mixedLanguage: input.mixedLanguage,
      scope: input.scope,
      category: input.category,
      evidence: input.evidence,
      site: input.site,
      dueDate: input.dueDate,
      backlog: input.backlog,
      prevHash,
    };
    const hash = entryHash(row);
    rows.push({ ...row, hash });
    prevHash = hash;
    if (address) {
      addresses.push({
        entryNumber: row.number,
        address: address.ciphertext,
        keyId: address.keyId,
      });
    }
    registered.push({ number: row.number, hash, keyId: personal?.keyId ?? address?.keyId ?? null });
  });
  await insertEntryRows(tx, rows);
  await tx.update(chainHeads).set({ lastHash: prevHash }).where(eq(chainHeads.chain, 'entries'));
  if (addresses.length > 0) await tx.insert(answerAddresses).values(addresses);
  return registered;
}

/**
 * The backlog's hot insert as one parameterised statement (drizzle's insert builder cost more than
 * the database); the sealed personal data travels as base64, decoded by the server (the driver
 * would send a Buffer as hex text, twice its size).
 */
async function insertEntryRows(tx: Tx, list: readonly (typeof entries.$inferInsert)[]) {
  const values = list.map(
    (e) =>
      sql`(${e.number}::integer, ${e.receivedAt.toISOString()}::timestamptz, ${e.registeredAt.toISOString()}::timestamptz, ${e.channel}, ${e.anonymous}::boolean, decode(${e.personal ? e.personal.toString('base64') : null}, 'base64'), ${e.keyId ?? null}::bigint, ${e.content}, ${e.language}, ${e.mixedLanguage ?? false}::boolean, ${e.scope}, ${e.category ?? null}, ${JSON.stringify(e.evidence)}::jsonb, ${e.site ?? null}, ${e.dueDate}::date, ${e.backlog ?? false}::boolean, ${e.prevHash}, ${e.hash})`,
  );
  await tx.execute(
    sql`insert into entries (number, received_at, registered_at, channel, anonymous, personal, key_id, content, language, mixed_language, scope, category, evidence, site, due_date, backlog, prev_hash, hash) values ${sql.join(values, sql`, `)}`,
  );
}

export type EventKind =
  | 'triage'
  | 'extension'
  | 'closure'
  | 'follow-up'
  | 'answer-queued'
  | 'answer-suppressed'
  | 'answer-bounced'
  | 'amendment';

/** Appends a record about an entry (design: the present state is derived from entry + records). */
export async function insertEvent(
  tx: Tx,
  entryNumber: number,
  kind: EventKind,
  payload: Record<string, unknown>,
  now = new Date(),
): Promise<number> {
  const head = await advanceHead(tx, 'events');
  const row = {
    seq: head.lastNumber,
    entryNumber,
    kind,
    payload,
    createdAt: now,
    prevHash: head.lastHash,
  };
  const hash = eventHash(row);
  await tx.insert(entryEvents).values({ ...row, hash });
  await tx.update(chainHeads).set({ lastHash: hash }).where(eq(chainHeads.chain, 'events'));
  return row.seq;
}

export async function findEntry(q: Queryable, number: number): Promise<EntryRow | null> {
  const [row] = await q.select().from(entries).where(eq(entries.number, number));
  return row ?? null;
}

export async function eventsOf(q: Queryable, entryNumber: number): Promise<EventRow[]> {
  return q
    .select()
    .from(entryEvents)
    .where(eq(entryEvents.entryNumber, entryNumber))
    .orderBy(asc(entryEvents.seq));
}

export async function journalHead(q: Queryable): Promise<{ number: number; hash: string }> {
  const [head] = await q.select().from(chainHeads).where(eq(chainHeads.chain, 'entries'));
  return { number: head?.lastNumber ?? 0, hash: head?.lastHash ?? '' };
}

/** Decrypts an entry's personal data; null for anonymous entries (or shredded keys). */
export async function appellantOf(
  q: Queryable,
  vault: Vault,
  entry: EntryRow,
): Promise<Appellant | null> {
  if (!entry.personal || entry.keyId === null) return null;
  return vault.openJson<Appellant>(q, entry.keyId, entry.personal);
}

/** The address an answer goes to: the reply address, or the anonymous entry's kept-apart one. */
export async function answerAddressOf(
  q: Queryable,
  vault: Vault,
  entry: EntryRow,
): Promise<string | null> {
  if (entry.anonymous) {
    const [row] = await q
      .select()
      .from(answerAddresses)
      .where(eq(answerAddresses.entryNumber, entry.number));
    return row ? (await vault.open(q, row.keyId, row.address)).toString('utf8') : null;
  }
  const appellant = await appellantOf(q, vault, entry);
  const reply = appellant?.replyAddress ?? null;
  return reply && reply.includes('@') ? reply : null;
}

const PAGE = 5000;

/** Streams entries in number order, a page at a time (exports and verify over a large journal). */
export async function* allEntries(
  q: Queryable,
  filter: { from?: Date; to?: Date } = {},
): AsyncGenerator<EntryRow> {
  yield* pages(
    (after) => {
      const conditions = [gt(entries.number, after)];
      if (filter.from) conditions.push(sql`${entries.receivedAt} >= ${filter.from}`);
      if (filter.to) conditions.push(sql`${entries.receivedAt} < ${filter.to}`);
      return q
        .select()
        .from(entries)
        .where(and(...conditions))
        .orderBy(asc(entries.number))
        .limit(PAGE);
    },
    (row) => row.number,
  );
}

function allEvents(q: Queryable): AsyncGenerator<EventRow> {
  return pages(
    (after) =>
      q
        .select()
        .from(entryEvents)
        .where(gt(entryEvents.seq, after))
        .orderBy(asc(entryEvents.seq))
        .limit(PAGE),
    (row) => row.seq,
  );
}

/** Keyset pagination: `page(after)` gives up to PAGE rows whose `key` is greater, in key order. */
async function* pages<T>(
  page: (after: number) => Promise<T[]>,
  key: (row: T) => number,
): AsyncGenerator<T> {
  let after = 0;
  for (;;) {
    const found = await page(after);
    for (const row of found) yield row;
    const last = found.at(-1);
    if (!last || found.length < PAGE) return;
    after = key(last);
  }
}

export interface VerifyReport {
  ok: boolean;
  entries: number;
  events: number;
  head: { number: number; hash: string };
  /** first bad registration number (or event seq when `in` is 'events') */
  firstBad: number | null;
  in: 'entries' | 'events' | null;
  problem: string | null;
}

/**
 * `senim journal verify` (rules 4.14; design: truncation is detectable): numbering, the hash
 * chains, the chain heads, and every head already sent out in a digest or report.
 */
export async function verifyJournal(q: Queryable): Promise<VerifyReport> {
  const entryWalk = new ChainWalker('entry');
  const numbers = new Map<number, string>();
  const sentHeads = await q
    .select({ number: reports.headNumber, hash: reports.headHash })
    .from(reports);
  const wanted = new Set(sentHeads.map((h) => h.number));
  for await (const row of allEntries(q)) {
    if (wanted.has(row.number)) numbers.set(row.number, row.hash);
    if (
      !entryWalk.push({
        number: row.number,
        prevHash: row.prevHash,
        hash: row.hash,
        computed: entryHash(row),
      })
    )
      break;
  }
  const eventWalk = new ChainWalker('record');
  for await (const row of allEvents(q)) {
    if (
      !eventWalk.push({
        number: row.seq,
        prevHash: row.prevHash,
        hash: row.hash,
        computed: eventHash(row),
      })
    )
      break;
  }
  const lastEventFinding: ChainFinding = eventWalk.result();
  const entryFinding = entryWalk.result();
  const head = await journalHead(q);
  const [eventHead] = await q.select().from(chainHeads).where(eq(chainHeads.chain, 'events'));
  const base = { head, entries: 0, events: 0 };

  if (!entryFinding.ok) {
    return {
      ...base,
      ok: false,
      firstBad: entryFinding.firstBad,
      in: 'entries',
      problem: entryFinding.problem,
    };
  }
  base.entries = entryFinding.count;
  if (head.number !== entryFinding.count || head.hash !== entryFinding.lastHash) {
    const firstBad = Math.min(head.number, entryFinding.count) + 1;
    return {
      ...base,
      ok: false,
      firstBad,
      in: 'entries',
      problem: `the journal holds ${entryFinding.count} entries but its head records ${head.number}: entries were cut or added outside Senim`,
    };
  }
  for (const sent of sentHeads.sort((a, b) => a.number - b.number)) {
    if (sent.number === 0) continue;
    const hash = numbers.get(sent.number);
    if (hash !== sent.hash) {
      return {
        ...base,
        ok: false,
        firstBad: sent.number,
        in: 'entries',
        problem:
          hash === undefined
            ? `entry ${sent.number}, reported as the journal's head in a sent report, is missing: the journal was truncated`
            : `entry ${sent.number} differs from the head sent in a report: the journal was rewritten`,
      };
    }
  }
  if (!lastEventFinding.ok) {
    return {
      ...base,
      ok: false,
      firstBad: lastEventFinding.firstBad,
      in: 'events',
      problem: lastEventFinding.problem,
    };
  }
  base.events = lastEventFinding.count;
  if (
    eventHead &&
    (eventHead.lastNumber !== lastEventFinding.count ||
      eventHead.lastHash !== lastEventFinding.lastHash)
  ) {
    return {
      ...base,
      ok: false,
      firstBad: Math.min(eventHead.lastNumber, lastEventFinding.count) + 1,
      in: 'events',
      problem: 'the records of the journal were cut or added outside Senim',
    };
  }
  return { ...base, ok: true, firstBad: null, in: null, problem: null };
}
