/**
 * Intake: from a raw message to a committed journal entry or record, exactly once (design: no
 * appeal is lost; exactly one entry per appeal). A message is parsed and classified, then the
 * message row, the entry (or the follow-up record) and the queued answer commit in one transaction.
 * "Already registered" is decided from our own records (messages.repository), never from server
 * flags; identical messages are serialised with transaction-scoped advisory locks, so two daemons,
 * an SMTP retry or a release racing a poll still end with one entry.
 */
import { EMPTY_APPELLANT, type Appellant, type Language } from '../cases/appeal.models.js';
import { createHash } from 'node:crypto';
import type { AnswerContext, AnswerPort, DeliveryReport } from '../cases/answer.port.js';
import type { AppealDecision } from '../cases/appeal-decision.js';
import type { WorkingCalendar } from '../cases/calendar.js';
import {
  answerAddressOf,
  findEntry,
  insertEvent,
  type EntryRow,
} from '../cases/journal.repository.js';
import {
  registerAppeal,
  registerAppeals,
  type AppealInput,
  type RegisteredAppeal,
} from '../cases/register.usecases.js';
import type { Config } from '../config.js';
import type { Database, Tx } from '../db/database.js';
import type { SealedStream, Vault } from '../db/vault.js';
import { coerceError, InputError, SenimError } from '../errors.js';
import type { Logger } from '../log.js';
import { classifyMail, replyAddressOf, type Classification } from './classify.js';
import type { ExtractedAppeal } from './extract.js';
import { findFollowUpNumber } from './followup.js';
import {
  COMMIT_GROUP_SIZE,
  type Intake,
  type IntakeOutcome,
  type RawMessage,
} from './intake.port.js';
import { NAMES_APPEAL_NOTE, type ParsedMail } from './mail.models.js';
import {
  entryOfIncoming,
  entryOfOutgoing,
  findKnown,
  findMessage,
  insertMessages,
  knownUids,
  lockHeld,
  lockIdentities,
  markReleased,
  matchKnown,
  sealedRaw,
  messageIdReused,
  type KnownMessage,
  type MessageIdentity,
  type MessageRow,
  type StoredParsed,
} from './messages.repository.js';
import { createPreparePool, PrepareFailed, type PreparePool } from './prepare.pool.js';
import type { PrepareConfig, PreparedMail } from './prepare.js';

/**
 * Parsing, extraction and triage run in the prepare worker: this thread loads them (mailparser,
 * the phone metadata, the triage model) only when it must prepare a message itself.
 */
const preparing = () => import('./prepare.js');

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
  /** worker threads that parse and extract a backlog (prepare.pool.ts); 0 or absent: none */
  workers?: number;
}

/** Groups parsed ahead of the one committing (memory: at most this many groups of parsed mail). */
const LOOKAHEAD_GROUPS = 2;
/** Attempts of one transaction that lost a race (unique violation, deadlock) before falling back. */
const RACE_RETRIES = 3;
const DAY_MS = 86_400_000;

/** Reason codes of follow-ups and notes: short, never content (they go to logs). */
export const INTAKE_REASON = {
  followUpReply: 'follow-up:in-reply-to',
  followUpSubject: 'follow-up:subject-number',
  followUpThread: 'follow-up:own-thread',
  senderDiffers: 'follow-up:sender-differs',
  messageIdReused: 'message-id-reused',
  fallback: 'intake-fallback',
  ownAnswerAddress: 'answer-address:own',
  badAnswerAddress: 'answer-address:invalid',
  /** a bounce that names none of our outgoing mail (bounce-of:outbox:ID when it does) */
  bounceOfUnknown: 'bounce-of:unknown',
} as const;

/** Note on a bounce naming the outgoing mail it reports on: bounce-of:outbox:17. */
export const BOUNCE_OF_OUTBOX_NOTE = 'bounce-of:outbox:';

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
  /** language, triage and site, decided before the transaction (appeals only) */
  decision: AppealDecision | null;
  /** a bounce's report on one of our mails, recorded against it in the transaction (bounces) */
  deliveryReport: DeliveryReport | null;
  /** set on the last-resort attempt: no extraction, a placeholder content */
  minimal: boolean;
}

