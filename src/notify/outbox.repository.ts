/**
 * The outbox's SQL (design: outgoing mail is not lost either). Mail is queued inside the
 * transaction that caused it; delivery claims due rows with a lease (FOR UPDATE SKIP LOCKED, so
 * several daemons never take the same row), sends outside any transaction, then marks the row.
 * A process that dies mid-send leaves the row queued: it is due again when the lease runs out.
 */
import { randomBytes } from 'node:crypto';
import { and, asc, count, eq, gte, inArray, isNull, lte, min, sql } from 'drizzle-orm';
import type { Db, Queryable } from '../db/database.js';
import { outbox } from '../db/schema.js';
import type { Vault } from '../db/vault.js';
import { InputError, SenimError } from '../errors.js';
import { strictAddress } from './address-policy.js';
import { AUTO_HEADERS, type OutgoingMail } from './outbox.models.js';
import { headerSafe } from './templates.js';

export interface QueuedMail {
  dedupeKey: string;
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  entryNumber?: number | null;
  automatic: boolean;
  inReplyTo?: string | null;
  references?: string[];
  /** kept in the outbox and listed, never sent (a report with no recipient configured) */
  hold?: boolean;
}

export type OutboxRow = typeof outbox.$inferSelect;
export type OutboxStatus = OutboxRow['status'];

/** How long a claimed mail is reserved for the deliverer that claimed it. */
export const DEFAULT_LEASE_MS = 5 * 60_000;
/** References beyond this are dropped: a long thread must not grow our headers without limit. */
const MAX_REFERENCES = 10;

