/**
 * Which language an appellant wrote in: the acknowledgement (rules 4.9) and the journal entry
 * use it. Kazakh, Russian and English; a text that mixes two of them substantially, or is in
 * none of them, is `mixed`, and is answered in Kazakh and Russian both.
 */
import type { Language } from './appeal.models.js';
import {
  ENGLISH_WORDS,
  KAZAKH_ENDINGS,
  KAZAKH_LETTERS,
  KAZAKH_SPELLING,
  KAZAKH_WORDS,
  RUSSIAN_ENDINGS,
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
  let other = 0;

  for (const [raw] of text.replace(NOISE, ' ').matchAll(WORD)) {
    // a capitalised word is often a name (Нұрлан, Алматы): it counts for half
    const weight = CAPITALISED.test(raw) ? 0.5 : 1;
    const word = raw.toLowerCase();
    if (CYRILLIC.test(word)) {
      cyrillic += 1;
      const vote = cyrillicVote(word);
      if (vote === 'kk') kkEvidence += weight;
      else if (vote === 'ru') ruEvidence += weight;
    } else if (LATIN.test(word) && KAZAKH_LATIN_LETTERS.test(word)) {
      // Kazakh in the Latin alphabet: «jūmys», «bastyğy»
      kkLatin += 1;
      kkLatinEvidence += weight;
    } else if (LATIN.test(word)) {
      latin += 1;
      if (ENGLISH_WORDS.has(word)) enEvidence += weight;
    } else {
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
    ru: cyrillic * (1 - kkShare),
    en: englishLike ? latin : 0,
  };
  const unknown = other + (englishLike ? 0 : latin);
  const total = weights.kk + weights.ru + weights.en + unknown;

  if (total === 0) return { language: 'ru', mixed: true, confidence: 0 };

  const ranked = (Object.keys(weights) as Language[]).sort((a, b) => weights[b] - weights[a]);
  const best = ranked[0] ?? 'ru';
  const second = ranked[1] ?? 'kk';
  const bestWeight = weights[best];
  const evidence = cyrillicEvidence + enEvidence + kkLatinEvidence;
  const uncertainCyrillic = best !== 'en' && cyrillicEvidence + kkLatinEvidence === 0;

  const mixed = weights[second] / total >= MIXED_SHARE || unknown > bestWeight || uncertainCyrillic;
  const confidence = (bestWeight / total) * Math.min(1, evidence / EVIDENCE_FOR_FULL_CONFIDENCE);
  return { language: bestWeight > 0 ? best : 'ru', mixed, confidence: round(confidence) };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
