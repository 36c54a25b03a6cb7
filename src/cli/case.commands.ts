/**
 * The Ombudsman's decisions on an appeal (contract: Commands): `senim triage N --in|--out CATEGORY`
 * (rules 4.10), `senim case extend N --until DATE --reason TEXT` (rules 4.11, APPC art. 76) and
 * `senim case close N --outcome TEXT`. Each is a record of its own on the entry (design: the present
 * state is derived), written with the answer it causes in one transaction. Bad input changes nothing
 * and exits 2.
 */
import type { Command } from 'commander';
import { sql } from 'drizzle-orm';
import { caseState, type CaseState } from '../cases/case-state.js';
import { isIsoDate, type WorkingCalendar } from '../cases/calendar.js';
import { eventsOf, findEntry, insertEvent, type EntryRow } from '../cases/journal.repository.js';
import { IN_CATEGORIES, OUT_CATEGORIES, isInCategory, isOutCategory } from '../cases/triage.js';
import type { Database, Tx } from '../db/database.js';
import { InputError } from '../errors.js';
import type { AnswerOutcome, Answers } from '../notify/answers.js';
import { answersFor } from '../wiring.js';
import type { App } from '../app.js';
import { caseCommand } from './case-view.commands.js';
import { deliverNow, withApp } from './context.js';
import { info, out, parseNumber } from './io.js';

export interface CaseDeps {
  database: Pick<Database, 'db'>;
  calendar: WorkingCalendar;
  answers: Answers;
  now: () => Date;
}

const MAX_TEXT = 2000;

/** The Ombudsman's free text for a record: one trimmed, bounded paragraph of printable text. */
function recordText(flag: string, value: string | undefined): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is dropped
  const text = (value ?? '').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '').trim();
  if (!text) throw new InputError('missing-text', `${flag} is required and must not be empty`);
  if (text.length > MAX_TEXT) {
    throw new InputError('text-too-long', `${flag}: at most ${MAX_TEXT} characters`);
  }
  return text;
}

/**
 * The entry and its present state, with the case locked for this transaction: two decisions on one
 * appeal (two terminals, two closes) are taken one after the other, each seeing the other's record.
 */
async function lockedCase(tx: Tx, number: number): Promise<{ entry: EntryRow; state: CaseState }> {
  await tx.execute(
    sql`select pg_advisory_xact_lock(hashtextextended(${`senim:case:${number}`}, 0))`,
  );
  const entry = await findEntry(tx, number);
  if (!entry) throw new InputError('unknown-number', `No appeal No. ${number} in the journal`);
  return { entry, state: caseState(entry, await eventsOf(tx, number)) };
}

function refuseClosed(number: number, state: CaseState): void {
  if (state.status === 'closed') {
    throw new InputError('case-closed', `Appeal No. ${number} is closed: no further decisions`);
  }
}

export interface TriageInput {
  number: number;
  scope: 'in' | 'out';
  category: string;
}

export interface TriageOutcome {
  /** false when the appeal already had this scope and category: nothing recorded, nothing sent */
  changed: boolean;
  answer: AnswerOutcome | null;
}

/** A calendar date YYYY-MM-DD that exists (2026-02-30 does not). */
function untilDate(value: string): string {
  const v = value.trim();
  if (!isIsoDate(v)) {
    throw new InputError(
      'bad-date',
      `--until: expected a date YYYY-MM-DD, got "${v.slice(0, 30)}"`,
    );
  }
  return v;
}

/** Validates a triage decision's category against the scope (rules 4.10). */
export function triageCategory(scope: 'in' | 'out', category: string): string {
  const c = category.trim();
  const ok = scope === 'in' ? isInCategory(c) : isOutCategory(c);
  if (!ok) {
    const known = (scope === 'in' ? IN_CATEGORIES : OUT_CATEGORIES).join(', ');
    throw new InputError(
      'unknown-category',
      `--${scope}: unknown category "${c.slice(0, 40)}"; expected one of: ${known}`,
    );
  }
  return c;
}

/** rules 4.10: the Ombudsman's scope decision; an out decision sends the redirect advice. */
export async function triageAppeal(deps: CaseDeps, input: TriageInput): Promise<TriageOutcome> {
  const category = triageCategory(input.scope, input.category);
  return deps.database.db.transaction(async (tx) => {
    const { entry, state } = await lockedCase(tx, input.number);
    refuseClosed(input.number, state);
    if (state.scope === input.scope && state.category === category) {
      return { changed: false, answer: null };
    }
    const seq = await insertEvent(
      tx,
      input.number,
      'triage',
      { scope: input.scope, category, by: 'ombudsman' },
      deps.now(),
    );
    const answer = await deps.answers.afterTriage(tx, entry, {
      scope: input.scope,
      category,
      seq,
    });
    return { changed: true, answer };
  });
}

export interface ExtendInput {
  number: number;
  until: string;
  reason: string;
}

/**
 * rules 4.11, APPC art. 76: a later due date, after the current one and at most two months from
 * receipt; the appellant is told in their language (not rate limited: the Ombudsman's own act).
 */
