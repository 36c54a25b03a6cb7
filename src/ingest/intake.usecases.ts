/**
 * Intake: from a raw message to a committed journal entry or record, exactly once (design: no
 * appeal is lost; exactly one entry per appeal). A message is parsed and classified, then the
 * message row, the entry (or the follow-up record) and the queued answer commit in one transaction.
 * "Already registered" is decided from our own records (messages.repository), never from server
 * flags; identical messages are serialised with transaction-scoped advisory locks, so two daemons,
 * an SMTP retry or a release racing a poll still end with one entry.
 */
import { createHash } from 'node:crypto';
import { EMPTY_APPELLANT, type Appellant, type Language } from '../cases/appeal.models.js';
import type { AnswerContext, AnswerPort } from '../cases/answer.port.js';
import type { WorkingCalendar } from '../cases/calendar.js';
import {
  answerAddressOf,
  findEntry,
  insertEvent,
  type EntryRow,
} from '../cases/journal.repository.js';
import { registerAppeal } from '../cases/register.usecases.js';
import type { Config } from '../config.js';
import type { Database, Tx } from '../db/database.js';
import type { Vault } from '../db/vault.js';
import { coerceError, InputError, SenimError } from '../errors.js';
import type { Logger } from '../log.js';
import { classifyMail, replyAddressOf, type Classification } from './classify.js';
import { extractAppeal, type ExtractedAppeal } from './extract.js';
import { findFollowUpNumber } from './followup.js';
import type { Intake, IntakeOutcome, RawMessage } from './intake.port.js';
import { PROBLEM, type MailAddress, type ParsedMail } from './mail.models.js';
import {
  entryOfOutgoing,
  findKnown,
  findMessage,
  insertMessage,
  knownUids,
  lockHeld,
  lockIdentities,
  markReleased,
  matchKnown,
  messageIdReused,
  type KnownMessage,
  type MessageIdentity,
  type MessageRow,
  type StoredParsed,
} from './messages.repository.js';
import { parseMail } from './parse.js';

export interface IntakeDeps {
  database: Database;
  vault: Vault;
  calendar: WorkingCalendar;
  config: Pick<
    Config,
    | 'answerMaxAgeDays'
    | 'maxMessageBytes'
    | 'from'
    | 'spamHeaders'
    | 'dmarcFailBlocks'
    | 'dueWorkingDays'
  >;
  answers?: AnswerPort;
  log: Logger;
  now: () => Date;
}

/** Messages committed per transaction in acceptMany (a backlog). */
const GROUP_SIZE = 20;
/** Groups parsed ahead of the one committing (memory: at most this many groups of parsed mail). */
const LOOKAHEAD_GROUPS = 2;
/** Attempts of one transaction that lost a race (unique violation, deadlock) before falling back. */
const RACE_RETRIES = 3;
const DAY_MS = 86_400_000;

/** Reason codes of follow-ups and notes: short, never content (they go to logs). */
export const INTAKE_REASON = {
  followUpReply: 'follow-up:in-reply-to',
  followUpSubject: 'follow-up:subject-number',
  senderDiffers: 'follow-up:sender-differs',
  messageIdReused: 'message-id-reused',
  extractFailed: 'extract-failed',
  fallback: 'intake-fallback',
  ownAnswerAddress: 'answer-address:own',
  badAnswerAddress: 'answer-address:invalid',
} as const;

/** Content of an entry whose text could not be read (rules 4.14 d: the column is never empty). */
const UNREADABLE_CONTENT =
  'Текст обращения не удалось прочитать автоматически; оригинал письма сохранён (senim case raw).';

