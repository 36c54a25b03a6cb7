/**
 * The second opinion of triage (rules 4.10): a small Naive Bayes text classifier, trained on the
 * labelled appeals shipped in config/triage-training/*.jsonl, consulted only when the keyword rules
 * are unsure. Keywords do not generalise to mail nobody tuned them on; word stems and letter n-grams
 * learnt from a few hundred appeals recognise much of what they miss.
 *
 * Training is a single counting pass (a few milliseconds), so the model is trained from the shipped
 * data on first use rather than kept as a generated file that could drift from it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { LANGUAGES, SCOPES, type Scope } from './appeal.models.js';
import { InputError, coerceError } from '../errors.js';
import { foldText } from './triage.fold.js';
import { IN_CATEGORIES, OUT_CATEGORIES, type Category } from './triage.rules.js';

/** Works from src/cases (tsx) and from dist/cases (compiled): both are two levels below the root. */
export const DEFAULT_TRAINING_DIR = fileURLToPath(
  new URL('../../config/triage-training/', import.meta.url),
);

export const labelledAppealSchema = z.object({
  id: z.string().min(1),
  language: z.enum(LANGUAGES),
  text: z.string(),
  scope: z.enum(SCOPES),
  /** a category of the labelled scope; `unclear` (or null) for pending */
  category: z.string().nullable(),
});
export type LabelledAppeal = z.infer<typeof labelledAppealSchema>;

/** Labelled appeals, one JSON object a line; `source` names the file in error messages. */
export function parseLabelledAppeals(content: string, source: string): LabelledAppeal[] {
  const appeals: LabelledAppeal[] = [];
  for (const [index, raw] of content.split('\n').entries()) {
    const line = raw.trim();
    if (line === '') continue;
    let parsed: ReturnType<typeof labelledAppealSchema.safeParse>;
    try {
      parsed = labelledAppealSchema.safeParse(JSON.parse(line));
    } catch (thrown) {
      throw new InputError('triage_training_invalid', `${source}:${index + 1}: not valid JSON`, {
        cause: coerceError(thrown),
      });
    }
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue?.path.map(String).join('.') ?? '';
      throw new InputError(
        'triage_training_invalid',
        `${source}:${index + 1}: ${where}: ${issue?.message ?? 'invalid'}`,
      );
    }
    appeals.push(parsed.data);
  }
  return appeals;
}

/** Every *.jsonl file of a folder, in name order. */
export function loadLabelledAppeals(dir: string = DEFAULT_TRAINING_DIR): LabelledAppeal[] {
  let files: string[];
  try {
    files = readdirSync(dir)
      .filter((file) => file.endsWith('.jsonl'))
      .sort();
  } catch (thrown) {
    throw new InputError('triage_training_unreadable', `${dir}: cannot read the training data`, {
      cause: coerceError(thrown),
    });
  }
  if (files.length === 0) {
    throw new InputError('triage_training_missing', `${dir}: no *.jsonl training data`);
  }
  return files.flatMap((file) =>
    parseLabelledAppeals(readFileSync(join(dir, file), 'utf8'), join(dir, file)),
  );
}

// --- features -----------------------------------------------------------------------------------

const TOKEN = /[0-9a-z\u00c0-\u024f\u0400-\u04ff]+/g;
/** Russian and Kazakh words keep their first letters: a crude stem that ignores inflection. */
const STEM = 5;
const NGRAM_MIN = 4;
const NGRAM_MAX = 5;

/**
 * The distinct features of a folded text: word stems (`w:`), pairs of adjacent stems (`b:`) and
 * letter 4–5-grams inside words, with word edges marked (`c:`), which catch stems in any inflection.
 * (3-grams and 6-grams did worse in cross-validation: too common, too rare.)
 */
export function features(folded: string): Set<string> {
  const found = new Set<string>();
  walkFeatures(
    folded,
    wordFeatures,
    (pair) => pair,
    (feature) => found.add(feature),
  );
  return found;
}

/**
 * The features of a folded text in order, repeats included: per word its stem, its pair with the
 * previous word's stem, then its n-grams. `ofWord` gives a word's own features (wordFeatures, or
 * their rows in a model), `ofPair` a pair's.
 */