export async function extendCase(
  deps: CaseDeps,
  input: ExtendInput,
): Promise<{ until: string; answer: AnswerOutcome }> {
  const until = untilDate(input.until);
  const reason = recordText('--reason', input.reason);
  return deps.database.db.transaction(async (tx) => {
    const { entry, state } = await lockedCase(tx, input.number);
    refuseClosed(input.number, state);
    if (until <= state.dueDate) {
      throw new InputError(
        'extension-not-later',
        `--until: must be after the current due date ${state.dueDate}`,
      );
    }
    const limit = deps.calendar.maxExtensionDate(entry.receivedAt);
    if (until > limit) {
      throw new InputError(
        'extension-too-long',
        `--until: at most ${limit}, two months from receipt (APPC art. 76, rules 4.11)`,
      );
    }
    await insertEvent(tx, input.number, 'extension', { until, reason }, deps.now());
    return { until, answer: await deps.answers.extensionNotice(tx, entry, { until, reason }) };
  });
}

/** Closes a case with its outcome; a closed case cannot be closed again. */
export async function closeCase(
  deps: Pick<CaseDeps, 'database' | 'now'>,
  input: { number: number; outcome: string },
): Promise<void> {
  const outcome = recordText('--outcome', input.outcome);
  await deps.database.db.transaction(async (tx) => {
    const { state } = await lockedCase(tx, input.number);
    if (state.status === 'closed') {
      throw new InputError('already-closed', `Appeal No. ${input.number} is already closed`);
    }
    await insertEvent(tx, input.number, 'closure', { outcome }, deps.now());
  });
}

/** What happened to the mail, in words without personal data. */
export function describeAnswer(answer: AnswerOutcome | null): string {
  if (!answer) return 'no mail';
  if (answer.queued) {
    return answer.duplicate
      ? `already queued before (outbox ${answer.outboxId})`
      : `queued (outbox ${answer.outboxId})`;
  }
  if (answer.reason === 'no-address') {
    return 'not sent: no e-mail address to answer; tell the appellant by phone or post';
  }
  return `not sent (${answer.reason})`;
}

/** The decision has committed; its mail, if one was queued, is tried once now. */
async function tryDelivery(app: App, answer: AnswerOutcome | null): Promise<void> {
  if (!answer?.queued || answer.duplicate) return;
  await deliverNow(app);
}

/** `senim triage` on the program; `extend` and `close` on the shared `case` command. */
export function caseCommands(program: Command): void {
  program
    .command('triage')
    .description(
      'the Ombudsman’s decision on an appeal: in remit, or out with redirect advice (rules 4.10)',
    )
    .argument('<number>', 'registration number')
    .option('--in <category>', `in remit: ${IN_CATEGORIES.join(', ')}`)
    .option('--out <category>', `out of remit, advice sent: ${OUT_CATEGORIES.join(', ')}`)
    .action(async (number: string, flags: { in?: string; out?: string }) => {
      const n = parseNumber(number);
      if ((flags.in === undefined) === (flags.out === undefined)) {
        throw new InputError('triage-flags', 'give exactly one of --in CATEGORY or --out CATEGORY');
      }
      const scope = flags.in !== undefined ? 'in' : 'out';
      const category = triageCategory(scope, (flags.in ?? flags.out)!);
      await withApp(async (app) => {
        const result = await triageAppeal(caseDeps(app), { number: n, scope, category });
        if (!result.changed) {
          info(`Appeal No. ${n} is already ${scope} (${category}): nothing changed.`);
        } else {
          const mail = scope === 'out' ? 'redirect advice' : 'acknowledgement';
          info(
            `Appeal No. ${n}: ${scope} (${category}); ${mail} ${describeAnswer(result.answer)}.`,
          );
          await tryDelivery(app, result.answer);
        }
        out(String(n));
      });
    });

  const kase = caseCommand(program);

  kase
    .command('extend')
    .description('extends the due date (at most two months from receipt) and tells the appellant')
    .argument('<number>', 'registration number')
    .requiredOption('--until <date>', 'the new due date, YYYY-MM-DD')
    .requiredOption('--reason <text>', 'why more time is needed (sent to the appellant)')
    .action(async (number: string, flags: { until: string; reason: string }) => {
      const n = parseNumber(number);
      const until = untilDate(flags.until);
      recordText('--reason', flags.reason);
      await withApp(async (app) => {
        const result = await extendCase(caseDeps(app), { number: n, until, reason: flags.reason });
        info(
          `Appeal No. ${n}: due date extended to ${result.until}; notice ${describeAnswer(result.answer)}.`,
        );
        await tryDelivery(app, result.answer);
        out(String(n));
      });
    });

  kase
    .command('close')
    .description('closes the case with its outcome')
    .argument('<number>', 'registration number')
    .requiredOption('--outcome <text>', 'what was found and done')
    .action(async (number: string, flags: { outcome: string }) => {
      const n = parseNumber(number);
      recordText('--outcome', flags.outcome);
      await withApp(async (app) => {
        await closeCase(
          { database: app.database, now: app.now },
          { number: n, outcome: flags.outcome },
        );
        info(`Appeal No. ${n} closed.`);
        out(String(n));
      });
    });
}

/** What the case-changing use cases need from the app. */
function caseDeps(app: App) {
  return {
    database: app.database,
    calendar: app.calendar,
    answers: answersFor(app),
    now: app.now,
  };
}
