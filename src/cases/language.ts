/**
 * Which language an appellant wrote in: the acknowledgement (rules 4.9) and the journal entry
 * use it. Kazakh, Russian and English; a text that mixes two of them substantially, or is in
 * none of them, is `mixed`, and is answered in Kazakh and Russian both.
 */
import type { Language } from './appeal.models.js';
import {
  ENGLISH_WORDS,
  KAZAKH_ENDINGS,
  KAZAKH_LATIN_WORDS,
  KAZAKH_LETTERS,
  KAZAKH_SPELLING,
  KAZAKH_WORDS,
  RUSSIAN_ENDINGS,
  RUSSIAN_LATIN_WORDS,
  RUSSIAN_ONLY_LETTERS,
  RUSSIAN_WORDS,
} from './language.rules.js';

export interface LanguageGuess {
  language: Language;
  /** two languages carry substantial weight, or the text is in none of the three */
  mixed: boolean;
  /** 0..1: share of the text in `language`, damped when there is little evidence */
  confidence: number;
}

/** A second language with at least this share of the text makes it mixed. */
const MIXED_SHARE = 0.25;
/** Below this much evidence (in words) confidence is damped. */
const EVIDENCE_FOR_FULL_CONFIDENCE = 4;

const WORD = /[\p{L}\p{M}]+(?:['’][\p{L}]+)?/gu;
const CYRILLIC = /\p{Script=Cyrillic}/u;
const LATIN = /\p{Script=Latin}/u;
const NOISE = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b|\bhttps?:\/\/\S+|\bwww\.\S+/giu;
const CAPITALISED = /^\p{Lu}\p{Ll}/u;
/** Letters of the Kazakh Latin alphabet (2021) that English and Russian transliteration lack. */
const KAZAKH_LATIN_LETTERS = /[äöüūıığşñ]/u;

type Vote = 'kk' | 'ru' | null;

/** What one word tells: a Cyrillic word's vote, a Latin word's language, or nothing known. */
type WordKind = 'kk' | 'ru' | 'cyrillic' | 'kk-latin' | 'ru-latin' | 'en' | 'latin' | 'other';

interface WordClass {
  kind: WordKind;
  /** a capitalised word is often a name (Нұрлан, Алматы): it counts for half */
  weight: number;
}

/**
 * Memo of classify: most words recur from letter to letter, and classifying one takes a handful
 * of Unicode regular expressions. Dropped when it holds WORD_MEMO_MAX words; long words stay out.
 */
const WORD_MEMO = new Map<string, WordClass>();
const WORD_MEMO_MAX = 50_000;
const WORD_MEMO_MAX_LENGTH = 40;

function classify(raw: string): WordClass {
  const memo = WORD_MEMO.get(raw);
  if (memo !== undefined) return memo;
  const found = { kind: kindOf(raw.toLowerCase()), weight: CAPITALISED.test(raw) ? 0.5 : 1 };
  if (raw.length > WORD_MEMO_MAX_LENGTH) return found;
  if (WORD_MEMO.size >= WORD_MEMO_MAX) WORD_MEMO.clear();
  WORD_MEMO.set(raw, found);
  return found;
}

/** `word` in lower case. */
function kindOf(word: string): WordKind {
  if (CYRILLIC.test(word)) return cyrillicVote(word) ?? 'cyrillic';
  if (!LATIN.test(word)) return 'other';
  // Kazakh in the Latin alphabet: «jūmys», «bastyğy», or without its own letters «bastyq»
  if (KAZAKH_LATIN_LETTERS.test(word) || KAZAKH_LATIN_WORDS.has(word)) return 'kk-latin';
  if (ENGLISH_WORDS.has(word)) return 'en';
  return RUSSIAN_LATIN_WORDS.has(word) ? 'ru-latin' : 'latin';
}

/** A text without these holds no address or link: NOISE has nothing to remove from it. */
function mayHoldNoise(text: string): boolean {
  return text.includes('@') || text.includes('://') || /www\./i.test(text);
}

function cyrillicVote(word: string): Vote {
  if (KAZAKH_LETTERS.test(word) || KAZAKH_WORDS.has(word)) return 'kk';
  if (RUSSIAN_WORDS.has(word) || RUSSIAN_ONLY_LETTERS.test(word)) return 'ru';
  if (word.length >= 5 && (KAZAKH_ENDINGS.test(word) || KAZAKH_SPELLING.test(word))) return 'kk';
  if (word.length >= 4 && RUSSIAN_ENDINGS.test(word)) return 'ru';
  return null;
}

export function detectLanguage(text: string): LanguageGuess {
  let cyrillic = 0;
  let kkEvidence = 0;
  let ruEvidence = 0;
  let latin = 0;
  let enEvidence = 0;
  let kkLatin = 0;
  let kkLatinEvidence = 0;
  let ruLatin = 0;
  let ruLatinEvidence = 0;
  let other = 0;

  const words = mayHoldNoise(text) ? text.replace(NOISE, ' ') : text;
  for (const [raw] of words.matchAll(WORD)) {
    const { kind, weight } = classify(raw);
    switch (kind) {
      case 'kk':
        cyrillic += 1;
        kkEvidence += weight;
        break;
      case 'ru':
        cyrillic += 1;
        ruEvidence += weight;
        break;
      case 'cyrillic':
        cyrillic += 1;
        break;
      case 'kk-latin':
        kkLatin += 1;
        kkLatinEvidence += weight;
        break;
      case 'ru-latin':
        ruLatin += 1;
        ruLatinEvidence += weight;
        break;
      case 'en':
        latin += 1;
        enEvidence += weight;
        break;
      case 'latin':
        latin += 1;
        break;
      case 'other':
        other += 1;
    }
  }

  // Cyrillic words are shared between Kazakh and Russian in the proportion of their evidence;
  // Latin words count as English only if enough of them are English words.
  const cyrillicEvidence = kkEvidence + ruEvidence;
  const kkShare = cyrillicEvidence > 0 ? kkEvidence / cyrillicEvidence : 0;
  const englishLike = latin > 0 && (enEvidence >= 1 || latin <= 2) && enEvidence / latin >= 0.12;
  const weights: Record<Language, number> = {
    kk: cyrillic * kkShare + kkLatin,
    ru: cyrillic * (1 - kkShare) + ruLatin,
    en: englishLike ? latin : 0,
  };
  const unknown = other + (englishLike ? 0 : latin);
  const total = weights.kk + weights.ru + weights.en + unknown;

  if (total === 0) return { language: 'ru', mixed: true, confidence: 0 };

  const ranked = (Object.keys(weights) as Language[]).sort((a, b) => weights[b] - weights[a]);
  const best = ranked[0] ?? 'ru';
  const second = ranked[1] ?? 'kk';
  const bestWeight = weights[best];
  const evidence = cyrillicEvidence + enEvidence + kkLatinEvidence + ruLatinEvidence;
  const uncertainCyrillic =
    best !== 'en' && cyrillicEvidence + kkLatinEvidence + ruLatinEvidence === 0;

  const mixed = weights[second] / total >= MIXED_SHARE || unknown > bestWeight || uncertainCyrillic;
  const confidence = (bestWeight / total) * Math.min(1, evidence / EVIDENCE_FOR_FULL_CONFIDENCE);
  return { language: bestWeight > 0 ? best : 'ru', mixed, confidence: round(confidence) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
