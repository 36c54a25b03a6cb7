/**
 * Triage of an appeal (rules 4.10): in scope (a case for the Ombudsman), out of scope (advise where
 * to turn), or pending (the Ombudsman decides). Pure and fast: the keyword data in triage.rules.ts is
 * compiled once, at module load; at each word start only the patterns that can begin with its first
 * letters are tried, and every pattern that occurs is found (none hides another).
 *
 * Topics alone do not generalise to mail nobody tuned on, so the rules also carry structure cues
 * (who: an employee, the writer's own workplace; what: money taken, a wrong act, a protected trait, a
 * relative hired) whose combinations recognise "an employee did something wrong" in plain words.
 *
 * What the rules leave pending, a Naive Bayes classifier trained on config/triage-training (see
 * triage.model.ts) may decide: `in` when it is fairly sure, `out` only when it is very sure, an
 * out-of-scope keyword fired and no in-scope cue did. Its decisions say so in the evidence.
 *
 * The hard rule: an appeal that might be in scope is never decided `out`. Any in-scope signal, even a
 * weak one, blocks `out`; `out` needs out-of-scope signals and no in-scope signal at all.
 */
import type { Language, Scope } from './appeal.models.js';
import { foldText } from './triage.fold.js';
import { consult, shippedTriageModel, type TriageModel } from './triage.model.js';
import {
  CATEGORY_LABELS,
  COMBINATIONS,
  IN_CATEGORIES,
  IN_CUES,
  IN_RULES,
  MASKS,
  NOTE_CUES,
  NOTE_RULES,
  OUT_CATEGORIES,
  OUT_RULES,
  type Category,
  type Cue,
  type InCategory,
  type KeywordRule,
  type NoteCue,
  type OutCategory,
} from './triage.rules.js';

export { CATEGORY_LABELS, IN_CATEGORIES, OUT_CATEGORIES, foldText };
export type { Category, InCategory, OutCategory };

export interface TriageResult {
  scope: Scope;
  /** the decided scope's category; null when pending */
  category: Category | null;
  /** what fired, e.g. `ru:взятк → corruption`, `actor + wrong → conduct_other` */
  evidence: string[];
}

/** At or above this in-scope score the appeal is a case; above zero and below, pending. */
const IN_THRESHOLD = 2;
/**
 * At or above this score in one out-of-scope category, with no in-scope signal, the appeal is
 * redirected: the advice names one body, so weak signals of different topics do not add up to it.
 */
const OUT_THRESHOLD = 2;

export function isInCategory(category: string): category is InCategory {
  return (IN_CATEGORIES as readonly string[]).includes(category);
}

export function isOutCategory(category: string): category is OutCategory {
  return (OUT_CATEGORIES as readonly string[]).includes(category);
}

export function categoryLabel(category: Category, language: Language): string {
  return CATEGORY_LABELS[category][language];
}

// Letters of the folded text, as explicit ranges: regular expressions with the `u` flag and \p{L}
// are an order of magnitude slower here (about 1 µs a test against 0.1 µs).
const LETTER = 'a-z\\u00c0-\\u024f\\u0400-\\u04ff';
const WORD = `0-9${LETTER}`;
const GAP = `(?:[^${WORD}]+[${WORD}]+){0,2}?[^${WORD}]+`;
const TIGHT = `[^${WORD}]+`;

/** A UTF-16 code unit of WORD (the same ranges, for loops over the text). */
function isWordCode(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x30 && code <= 0x39) ||
    (code >= 0x400 && code <= 0x4ff) ||
    (code >= 0xc0 && code <= 0x24f)
  );
}
const TOKEN_SYNTAX: Readonly<Record<string, string>> = {
  '*': `[${LETTER}]*`,
  $: `(?![${WORD}])`,
  ' ': GAP,
  _: TIGHT,
};

