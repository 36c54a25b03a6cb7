/**
 * The SQL of the `messages` table: every message that reached us, appeal or not (design: nothing
 * silently disappears). "Already registered" is decided here, from our own records: the mailbox +
 * UIDVALIDITY + UID, the SHA-256 of the raw message, or the Message-ID together with the hash of its
 * text (design: exactly one entry per appeal) — never from flags on the mail server.
 */
import { and, asc, eq, inArray, or, sql, type SQL } from 'drizzle-orm';
import type { Queryable, Tx } from '../db/database.js';
import { rows } from '../db/database.js';
import { canCopy, copyRows, type CopyColumn, type StreamedBytes } from '../db/pg-copy.js';
import { messagePieces, messages, outbox } from '../db/schema.js';
import type { ParsedMail } from './mail.models.js';

/**
 * What is sealed into `messages.parsed`: the readable message, for `case show` and a release.
 * Personal data: it is only ever stored encrypted.
 */
export interface StoredParsed extends Omit<ParsedMail, 'date' | 'headers' | 'calendarMethod'> {
  /** the sender's Date header (untrusted), ISO */
  date: string | null;
}

export type MessageRow = typeof messages.$inferSelect;
type NewMessageRow = typeof messages.$inferInsert;

/** A message to record: its sealed original is encrypted as it is written (insertMessages). */
export interface MessageInsert extends Omit<NewMessageRow, 'id' | 'raw'> {
  raw: StreamedBytes;
}

/** What identifies a message for the "already registered" rule. */
export interface MessageIdentity {
  rawSha256: string;
  imap: { mailbox: string; uidValidity: number; uid: number } | null;
  /** Message-ID and the text hash; both null before the message is parsed */
  messageId: string | null;
  textSha256: string | null;
}

export interface KnownMessage {
  id: number;
  rawSha256: string;
  mailbox: string | null;
  uidValidity: number | null;
  uid: number | null;
  messageId: string | null;
  textSha256: string | null;
}

export type MatchedBy = 'raw-sha256' | 'imap-uid' | 'message-id+text';

const knownColumns = {
  id: messages.id,
  rawSha256: messages.rawSha256,
  mailbox: messages.mailbox,
  uidValidity: messages.uidValidity,
  uid: messages.uid,
  messageId: messages.messageId,
  textSha256: messages.textSha256,
};

/**
 * Messages already recorded that match any of the given identities, in one round trip. Rows
 * sharing only a Message-ID (with another text) are returned too: `matchKnown` tells them apart.
 */
export async function findKnown(
  q: Queryable,
  identities: readonly MessageIdentity[],
): Promise<KnownMessage[]> {
  if (identities.length === 0) return [];
  const conditions: SQL[] = [];
  const shas = [...new Set(identities.map((i) => i.rawSha256))];
  conditions.push(inArray(messages.rawSha256, shas));
  const ids = [
    ...new Set(identities.flatMap((i) => (i.messageId && i.textSha256 ? [i.messageId] : []))),
  ];
  if (ids.length > 0) conditions.push(inArray(messages.messageId, ids));
  // one condition per mailbox and UIDVALIDITY (a group's are usually all alike), not per message
  const uidsByFolder = new Map<string, { mailbox: string; uidValidity: number; uids: number[] }>();
  for (const { imap } of identities) {
    if (!imap) continue;
    const key = `${imap.uidValidity}/${imap.mailbox}`;
    const folder = uidsByFolder.get(key) ?? {
      mailbox: imap.mailbox,
      uidValidity: imap.uidValidity,
      uids: [],
    };
    folder.uids.push(imap.uid);
    uidsByFolder.set(key, folder);
  }
  for (const { mailbox, uidValidity, uids } of uidsByFolder.values()) {
    conditions.push(
      and(
        eq(messages.mailbox, mailbox),
        eq(messages.uidValidity, uidValidity),
        inArray(messages.uid, uids),
      )!,
    );
  }
  return q
    .select(knownColumns)
    .from(messages)
    .where(or(...conditions));
}