function walkFeatures<F>(
  folded: string,
  ofWord: (word: string) => readonly F[],
  ofPair: (pair: string) => F,
  visit: (feature: F) => void,
): void {
  let previous = '';
  for (const [word] of folded.matchAll(TOKEN)) {
    const own = ofWord(word);
    const stem = stemOf(word);
    visit(own[0]!);
    if (previous !== '' && stem !== NUMBER) visit(ofPair(`b:${previous} ${stem}`));
    for (let i = 1; i < own.length; i++) visit(own[i]!);
    previous = stem;
  }
}

/** Every number is one stem: the amount says nothing, that there is one may. */
const NUMBER = '#';

function stemOf(word: string): string {
  return /^[0-9]+$/.test(word) ? NUMBER : word.slice(0, STEM);
}

/** A word's own features: its stem first, then its letter n-grams (none for a number). */
function wordFeatures(word: string): string[] {
  const stem = stemOf(word);
  const found = [`w:${stem}`];
  if (stem === NUMBER) return found;
  const padded = ` ${word} `;
  for (let n = NGRAM_MIN; n <= NGRAM_MAX; n++) {
    for (let i = 0; i + n <= padded.length; i++) found.push(`c:${padded.slice(i, i + n)}`);
  }
  return found;
}

// --- Naive Bayes ----------------------------------------------------------------------------------

interface NaiveBayes<L extends string> {
  labels: readonly L[];
  logPrior: Float64Array;
  /** per feature seen in training, its row in logPresent */
  rowOf: Map<string, number>;
  /**
   * Row after row (labels.length wide, one flat array: a lookup touches one object), the log
   * probability of finding a feature in a text of each label
   */
  logPresent: Float64Array;
  /**
   * Memo of wordFeatures as rows (-1: not in the vocabulary), filled as texts are read: most words
   * recur, and building and looking up their n-grams is most of the work of a prediction.
   */
  wordRows: Map<string, readonly number[]>;
}

/** The memo is dropped when it holds this many words; longer words are not kept in it. */
const WORD_ROWS_MAX = 50_000;
const WORD_ROWS_MAX_LENGTH = 40;

function wordRows<L extends string>(model: NaiveBayes<L>, word: string): readonly number[] {
  const memo = model.wordRows.get(word);
  if (memo !== undefined) return memo;
  const rows = wordFeatures(word).map((feature) => model.rowOf.get(feature) ?? -1);
  if (word.length > WORD_ROWS_MAX_LENGTH) return rows;
  if (model.wordRows.size >= WORD_ROWS_MAX) model.wordRows.clear();
  model.wordRows.set(word, rows);
  return rows;
}

/** The rows of a folded text's features in order, repeats included (-1: not in the vocabulary). */
function featureRows<L extends string>(model: NaiveBayes<L>, folded: string): number[] {
  const rows: number[] = [];
  walkFeatures(
    folded,
    (word) => wordRows(model, word),
    (pair) => model.rowOf.get(pair) ?? -1,
    (row) => rows.push(row),
  );
  return rows;
}

/**
 * Multinomial Naive Bayes over binary features, smoothed by adding ALPHA to every count (0.3 had the
 * best cross-validated log loss and category accuracy; 0.1 lets single rare n-grams decide).
 */
const ALPHA = 0.3;
/**
 * Naive Bayes adds up the evidence of thousands of overlapping n-grams as if independent, so its raw
 * probabilities are all 0 or 1; the log-likelihood is divided by this before the softmax, which makes
 * them usable as confidences (chosen by cross-validated log loss).
 */
export const TEMPERATURE = 20;

