/**
 * Phone numbers for column 4 of the journal (rules 4.14 c, Appendix 1): always E.164.
 * Kazakh numbers are written many ways (`8 701 123 45 67`, `+7 (727) 227 70 80`, `7011234567`);
 * the trunk prefix 8 and a missing +7 are resolved with KZ as the default country.
 * Errors never echo the number: it is personal data (design: confidentiality).
 */
import { findNumbers, parsePhoneNumberWithError } from 'libphonenumber-js/max';
import { InputError } from '../errors.js';

const DEFAULT_COUNTRY = 'KZ';

/** Words that make a digit run an amount, an ID or a document number rather than a phone. */
const NOT_A_PHONE_BEFORE =
  /(?:№|\bN[o°]?\.?|#|иин|бин|iin|bin|жсн|бсн|сумм\p{L}*|сома\p{L}*|amount|договор\p{L}*|шарт\p{L}*|contract|сч[её]т\p{L}*|шот\p{L}*|account|iban|инд\p{L}*|index|postcode|zip)\s*[:.-]?\s*$/iu;
const NOT_A_PHONE_AFTER = /^\s*(?:тенге|теңге|тг(?!\p{L})|₸|kzt|руб|usd|eur|\$|долл)/iu;

/** Parses a phone number as written by a person in Kazakhstan (or abroad, with +) into E.164. */
export function normalisePhone(input: string): string {
  const trimmed = input.trim();
  if (trimmed === '' || !/\d/.test(trimmed) || /[^\d\s()+\-./]/.test(trimmed)) {
    throw new InputError('bad-phone', 'the phone number is not a valid number');
  }
  let parsed;
  try {
    parsed = parsePhoneNumberWithError(trimmed, DEFAULT_COUNTRY);
  } catch (cause) {
    // the library's message is a code such as TOO_SHORT: safe, but it holds no number either
    throw new InputError('bad-phone', 'the phone number could not be read', { cause });
  }
  if (!parsed.isValid()) {
    throw new InputError('bad-phone', 'the phone number is not a valid number');
  }
  return parsed.number;
}

/**
 * One or more numbers as the Ombudsman types them: «8 701 123 45 67, 8 777 123 45 67», «+7 701 123
 * 45 67 (моб)». Each in E.164, joined by ", "; a word in brackets or after the number is a label.
 */
export function normalisePhones(input: string): string {
  const parts = input
    .split(/[,;]|\s+(?:и|или|and|or|және|немесе)\s+/u)
    .map((part) =>
      part
        .replace(/\([^()\d]*\)|(?<=\d)\s*[\p{L}.]+\.?\s*$|^\s*[\p{L}.]+[:.]?\s*(?=[+\d(])/gu, '')
        .trim(),
    )
    .filter((part) => part !== '');
  if (parts.length === 0)
    throw new InputError('bad-phone', 'the phone number is not a valid number');
  return [...new Set(parts.map(normalisePhone))].join(', ');
}

/**
 * Phone numbers found in free text, in order of appearance, E.164, without repeats.
 * Dates, IINs/BINs (12 digits), postal codes and amounts are not phones: the library rejects
 * most of them by length and validity; amounts and document numbers are rejected by context.
 */
export function findPhones(text: string): string[] {
  const found: string[] = [];
  for (const { phone } of findPhoneSpans(text)) {
    if (!found.includes(phone)) found.push(phone);
  }
  return found;
}

export interface PhoneSpan {
  /** E.164 */
  phone: string;
  start: number;
  end: number;
}

/**
 * The shortest valid number in the metadata has 6 digits with its country code (+43 and a
 * 4-digit number); a national KZ number has 10. Fewer digits in the whole text: no phone.
 * Any decimal digit counts (the library reads full-width and Arabic-Indic digits too).
 */
const MIN_PHONE_DIGITS = 6;
const DIGIT = /\p{Nd}/gu;

function mayHoldPhone(text: string): boolean {
  DIGIT.lastIndex = 0;
  for (let count = 0; DIGIT.test(text);) {
    if (++count >= MIN_PHONE_DIGITS) return true;
  }
  return false;
}

/**
 * The valid numbers of one line, as the library finds them (positions within the line). The same
 * lines are read several times per letter (signature, body, address lines, redaction): the last
 * few hundred lines' answers are kept.
 */
function numbersInLine(line: string): readonly PhoneSpan[] {
  if (!mayHoldPhone(line)) return [];
  const cached = LINE_CACHE.get(line);
  if (cached) return cached;
  const found: PhoneSpan[] = [];
  for (const match of matchesIn(line)) {
    if (match.number.isValid())
      found.push({ phone: match.number.number, start: match.startsAt, end: match.endsAt });
  }
  if (line.length > LINE_CACHE_MAX_CHARS) return found;
  if (LINE_CACHE.size >= LINE_CACHE_SIZE) LINE_CACHE.clear();
  LINE_CACHE.set(line, found);
  return found;
}

/**
 * The library throws and catches a ParseError for every candidate it rejects; the stack traces
 * it never reads cost an eighth of the search (3,000 letters: 247 -> 214 ms). Synchronous, so
 * nothing else runs meanwhile.
 */
function matchesIn(line: string) {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return findNumbers(line, { defaultCountry: DEFAULT_COUNTRY, v2: true });
  } finally {
    Error.stackTraceLimit = limit;
  }
}

const LINE_CACHE_SIZE = 512;
/** a huge line (a body without line breaks) is not kept alive by the cache */
const LINE_CACHE_MAX_CHARS = 2_000;
const LINE_CACHE = new Map<string, readonly PhoneSpan[]>();

/** Like findPhones, with where each number is written (to redact it), repeats included. */
export function findPhoneSpans(text: string): PhoneSpan[] {
  const spans: PhoneSpan[] = [];
  // The library's matcher is costly and most lines hold no phone: it reads only the lines with
  // enough digits. The same numbers are found: its candidates never span a line break (no line
  // break is among its punctuation or extension separators), and a line break before or after a
  // candidate counts as the text's start or end does.
  for (let from = 0; from < text.length;) {
    const newline = text.indexOf('\n', from);
    const to = newline < 0 ? text.length : newline;
    const line = text.slice(from, to);
    for (const match of numbersInLine(line)) {
      const start = from + match.start;
      const end = from + match.end;
      const before = text.slice(Math.max(0, start - 24), start);
      const after = text.slice(end, end + 12);
      if (NOT_A_PHONE_BEFORE.test(before) || NOT_A_PHONE_AFTER.test(after)) continue;
      spans.push({ phone: match.phone, start, end });
    }
    from = to + 1;
  }
  return spans;
}