/** The recorded message this identity is a copy of, and by which rule; null when it is new. */
export function matchKnown(
  identity: MessageIdentity,
  known: readonly KnownMessage[],
): { id: number; by: MatchedBy } | null {
  for (const k of known)
    if (k.rawSha256 === identity.rawSha256) return { id: k.id, by: 'raw-sha256' };
  if (identity.imap) {
    const { mailbox, uidValidity, uid } = identity.imap;
    for (const k of known) {
      if (k.mailbox === mailbox && k.uidValidity === uidValidity && k.uid === uid) {
        return { id: k.id, by: 'imap-uid' };
      }
    }
  }
  if (identity.messageId && identity.textSha256) {
    for (const k of known) {
      if (k.messageId === identity.messageId && k.textSha256 === identity.textSha256) {
        return { id: k.id, by: 'message-id+text' };
      }
    }
  }
  return null;
}

/** True when a message with this Message-ID but another text is recorded (clients reuse IDs). */
export function messageIdReused(
  identity: MessageIdentity,
  known: readonly KnownMessage[],
): boolean {
  return (
    identity.messageId !== null &&
    known.some((k) => k.messageId === identity.messageId && k.textSha256 !== identity.textSha256)
  );
}

/**
 * Serialises the intake of identical messages across processes until the transaction ends, so the
 * check "already registered?" and the insert are one step (two daemons, SMTP retries, a release
 * racing a poll). Keys are taken in a fixed order: two groups never wait on each other in a cycle.
 */
export async function lockIdentities(tx: Tx, keys: readonly string[]): Promise<void> {
  const unique = [...new Set(keys)];
  if (unique.length === 0) return;
  await tx.execute(sql`
    select pg_advisory_xact_lock(k.h)
    from (
      select distinct hashtextextended('senim:intake:' || key, 0) as h
      from unnest(array[${sql.join(
        unique.map((k) => sql`${k}`),
        sql`, `,
      )}]::text[]) as key
    ) as k
    order by k.h`);
}

const MESSAGE_COPY_COLUMNS: readonly CopyColumn[] = [
  { name: 'id', type: 'int8' },
  { name: 'entry_number', type: 'int4' },
  { name: 'source', type: 'text' },
  { name: 'mailbox', type: 'text' },
  { name: 'uid_validity', type: 'int8' },
  { name: 'uid', type: 'int8' },
  { name: 'message_id', type: 'text' },
  { name: 'text_sha256', type: 'text' },
  { name: 'raw_sha256', type: 'text' },
  { name: 'raw_size', type: 'int4' },
  { name: 'raw', type: 'bytea' },
  { name: 'key_id', type: 'int8' },
  { name: 'received_at', type: 'timestamptz' },
  { name: 'kind', type: 'text' },
  { name: 'reason', type: 'text' },
  { name: 'status', type: 'text' },
  { name: 'parsed', type: 'bytea' },
  { name: 'notes', type: 'jsonb' },
];

/** Sealed originals larger than this are stored as pieces of their own (message_pieces). */
const LARGE_RAW_BYTES = 4 * 1024 * 1024;
const RAW_PIECE_BYTES = 1024 * 1024;

/**
 * Records messages, ids in the order given (the backlog's hot insert). On PostgreSQL the rows go
 * by binary COPY with ids taken from the sequence first, each sealed original encrypted piece by
 * piece as it is sent. Elsewhere one parameterised INSERT, sealed bytes as base64 text decoded by
 * the server (the driver would send a Buffer as hex, twice its size). A large original goes into
 * message_pieces, so no query ever holds it whole (design: memory stays flat).
 */
