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
import { insertEntry, type Registered } from './journal.repository.js';
import { detectLanguage } from './language.js';
import { detectSite } from './sites.js';
import { triage } from './triage.js';

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

export async function registerAppeal(
  tx: Tx,
  deps: RegistrationDeps,
  input: AppealInput,
): Promise<RegisteredAppeal> {
  const text = input.fullText ?? input.content;
  const guess = input.language
    ? { language: input.language, mixed: input.mixedLanguage ?? false }
    : detectLanguage(text);
  const decision = triage(text, guess.language);
  const dueDate = deps.calendar.dueDate(input.receivedAt, deps.dueWorkingDays);
  const backlog = input.backlog ?? false;
  const registered = await insertEntry(
    tx,
    deps.vault,
    {
      receivedAt: input.receivedAt,
      channel: input.channel,
      anonymous: input.anonymous,
      appellant: input.appellant,
      answerAddress: input.answerAddress,
      content: input.content,
      language: guess.language,
      mixedLanguage: guess.mixed,
      scope: decision.scope,
      category: decision.category,
      evidence: decision.evidence,
      site: detectSite(text),
      dueDate,
      backlog,
    },
    deps.now?.() ?? new Date(),
  );
  return {
    ...registered,
    receivedAt: input.receivedAt,
    channel: input.channel,
    anonymous: input.anonymous,
    scope: decision.scope,
    category: decision.category,
    evidence: decision.evidence,
    language: guess.language,
    mixedLanguage: guess.mixed,
    dueDate,
    backlog,
  };
}
