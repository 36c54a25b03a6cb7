/**
 * The drizzle schema. One journal per database. Migrations in ../../drizzle are generated from this
 * file (`npm run db:generate`); the append-only triggers live in a custom migration.
 */
import { sql } from 'drizzle-orm';
import {
  bigint,
  bigserial,
  boolean,
  customType,
  date,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
} from 'drizzle-orm/pg-core';

const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  toDriver: (value) => value,
  fromDriver: (value) => Buffer.from(value.buffer, value.byteOffset, value.byteLength),
});

const tstz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

/** Heads of the hash chains; the row lock on it serialises registration (rules 4.14). */
export const chainHeads = pgTable('chain_heads', {
  chain: text('chain').primaryKey(), // 'entries' | 'events'
  lastNumber: integer('last_number').notNull(),
  lastHash: text('last_hash').notNull(),
});

/**
 * Data keys for envelope encryption: each row of personal data has its own key, wrapped with the
 * master key. Deleting a key row shreds what it protects (retention) without breaking the chain.
 */
export const dataKeys = pgTable('data_keys', {
  id: bigserial('id', { mode: 'number' }).primaryKey(),
  wrapped: bytea('wrapped').notNull(),
  createdAt: tstz('created_at').notNull().defaultNow(),
});

/** The journal (rules 4.14, Appendix 1): append-only, one gap-free chained row per appeal. */
export const entries = pgTable(
  'entries',
  {
    number: integer('number').primaryKey(),
    receivedAt: tstz('received_at').notNull(),
    registeredAt: tstz('registered_at').notNull(),
    channel: text('channel', { enum: ['phone', 'email'] }).notNull(),
    anonymous: boolean('anonymous').notNull(),
    /** columns 3, 4, 6, 7 encrypted as one JSON document; null when anonymous */
    personal: bytea('personal'),
    keyId: bigint('key_id', { mode: 'number' }),
    content: text('content').notNull(),
    language: text('language', { enum: ['kk', 'ru', 'en'] }).notNull(),
    mixedLanguage: boolean('mixed_language').notNull().default(false),
    scope: text('scope', { enum: ['in', 'out', 'pending'] }).notNull(),
    category: text('category'),
    evidence: jsonb('evidence').$type<string[]>().notNull(),
    site: text('site'),
    dueDate: date('due_date', { mode: 'string' }).notNull(),
    /** registered from a backlog older than the answer age: not answered, reported once as such */
    backlog: boolean('backlog').notNull().default(false),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [
    index('entries_received_at').on(t.receivedAt),
    // the backlog is reported once and listed until answered: found without scanning the journal
    index('entries_backlog')
      .on(t.number)
      .where(sql`${t.backlog}`),
  ],
);

/**
 * What changes after registration (triage decision, extension, closure, amendment, follow-up,
 * answer sent) is a record of its own, chained like the entries (design: present state is derived).
 */
export const entryEvents = pgTable(
  'entry_events',
  {
    seq: integer('seq').primaryKey(),
    entryNumber: integer('entry_number')
      .notNull()
      .references(() => entries.number),
    kind: text('kind').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    createdAt: tstz('created_at').notNull(),
    prevHash: text('prev_hash').notNull(),
    hash: text('hash').notNull(),
  },
  (t) => [index('entry_events_entry').on(t.entryNumber, t.seq)],
);

/** The address needed to answer an anonymous appeal: kept apart, encrypted, purgeable (rules 4.9). */
export const answerAddresses = pgTable('answer_addresses', {
  entryNumber: integer('entry_number')
    .primaryKey()
    .references(() => entries.number),
  address: bytea('address').notNull(),
  keyId: bigint('key_id', { mode: 'number' }).notNull(),
});

/**
 * Every message that reached us, appeal or not (nothing silently disappears). The raw message is
 * encrypted at rest; its SHA-256 proves the original.
 */
export const messages = pgTable(
  'messages',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    entryNumber: integer('entry_number').references(() => entries.number),
    source: text('source').notNull(), // 'imap' | 'smtp'
    mailbox: text('mailbox'),
    uidValidity: bigint('uid_validity', { mode: 'number' }),
    uid: bigint('uid', { mode: 'number' }),
    messageId: text('message_id'),
    textSha256: text('text_sha256'),
    rawSha256: text('raw_sha256').notNull(),
    rawSize: integer('raw_size').notNull(),
    raw: bytea('raw'),
    keyId: bigint('key_id', { mode: 'number' }),
    receivedAt: tstz('received_at').notNull(),
    kind: text('kind').notNull(), // appeal | follow-up | auto-reply | bounce | list | spam | own
    reason: text('reason').notNull(),
    status: text('status').notNull(), // registered | attached | recorded | held | released
    /** parsed text and attachment metadata, encrypted (personal data) */
    parsed: bytea('parsed'),
    notes: jsonb('notes')
      .$type<string[]>()
      .notNull()
      .default(sql`'[]'::jsonb`),
    createdAt: tstz('created_at').notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('messages_raw_sha256').on(t.rawSha256),
    uniqueIndex('messages_imap_uid').on(t.mailbox, t.uidValidity, t.uid),
    index('messages_message_id').on(t.messageId),
    index('messages_entry').on(t.entryNumber),
    index('messages_status').on(t.status),
  ],
);