function patternSource(pattern: string): string {
  return foldText(pattern)
    .replace(/\((?!\?)/g, '(?:')
    .replace(/[*$ _]/g, (ch) => TOKEN_SYNTAX[ch] ?? ch);
}

interface CompiledPattern {
  cue: Cue;
  weight: number;
  kkOnly: boolean;
  evidence: string;
  /** sticky: tried at one word start at a time; global: a pattern of unknown start */
  regex: RegExp;
}

/** A trie of the letters patterns must start with, by character code. */
interface PrefixNode {
  /** the patterns whose first PREFIX (or fewer) fixed letters end here */
  patterns: PrefixedPattern[];
  next: Map<number, PrefixNode>;
}

interface PrefixedPattern {
  pattern: CompiledPattern;
  /** all its fixed first letters (up to LITERAL): a cheap test before the regex */
  literal: string;
}

interface CompiledSide {
  /**
   * Patterns by the letters they must start with (one to PREFIX letters): at a word start only the
   * patterns filed under its first one, two and three letters are tried.
   */
  byPrefix: PrefixNode;
  /**
   * Patterns whose first letter literalPrefixes does not fix (an optional group, a quote, a digit):
   * tried after the word starts, in this order (so their evidence comes last, as it always has)
   */
  anywhere: CompiledPattern[];
  /**
   * The anywhere patterns whose start is known after all (anywhereStarts), by it: each is tried
   * only at the word starts where it may match
   */
  anywhereByPrefix: PrefixNode;
}

const PREFIX = 3;
const LITERAL = 12;
const IS_LETTER = new RegExp(`[${WORD}]`);

/** The letters a folded pattern must start with (up to LITERAL), one string per alternative. */
function literalPrefixes(pattern: string): string[] | null {
  if (pattern.startsWith('(')) {
    let depth = 0;
    let from = 1;
    const alternatives: string[] = [];
    for (let i = 0; i < pattern.length; i++) {
      const ch = pattern[i];
      if (ch === '(') depth++;
      else if (ch === ')') depth--;
      if ((ch === '|' && depth === 1) || (ch === ')' && depth === 0)) {
        alternatives.push(pattern.slice(from, i));
        from = i + 1;
      }
      if (depth === 0) {
        if (pattern[i + 1] === '?' || pattern[i + 1] === '*') return null;
        break;
      }
    }
    const prefixes = alternatives.map(literalPrefixes);
    return prefixes.every((p) => p !== null) ? prefixes.flat() : null;
  }
  let prefix = '';
  for (const ch of pattern) {
    if (prefix.length === LITERAL || !IS_LETTER.test(ch)) break;
    prefix += ch;
  }
  // a letter made optional by `?` or repeatable by `*` is not a fixed one
  const next = pattern[prefix.length];
  if (next === '?' || next === '*') prefix = prefix.slice(0, -1);
  return prefix === '' ? null : [prefix];
}

function compile(rules: readonly KeywordRule[]): CompiledSide {
  const side: CompiledSide = {
    byPrefix: prefixNode(),
    anywhere: [],
    anywhereByPrefix: prefixNode(),
  };
  const seen = new Set<string>();
  for (const rule of rules) {
    for (const pattern of rule.patterns) {
      // the same word in two languages' lists (ru/kk «директор») counts once
      const key = `${rule.cue} ${foldText(pattern)}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const literals = literalPrefixes(foldText(pattern));
      const starts = literals === null ? anywhereStarts(foldText(pattern)) : null;
      let regex: RegExp;
      try {
        const flags = literals || starts ? 'y' : 'g';
        regex = new RegExp(`(?<![${WORD}])(?:${patternSource(pattern)})`, flags);
      } catch (cause) {
        throw new Error(`triage rule "${pattern}" (${rule.cue}) is not a valid pattern`, { cause });
      }
      const hint = rule.weight === 0 && isCategoryCue(rule.cue) ? ' (hint)' : '';
      const compiled: CompiledPattern = {
        cue: rule.cue,
        weight: rule.weight,
        kkOnly: rule.kkOnly === true,
        evidence: `${rule.lang}:${pattern} → ${rule.cue}${hint}`,
        regex,
      };
      if (literals === null) side.anywhere.push(compiled);
      file(literals === null ? side.anywhereByPrefix : side.byPrefix, compiled, literals ?? starts);
    }
  }
  return side;
}

/** Files a pattern once under each distinct prefix, with what its literals there have in common. */
function file(
  root: PrefixNode,
  pattern: CompiledPattern,
  literals: readonly string[] | null,
): void {
  const byPrefix = new Map<string, string>();
  for (const literal of literals ?? []) {
    const prefix = literal.slice(0, PREFIX);
    byPrefix.set(prefix, commonStart(byPrefix.get(prefix) ?? literal, literal));
  }
  for (const [prefix, literal] of byPrefix) {
    let node = root;
    for (let i = 0; i < prefix.length; i++) {
      const code = prefix.charCodeAt(i);
      const next = node.next.get(code) ?? prefixNode();
      node.next.set(code, next);
      node = next;
    }
    node.patterns.push({ pattern, literal });
  }
}

const DIGITS = [...'0123456789'];

/**
 * What a pattern of unknown start (literalPrefixes: null) must start with after all, or null:
 * a digit, or a group followed by letters (`(a|b)*`: the group is not optional).
 */
function anywhereStarts(pattern: string): string[] | null {
  if (pattern.startsWith('\\d')) return DIGITS;
  const group = /^\(([^()]*)\)\*/.exec(pattern);
  if (group === null) return null;
  const alternatives = group[1]!.split('|').map(literalPrefixes);
  return alternatives.every((p) => p !== null) ? alternatives.flat() : null;
}

function commonStart(a: string, b: string): string {
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return a.slice(0, i);
}

function prefixNode(): PrefixNode {
  return { patterns: [], next: new Map() };
}

function isCategoryCue(cue: Cue): cue is Category {
  return isInCategory(cue) || isOutCategory(cue);
}

// Compiled once (the benchmark triages 10,000 messages). In-scope signals are searched on their own,
// so no out-of-scope match can ever hide one.
const IN_COMPILED = compile(IN_RULES);
// The notes (neither side) are found in the out-of-scope side's walk of the text: a third walk
// cost a tenth of a letter's triage.
const OUT_AND_NOTES_COMPILED = compile([...OUT_RULES, ...NOTE_RULES]);
const NOTE_CUE_SET: ReadonlySet<Cue> = new Set<Cue>(NOTE_CUES);

interface CompiledMask {
  evidence: string;
  regex: RegExp;
  /** the mask can only match where one of these occurs (its first letters, or its opening quote) */
  guards: readonly string[] | null;
}

/** What a mask must start with: its fixed first letters, or the characters of a leading `[…]`. */
function maskGuards(folded: string): string[] | null {
  const literals = literalPrefixes(folded);
  if (literals !== null) return literals;
  const leading = /^\[([^\]^\\]+)\]/.exec(folded);
  return leading === null ? null : [...leading[1]!];
}

const MASKS_COMPILED: readonly CompiledMask[] = MASKS.flatMap((rule) =>
  rule.patterns.map((pattern) => {
    let regex: RegExp;
    try {
      regex = new RegExp(`(?<![${WORD}])(?:${patternSource(pattern)})`, 'g');
    } catch (cause) {
      throw new Error(`triage mask "${pattern}" is not a valid pattern`, { cause });
    }
    const guards = maskGuards(foldText(pattern));
    return { evidence: `${rule.lang}:${pattern} → masked (${rule.cue})`, regex, guards };
  }),
);

/** The folded text with every mask's matches blanked (same length, so positions still agree). */
function masked(folded: string, evidence: string[]): string {
  let text = folded;
  for (const mask of MASKS_COMPILED) {
    if (mask.guards !== null && !mask.guards.some((guard) => text.includes(guard))) continue;
    mask.regex.lastIndex = 0;
    if (!mask.regex.test(text)) continue;
    evidence.push(mask.evidence);
    text = text.replace(mask.regex, (match) => ' '.repeat(match.length));
  }
  return text;
}

const KK_MARKERS =
  /(?<![\p{L}])(?:емес|жок|ушин|деп|керек|туралы|жане|бул|мен|сиз|биз|ма|ба|пе|гой)(?![\p{L}])/u;

function looksKazakh(raw: string, folded: string, language: Language | undefined): boolean {
  return language === 'kk' || /[әғқңөұүһі]/i.test(raw) || KK_MARKERS.test(folded);
}

interface Hit {
  cue: Cue;
  weight: number;
}

/** Where each word of the folded text starts. */
function wordStarts(folded: string): number[] {
  const starts: number[] = [];
  let inWord = false;
  for (let i = 0; i < folded.length; i++) {
    const word = isWordCode(folded.charCodeAt(i));
    if (word && !inWord) starts.push(i);
    inWord = word;
  }
  return starts;
}

/** Every pattern of a side that occurs in the text, each counted once. */
function scan(
  side: CompiledSide,
  folded: string,
  wordStarts: readonly number[],
  kk: boolean,
  hits: Hit[],
  evidence: string[],
): void {
  const found = new Set<CompiledPattern>();
  const record = (pattern: CompiledPattern): void => {
    found.add(pattern);
    hits.push({ cue: pattern.cue, weight: pattern.weight });
    evidence.push(pattern.evidence);
  };
  const tryAt = (pattern: CompiledPattern, start: number): boolean => {
    pattern.regex.lastIndex = start;
    return pattern.regex.test(folded);
  };
  // where each anywhere pattern of known start may match, in text order
  const anywhereAt = new Map<CompiledPattern, number[]>();
  for (const start of wordStarts) {
    eachFiledAt(side.byPrefix, folded, start, (pattern) => {
      if (!found.has(pattern) && !(pattern.kkOnly && !kk) && tryAt(pattern, start)) record(pattern);
    });
    eachFiledAt(side.anywhereByPrefix, folded, start, (pattern) => {
      const starts = anywhereAt.get(pattern) ?? [];
      starts.push(start);
      anywhereAt.set(pattern, starts);
    });
  }
  for (const pattern of side.anywhere) {
    if (pattern.kkOnly && !kk) continue;
    const starts = anywhereAt.get(pattern);
    const occurs = pattern.regex.sticky
      ? (starts ?? []).some((start) => tryAt(pattern, start))
      : tryAt(pattern, 0);
    if (occurs) record(pattern);
  }
}

/** Each pattern filed under the first letters at `start` whose whole literal is there too. */
function eachFiledAt(
  root: PrefixNode,
  folded: string,
  start: number,
  visit: (pattern: CompiledPattern) => void,
): void {
  let node = root;
  for (let at = start; at < start + PREFIX; at++) {
    const next = node.next.get(folded.charCodeAt(at));
    if (next === undefined) return;
    node = next;
    for (const { pattern, literal } of node.patterns) {
      if (folded.startsWith(literal, start)) visit(pattern);
    }
  }
}

function best<C extends Category>(
  categories: readonly C[],
  scores: ReadonlyMap<Cue, number>,
): C | null {
  let top: C | null = null;
  let topScore = 0;
  for (const category of categories) {
    const score = scores.get(category) ?? 0;
    if (score > topScore) [top, topScore] = [category, score];
  }
  return top;
}

/** What the keyword rules found, before the classifier is asked. */
interface RulesVerdict extends TriageResult {
  folded: string;
  /** some in-scope cue fired, even a weight-0 hint: the model may never decide `out` then */
  anyInSignal: boolean;
  /** the best in-scope category among the cues that fired, if any did */
  inCategory: InCategory | null;
  /** the best out-of-scope category among the cues that fired, if any did */
  outCategory: OutCategory | null;
  /** why the model may not decide `in` (a thank-you letter, a wrongdoer outside AlES), or null */
  modelInVeto: NoteCue | null;
}

/** The in-scope cues that only say who is spoken of: staff named in praise say nothing wrong. */
const WHO_CUES: ReadonlySet<Cue> = new Set<Cue>(['actor', 'workplace']);

function applyRules(text: string, language: Language | undefined): RulesVerdict {
  const folded = foldText(text);
  const kk = looksKazakh(text, folded, language);
  const starts = wordStarts(folded);
  const hits: Hit[] = [];
  const evidence: string[] = [];
  const inText = masked(folded, evidence);
  scan(IN_COMPILED, inText, inText === folded ? starts : wordStarts(inText), kk, hits, evidence);

  const present = new Set<Cue>(hits.map((hit) => hit.cue));
  const onlyWho = [...present].every((cue) => WHO_CUES.has(cue));
  for (const { when, cue, weight } of COMBINATIONS) {
    if (when.every((c) => present.has(c))) {
      hits.push({ cue, weight });
      evidence.push(`${when.join(' + ')} → ${cue}`);
    }
  }
  const inScore = hits.reduce((sum, hit) => sum + (IN_CUES.has(hit.cue) ? hit.weight : 0), 0);

  const anyInSignal = hits.length > 0;
  const sideHits: Hit[] = [];
  scan(OUT_AND_NOTES_COMPILED, folded, starts, kk, sideHits, evidence);
  const notes = new Set<Cue>();
  const outScores = new Map<Cue, number>();
  for (const hit of sideHits) {
    if (NOTE_CUE_SET.has(hit.cue)) {
      notes.add(hit.cue);
      continue;
    }
    hits.push(hit);
    outScores.set(hit.cue, (outScores.get(hit.cue) ?? 0) + hit.weight);
  }

  // category scores: weights, and half a point for each hint, so that a topic breaks a tie
  const scores = new Map<Cue, number>();
  for (const { cue, weight } of hits) scores.set(cue, (scores.get(cue) ?? 0) + (weight || 0.5));
  const inCategory = best(IN_CATEGORIES, scores);
  const outCategory = best(OUT_CATEGORIES, scores);
  // rules 4.10 «employees and officials»: a wrongdoer outside AlES, and no employee named
  const outsider = notes.has('elsewhere') && !present.has('actor') && !present.has('workplace');
  const thanks = notes.has('thanks');
  const modelInVeto: NoteCue | null = thanks ? 'thanks' : outsider ? 'elsewhere' : null;
  const verdict = { folded, anyInSignal, inCategory, outCategory, evidence, modelInVeto };
  const topic = best(OUT_CATEGORIES, outScores);

  if (inScore >= IN_THRESHOLD) {
    if (!outsider) return { ...verdict, scope: 'in', category: inCategory ?? 'conduct_other' };
    evidence.push('elsewhere, no AlES employee named → pending');
    return { ...verdict, scope: 'pending', category: null };
  }
  // a letter that thanks the staff, names nobody else and says nothing wrong (no «but») is no
  // case: its writer is told where letters to the Company go (the office: `information`)
  if (thanks && !notes.has('contrast') && onlyWho) {
    evidence.push('thanks, nothing wrong said → information');
    return { ...verdict, scope: 'out', category: 'information' };
  }
  if (inScore > 0) return { ...verdict, scope: 'pending', category: null };
  if (topic !== null && (outScores.get(topic) ?? 0) >= OUT_THRESHOLD) {
    return { ...verdict, scope: 'out', category: outCategory };
  }
  return { ...verdict, scope: 'pending', category: null };
}

/**
 * When the classifier may decide what the rules left pending (chosen by cross-validation, see
 * scripts/triage-eval.ts --cv): `in` at P(in) ≥ in; `out` only at P(out) ≥ out, and only when an
 * out-of-scope keyword fired and no in-scope cue at all did (rules 4.10: never redirect a case).
 */
export interface ModelThresholds {
  in: number;
  out: number;
}

/**
 * From the pooled 5-fold sweep over the 281 training appeals: at in ≥ 0.7 every in-scope appeal is
 * decided and the only extra `in`s are 6 of the 24 unclear letters (lower thresholds add more);
 * out ≥ 0.95 is the lowest at which the model alone, without the keyword gate, redirects no in-scope
 * or unclear appeal — so `out` has two independent safeguards.
 */
export const MODEL_THRESHOLDS: ModelThresholds = { in: 0.7, out: 0.95 };

const round = (p: number): string => (Math.floor(p * 100) / 100).toFixed(2);

/**
 * Triage with a given model (cross-validation trains one per fold); `model` null is the keyword
 * rules alone.
 */
export function triageWith(
  model: TriageModel | null,
  text: string,
  language?: Language,
  thresholds: ModelThresholds = MODEL_THRESHOLDS,
): TriageResult {
  const rules = applyRules(text, language);
  const { scope, category, evidence } = rules;
  if (scope !== 'pending' || model === null) return { scope, category, evidence };

  const opinion = consult(model, rules.folded);
  const pIn = opinion.scope.get('in') ?? 0;
  const pOut = opinion.scope.get('out') ?? 0;
  if (pIn >= thresholds.in && rules.modelInVeto !== null) {
    const said = `model: in ${round(pIn)} not taken (${rules.modelInVeto})`;
    return { scope, category, evidence: [...evidence, said] };
  }
  if (pIn >= thresholds.in) {
    const fromModel = rules.inCategory === null;
    const chosen = rules.inCategory ?? opinion.categoryAmong(IN_CATEGORIES).category;
    const said = [`model: in ${round(pIn)}`, ...(fromModel ? [`model: category ${chosen}`] : [])];
    return { scope: 'in', category: chosen, evidence: [...evidence, ...said] };
  }
  if (pOut >= thresholds.out && !rules.anyInSignal && rules.outCategory !== null) {
    return {
      scope: 'out',
      category: rules.outCategory,
      evidence: [...evidence, `model: out ${round(pOut)}`],
    };
  }
  return { scope, category, evidence };
}

/**
 * rules 4.10: in scope, out of scope (redirect advice), or pending (the Ombudsman decides). The
 * keyword rules decide first; what they leave pending the classifier trained on
 * config/triage-training may decide, and its evidence says so (`model: in 0.93`).
 */
export function triage(text: string, language?: Language): TriageResult {
  return triageWith(shippedTriageModel(), text, language);
}