export function createIntake(deps: IntakeDeps): Intake {
  const { database, log } = deps;
  const pool = deps.workers ? createPreparePool(prepareConfig(deps), deps.workers, log) : null;

  async function accept(message: RawMessage): Promise<IntakeOutcome> {
    const identity = rawIdentity(message);
    // Cheap check before parsing: a re-delivery or a second poll costs one query.
    const match = matchKnown(identity, await findKnown(database.db, [identity]));
    if (match) return duplicate(match.id, match.by);
    const prepared = await prepare(deps, pool, message);
    const [outcome] = await commitGroup([prepared]);
    return outcome!;
  }

  /** The commits of acceptMany calls, chained: each call's groups commit after the previous call's. */
  let commits: Promise<unknown> = Promise.resolve();

  /**
   * Preparing starts at once, up to LOOKAHEAD_GROUPS groups ahead of this call's commits, even
   * while an earlier call is still committing (the IMAP source hands over the next batch before
   * the previous one has committed); the commits keep the order of the calls, so entries are
   * numbered in the order the mail was handed over.
   */
  function acceptMany(list: RawMessage[]): Promise<IntakeOutcome[]> {
    const groups: RawMessage[][] = [];
    for (let i = 0; i < list.length; i += COMMIT_GROUP_SIZE)
      groups.push(list.slice(i, i + COMMIT_GROUP_SIZE));
    // duplicates (also within the batch) are found inside each group's transaction
    const prepareAll = (group: RawMessage[]) =>
      Promise.all(group.map((m) => prepare(deps, pool, m)));
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
    const commitAll = async () => {
      const outcomes: IntakeOutcome[] = [];
      while (ahead.length > 0) {
        const prepared = await ahead.shift()!;
        fill();
        outcomes.push(...(await commitGroup(prepared)));
      }
      return outcomes;
    };
    const done = commits.then(commitAll, commitAll);
    commits = done.catch(() => {});
    return done;
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

  /**
   * The group's new appeals are registered together at the end (one head update, multi-row
   * inserts), and its automatic mail is stored in the same insert (storeGroup); follow-ups are
   * committed as they come. A copy of a message earlier in the same group is a duplicate of it.
   */
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
        const outcomes: IntakeOutcome[] = new Array<IntakeOutcome>(group.length);
        const pending: number[] = [];
        const recorded: number[] = [];
        const copies: { index: number; of: number; by: string }[] = [];
        for (const [index, item] of group.entries()) {
          const match = matchKnown(item.identity, known);
          if (match) {
            // a negative id stands for an appeal of this group not yet inserted
            if (match.id < 0) copies.push({ index, of: -match.id - 1, by: match.by });
            else outcomes[index] = duplicate(match.id, match.by);
            continue;
          }
          if (messageIdReused(item.identity, known)) {
            item.notes.push(INTAKE_REASON.messageIdReused);
            log.info(
              { reason: INTAKE_REASON.messageIdReused },
              'same Message-ID, other text: a new message',
            );
          }
          let id = -(index + 1);
          if (item.classification.kind === 'appeal') {
            const followUp = item.minimal ? null : await findFollowUp(tx, deps, item);
            if (followUp) {
              const outcome = await attachFollowUp(tx, deps, item, followUp.entry, followUp.reason);
              outcomes[index] = outcome;
              id = outcome.messageId;
            } else {
              pending.push(index);
            }
          } else {
            recorded.push(index);
          }
          known.push({
            id,
            rawSha256: item.identity.rawSha256,
            mailbox: item.identity.imap?.mailbox ?? null,
            uidValidity: item.identity.imap?.uidValidity ?? null,
            uid: item.identity.imap?.uid ?? null,
            messageId: item.identity.messageId,
            textSha256: item.identity.textSha256,
          });
        }
        const stored = await storeGroup(
          tx,
          deps,
          pending.map((index) => group[index]!),
          recorded.map((index) => group[index]!),
        );
        [...pending, ...recorded].forEach((index, k) => (outcomes[index] = stored[k]!));
        for (const copy of copies) {
          outcomes[copy.index] = duplicate(outcomes[copy.of]!.messageId, copy.by);
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
  return {
    rawSha256: createHash('sha256').update(message.raw).digest('hex'),
    imap: imapOf(message),
    messageId: null,
    textSha256: null,
  };
}

function imapOf(message: RawMessage): MessageIdentity['imap'] {
  const { origin } = message;
  return origin.source === 'imap'
    ? { mailbox: origin.mailbox, uidValidity: origin.uidValidity, uid: origin.uid }
    : null;
}

/** The lock that serialises copies of one message: copies share their Message-ID or bytes. */
function lockKey(identity: MessageIdentity): string {
  return identity.messageId ? `mid:${identity.messageId}` : `sha:${identity.rawSha256}`;
}

async function prepare(
  deps: IntakeDeps,
  pool: PreparePool | null,
  given: RawMessage,
): Promise<Prepared> {
  // CPU work outside the transaction, on another core when there is a pool: it overlaps the
  // fetching and the commit of other groups (acceptMany)
  const { prepared: mail, raw } = pool
    ? await pool.prepare(given.raw).catch((error: unknown) => {
        // a worker that stopped with the message moved into it: the source fetches it again
        if (error instanceof SenimError && error.kind === 'operational') throw error;
        return prepareHere(deps, error instanceof PrepareFailed ? error.raw : given.raw);
      })
    : await prepareHere(deps, given.raw);
  // the raw may have travelled to the worker and back: the bytes returned are the message's
  const message: RawMessage = { ...given, raw };
  const { parsed } = mail;
  return {
    message,
    identity: {
      rawSha256: mail.rawSha256,
      imap: imapOf(message),
      // keyed hashes: equality lookups without the Message-ID or the text in clear
      messageId: parsed.messageId ? deps.vault.blindIndex(`message-id:${parsed.messageId}`) : null,
      textSha256: deps.vault.blindIndex(`text:${mail.textDigest}`),
    },
    parsed,
    classification: mail.classification,
    stored: mail.reduced ?? raw,
    notes: mail.notes,
    extracted: mail.extracted,
    decision: mail.decision,
    deliveryReport: mail.deliveryReport,
    minimal: false,
  };
}

async function prepareHere(
  deps: IntakeDeps,
  raw: Buffer,
): Promise<{ prepared: PreparedMail; raw: Buffer }> {
  const { prepareMail } = await preparing();
  return { prepared: await prepareMail(raw, prepareConfig(deps)), raw };
}

function prepareConfig(deps: IntakeDeps): PrepareConfig {
  return {
    maxMessageBytes: deps.config.maxMessageBytes,
    ownAddresses: [deps.config.from],
    spamHeaders: deps.config.spamHeaders,
    dmarcFailBlocks: deps.config.dmarcFailBlocks,
  };
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

/** A held message being released: registered now, with the Ombudsman's say-so (not automatic). */
interface Release {
  rowId: number;
}

interface AppealPlan {
  input: AppealInput;
  backlog: boolean;
  answerAddress: string | null;
}

/** What the journal gets from a letter: extracted columns, or its headers when unreadable. */
function appealPlan(deps: IntakeDeps, item: Prepared): AppealPlan {
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
  const fullText = [parsed.subject, parsed.text].filter(Boolean).join('\n');
  return {
    backlog,
    answerAddress,
    input: {
      receivedAt: message.receivedAt, // rules 4.14 b: the server's receipt time, not the Date header
      channel: 'email',
      anonymous,
      appellant,
      answerAddress: anonymous ? answerAddress : null,
      content: extracted?.content ?? contentFromHeaders(parsed),
      fullText,
      ...(language ? { language, mixedLanguage: extracted?.mixed ?? false } : {}),
      ...(item.decision && !item.minimal ? { decision: item.decision } : {}),
      backlog,
    },
  };
}

function registrationDeps(deps: IntakeDeps) {
  return {
    vault: deps.vault,
    calendar: deps.calendar,
    dueWorkingDays: deps.config.dueWorkingDays,
    now: deps.now,
  };
}

/** The acknowledgement (or redirect advice) queued with the entry, unless it must not be sent. */
async function answerIfDue(
  tx: Tx,
  deps: IntakeDeps,
  item: Prepared,
  plan: AppealPlan,
  appeal: RegisteredAppeal,
  automatic: boolean,
): Promise<void> {
  const to = answerableAddress(deps, item, plan.answerAddress);
  if (!deps.answers || plan.backlog) return;
  if (!item.classification.answerable || !to) {
    // no mail can reach the appellant: the Ombudsman's digest says so (answer by phone or post)
    const reason = !to ? 'no-address' : 'not-answerable';
    await insertEvent(
      tx,
      appeal.number,
      'answer-suppressed',
      { kind: 'acknowledgement', reason },
      deps.now(),
    );
    return;
  }
  const { parsed } = item;
  const context: AnswerContext = {
    to,
    inReplyTo: safeMessageId(parsed.messageId),
    references: [...parsed.references, parsed.messageId ?? '']
      .map(safeMessageId)
      .filter((id): id is string => id !== null)
      .slice(-20),
    automatic,
  };
  await deps.answers.afterRegistration(tx, appeal, context);
}

/**
 * The new mail of a group, in one go: the appeals' entries numbered in order (registerAppeals),
 * every message sealed and inserted together (one key insert, one message insert), then each
 * answer queued. rules 4.10 / design: automatic mail is kept with its reason, never journaled nor
 * answered; spam-flagged mail waits for the Ombudsman (senim held release).
 * Outcomes: the appeals', then the automatic mail's, each in the order given.
 */
async function storeGroup(
  tx: Tx,
  deps: IntakeDeps,
  items: Prepared[],
  automatic: Prepared[],
): Promise<IntakeOutcome[]> {
  if (items.length === 0 && automatic.length === 0) return [];
  const plans = items.map((item) => appealPlan(deps, item));
  const appeals =
    items.length === 0
      ? []
      : await registerAppeals(
          tx,
          registrationDeps(deps),
          plans.map((p) => p.input),
        );
  for (const item of automatic) await recordDeliveryReport(tx, deps, item);
  // a named appellant's messages share the entry's data key: shredding the entry shreds them
  const shared = appeals.map((a) => (!a.anonymous ? a.keyId : null));
  const fresh = await deps.vault.newKeys(
    tx,
    shared.filter((keyId) => keyId === null).length + automatic.length,
  );
  const rows = [];
  for (const [i, item] of items.entries()) {
    const keyId = shared[i] ?? fresh.shift()!;
    rows.push({
      ...messageColumns(item, await sealMessage(tx, deps.vault, keyId, item)),
      entryNumber: appeals[i]!.number,
      kind: 'appeal',
      reason: item.classification.reason,
      status: 'registered',
    });
  }
  for (const item of automatic) {
    const { kind, reason } = item.classification;
    rows.push({
      ...messageColumns(item, await sealMessage(tx, deps.vault, fresh.shift()!, item)),
      entryNumber: null,
      kind,
      reason,
      status: kind === 'spam' ? 'held' : 'recorded',
    });
  }
  const ids = await insertMessages(tx, rows);
  const outcomes: IntakeOutcome[] = [];
  for (const [i, item] of items.entries()) {
    await answerIfDue(tx, deps, item, plans[i]!, appeals[i]!, true);
    outcomes.push({ kind: 'registered', entryNumber: appeals[i]!.number, messageId: ids[i]! });
  }
  for (const [k, item] of automatic.entries()) {
    const { kind, reason } = item.classification;
    const messageId = ids[items.length + k]!;
    outcomes.push(
      kind === 'spam'
        ? { kind: 'held', reason, messageId }
        : { kind: 'recorded', reason, messageId },
    );
  }
  return outcomes;
}

/**
 * A bounce on our mail: notify records a failure on the outbox row and the appeal's history (a
 * delay changes nothing). The bounce itself stays automatic mail, noted with the mail it names.
 */
async function recordDeliveryReport(tx: Tx, deps: IntakeDeps, item: Prepared): Promise<void> {
  const report = item.deliveryReport;
  if (!report || !deps.answers) return;
  const outcome = await deps.answers.afterDeliveryReport(tx, report);
  item.notes.push(
    outcome.outboxId === null
      ? INTAKE_REASON.bounceOfUnknown
      : `${BOUNCE_OF_OUTBOX_NOTE}${outcome.outboxId}`,
  );
}

/** One appeal: a held message released by the Ombudsman. */
async function registerFromMail(
  tx: Tx,
  deps: IntakeDeps,
  item: Prepared,
  release: Release,
): Promise<IntakeOutcome & { kind: 'registered' }> {
  const plan = appealPlan(deps, item);
  const appeal = await registerAppeal(tx, registrationDeps(deps), plan.input);
  await markReleased(tx, release.rowId, appeal.number);
  await answerIfDue(tx, deps, item, plan, appeal, false);
  return { kind: 'registered', entryNumber: appeal.number, messageId: release.rowId };
}

async function attachFollowUp(
  tx: Tx,
  deps: IntakeDeps,
  item: Prepared,
  entry: EntryRow,
  reason: string,
): Promise<IntakeOutcome> {
  if (!(await sameSender(tx, deps, item, entry))) {
    // a reply to our answer, from another address: attached, but the Ombudsman should know
    item.notes.push(INTAKE_REASON.senderDiffers);
  }
  const keyId = !entry.anonymous ? entry.keyId : null;
  const sealed = await sealMessage(tx, deps.vault, keyId, item);
  const [id] = await insertMessages(tx, [
    {
      ...messageColumns(item, sealed),
      entryNumber: entry.number,
      kind: 'follow-up',
      reason,
      status: 'attached',
    },
  ]);
  await insertEvent(tx, entry.number, 'follow-up', { messageId: id!, reason }, deps.now());
  return { kind: 'attached', entryNumber: entry.number, messageId: id! };
}

/** Does the mail come from the address the entry is answered at? */
async function sameSender(
  tx: Tx,
  deps: IntakeDeps,
  item: Prepared,
  entry: EntryRow,
): Promise<boolean> {
  const sender = replyAddressOf(item.parsed)?.address ?? item.parsed.from?.address ?? null;
  const original = await answerAddressOf(tx, deps.vault, entry).catch(() => null);
  return !!sender && !!original && sender.trim().toLowerCase() === original.trim().toLowerCase();
}

/**
 * A follow-up answers our acknowledgement (In-Reply-To/References), or names its number and comes
 * from the appeal's own address. Mail from anybody else that names a number is an appeal of its
 * own (its subject may say «Обращение № 3» of a complaint that is not appeal 3's): registered,
 * with a note naming the number, so that nothing anyone writes is folded unseen into another
 * person's case.
 */
async function findFollowUp(
  tx: Tx,
  deps: IntakeDeps,
  item: Prepared,
): Promise<{ entry: EntryRow; reason: string } | null> {
  const { parsed } = item;
  const referenced = [parsed.inReplyTo, ...parsed.references].filter(
    (id): id is string => id !== null && id.length > 0 && id.length < 1000,
  );
  const byReply = await entryOfOutgoing(tx, referenced);
  if (byReply !== null) {
    const entry = await findEntry(tx, byReply);
    if (entry) return { entry, reason: INTAKE_REASON.followUpReply };
  }
  // a reply in the writer's own thread («Re:» to the letter they sent us), from the same address
  const byThread = await entryOfIncoming(
    tx,
    referenced.map((id) => deps.vault.blindIndex(`message-id:${id}`)),
  );
  if (byThread !== null) {
    const entry = await findEntry(tx, byThread);
    if (entry && (await sameSender(tx, deps, item, entry))) {
      return { entry, reason: INTAKE_REASON.followUpThread };
    }
  }
  const number = findFollowUpNumber(parsed.subject, parsed.text);
  if (number !== null && number <= 2_147_483_647) {
    // a number that names no entry is not a follow-up: the mail is a new appeal
    const entry = await findEntry(tx, number);
    if (entry && (await sameSender(tx, deps, item, entry))) {
      return { entry, reason: INTAKE_REASON.followUpSubject };
    }
    if (entry) item.notes.push(`${NAMES_APPEAL_NOTE}${entry.number}`);
  }
  return null;
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
  /** encrypted as it is written (insertMessages): never held whole as ciphertext */
  raw: SealedStream;
  parsed: Buffer;
}

/** Seals a message under the given data key, or a fresh one of its own. */
async function sealMessage(
  tx: Tx,
  vault: Vault,
  keyId: number | null,
  item: Prepared,
): Promise<SealedMessage> {
  const id = keyId ?? (await vault.newKeys(tx, 1))[0]!;
  return {
    keyId: id,
    raw: await vault.sealStreamWith(tx, id, item.stored),
    parsed: await vault.sealWith(tx, id, JSON.stringify(storedParsed(item.parsed))),
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
  const sealed = await sealedRaw(tx, row);
  if (!sealed || row.keyId === null) {
    throw new SenimError('message-shredded', `Message ${row.id} has no readable original any more`);
  }
  const raw = await deps.vault.open(tx, row.keyId, sealed);
  const [{ extractAndDecide }, { parseMail }] = await Promise.all([
    preparing(),
    import('./parse.js'),
  ]);
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
    ...extractAndDecide(parsed, []),
    deliveryReport: null,
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