/** Message-IDs from an appellant's mail are hostile: one `<id>` of printable ASCII, or nothing. */
export function safeMessageId(value: string | null | undefined): string | null {
  if (!value) return null;
  const trimmed = value.trim();
  const bare = trimmed.startsWith('<') && trimmed.endsWith('>') ? trimmed.slice(1, -1) : trimmed;
  if (bare.length === 0 || bare.length > 250 || !/^[\x21-\x7e]+$/.test(bare)) return null;
  if (/[<>()[\]\\,;:"]/.test(bare)) return null;
  return `<${bare}>`;
}

function domainOf(address: string): string {
  const domain = address.slice(address.lastIndexOf('@') + 1).toLowerCase();
  return /^[a-z0-9.-]+$/.test(domain) && domain.includes('.') ? domain : 'senim.invalid';
}

/** <senim.ack.12.RANDOM@ales.kz>: generated once, used verbatim on every attempt. */
export function newMessageId(kind: string, entryNumber: number | null, from: string): string {
  const slug =
    kind
      .toLowerCase()
      .replace(/[^a-z0-9-]+/g, '-')
      .slice(0, 40) || 'mail';
  const random = randomBytes(12).toString('base64url');
  return `<senim.${slug}.${entryNumber ?? 0}.${random}@${domainOf(from)}>`;
}

/**
 * Queues one mail in the caller's transaction. The same dedupeKey twice queues nothing the second
 * time (duplicate: true): one acknowledgement per appeal, one report per period.
 */
export async function queueMail(
  tx: Queryable,
  deps: { vault: Vault; from: string; now: Date },
  mail: QueuedMail,
): Promise<{ id: number; messageId: string; duplicate: boolean }> {
  const existing = await findByDedupeKey(tx, mail.dedupeKey);
  if (existing) return { id: existing.id, messageId: existing.messageId, duplicate: true };

  const hold = mail.hold === true;
  const to = mail.to ? strictAddress(mail.to) : null;
  if (!to && !(hold && !mail.to)) {
    // Never echo the address: it is personal data and possibly an injection attempt.
    throw new InputError(
      'bad-recipient',
      `outbox: the recipient of ${mail.kind} is not one valid address`,
    );
  }
  const from = strictAddress(deps.from);
  if (!from) throw new InputError('bad-sender', 'SENIM_FROM is not a valid address');

  const messageId = newMessageId(mail.kind, mail.entryNumber ?? null, from);
  const inReplyTo = safeMessageId(mail.inReplyTo);
  const references = (mail.references ?? [])
    .map(safeMessageId)
    .filter((id): id is string => id !== null)
    .slice(-MAX_REFERENCES);
  if (inReplyTo && !references.includes(inReplyTo)) references.push(inReplyTo);
  const outgoing: OutgoingMail = {
    from,
    to: to ?? '',
    subject: headerSafe(mail.subject),
    text: mail.text,
    html: mail.html,
    messageId,
    date: deps.now.toISOString(),
    inReplyTo,
    references,
    headers: { ...AUTO_HEADERS },
  };
  const sealed = await deps.vault.seal(tx, JSON.stringify(outgoing));
  const [row] = await tx
    .insert(outbox)
    .values({
      dedupeKey: mail.dedupeKey,
      kind: mail.kind,
      entryNumber: mail.entryNumber ?? null,
      messageId,
      recipientHash: to ? deps.vault.blindIndex(to) : null,
      automatic: mail.automatic,
      mail: sealed.ciphertext,
      keyId: sealed.keyId,
      status: hold ? 'held' : 'queued',
      attempts: 0,
      nextAttemptAt: deps.now,
      createdAt: deps.now,
    })
    .onConflictDoNothing({ target: outbox.dedupeKey })
    .returning({ id: outbox.id });
  if (row) return { id: row.id, messageId, duplicate: false };
  // A concurrent transaction queued the same key first.
  const winner = await findByDedupeKey(tx, mail.dedupeKey);
  if (!winner)
    throw new SenimError('outbox-dedupe', `outbox: ${mail.dedupeKey} vanished while queueing`);
  return { id: winner.id, messageId: winner.messageId, duplicate: true };
}

export async function findByDedupeKey(q: Queryable, dedupeKey: string): Promise<OutboxRow | null> {
  const [row] = await q.select().from(outbox).where(eq(outbox.dedupeKey, dedupeKey));
  return row ?? null;
}

export async function findOutbox(q: Queryable, id: number): Promise<OutboxRow | null> {
  const [row] = await q.select().from(outbox).where(eq(outbox.id, id));
  return row ?? null;
}

/** Decrypts the stored mail of a row. */
export async function openMail(
  q: Queryable,
  vault: Vault,
  row: Pick<OutboxRow, 'keyId' | 'mail'>,
): Promise<OutgoingMail> {
  return vault.openJson<OutgoingMail>(q, row.keyId, row.mail);
}

/**
 * Claims up to `limit` due mails for `leaseMs`: their next attempt moves past the lease in the same
 * statement that locks them, so another deliverer neither waits for them nor sees them as due.
 * On PGlite (one process) the lock is moot; the statement is the same.
 */
export async function claimDue(
  db: Db,
  options: { now: Date; limit: number; leaseMs?: number },
): Promise<OutboxRow[]> {
  const leaseUntil = new Date(options.now.getTime() + (options.leaseMs ?? DEFAULT_LEASE_MS));
  const due = db
    .select({ id: outbox.id })
    .from(outbox)
    .where(and(eq(outbox.status, 'queued'), lte(outbox.nextAttemptAt, options.now)))
    .orderBy(asc(outbox.nextAttemptAt), asc(outbox.id))
    .limit(options.limit)
    .for('update', { skipLocked: true });
  const claimed = await db
    .update(outbox)
    .set({ nextAttemptAt: leaseUntil, attempts: sql`${outbox.attempts} + 1` })
    .where(and(inArray(outbox.id, due), eq(outbox.status, 'queued')))
    .returning();
  return claimed.sort(
    (a, b) => a.nextAttemptAt.getTime() - b.nextAttemptAt.getTime() || a.id - b.id,
  );
}

export async function markSent(q: Queryable, id: number, now: Date): Promise<void> {
  await q
    .update(outbox)
    .set({ status: 'sent', sentAt: now, lastError: null })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
}

/** Keeps the time of the first failure once there is one. */
function firstFailure(now: Date) {
  // postgres.js takes no Date inside a raw fragment: pass the instant as text and cast it.
  return sql`coalesce(${outbox.firstFailedAt}, ${now.toISOString()}::timestamptz)`;
}

/** A temporary failure: due again at `at`; the first failure's time is kept for the give-up rule. */
export async function markRetry(
  q: Queryable,
  id: number,
  retry: { at: Date; error: string; now: Date },
): Promise<void> {
  await q
    .update(outbox)
    .set({
      nextAttemptAt: retry.at,
      lastError: retry.error,
      firstFailedAt: firstFailure(retry.now),
    })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
}

/** A permanent failure (or three days of temporary ones): never retried, listed for the Ombudsman. */
export async function markFailed(
  q: Queryable,
  id: number,
  failure: { error: string; now: Date },
): Promise<void> {
  await q
    .update(outbox)
    .set({
      status: 'failed',
      lastError: failure.error,
      firstFailedAt: firstFailure(failure.now),
    })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'queued')));
}