/**
 * The sealed original of a large message, in pieces: written once each, in order, so that storing
 * a 30 MB message neither holds it whole in one query nor rewrites a growing value. Concatenated
 * by seq they are the sealed value (vault format); its `messages.raw` is null.
 */
export const messagePieces = pgTable(
  'message_pieces',
  {
    messageId: bigint('message_id', { mode: 'number' })
      .notNull()
      .references(() => messages.id),
    seq: integer('seq').notNull(),
    bytes: bytea('bytes').notNull(),
  },
  (t) => [primaryKey({ columns: [t.messageId, t.seq] })],
);

/** Outgoing mail, written in the transaction that caused it (design: outgoing mail is not lost). */
export const outbox = pgTable(
  'outbox',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** what it is for, unique: 'ack:12', 'redirect:12', 'report:chairman:2026-10' */
    dedupeKey: text('dedupe_key').notNull(),
    kind: text('kind').notNull(),
    entryNumber: integer('entry_number').references(() => entries.number),
    messageId: text('message_id').notNull(),
    /** HMAC of the lower-cased recipient: rate limits without storing the address in clear */
    recipientHash: text('recipient_hash'),
    automatic: boolean('automatic').notNull(),
    /** the whole rendered mail (envelope + headers + body), encrypted */
    mail: bytea('mail').notNull(),
    keyId: bigint('key_id', { mode: 'number' }).notNull(),
    status: text('status', { enum: ['queued', 'sent', 'failed', 'held'] }).notNull(),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: tstz('next_attempt_at').notNull(),
    lastError: text('last_error'),
    /** first temporary failure: retries are given up three days after it */
    firstFailedAt: tstz('first_failed_at'),
    createdAt: tstz('created_at').notNull(),
    sentAt: tstz('sent_at'),
    /**
     * A bounce came back after the relay accepted the mail: the row turns 'failed' (it was not
     * delivered after all), sent_at is kept. Its status code only: the diagnostic names addresses.
     */
    bouncedAt: tstz('bounced_at'),
    bounceStatus: text('bounce_status'),
  },
  (t) => [
    uniqueIndex('outbox_dedupe').on(t.dedupeKey),
    index('outbox_due').on(t.status, t.nextAttemptAt),
    index('outbox_recipient').on(t.recipientHash, t.createdAt),
  ],
);

/** Reports sent, one per period (design: schedules survive downtime), with the head they carried. */
export const reports = pgTable(
  'reports',
  {
    kind: text('kind').notNull(), // 'chairman' | 'chairman-interim' | 'ombudsman'
    period: text('period').notNull(), // '2026-10', '2026-11-25', 'interim:37'
    createdAt: tstz('created_at').notNull(),
    headNumber: integer('head_number').notNull(),
    headHash: text('head_hash').notNull(),
    outboxId: bigint('outbox_id', { mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.kind, t.period] })],
);

/** Ingest health per source (last poll, last error, auth expiry), read by `senim status`. */
export const sourceHealth = pgTable('source_health', {
  source: text('source').primaryKey(),
  lastPollAt: tstz('last_poll_at'),
  lastSuccessAt: tstz('last_success_at'),
  lastError: text('last_error'),
  lastErrorAt: tstz('last_error_at'),
  authExpiresAt: tstz('auth_expires_at'),
  details: jsonb('details')
    .$type<Record<string, unknown>>()
    .notNull()
    .default(sql`'{}'::jsonb`),
  updatedAt: tstz('updated_at').notNull().defaultNow(),
});

/** Secrets that rotate at run time (the OAuth2 refresh token), encrypted. */
export const secrets = pgTable('secrets', {
  name: text('name').primaryKey(),
  value: bytea('value').notNull(),
  keyId: bigint('key_id', { mode: 'number' }).notNull(),
  updatedAt: tstz('updated_at').notNull(),
});