export async function insertMessages(tx: Tx, list: readonly MessageInsert[]): Promise<number[]> {
  if (list.length === 0) return [];
  const inRow = (m: MessageInsert) => (m.raw.length > LARGE_RAW_BYTES ? null : m.raw);
  const ids = canCopy(tx) ? await copyMessages(tx, list, inRow) : await insertRows(tx, list, inRow);
  for (const [i, m] of list.entries()) {
    if (inRow(m) === null) await insertRawPieces(tx, ids[i]!, m.raw);
  }
  return ids;
}

type RowRaw = (m: MessageInsert) => StreamedBytes | null;

async function copyMessages(
  tx: Tx,
  list: readonly MessageInsert[],
  inRow: RowRaw,
): Promise<number[]> {
  const taken = await rows<{ id: string | number }>(
    tx,
    sql`select nextval(pg_get_serial_sequence('messages', 'id')) as id from generate_series(1, ${list.length})`,
  );
  const ids = taken.map((r) => Number(r.id)).sort((a, b) => a - b);
  await copyRows(
    tx,
    'messages',
    MESSAGE_COPY_COLUMNS,
    list.map((m, i) => [
      ids[i]!,
      m.entryNumber ?? null,
      m.source,
      m.mailbox ?? null,
      m.uidValidity ?? null,
      m.uid ?? null,
      m.messageId ?? null,
      m.textSha256 ?? null,
      m.rawSha256,
      m.rawSize,
      inRow(m),
      m.keyId ?? null,
      m.receivedAt,
      m.kind,
      m.reason,
      m.status,
      m.parsed ?? null,
      JSON.stringify(m.notes ?? []),
    ]),
  );
  return ids;
}

async function insertRows(
  tx: Tx,
  list: readonly MessageInsert[],
  inRow: RowRaw,
): Promise<number[]> {
  const values = list.map((m) => {
    const raw = inRow(m);
    return sql`(${m.entryNumber ?? null}::integer, ${m.source}, ${m.mailbox ?? null}, ${m.uidValidity ?? null}::bigint, ${m.uid ?? null}::bigint, ${m.messageId ?? null}, ${m.textSha256 ?? null}, ${m.rawSha256}, ${m.rawSize}::integer, decode(${raw ? base64(joined(raw)) : null}, 'base64'), ${m.keyId ?? null}::bigint, ${m.receivedAt.toISOString()}::timestamptz, ${m.kind}, ${m.reason}, ${m.status}, decode(${base64(m.parsed)}, 'base64'), ${JSON.stringify(m.notes ?? [])}::jsonb)`;
  });
  const inserted = await rows<{ id: string | number; raw_sha256: string }>(
    tx,
    sql`insert into messages (entry_number, source, mailbox, uid_validity, uid, message_id, text_sha256, raw_sha256, raw_size, raw, key_id, received_at, kind, reason, status, parsed, notes) values ${sql.join(values, sql`, `)} returning id, raw_sha256`,
  );
  const idOf = new Map(inserted.map((r) => [r.raw_sha256, Number(r.id)]));
  return list.map((row) => idOf.get(row.rawSha256)!);
}

function joined(value: StreamedBytes): Buffer {
  return Buffer.concat([...value.pieces(value.length)], value.length);
}

function base64(bytes: Buffer | null | undefined): string | null {
  return bytes ? bytes.toString('base64') : null;
}

/** A large sealed original as rows of message_pieces, in order from seq 0 (joined: sealedRaw). */
async function insertRawPieces(tx: Tx, id: number, raw: StreamedBytes): Promise<void> {
  function* rowsOf(): Generator<[number, number, Buffer]> {
    let seq = 0;
    for (const piece of raw.pieces(RAW_PIECE_BYTES)) yield [id, seq++, piece];
  }
  if (canCopy(tx)) {
    await copyRows(tx, 'message_pieces', PIECE_COPY_COLUMNS, rowsOf());
    return;
  }
  for (const [messageId, seq, bytes] of rowsOf()) {
    await tx.execute(
      sql`insert into message_pieces (message_id, seq, bytes) values (${messageId}, ${seq}, decode(${base64(bytes)}, 'base64'))`,
    );
  }
}

