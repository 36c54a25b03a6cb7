/**
 * What registration decides from an appeal's text alone: its language, triage (rules 4.10) and the
 * site it concerns (rules 4.3). Pure, and light on imports: the prepare worker runs it without
 * loading the journal's database code.
 */
import type { Language, Scope } from './appeal.models.js';
import { detectLanguage } from './language.js';
import { detectSite } from './sites.js';
import { triage } from './triage.js';

export interface AppealDecision {
  language: Language;
  mixedLanguage: boolean;
  scope: Scope;
  category: string | null;
  evidence: string[];
  site: string | null;
}

export function decideAppeal(text: string, language?: Language, mixed?: boolean): AppealDecision {
  const guess = language ? { language, mixed: mixed ?? false } : detectLanguage(text);
  const decision = triage(text, guess.language);
  return {
    language: guess.language,
    mixedLanguage: guess.mixed,
    scope: decision.scope,
    category: decision.category,
    evidence: decision.evidence,
    site: detectSite(text),
  };
}
