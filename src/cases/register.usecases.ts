/**
 * Registering an appeal, phone or e-mail, in the one journal (rules 4.14, 4.17): triage (rules
 * 4.10), the site it concerns (rules 4.3), the due date (rules 4.11), then the chained entry.
 * Runs inside the caller's transaction so the message, the source record and the outgoing answer
 * commit with it or not at all.
 */
import type { Tx } from '../db/database.js';
import type { Vault } from '../db/vault.js';
import type { Appellant, Channel, Language, Scope } from './appeal.models.js';
import type { WorkingCalendar } from './calendar.js';
import {
  insertEntries,
  insertEntry,
  type NewEntry,
  type Registered,
} from './journal.repository.js';
import { decideAppeal, type AppealDecision } from './appeal-decision.js';

export interface AppealInput {
  receivedAt: Date;
  channel: Channel;
  anonymous: boolean;
  appellant: Appellant;
  answerAddress: string | null;
  content: string;
  /** text used for triage and site detection (may be longer than the brief content) */
  fullText?: string;
  language?: Language;
  mixedLanguage?: boolean;
  backlog?: boolean;
  /** decided before the transaction (intake prepares a backlog off the main thread) */
  decision?: AppealDecision;
}

export interface RegistrationDeps {
  vault: Vault;
  calendar: WorkingCalendar;
  dueWorkingDays: number;
  now?: () => Date;
}

export interface RegisteredAppeal extends Registered {
  receivedAt: Date;
  channel: Channel;
  anonymous: boolean;
  scope: Scope;
  category: string | null;
  evidence: string[];
  language: Language;
  mixedLanguage: boolean;
  dueDate: string;
  backlog: boolean;
}

function newEntryOf(deps: RegistrationDeps, input: AppealInput): NewEntry {
  const decision =
    input.decision ??
    decideAppeal(input.fullText ?? input.content, input.language, input.mixedLanguage);
  return {
    receivedAt: input.receivedAt,
    channel: input.channel,
    anonymous: input.anonymous,
    appellant: input.appellant,
    answerAddress: input.answerAddress,
    content: input.content,
    ...decision,
    dueDate: deps.calendar.dueDate(input.receivedAt, deps.dueWorkingDays),
    backlog: input.backlog ?? false,
  };
}

function registeredAppeal(entry: NewEntry, registered: Registered): RegisteredAppeal {
  return {
    ...registered,
    receivedAt: entry.receivedAt,
    channel: entry.channel,
    anonymous: entry.anonymous,
    scope: entry.scope,
    category: entry.category,
    evidence: entry.evidence,
    language: entry.language,
    mixedLanguage: entry.mixedLanguage,
    dueDate: entry.dueDate,
    backlog: entry.backlog,
  };
}

export async function registerAppeal(
  tx: Tx,
  deps: RegistrationDeps,
  input: AppealInput,
): Promise<RegisteredAppeal> {
  const entry = newEntryOf(deps, input);
  const registered = await insertEntry(tx, deps.vault, entry, deps.now?.() ?? new Date());
  return registeredAppeal(entry, registered);
}

/** Several appeals in one go, numbered in the order given (a backlog's group; rules 4.14). */
export async function registerAppeals(
  tx: Tx,
  deps: RegistrationDeps,
  inputs: readonly AppealInput[],
): Promise<RegisteredAppeal[]> {
  const list = inputs.map((input) => newEntryOf(deps, input));
  const registered = await insertEntries(tx, deps.vault, list, deps.now?.() ?? new Date());
  return list.map((entry, i) => registeredAppeal(entry, registered[i]!));
}