const PIECE_COPY_COLUMNS: readonly CopyColumn[] = [
  { name: 'message_id', type: 'int8' },
  { name: 'seq', type: 'int4' },
  { name: 'bytes', type: 'bytea' },
];

/** The sealed original of a message: its `raw`, or its pieces joined; null when none is kept. */
export async function sealedRaw(q: Queryable, row: MessageRow): Promise<Buffer | null> {
  if (row.raw) return row.raw;
  const pieces = await q
    .select({ bytes: messagePieces.bytes })
    .from(messagePieces)
    .where(eq(messagePieces.messageId, row.id))
    .orderBy(asc(messagePieces.seq));
  return pieces.length > 0 ? Buffer.concat(pieces.map((p) => p.bytes)) : null;
}

/** UIDs of one mailbox generation already recorded (the IMAP source skips and marks them). */
export async function knownUids(
  q: Queryable,
  mailbox: string,
  uidValidity: number,
): Promise<Set<number>> {
  const found = await q
    .select({ uid: messages.uid })
    .from(messages)
    .where(and(eq(messages.mailbox, mailbox), eq(messages.uidValidity, uidValidity)));
  return new Set(found.flatMap((r) => (r.uid === null ? [] : [Number(r.uid)])));
}

/** The entry our outgoing mail with one of these Message-IDs belongs to (a reply to our answer). */
export async function entryOfOutgoing(
  q: Queryable,
  messageIds: readonly string[],
): Promise<number | null> {
  if (messageIds.length === 0) return null;
  const [row] = await q
    .select({ entryNumber: outbox.entryNumber })
    .from(outbox)
    .where(
      and(
        inArray(outbox.messageId, [...new Set(messageIds)]),
        sql`${outbox.entryNumber} is not null`,
      ),
    )
    .orderBy(asc(outbox.id))
    .limit(1);
  return row?.entryNumber ?? null;
}

/** The appeal of the earliest journaled mail with one of these (blind-indexed) Message-IDs. */
export async function entryOfIncoming(
  q: Queryable,
  blindMessageIds: readonly string[],
): Promise<number | null> {
  if (blindMessageIds.length === 0) return null;
  const [row] = await q
    .select({ entryNumber: messages.entryNumber })
    .from(messages)
    .where(
      and(
        inArray(messages.messageId, [...new Set(blindMessageIds)]),
        sql`${messages.entryNumber} is not null`,
      ),
    )
    .orderBy(asc(messages.id))
    .limit(1);
  return row?.entryNumber ?? null;
}

export async function findMessage(q: Queryable, id: number): Promise<MessageRow | null> {
  const [row] = await q.select().from(messages).where(eq(messages.id, id));
  return row ?? null;
}

/** A held message, locked until the transaction ends (a second release waits, then finds it released). */
export async function lockHeld(tx: Tx, id: number): Promise<MessageRow | null> {
  const found = await rows<{ id: string | number }>(
    tx,
    sql`select id from messages where id = ${id} and status = 'held' for update`,
  );
  if (found.length === 0) return null;
  return findMessage(tx, id);
}

export async function markReleased(tx: Tx, id: number, entryNumber: number): Promise<void> {
  await tx
    .update(messages)
    .set({ status: 'released', entryNumber })
    .where(and(eq(messages.id, id), eq(messages.status, 'held')));
}

export async function listHeld(q: Queryable): Promise<MessageRow[]> {
  return q.select().from(messages).where(eq(messages.status, 'held')).orderBy(asc(messages.id));
}

export async function messagesOfEntry(q: Queryable, entryNumber: number): Promise<MessageRow[]> {
  return q
    .select()
    .from(messages)
    .where(eq(messages.entryNumber, entryNumber))
    .orderBy(asc(messages.receivedAt), asc(messages.id));
}