/** Our mail with one of these exact Message-IDs (the candidates a bounce names). */
export async function findByMessageIds(
  q: Queryable,
  messageIds: readonly string[],
): Promise<OutboxRow[]> {
  if (messageIds.length === 0) return [];
  return q
    .select()
    .from(outbox)
    .where(inArray(outbox.messageId, [...new Set(messageIds)]))
    .orderBy(asc(outbox.id));
}

/**
 * A bounce reported sent mail undelivered: the row becomes 'failed' (listed for the Ombudsman),
 * once. False when it was not sent or is already marked: a second bounce changes nothing.
 */
export async function markBounced(
  q: Queryable,
  id: number,
  bounce: { status: string | null; now: Date },
): Promise<boolean> {
  const changed = await q
    .update(outbox)
    .set({
      status: 'failed',
      lastError: `bounced: ${bounce.status ?? 'no status'}`,
      bouncedAt: bounce.now,
      bounceStatus: bounce.status,
    })
    .where(and(eq(outbox.id, id), eq(outbox.status, 'sent'), isNull(outbox.bouncedAt)))
    .returning({ id: outbox.id });
  return changed.length > 0;
}

/** What the Ombudsman is shown about mail that did not go: no addresses, no content. */
export interface UndeliveredMail {
  id: number;
  kind: string;
  dedupeKey: string;
  entryNumber: number | null;
  status: 'failed' | 'held';
  attempts: number;
  lastError: string | null;
  createdAt: Date;
  firstFailedAt: Date | null;
  /** accepted by the relay, then returned undelivered: when the bounce came, its status code */
  bouncedAt: Date | null;
  bounceStatus: string | null;
}

/** Failed and held mail, oldest first (the Ombudsman's digest and `senim status`). */
export async function listFailed(
  q: Queryable,
  options: { limit?: number } = {},
): Promise<UndeliveredMail[]> {
  const found = await q
    .select({
      id: outbox.id,
      kind: outbox.kind,
      dedupeKey: outbox.dedupeKey,
      entryNumber: outbox.entryNumber,
      status: outbox.status,
      attempts: outbox.attempts,
      lastError: outbox.lastError,
      createdAt: outbox.createdAt,
      firstFailedAt: outbox.firstFailedAt,
      bouncedAt: outbox.bouncedAt,
      bounceStatus: outbox.bounceStatus,
    })
    .from(outbox)
    .where(inArray(outbox.status, ['failed', 'held']))
    .orderBy(asc(outbox.createdAt), asc(outbox.id))
    .limit(options.limit ?? 1000);
  return found.map((r) => ({ ...r, status: r.status as 'failed' | 'held' }));
}

export interface OutboxCounts {
  queued: number;
  /** queued and due now (the backlog `senim status` shows) */
  due: number;
  sent: number;
  failed: number;
  held: number;
  oldestQueuedAt: Date | null;
}

export async function counts(q: Queryable, now: Date): Promise<OutboxCounts> {
  const byStatus = await q
    .select({ status: outbox.status, n: count(), oldest: min(outbox.createdAt) })
    .from(outbox)
    .groupBy(outbox.status);
  const [due] = await q
    .select({ n: count() })
    .from(outbox)
    .where(and(eq(outbox.status, 'queued'), lte(outbox.nextAttemptAt, now)));
  const of = (s: OutboxStatus) => byStatus.find((r) => r.status === s);
  const oldest = of('queued')?.oldest ?? null;
  return {
    queued: Number(of('queued')?.n ?? 0),
    due: Number(due?.n ?? 0),
    sent: Number(of('sent')?.n ?? 0),
    failed: Number(of('failed')?.n ?? 0),
    held: Number(of('held')?.n ?? 0),
    oldestQueuedAt: oldest === null ? null : new Date(oldest),
  };
}

/**
 * Automatic mails queued for one recipient since `since` (the per-recipient rate limit). Takes a
 * transaction-level lock on the recipient first, so two registrations for the same sender count
 * one after the other and the limit cannot be overshot by a race.
 */
export async function countRecentAutomatic(
  q: Queryable,
  recipientHash: string,
  since: Date,
): Promise<number> {
  await q.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${'senim:rate:' + recipientHash}, 0))`,
  );
  const [row] = await q
    .select({ n: count() })
    .from(outbox)
    .where(
      and(
        eq(outbox.recipientHash, recipientHash),
        eq(outbox.automatic, true),
        gte(outbox.createdAt, since),
      ),
    );
  return Number(row?.n ?? 0);
}