interface Prepared {
  message: RawMessage;
  identity: MessageIdentity;
  parsed: ParsedMail;
  classification: Classification;
  /** what is kept as "the raw": the original bytes, or headers + text when oversized */
  stored: Buffer;
  notes: string[];
  /** the journal's columns read from the letter (appeals only; done before the transaction) */
  extracted: ExtractedAppeal | null;
  /** set on the last-resort attempt: no extraction, a placeholder content */
  minimal: boolean;
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export function createIntake(deps: IntakeDeps): Intake {
  const { database, log } = deps;

  async function accept(message: RawMessage): Promise<IntakeOutcome> {
    const identity = rawIdentity(message);
    // Cheap check before parsing: a re-delivery or a second poll costs one query.
    const match = matchKnown(identity, await findKnown(database.db, [identity]));
    if (match) return duplicate(match.id, match.by);
    const prepared = await prepare(deps, message, identity);
    const [outcome] = await commitGroup([prepared]);
    return outcome!;
  }

  async function acceptMany(list: RawMessage[]): Promise<IntakeOutcome[]> {
    const outcomes: IntakeOutcome[] = [];
    const groups: RawMessage[][] = [];
    for (let i = 0; i < list.length; i += GROUP_SIZE) groups.push(list.slice(i, i + GROUP_SIZE));
    // Parsing of the next group overlaps the commit of this one; duplicates (also within the
    // batch) are found inside each group's transaction.
    const prepareAll = (group: RawMessage[]) =>
      Promise.all(group.map((m) => prepare(deps, m, rawIdentity(m))));
    const ahead: Promise<Prepared[]>[] = [];
    let started = 0;
    const fill = () => {
      while (started < groups.length && ahead.length < LOOKAHEAD_GROUPS) {
        const pending = prepareAll(groups[started++]!);
        pending.catch(() => {}); // awaited in order below; never an unhandled rejection
        ahead.push(pending);
      }
    };
    fill();
    while (ahead.length > 0) {
      const prepared = await ahead.shift()!;
      fill();
      outcomes.push(...(await commitGroup(prepared)));
    }
    return outcomes;
  }

  /** One transaction for the group; a race is retried; a bad message never blocks the others. */
  async function commitGroup(group: Prepared[]): Promise<IntakeOutcome[]> {
    try {
      return await withRaceRetry(() => commitInOne(group));
    } catch (error) {
      if (isOperational(error)) throw operational(error);
      if (group.length > 1) {
        log.warn(
          { size: group.length, code: sqlState(error).code },
          'intake group failed, one by one',
        );
        const outcomes: IntakeOutcome[] = [];
        for (const item of group) outcomes.push(...(await commitGroup([item])));
        return outcomes;
      }
      const item = group[0]!;
      if (item.minimal) throw operational(error);
      // The message itself made the transaction fail: register it from its headers, with the
      // raw kept, rather than retry it forever and block the mail behind it.
      log.warn({ code: sqlState(error).code ?? 'error' }, 'intake failed, registering minimally');
      return commitGroup([
        {
          ...item,
          minimal: true,
          notes: [...item.notes, `${INTAKE_REASON.fallback}:${sqlState(error).code ?? 'error'}`],
        },
      ]);
    }
  }

  function commitInOne(group: Prepared[]): Promise<IntakeOutcome[]> {
    return database.db
      .transaction(async (tx) => {
        await lockIdentities(
          tx,
          group.map((p) => lockKey(p.identity)),
        );
        const known: KnownMessage[] = await findKnown(
          tx,
          group.map((p) => p.identity),
        );
        const outcomes: IntakeOutcome[] = [];
        for (const item of group) {
          const match = matchKnown(item.identity, known);
          if (match) {
            outcomes.push(duplicate(match.id, match.by));
            continue;
          }
          if (messageIdReused(item.identity, known)) {
            item.notes.push(INTAKE_REASON.messageIdReused);
            log.info(
              { reason: INTAKE_REASON.messageIdReused },
              'same Message-ID, other text: a new message',
            );
          }
          const outcome = await commitOne(tx, deps, item);
          known.push({
            id: outcome.messageId,
            rawSha256: item.identity.rawSha256,
            mailbox: item.identity.imap?.mailbox ?? null,
            uidValidity: item.identity.imap?.uidValidity ?? null,
            uid: item.identity.imap?.uid ?? null,
            messageId: item.identity.messageId,
            textSha256: item.identity.textSha256,
          });
          outcomes.push(outcome);
        }
        return outcomes;
      })
      .then((outcomes) => {
        for (const o of outcomes) log.info(outcomeLog(o), 'intake');
        return outcomes;
      });
  }

  function duplicate(id: number, by: string): IntakeOutcome {
    log.debug({ messageId: id, by }, 'already registered');
    return { kind: 'duplicate', messageId: id };
  }

  return {
    accept,
    acceptMany,
    knownUids: (mailbox, uidValidity) => knownUids(database.db, mailbox, uidValidity),
  };
}

// ------------------------------------------------------------------ preparing (no database)

function rawIdentity(message: RawMessage): MessageIdentity {
  const { origin } = message;
  return {
    rawSha256: sha256Hex(message.raw),
    imap:
      origin.source === 'imap'
        ? { mailbox: origin.mailbox, uidValidity: origin.uidValidity, uid: origin.uid }
        : null,
    messageId: null,
    textSha256: null,
  };
}

/** The lock that serialises copies of one message: copies share their Message-ID or bytes. */
function lockKey(identity: MessageIdentity): string {
  return identity.messageId ? `mid:${identity.messageId}` : `sha:${identity.rawSha256}`;
}

async function prepare(
  deps: IntakeDeps,
  message: RawMessage,
  identity: MessageIdentity,
): Promise<Prepared> {
  const notes: string[] = [];
  let parsed: ParsedMail;
  try {
    parsed = await parseMail(message.raw);
  } catch {
    // parseMail promises not to throw; if it ever does, the message is still registered
    parsed = emptyParse([PROBLEM.unparseable]);
  }
  notes.push(...parsed.problems);
  let stored = message.raw;
  if (message.raw.length > deps.config.maxMessageBytes) {
    stored = reducedRaw(message.raw, parsed.text, message.raw.length);
    notes.push(`oversized: ${message.raw.length} bytes, attachments not kept`);
  }
  const classification = classifyMail(parsed, {
    ownAddresses: [deps.config.from],
    spamHeaders: deps.config.spamHeaders,
    dmarcFailBlocks: deps.config.dmarcFailBlocks,
  });
  return {
    message,
    identity: {
      ...identity,
      // keyed hashes: equality lookups without the Message-ID or the text in clear
      messageId: parsed.messageId ? deps.vault.blindIndex(`message-id:${parsed.messageId}`) : null,
      textSha256: deps.vault.blindIndex(`text:${textDigest(parsed)}`),
    },
    parsed,
    classification,
    stored,
    notes,
    // CPU work outside the transaction: it overlaps the previous group's commit (acceptMany)
    extracted: classification.kind === 'appeal' ? safeExtract(parsed, notes) : null,
    minimal: false,
  };
}

/** "The same body": the readable text and the attachments' contents. */
function textDigest(parsed: ParsedMail): string {
  return sha256Hex([parsed.text, ...parsed.attachments.map((a) => a.sha256)].join('\0'));
}

function emptyParse(problems: string[]): ParsedMail {
  return {
    messageId: null,
    inReplyTo: null,
    references: [],
    subject: '',
    from: null,
    replyTo: null,
    to: [],
    cc: [],
    date: null,
    text: '',
    htmlOnly: false,
    attachments: [],
    headers: {},
    problems,
  };
}

const DROPPED_HEADERS =
  /^(content-type|content-transfer-encoding|mime-version|content-disposition):/i;

/**
 * An oversized message is kept as its header block and readable text (attachments dropped): a
 * valid .eml whose note says so. Its raw_sha256 stays the hash of the original bytes.
 */
export function reducedRaw(raw: Buffer, text: string, originalSize: number): Buffer {
  const head = raw.subarray(0, Math.min(raw.length, 1024 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const lines = (end >= 0 ? head.slice(0, end) : '').split(/\r?\n/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = DROPPED_HEADERS.test(line);
    if (!dropping) kept.push(line);
  }
  const headers = Buffer.from(kept.join('\r\n'), 'latin1');
  const added = [
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    `X-Senim-Note: oversized (${originalSize} bytes), attachments not kept`,
  ].join('\r\n');
  return Buffer.concat([
    headers,
    Buffer.from(kept.length > 0 && kept[0] !== '' ? '\r\n' : ''),
    Buffer.from(added + '\r\n\r\n' + text.replace(/\n/g, '\r\n') + '\r\n', 'utf8'),
  ]);
}

function storedParsed(p: ParsedMail): StoredParsed {
  return {
    messageId: p.messageId,
    inReplyTo: p.inReplyTo,
    references: p.references,
    subject: p.subject,
    from: p.from,
    replyTo: p.replyTo,
    to: p.to,
    cc: p.cc,
    date: p.date ? p.date.toISOString() : null,
    text: p.text,
    htmlOnly: p.htmlOnly,
    attachments: p.attachments,
    problems: p.problems,
  };
}

// ---------------------------------------------------------------- committing (one transaction)

async function commitOne(tx: Tx, deps: IntakeDeps, item: Prepared): Promise<IntakeOutcome> {
  const { kind, reason } = item.classification;
  if (kind === 'appeal') {
    const followUp = item.minimal ? null : await findFollowUp(tx, item.parsed);
    if (followUp) return attachFollowUp(tx, deps, item, followUp.entry, followUp.reason);
    return registerFromMail(tx, deps, item, null);
  }
  // rules 4.10 / design: automatic mail is kept with its reason, never journaled nor answered;
  // spam-flagged mail waits for the Ombudsman (senim held release).
  const status = kind === 'spam' ? 'held' : 'recorded';
  const sealed = await sealMessage(tx, deps.vault, null, item);
  const id = await insertMessage(tx, {
    ...messageColumns(item, sealed),
    entryNumber: null,
    kind,
    reason,
    status,
  });
  return status === 'held'
    ? { kind: 'held', reason, messageId: id }
    : { kind: 'recorded', reason, messageId: id };
}

/** A held message being released: registered now, with the Ombudsman's say-so (not automatic). */
interface Release {
  rowId: number;
}

async function registerFromMail(
  tx: Tx,
  deps: IntakeDeps,
  item: Prepared,
  release: Release | null,
): Promise<IntakeOutcome & { kind: 'registered' }> {
  const { parsed, message } = item;
  const extracted = item.minimal ? null : item.extracted;
  const backlog =
    message.receivedAt.getTime() < deps.now().getTime() - deps.config.answerMaxAgeDays * DAY_MS;
  const anonymous = extracted?.anonymous ?? false;
  const answerAddress = extracted?.answerAddress ?? replyAddressOf(parsed)?.address ?? null;
  const appellant: Appellant = anonymous
    ? { ...EMPTY_APPELLANT }
    : (extracted?.appellant ?? headerAppellant(parsed));
  const language: Language | undefined = extracted?.language;
  const appeal = await registerAppeal(
    tx,
    {
      vault: deps.vault,
      calendar: deps.calendar,
      dueWorkingDays: deps.config.dueWorkingDays,
      now: deps.now,
    },
    {
      receivedAt: message.receivedAt, // rules 4.14 b: the server's receipt time, not the Date header
      channel: 'email',
      anonymous,
      appellant,
      answerAddress: anonymous ? answerAddress : null,
      content: extracted?.content ?? contentFromHeaders(parsed),
      fullText: [parsed.subject, parsed.text].filter(Boolean).join('\n'),
      ...(language ? { language, mixedLanguage: extracted?.mixed ?? false } : {}),
      backlog,
    },
  );
  let messageRowId: number;
  if (release) {
    messageRowId = release.rowId;
    await markReleased(tx, release.rowId, appeal.number);
  } else {
    // a named appellant's messages share the entry's data key: shredding the entry shreds them
    const keyId = !appeal.anonymous ? appeal.keyId : null;
    const sealed = await sealMessage(tx, deps.vault, keyId, item);
    messageRowId = await insertMessage(tx, {
      ...messageColumns(item, sealed),
      entryNumber: appeal.number,
      kind: 'appeal',
      reason: item.classification.reason,
      status: 'registered',
    });
  }
  const to = answerableAddress(deps, item, answerAddress);
  if (deps.answers && !backlog && item.classification.answerable && to) {
    const context: AnswerContext = {
      to,
      inReplyTo: safeMessageId(parsed.messageId),
      references: [...parsed.references, parsed.messageId ?? '']
        .map(safeMessageId)
        .filter((id): id is string => id !== null)
        .slice(-20),
      automatic: release === null,
    };
    await deps.answers.afterRegistration(tx, appeal, context);
  }
  return { kind: 'registered', entryNumber: appeal.number, messageId: messageRowId };
}

async function attachFollowUp(
  tx: Tx,
  deps: IntakeDeps,
  item: Prepared,
  entry: EntryRow,
  reason: string,
): Promise<IntakeOutcome> {
  const sender = replyAddressOf(item.parsed)?.address ?? item.parsed.from?.address ?? null;
  const original = await answerAddressOf(tx, deps.vault, entry).catch(() => null);
  if (!sender || !original || sender.trim().toLowerCase() !== original.trim().toLowerCase()) {
    // attached all the same (the number names the appeal), but the Ombudsman should know
    item.notes.push(INTAKE_REASON.senderDiffers);
  }
  const keyId = !entry.anonymous ? entry.keyId : null;
  const sealed = await sealMessage(tx, deps.vault, keyId, item);
  const id = await insertMessage(tx, {
    ...messageColumns(item, sealed),
    entryNumber: entry.number,
    kind: 'follow-up',
    reason,
    status: 'attached',
  });
  await insertEvent(tx, entry.number, 'follow-up', { messageId: id, reason }, deps.now());
  return { kind: 'attached', entryNumber: entry.number, messageId: id };
}

/** A follow-up answers our acknowledgement (In-Reply-To/References) or names its number. */
async function findFollowUp(
  tx: Tx,
  parsed: ParsedMail,
): Promise<{ entry: EntryRow; reason: string } | null> {
  const referenced = [parsed.inReplyTo, ...parsed.references].filter(
    (id): id is string => id !== null && id.length > 0 && id.length < 1000,
  );
  const byReply = await entryOfOutgoing(tx, referenced);
  if (byReply !== null) {
    const entry = await findEntry(tx, byReply);
    if (entry) return { entry, reason: INTAKE_REASON.followUpReply };
  }
  const number = findFollowUpNumber(parsed.subject);
  if (number !== null && number <= 2_147_483_647) {
    // a number that names no entry is not a follow-up: the mail is a new appeal
    const entry = await findEntry(tx, number);
    if (entry) return { entry, reason: INTAKE_REASON.followUpSubject };
  }
  return null;
}

function safeExtract(parsed: ParsedMail, notes: string[]): ExtractedAppeal | null {
  try {
    return extractAppeal({
      text: parsed.text,
      subject: parsed.subject || null,
      from: asExtractAddress(parsed.from),
      replyTo: asExtractAddress(parsed.replyTo),
    });
  } catch {
    notes.push(INTAKE_REASON.extractFailed);
    return null;
  }
}

function asExtractAddress(a: MailAddress | null): { address: string; name: string | null } | null {
  return a?.address ? { address: a.address, name: a.name || null } : null;
}

function headerAppellant(parsed: ParsedMail): Appellant {
  const reply = replyAddressOf(parsed)?.address ?? null;
  return { ...EMPTY_APPELLANT, fullName: parsed.from?.name || null, replyAddress: reply };
}

function contentFromHeaders(parsed: ParsedMail): string {
  const subject = parsed.subject.trim();
  return subject ? `${subject.slice(0, 500)} — ${UNREADABLE_CONTENT}` : UNREADABLE_CONTENT;
}

const ADDRESS = /^[^\s@<>(),;:\\"[\]]{1,64}@[A-Za-z0-9\p{L}.-]{1,253}$/u;
const MESSAGE_ID = /^<[^<>\s"\\]{1,900}>$/;

/** The answer goes only to a plain address that is not ours (header injection, mail loops). */
function answerableAddress(
  deps: IntakeDeps,
  item: Prepared,
  address: string | null,
): string | null {
  if (!address) return null;
  if (!ADDRESS.test(address)) {
    item.notes.push(INTAKE_REASON.badAnswerAddress);
    return null;
  }
  if (address.toLowerCase() === deps.config.from.toLowerCase()) {
    item.notes.push(INTAKE_REASON.ownAnswerAddress);
    return null;
  }
  return address;
}

/** A Message-ID we may put into In-Reply-To/References: one token in angle brackets. */
function safeMessageId(id: string | null): string | null {
  if (!id) return null;
  const trimmed = id.trim();
  const bracketed = trimmed.startsWith('<') ? trimmed : `<${trimmed}>`;
  return MESSAGE_ID.test(bracketed) ? bracketed : null;
}

interface SealedMessage {
  keyId: number;
  raw: Buffer;
  parsed: Buffer;
}

async function sealMessage(
  tx: Tx,
  vault: Vault,
  keyId: number | null,
  item: Prepared,
): Promise<SealedMessage> {
  const document = JSON.stringify(storedParsed(item.parsed));
  if (keyId !== null) {
    return {
      keyId,
      raw: await vault.sealWith(tx, keyId, item.stored),
      parsed: await vault.sealWith(tx, keyId, document),
    };
  }
  const sealed = await vault.seal(tx, item.stored);
  return {
    keyId: sealed.keyId,
    raw: sealed.ciphertext,
    parsed: await vault.sealWith(tx, sealed.keyId, document),
  };
}

function messageColumns(item: Prepared, sealed: SealedMessage) {
  const { identity, message } = item;
  return {
    source: message.origin.source,
    mailbox: identity.imap?.mailbox ?? null,
    uidValidity: identity.imap?.uidValidity ?? null,
    uid: identity.imap?.uid ?? null,
    messageId: identity.messageId,
    textSha256: identity.textSha256,
    rawSha256: identity.rawSha256,
    rawSize: message.raw.length,
    raw: sealed.raw,
    keyId: sealed.keyId,
    receivedAt: message.receivedAt,
    parsed: sealed.parsed,
    notes: [...new Set(item.notes)],
  };
}

// ------------------------------------------------------------------------ held mail (rules)

/**
 * `senim held release ID`: the Ombudsman judged a spam-flagged message to be an appeal. It is
 * registered now, exactly once: the row lock makes a second release wait, then find it released.
 */
export async function releaseHeld(
  deps: IntakeDeps,
  id: number,
): Promise<{ entryNumber: number; messageId: number }> {
  const outcome = await deps.database.db.transaction(async (tx) => {
    const row = await lockHeld(tx, id);
    if (!row) {
      const found = await findMessage(tx, id);
      if (!found)
        throw new InputError('unknown-message', `No message with id ${id}: see senim held list`);
      throw new InputError(
        'not-held',
        `Message ${id} is not held (status ${found.status}${found.entryNumber ? `, entry No. ${found.entryNumber}` : ''}): nothing to release`,
      );
    }
    const item = await preparedFromRow(deps, tx, row);
    return registerFromMail(tx, deps, item, { rowId: row.id });
  });
  deps.log.info({ messageId: id, entryNumber: outcome.entryNumber }, 'held message released');
  return { entryNumber: outcome.entryNumber, messageId: id };
}

async function preparedFromRow(deps: IntakeDeps, tx: Tx, row: MessageRow): Promise<Prepared> {
  if (!row.raw || row.keyId === null) {
    throw new SenimError('message-shredded', `Message ${row.id} has no readable original any more`);
  }
  const raw = await deps.vault.open(tx, row.keyId, row.raw);
  const parsed = await parseMail(raw);
  // the Ombudsman overrides the spam flag; every other block on answering still applies
  const classification = classifyMail(parsed, {
    ownAddresses: [deps.config.from],
    spamHeaders: false,
    dmarcFailBlocks: deps.config.dmarcFailBlocks,
  });
  return {
    message: {
      raw,
      receivedAt: row.receivedAt,
      origin:
        row.source === 'imap' &&
        row.mailbox !== null &&
        row.uidValidity !== null &&
        row.uid !== null
          ? { source: 'imap', mailbox: row.mailbox, uidValidity: row.uidValidity, uid: row.uid }
          : { source: 'smtp' },
    },
    identity: {
      rawSha256: row.rawSha256,
      imap: null,
      messageId: row.messageId,
      textSha256: row.textSha256,
    },
    parsed,
    classification:
      classification.kind === 'appeal'
        ? classification
        : { ...classification, kind: 'appeal', answerable: false },
    stored: raw,
    notes: [...row.notes],
    extracted: safeExtract(parsed, []),
    minimal: false,
  };
}

// ------------------------------------------------------------------------------ errors

interface PgErrorInfo {
  code: string | null;
  constraint: string | null;
}

/** SQLSTATE and constraint of a database error, through drizzle's wrapping (`cause`), either driver. */
export function sqlState(error: unknown): PgErrorInfo {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as {
      code?: unknown;
      constraint?: unknown;
      constraint_name?: unknown;
      cause?: unknown;
    };
    if (typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) {
      const constraint = e.constraint_name ?? e.constraint;
      return { code: e.code, constraint: typeof constraint === 'string' ? constraint : null };
    }
    current = e.cause;
  }
  return { code: null, constraint: null };
}

const RACE_CODES = new Set(['40P01', '40001']);
const OUR_UNIQUES = new Set(['messages_raw_sha256', 'messages_imap_uid']);

/** Lost a race with another process: the retry's lookup will see the winner's commit. */
function isRace(error: unknown): boolean {
  const { code, constraint } = sqlState(error);
  if (code === '23505') return constraint === null || OUR_UNIQUES.has(constraint);
  return code !== null && RACE_CODES.has(code);
}

/** The database, not the message, failed: the source must not mark anything; try again later. */
function isOperational(error: unknown): boolean {
  const { code } = sqlState(error);
  if (code && /^(08|53|57|58|XX)/.test(code)) return true;
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const e = current as { code?: unknown; cause?: unknown };
    if (
      typeof e.code === 'string' &&
      /^(CONNECT|ECONN|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)/.test(e.code)
    ) {
      return true;
    }
    current = e.cause;
  }
  return error instanceof SenimError && error.kind === 'operational';
}

function operational(error: unknown): SenimError {
  if (error instanceof SenimError) return error;
  return new SenimError(
    'intake-db',
    'Could not record incoming mail in the database',
    'operational',
    {
      cause: coerceError(error),
    },
  );
}

async function withRaceRetry<T>(attempt: () => Promise<T>): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await attempt();
    } catch (error) {
      if (i >= RACE_RETRIES || !isRace(error)) throw error;
    }
  }
}

function outcomeLog(o: IntakeOutcome): Record<string, unknown> {
  return {
    outcome: o.kind,
    messageId: o.messageId,
    ...('entryNumber' in o ? { entryNumber: o.entryNumber } : {}),
    ...('reason' in o ? { reason: o.reason } : {}),
  };
}