function trainNaiveBayes<L extends string>(
  labels: readonly L[],
  examples: readonly { label: L; features: ReadonlySet<string> }[],
): NaiveBayes<L> {
  const counts = new Map<string, Float64Array>();
  const totals = new Float64Array(labels.length);
  const docs = new Float64Array(labels.length);
  for (const example of examples) {
    const k = labels.indexOf(example.label);
    docs[k]! += 1;
    for (const feature of example.features) {
      let row = counts.get(feature);
      if (row === undefined) counts.set(feature, (row = new Float64Array(labels.length)));
      row[k]! += 1;
      totals[k]! += 1;
    }
  }
  const vocabulary = counts.size;
  const denominators = totals.map((total) => Math.log(total + ALPHA * vocabulary));
  const rowOf = new Map<string, number>();
  const logPresent = new Float64Array(vocabulary * labels.length);
  for (const [feature, row] of counts) {
    const at = rowOf.size;
    rowOf.set(feature, at);
    row.forEach((count, k) => {
      logPresent[at * labels.length + k] = Math.log(count + ALPHA) - denominators[k]!;
    });
  }
  const n = examples.length;
  return {
    labels,
    // every label keeps a prior even with no example (add-one on documents too)
    logPrior: docs.map((d) => Math.log((d + 1) / (n + labels.length))),
    rowOf,
    logPresent,
    wordRows: new Map(),
  };
}

/** Each feature of the folded text counts once, in the order of its first occurrence. */
function predict<L extends string>(
  model: NaiveBayes<L>,
  folded: string,
  allowed?: readonly L[],
): Map<L, number> {
  const width = model.labels.length;
  const scores = new Float64Array(width);
  const counted = new Uint8Array(model.rowOf.size);
  for (const row of featureRows(model, folded)) {
    if (row < 0 || counted[row] === 1) continue;
    counted[row] = 1;
    for (let k = 0; k < width; k++) scores[k]! += model.logPresent[row * width + k]!;
  }
  const use = model.labels.map((label) => allowed === undefined || allowed.includes(label));
  let top = -Infinity;
  for (let k = 0; k < scores.length; k++) {
    scores[k] = scores[k]! / TEMPERATURE + model.logPrior[k]!;
    if (use[k] && scores[k]! > top) top = scores[k]!;
  }
  let sum = 0;
  for (let k = 0; k < scores.length; k++) {
    scores[k] = use[k] ? Math.exp(scores[k]! - top) : 0;
    sum += scores[k]!;
  }
  return new Map(model.labels.map((label, k) => [label, scores[k]! / sum]));
}

// --- the triage model -------------------------------------------------------------------------------

export interface TriageModel {
  /** in, out, and pending (the unclear mail the Ombudsman must read) */
  scope: NaiveBayes<Scope>;
  /** trained on the decided appeals only */
  category: NaiveBayes<Category>;
  /** how many appeals it learnt from */
  size: number;
}

const CATEGORIES: readonly Category[] = [...IN_CATEGORIES, ...OUT_CATEGORIES];

export function trainTriageModel(appeals: readonly LabelledAppeal[]): TriageModel {
  const examples = appeals.map((appeal) => ({ appeal, features: features(foldText(appeal.text)) }));
  const scope = trainNaiveBayes(
    SCOPES,
    examples.map(({ appeal, features }) => ({ label: appeal.scope, features })),
  );
  const categorised = examples.flatMap(({ appeal, features }) => {
    const category = CATEGORIES.find((c) => c === appeal.category);
    return appeal.scope !== 'pending' && category !== undefined
      ? [{ label: category, features }]
      : [];
  });
  return { scope, category: trainNaiveBayes(CATEGORIES, categorised), size: appeals.length };
}

export interface ModelOpinion {
  /** probabilities of in, out and pending; they add up to one */
  scope: ReadonlyMap<Scope, number>;
  /** the most likely category among the given ones, and its probability among them */
  categoryAmong(categories: readonly Category[]): { category: Category; probability: number };
}

/** The model's opinion of a folded text. */
export function consult(model: TriageModel, folded: string): ModelOpinion {
  return {
    scope: predict(model.scope, folded),
    categoryAmong(categories) {
      let top: Category = categories[0] ?? 'conduct_other';
      let probability = -1;
      for (const [category, p] of predict(model.category, folded, categories)) {
        if (p > probability) [top, probability] = [category, p];
      }
      return { category: top, probability };
    },
  };
}

let shipped: TriageModel | undefined;

/** The model trained on config/triage-training, on first use. */
export function shippedTriageModel(): TriageModel {
  shipped ??= trainTriageModel(loadLabelledAppeals());
  return shipped;
}
