/**
 * Reads the journal's columns out of what an appellant wrote (rules 4.14 c, d; Appendix 1):
 * column 3 (name), 4 (home address, phone), 5 (brief content), 6 (legal form and name of an
 * organisation the writer speaks for), 7 (where to send the reply), and whether the writer asked
 * to stay anonymous (rules 4.14: column c then stays empty). Pure: no I/O.
 * Pattern data lives in extract.rules.ts.
 */
import { EMPTY_APPELLANT, type Appellant, type Language } from '../cases/appeal.models.js';
import { detectLanguage } from '../cases/language.js';
import { findPhoneSpans } from '../cases/phone.js';
import {
  ADDRESS_ABBREVIATIONS,
  ADDRESS_MARKER,
  ANONYMITY_CLAUSE_ENDS,
  ANONYMITY_FIELD_YES,
  ANONYMITY_GENERIC,
  ANONYMITY_MANNER,
  ANONYMITY_NEGATION_AFTER,
  ANONYMITY_NEGATION_BEFORE,
  ANONYMITY_OWN_LETTER,
  ANONYMITY_REQUEST,
  ANONYMITY_WORD,
  ANONYMITY_WORD_ENDS,
  CONTACT_LABEL,
  IDENTITY_NUMBER_LINE,
  ROLE_WORD,
  SOLE_TRADER,
  DEVICE_LINE,
  DISCLAIMER_START,
  ELLIPSIS,
  FIRST_PERSON_REQUEST,
  FORWARD_START,
  HEADER_FROM,
  HEADER_NEXT,
  HOME_ADDRESS_CUE,
  HOME_ADDRESS_LABEL,
  LEGAL_FORMS_AFTER_NAME,
  LEGAL_FORM_ABBREVIATIONS,
  LEGAL_FORM_LONG,
  NAME_INTRO,
  NAME_LABEL,
  NAME_TITLES,
  NAME_WORD,
  NOT_A_NAME_WORDS,
  NOT_OUR_APPELLANT_ORG,
  SOMETHING_ELSES_ADDRESS,
  SHARED_MAILBOX,
  NO_TEXT_PLACEHOLDER,
  OWN_PHONES,
  NOT_FOR_REPLY,
  REPLY_REQUEST,
  OTHERS_PHONE_CUE,
  POST_PHONE_CUE,
  WRITERS_PHONE_CUE,
  CALLERS_PHONE_CUE,
  QUOTED_LINE,
  REDACTED,
  REPLY_ADDRESS_CUE,
  REPLY_ADDRESS_KK,
  REPLY_ADDRESS_KK_LABEL,
  REPRESENTATIVE_ROLE,
  REPRESENTS_ORG_AFTER,
  REPRESENTS_ORG_BEFORE,
  SELF_INTRO,
  SIGNATURE_DELIMITER,
  SIGN_OFF,
  SOMEBODY_ELSE,
  SUBJECT_PREFIX,
  THANKS_ONLY,
} from './extract.rules.js';
import { findHistoryStart } from './letter-history.js';
import { nameInSubject, readLetterHeader } from './letter-header.js';

export interface MailAddress {
  address: string;
  name: string | null;
}

export interface ExtractInput {
  /** decoded plain text of the message (or text derived from its HTML) */
  text: string;
  subject: string | null;
  from: MailAddress | null;
  replyTo: MailAddress | null;
}

export interface ExtractOptions {
  /** cap of the brief content, column 5 (default 2000) */
  maxContentChars?: number;
}

export interface ExtractedAppeal {
  /** columns 3, 4, 6, 7; all null when anonymous (rules 4.14) */
  appellant: Appellant;
  anonymous: boolean;
  /** the words in which the writer asked for anonymity */
  anonymityEvidence: string | null;
  /**
   * The e-mail address to answer (explicit one in the text > Reply-To > From). Kept even for an
   * anonymous appeal: it is stored apart, encrypted, never exported (design: confidentiality).
   */
  answerAddress: string | null;
  language: Language;
  mixed: boolean;
  /** column 5: the writer's own words, without quoted history and signature */
  content: string;
}

const DEFAULT_MAX_CONTENT_CHARS = 2000;
const EMAIL = /[\p{L}\d._%+-]+@[\p{L}\d.-]+\.[\p{L}]{2,}/gu;
const EMAIL_ONE = /[\p{L}\d._%+-]+@[\p{L}\d.-]+\.[\p{L}]{2,}/u;
const MAX_NAME_WORDS = 4;
const MAX_SIGNATURE_LINES = 8;

export function extractAppeal(input: ExtractInput, opts: ExtractOptions = {}): ExtractedAppeal {
  return readAppeal(input, opts).extracted;
}

/**
 * The journal's columns, and the writer's own words in full: the subject and the body (or the
 * letter a bare forward brings), without quoted history or signature. Triage reads those words,
 * so that a quoted mail (our own answer, somebody else's letter) decides nothing. Personal data:
 * the words are for the decision, never stored.
 */
export function readAppeal(
  input: ExtractInput,
  opts: ExtractOptions = {},
): { extracted: ExtractedAppeal; ownWords: string } {
  const maxContentChars = opts.maxContentChars ?? DEFAULT_MAX_CONTENT_CHARS;
  const letter = splitLetter(normaliseText(input.text));
  if (isBlank(letter.body.join('\n')) && letter.forwarded.length > 0) {
    return readBareForward(input, letter, opts);
  }
  const ownText = [...letter.body, ...letter.signature].join('\n');
  // a formal complaint's header block («от Иванова И.И., проживающего …») gives the writer; the
  // brief content starts under it
  const header = readLetterHeader(letter.body);
  const bodyText = letter.body.slice(header.end).join('\n');

  const subject = cleanSubject(input.subject);
  const anonymity = findAnonymityRequest([subject ?? '', ownText].join('\n'));

  const displayName = nameFromDisplayName(input.from?.name ?? null);
  const fullName = asWritten(
    fuller(
      nameFromLabel(ownText) ??
        (header.name !== null ? asPersonName(header.name) : null) ??
        nameFromIntro(bodyText) ??
        nameFromSignature(letter.signature) ??
        nameClosingLetter(letter.body) ??
        (subject !== null ? asPersonName(nameInSubject(subject) ?? '') : null),
      displayName,
    ),
  );
  const organisation = findOrganisation(letter, input.from?.name ?? null);
  const address = header.address ?? findHomeAddress(letter);
  const headerText = letter.body.slice(0, header.end).join('\n');
  const phone =
    firstOwnPhone(letter.signature.join('\n')) ??
    firstOwnPhone(headerText) ??
    writersPhoneInBody(bodyText);

  const explicitReply = findReplyAddress(ownText);
  const explicitEmail = explicitReply !== null && isEmail(explicitReply) ? explicitReply : null;
  const answerAddress = explicitEmail ?? replyAddressOf(input);

  const contentSource = isBlank(bodyText) ? (subject ?? '') : withoutRepeat(bodyText);
  const guess = detectLanguage(contentSource);
  const ownWords =
    subject && contentSource !== subject ? `${subject}\n${contentSource}` : contentSource;

  let content = collapse(contentSource);
  if (anonymity !== null) {
    // every name the letter may give of its writer, not only the one column 3 would take
    const names = [
      fullName,
      displayName,
      nameFromIntro(bodyText),
      nameFromSignature(letter.signature),
    ].filter((n): n is string => n !== null);
    content = redact(content, { names, address, answerAddress });
  }
  content = truncate(content, maxContentChars);
  if (content === '') content = NO_TEXT_PLACEHOLDER;

  if (anonymity !== null) {
    const extracted: ExtractedAppeal = {
      appellant: { ...EMPTY_APPELLANT },
      anonymous: true,
      anonymityEvidence: anonymity,
      answerAddress,
      language: guess.language,
      mixed: guess.mixed,
      content,
    };
    return { extracted, ownWords };
  }
  const extracted: ExtractedAppeal = {
    appellant: {
      fullName,
      address,
      phone,
      legalForm: organisation?.legalForm ?? null,
      orgName: organisation?.orgName ?? null,
      replyAddress: explicitReply ?? answerAddress,
    },
    anonymous: false,
    anonymityEvidence: null,
    answerAddress,
    language: guess.language,
    mixed: guess.mixed,
    content,
  };
  return { extracted, ownWords };
}

/**
 * Where an answer goes without the writer saying: Reply-To, then From. Not to a shared mailbox a
 * company's mail system puts in Reply-To (sales@, info@) when the writer's own address is in From:
 * colleagues read it, and the trust line promises confidentiality (rules 4.9).
 */
function replyAddressOf(input: ExtractInput): string | null {
  const replyTo = input.replyTo?.address ?? null;
  const from = input.from?.address ?? null;
  if (replyTo !== null && from !== null && isSharedMailbox(replyTo) && !isSharedMailbox(from)) {
    return from;
  }
  return replyTo ?? from;
}

function isSharedMailbox(address: string): boolean {
  return SHARED_MAILBOX.test(address.split('@')[0] ?? '');
}

// ---------------------------------------------------------------- text and its parts

/**
 * Undoes what HTML-to-text conversion and mail clients leave behind. Invisible characters go, and
 * so do bidirectional controls: an override would show the journal's content reversed.
 */
export function normaliseText(text: string): string {
  let t = text
    .replace(/\r\n?/g, '\n')
    .replace(/[\u200B\u200C\uFEFF\u00AD\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '');
  // a zero-width joiner splits a word for matching, but binds an emoji sequence (🤷‍♀️): kept there
  if (t.includes('\u200D'))
    t = t.replace(/\u200D(?!\p{Extended_Pictographic}|\uFE0F|[\u2640\u2642])/gu, '');
  if (/<(?:br|p|div)\b[^>]*>/i.test(t)) {
    t = t.replace(/<(?:br|\/p|\/div|\/li|\/tr)\b[^>]*>/gi, '\n').replace(/<[^>]+>/g, '');
  }
  if (t.includes('-----BEGIN PGP')) t = withoutPgpArmour(t);
  if (MIXED_SCRIPT_WORD.test(t)) t = t.replace(WORD_WITH_LATIN, cyrillicLookalikes);
  // typed without spaces after punctuation («премии.Это было…,Ким Олег»): sentences and names
  // are found by their spaces
  if (UNSPACED_PUNCTUATION.test(t)) t = t.replace(/\S+/gu, spacedAfterPunctuation);
  // each pass below is skipped when its one indispensable character is absent (most letters)
  if (t.includes('&')) {
    t = t
      .replace(/&nbsp;/g, ' ')
      .replace(/&quot;/g, '"')
      .replace(/&#39;|&apos;/g, "'")
      .replace(/&laquo;/g, '«')
      .replace(/&raquo;/g, '»')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  }
  // html-to-text writes links and images as "text [url]"
  if (t.includes('[')) t = t.replace(/\s*\[(?:mailto:|https?:\/\/|cid:|tel:)[^\]\s]*\]/gi, '');
  return t.replace(/[\u00A0\u2007\u202F\t]/g, ' ');
}

/**
 * Latin letters typed into a Cyrillic word («Coколов Андpей», «взяткa»): a keyboard slip or an
 * attempt to slip past word matching. Mapped back when every Latin letter of the word has a
 * Cyrillic twin; a word of mixed scripts otherwise (a brand, «ТЭЦ-1»…) stays as written.
 */
// plain character classes: a Unicode script scan of every letter cost more than the rest of
// normaliseText; every twin is basic Latin
const MIXED_SCRIPT_WORD =
  /[а-яёА-ЯЁәғқңөұүһіӘҒҚҢӨҰҮҺІ][a-zA-Z]|[a-zA-Z][а-яёА-ЯЁәғқңөұүһіӘҒҚҢӨҰҮҺІ]/;
const WORD_WITH_LATIN = /[\p{L}]*\p{Script=Latin}[\p{L}]*/gu;
const CYRILLIC_TWIN: Readonly<Record<string, string>> = {
  a: 'а',
  c: 'с',
  e: 'е',
  o: 'о',
  p: 'р',
  x: 'х',
  y: 'у',
  i: 'і',
  A: 'А',
  B: 'В',
  C: 'С',
  E: 'Е',
  H: 'Н',
  K: 'К',
  M: 'М',
  O: 'О',
  P: 'Р',
  T: 'Т',
  X: 'Х',
};

function cyrillicLookalikes(word: string): string {
  if (!/\p{Script=Cyrillic}/u.test(word)) return word;
  const latin = word.match(/\p{Script=Latin}/gu) ?? [];
  if (!latin.every((l) => l in CYRILLIC_TWIN)) return word;
  return word.replace(/\p{Script=Latin}/gu, (l) => CYRILLIC_TWIN[l] ?? l);
}

/**
 * Punctuation with a letter right after it: the cheap test (plain classes, no Unicode properties,
 * no lookbehind: those made normaliseText 20 times slower) before the token pass below.
 */
const UNSPACED_PUNCTUATION = /[.!?;,][A-Za-zА-Яа-яЁёӘәҒғҚқҢңӨөҰұҮүҺһІі]/;
/** A full stop after a word and before a capitalised one, or a comma between words, unspaced. */
const MISSING_SPACE_AFTER_STOP = /(\p{L}{4}|\d)([.!?;])(?=\p{Lu}(?![\p{Lu}.]))/gu;
const MISSING_SPACE_AFTER_COMMA = /(\p{L}{2})(,)(?=\p{L}{2})/gu;

/** One run of text between spaces, spaced after its punctuation; an address or link as it is. */
function spacedAfterPunctuation(token: string): string {
  if (!UNSPACED_PUNCTUATION.test(token) || /@|:\/\/|www\.|\\/iu.test(token)) return token;
  return token
    .replace(MISSING_SPACE_AFTER_STOP, '$1$2 ')
    .replace(MISSING_SPACE_AFTER_COMMA, '$1$2 ');
}

/** A clear-signed letter's text: its armour lines, hash header and signature block go. */
function withoutPgpArmour(text: string): string {
  return text
    .replace(/-----BEGIN PGP SIGNED MESSAGE-----\n(?:[\w-]+: .*\n)*\n?/gu, '')
    .replace(/-----BEGIN PGP SIGNATURE-----[\s\S]*?(?:-----END PGP SIGNATURE-----|$)/gu, '')
    .replace(/^- (?=-)/gmu, '');
}

interface Letter {
  /** the writer's own words, before the signature */
  body: string[];
  /** sign-off, name, position, phone… */
  signature: string[];
  /** the body of a forwarded letter, when the writer forwarded one */
  forwarded: string[];
  /** the forwarded letter's From header, as written above it */
  forwardedFrom: string | null;
}

export function splitLetter(text: string): Letter {
  const lines = text.split('\n').map((l) => l.trimEnd());
  const historyAt = findHistoryStart(lines);
  const own = withoutFooter(
    lines
      .slice(0, historyAt)
      .filter((l) => !QUOTED_LINE.test(l) && !DEVICE_LINE.some((re) => re.test(l.trim()))),
  );
  const sigAt = findSignatureStart(own);
  const body = trimBlank(own.slice(0, sigAt));
  const signature = trimBlank(own.slice(sigAt));

  let forwarded: string[] = [];
  let forwardedFrom: string | null = null;
  const historyLine = lines[historyAt];
  if (historyLine !== undefined && isForwardStart(lines, historyAt, own)) {
    const rest = lines.slice(historyAt + 1);
    let i = 0;
    while (i < rest.length && (HEADER_FROM.test(rest[i] ?? '') || HEADER_NEXT.test(rest[i] ?? '')))
      i++;
    const fromLine = [historyLine, ...rest.slice(0, i)].find((l) => HEADER_FROM.test(l.trim()));
    forwardedFrom = fromLine?.trim().replace(HEADER_LABEL, '').trim() ?? null;
    forwarded = trimBlank(rest.slice(i).filter((l) => !QUOTED_LINE.test(l)));
  }
  return { body, signature, forwarded, forwardedFrom };
}

/**
 * The writer's lines without what their mail system adds under them: a confidentiality
 * disclaimer and all below it, and a delimiter or rule left over from a dropped "Sent from"
 * footer (it would hide the signature above it).
 */
function withoutFooter(lines: string[]): string[] {
  // most lines start with none of a disclaimer's first letters: the long pattern is skipped
  const disclaimer = lines.findIndex((l) => {
    const line = l.trim();
    return DISCLAIMER_FIRST_LETTER.test(line) && DISCLAIMER_START.test(line);
  });
  const kept = disclaimer >= 0 ? lines.slice(0, disclaimer) : [...lines];
  for (;;) {
    const last = kept.at(-1)?.trim();
    if (
      last === undefined ||
      !(last === '' || SIGNATURE_DELIMITER.test(last) || /^[-_=—]{5,}$/u.test(last))
    )
      return kept;
    kept.pop();
  }
}

const DISCLAIMER_FIRST_LETTER = /^[cdiltвдкнбCDILTВДКНБ]/;

const HEADER_LABEL = /^\*?[\p{L}]+\*?\s*:/u;

/** «Абилов Марат <m@mail.ru>», «Name [mailto:m@mail.ru]» or a bare address, as a sender. */
function forwardedSender(value: string | null): ExtractInput['from'] {
  if (value === null) return null;
  const address = EMAIL_ONE.exec(value)?.[0] ?? null;
  if (address === null) return null;
  const name = value
    .replace(/<[^>]*>|\[mailto:[^\]]*\]|\(?[^\s()]+@[^\s()]+\)?/gu, '')
    .replace(/^["'\s]+|["'\s]+$/gu, '');
  return { address, name: name === '' ? null : name };
}

/**
 * Forwarded, not replied: a "Forwarded message" line, or (Outlook's "FW:") a rule or From:/Sent:
 * header block with nothing of the writer's own above it.
 */
function isForwardStart(lines: string[], at: number, own: string[]): boolean {
  const line = (lines[at] ?? '').trim();
  if (FORWARD_START.test(line)) return true;
  if (!own.every((l) => l.trim() === '')) return false;
  return /^_{10,}$/u.test(line) || HEADER_FROM.test(line);
}

/** Where the signature starts: "-- ", a sign-off near the end, or trailing contact lines. */
function findSignatureStart(lines: string[]): number {
  const delimiter = lines.findIndex((l) => SIGNATURE_DELIMITER.test(l));
  if (delimiter >= 0) return delimiter;

  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const m = SIGN_OFF.exec(line);
    if (!m || line.length > 100) continue;
    const rest = (m[1] ?? '').trim();
    if (THANKS_ONLY.test(line) && rest !== '' && asPersonName(rest) === null) continue;
    if (!THANKS_ONLY.test(line) && rest.length > 80) continue;
    const tail = lines.slice(i + 1).filter((l) => l.trim() !== '');
    if (tail.length <= MAX_SIGNATURE_LINES && tail.every((l) => l.trim().length <= 100)) return i;
  }

  // no sign-off: short contact lines at the very end (name, phone, address) are a signature
  // (HTML mail converted to text puts blank lines between them: only non-blank lines count)
  // An address line belongs to such a block only beside a name or phone line: alone, it may be
  // the place the complaint is about. A position line («ЖЭО-2, лаборант химцеха») belongs to it
  // only right under a contact line (the name).
  // An organisation line («ТОО «Альфа»», «Директор ТОО «Альфа»») belongs to the block anywhere.
  let start = lines.length;
  let seen = 0;
  let anchored = false;
  let position = false;
  for (let i = lines.length - 1; i >= 0 && seen < 6; i--) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    seen++;
    if (line.length > 100 || isSentence(line)) break;
    const contact =
      CONTACT_LABEL.test(line) ||
      IDENTITY_NUMBER_LINE.test(line) ||
      nameOnLine(line) !== null ||
      isPhoneLine(line);
    const organisation = !contact && isOrganisationLine(line);
    if (!contact && !organisation && position) break;
    const address = !contact && !organisation && isAddressLine(line);
    position = !contact && !organisation && anchored && !address && isPositionLine(line);
    if (!contact && !position && !address && !organisation) break;
    anchored ||= contact;
    if (anchored && !position) start = i;
  }
  return start;
}

/**
 * A line that says something, so cannot be part of a signature: it asks or exclaims, one sentence
 * ends inside it and another starts, or it is four words or more ending in a full stop after a
 * word («…, берет взятки.»). Initials («Иванов И.И.») and a closing number («кв. 5.») end no
 * sentence.
 */
function isSentence(line: string): boolean {
  if (CONTACT_LABEL.test(line)) return false;
  // an item of a list («1) 03.10.2026 — …», «- …») is the letter's own text
  if (/[!?]$/u.test(line) || LIST_ITEM.test(line)) return true;
  for (const [, word] of line.matchAll(SENTENCE_END_INSIDE)) {
    if (!ABBREVIATED.test(word ?? '')) return true;
  }
  const last = /([\p{L}-]+|[»")])[.…]$/u.exec(line)?.[1];
  if (last === undefined || line.split(/\s+/u).length < 4) return false;
  // «…, берет взятки.», «… ТОО «Альфа».»; not «…, 12 пәт.» nor «… кв.»
  return (
    /^[»")]$/u.test(last) ||
    (last.length >= 3 &&
      !ADDRESS_ABBREVIATIONS.has(last.toLowerCase()) &&
      !/^\p{Lu}{1,4}$/u.test(last))
  );
}

const LIST_ITEM = /^(?:\d{1,2}[.)]|[-•*–])\s/u;

/** The word before a full stop that another sentence follows on the same line. */
const SENTENCE_END_INSIDE = /(\S+?)[.!?…]\s+\p{Lu}\p{Ll}/gu;
/** «ул», «мкр», «г», "apt", an initial: a full stop after these ends no sentence. */
const ABBREVIATED = /^[(«"]?\p{L}{1,4}$|^\p{Lu}\.\p{Lu}$/u;

/** A short line that may name the writer's post or unit: a few words, not a sentence. */
function isPositionLine(line: string): boolean {
  return line.length <= 60 && line.split(/\s+/u).length <= 6 && !/[.!?:…]$/u.test(line);
}

/** A line that is a phone number and little else. */
function isPhoneLine(line: string): boolean {
  const rest = withoutPhones(line);
  return rest !== null && rest.replace(/[^\p{L}]/gu, '').length <= 12;
}

/** The line with its phone numbers taken out, or null when it holds none. */
function withoutPhones(line: string): string | null {
  const spans = findPhoneSpans(line);
  if (spans.length === 0) return null;
  let rest = line;
  for (const s of [...spans].reverse()) rest = rest.slice(0, s.start) + rest.slice(s.end);
  return rest;
}

/**
 * A person's name on a line, also when a phone shares it («Сергей Никитин 8 705 600 70 80»), or
 * an organisation and a post («Директор ТОО «Альфа» Касымов Р.Т.», «АО «Казахтелеком», Касенова
 * А., менеджер», «ИП Сейітов Н.А.»).
 */
function nameOnLine(line: string): string | null {
  const name = asPersonName(line) ?? nameBesideOrganisation(line);
  if (name !== null) return name;
  const rest = withoutPhones(line);
  if (rest === null) return null;
  const cleaned = rest
    .replace(/(?<![\p{L}])(?:тел|моб|сот|phone|tel|mobile|cell|ұялы)\.?\s*[:.]?/giu, ' ')
    .replace(/^[\s,;:–—-]+|[\s,;:–—(-]+$/gu, '')
    .replace(/\s{2,}/g, ' ');
  return cleaned === '' ? null : (asPersonName(cleaned) ?? nameBesideOrganisation(cleaned));
}

function nameBesideOrganisation(line: string): string | null {
  const soleTrader = SOLE_TRADER.exec(line)?.[1];
  if (soleTrader !== undefined) return asPersonName(soleTrader);
  if (!FORM_ALONE.test(line) && !line.split(/\s+/u).some((w) => ROLE_WORD.test(w))) return null;
  // our own signature, quoted back to us («…, Омбудсмен АО «АлЭС»»), names no appellant
  if (NOT_OUR_APPELLANT_ORG.test(line) || /омбудсм|ombudsm/iu.test(line)) return null;
  // an unquoted organisation's name («ТОО Ромашка») is no person's
  const orgWords = new Set((parseOrganisation(line)?.orgName ?? '').split(/\s+/u));
  const withoutOrg = line.replace(QUOTED_ORGANISATION, ',');
  let found: string | null = null;
  for (const part of withoutOrg.split(/[,;]/u)) {
    const words = part
      .trim()
      .split(/\s+/u)
      .filter((w) => w !== '' && !ROLE_WORD.test(w) && !FORM_ALONE.test(w) && !orgWords.has(w));
    if (words.length === 0) continue;
    const name = asPersonName(words.join(' '));
    // a line that says more than who signs («… Ибраева Л. — супруга начальника ПТО») is no signature
    if (name === null || found !== null) return null;
    found = name;
  }
  return found;
}

/** An organisation's signature line: a legal form and its name, or a post there, not a sentence. */
function isOrganisationLine(line: string): boolean {
  return (
    line.length <= 100 &&
    line.split(/\s+/u).length <= 10 &&
    !isSentence(line) &&
    (parseOrganisation(line) !== null || QUOTED_ORGANISATION.test(line))
  );
}

/** A letter pasted twice over itself (the same lines, one after the other) is read once. */
function withoutRepeat(text: string): string {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (lines.length < 2 || lines.length % 2 !== 0) return text;
  const half = lines.length / 2;
  const same = lines
    .slice(0, half)
    .every((l, i) => collapse(l) === collapse(lines[half + i] ?? ''));
  return same ? lines.slice(0, half).join('\n') : text;
}

function trimBlank(lines: string[]): string[] {
  let a = 0;
  let b = lines.length;
  while (a < b && (lines[a] ?? '').trim() === '') a++;
  while (b > a && (lines[b - 1] ?? '').trim() === '') b--;
  return lines.slice(a, b);
}

function isBlank(s: string): boolean {
  return s.trim() === '';
}

/** Runs of whitespace that are not already one plain space (those need no replacing). */
const WHITESPACE_TO_COLLAPSE = /\s{2,}|[^\S ]/g;

function collapse(s: string): string {
  return s.replace(WHITESPACE_TO_COLLAPSE, ' ').trim();
}

function cleanSubject(subject: string | null): string | null {
  if (subject === null) return null;
  const s = collapse(subject.replace(SUBJECT_PREFIX, ''));
  return s === '' ? null : s;
}

/** Cuts at a word boundary and marks the cut (column 5 is a *brief* content). */
export function truncate(s: string, max: number): string {
  if (s.length <= max) return s;
  const room = s.slice(0, Math.max(0, max - ELLIPSIS.length));
  const space = room.lastIndexOf(' ');
  const cut = space > room.length / 2 ? room.slice(0, space) : room;
  return cut.replace(/[\s,;:.—–-]+$/u, '') + ELLIPSIS;
}

// ---------------------------------------------------------------- anonymity (rules 4.14)

const ANONYMITY_GLOBAL = ANONYMITY_REQUEST.map(
  (re) => new RegExp(re.source, re.flags.includes('g') ? re.flags : re.flags + 'g'),
);

/**
 * For each pattern of ANONYMITY_REQUEST, in order: words one of which every match contains.
 * Kept beside the patterns' order; a length mismatch fails at load (and so in every test).
 */
const ANONYMITY_WORDS: readonly (readonly string[])[] = [
  ['прошу'],
  ['йте'],
  ['без'],
  ['анонимность'],
  ['анонимно'],
  ['анонимн'],
  ['хочу'],
  ['чтобы'],
  ['чтобы'],
  ['тайне'],
  ['мо'],
  ['имя', 'фамили', 'фио', 'данные', 'личност'],
  ['чтобы'],
  ['хочу', 'желаю', 'буду', 'стану'],
  ['подписыва'],
  ['кто я'],
  ['аноним'],
  ['ne '],
  ['bez'],
  ['мды', 'мді', 'мдi', 'мди'],
  ['мды', 'мді', 'мдi', 'мди'],
  ['аноним'],
  ['mdy', 'mdı', 'mdi'],
  ['жасырын'],
  ['my'],
  ['my'],
  ['my'],
  ['my'],
  ['anonymous'],
  ['anonymous'],
  ['not'],
  ['want'],
  ['nameless', 'unnamed', 'unidentified'],
];
if (ANONYMITY_WORDS.length !== ANONYMITY_REQUEST.length) {
  throw new Error('extract: ANONYMITY_WORDS must follow ANONYMITY_REQUEST pattern for pattern');
}

/** The words of an explicit request for anonymity, or null. Negated mentions do not count. */
export function findAnonymityRequest(text: string): string | null {
  const flat = collapse(text).toLowerCase();
  for (const [i, global] of ANONYMITY_GLOBAL.entries()) {
    // most letters hold none of a pattern's words: the (costly) Unicode regex is skipped then
    if (!ANONYMITY_WORDS[i]!.some((word) => flat.includes(word))) continue;
    for (const m of flat.matchAll(global)) {
      const start = (m.index ?? 0) + (m[0].length - m[0].trimStart().length);
      const phrase = m[0].trim().replace(/^[^\p{L}]+/u, '');
      const at = flat.indexOf(phrase, start);
      if (!negated(flat, at, phrase)) return phrase;
    }
  }
  return loneAnonymityWord(text);
}

function negated(text: string, at: number, phrase: string): boolean {
  const before = text.slice(Math.max(0, at - 40), at);
  const after = text.slice(at + phrase.length, at + phrase.length + 40);
  return (
    ANONYMITY_NEGATION_BEFORE.test(before) ||
    ANONYMITY_NEGATION_AFTER.test(after) ||
    ANONYMITY_GENERIC.test(text.slice(at, at + 60))
  );
}

/**
 * The word «аноним…» / "anonym…" on its own, when it is the writer's request: it ends the
 * sentence, line or form field («С уважением, аноним», «Анонимно: да»), names the writer's own
 * letter («Анонимное обращение»), or says how the writer asks to be treated, beside a first-person
 * request («прошу рассмотреть анонимно», «анонимді түрде жазамын»). Not when somebody else is
 * anonymous («мне поступил анонимный звонок»). Read with its line breaks: a line ends a sentence.
 */
function loneAnonymityWord(text: string): string | null {
  const lines = text.toLowerCase().replace(/[^\S\n]+/gu, ' ');
  if (!lines.includes('аноним') && !lines.includes('anonym')) return null;
  for (const m of lines.matchAll(ANONYMITY_WORD)) {
    const word = m[0];
    const at = m.index ?? 0;
    const end = at + word.length;
    if (negated(lines, at, word)) continue;
    const before = sentenceBefore(lines, at);
    const after = sentenceAfter(lines, end);
    if (SOMEBODY_ELSE.test(before)) continue;
    const rest = lines.slice(end, end + 60);
    if (ANONYMITY_WORD_ENDS.test(rest) || ANONYMITY_FIELD_YES.test(rest)) return word;
    if (ANONYMITY_OWN_LETTER.test(rest))
      return lines.slice(at, end) + rest.match(ANONYMITY_OWN_LETTER)![0];
    const firstPerson = FIRST_PERSON_REQUEST.test(before) || FIRST_PERSON_REQUEST.test(after);
    if (firstPerson && (ANONYMITY_MANNER.test(word) || ANONYMITY_CLAUSE_ENDS.test(rest)))
      return word;
  }
  return null;
}

/** Up to 60 characters before `at`, from the start of its sentence or line. */
function sentenceBefore(text: string, at: number): string {
  const window = text.slice(Math.max(0, at - 60), at);
  const cut = Math.max(...['.', '!', '?', '\n'].map((c) => window.lastIndexOf(c)));
  return window.slice(cut + 1);
}

/** Up to 60 characters after `end`, to the end of its sentence or line. */
function sentenceAfter(text: string, end: number): string {
  const window = text.slice(end, end + 60);
  const cut = window.search(/[.!?\n]/u);
  return cut < 0 ? window : window.slice(0, cut);
}

/** An IIN (12 digits: it encodes the birth date) or an IPv4 address, e.g. from a web form. */
const IDENTIFYING_NUMBER = /(?<!\d|\d\.)(?:\d{12}|(?:\d{1,3}\.){3}\d{1,3})(?!\d|\.\d)/gu;

function redact(
  content: string,
  known: { names: readonly string[]; address: string | null; answerAddress: string | null },
): string {
  let out = content;
  const spans = findPhoneSpans(out).sort((a, b) => b.start - a.start);
  for (const s of spans) out = out.slice(0, s.start) + REDACTED + out.slice(s.end);
  out = out.replace(EMAIL, REDACTED).replace(IDENTIFYING_NUMBER, REDACTED);
  if (known.address !== null) out = out.split(known.address).join(REDACTED);
  for (const word of new Set(known.names.flatMap((name) => name.split(/\s+/u)))) {
    if (word.length < 3 || word.includes('.')) continue;
    out = out.replace(nameWordPattern(word), REDACTED);
  }
  // a patronymic or surname beside a name taken out: «[***] [***] Маратович», «Сәрсенова [***]»
  return out.replace(NAME_BESIDE_REDACTED, (m) => m.replace(SURNAME_OR_PATRONYMIC, REDACTED));
}

/**
 * A word of the writer's name in any grammatical case: «Ерлан» also as «Ерлану», «Жаксылыков» as
 * «Жаксылыкову», «Айгуль» as «Айгулю». Only for a stem of four letters or more.
 */
function nameWordPattern(word: string): RegExp {
  const stem = word.replace(/[аяеоуыиьйі]$/iu, '');
  const ending = stem.length >= 4 && /^\p{Script=Cyrillic}+$/u.test(stem) ? '\\p{Ll}{0,3}' : '';
  const body = ending === '' ? escapeRe(word) : `${escapeRe(stem)}${ending}`;
  return new RegExp(`(?<![\\p{L}])${body}(?![\\p{L}])`, 'gu');
}

const SURNAME_OR_PATRONYMIC =
  /\p{Lu}\p{Ll}+(?:ович|евич|овна|евна|ична|улы|ұлы|қызы|кызы|ов|ев|ёв|ин|ова|ева|ёва|ина|ский|ская|цкий|цкая|енко)(?:а|у|ым|ой|ем|е)?(?![\p{L}])/u;
const NAME_BESIDE_REDACTED = new RegExp(
  `\\[\\*\\*\\*\\]\\s+${SURNAME_OR_PATRONYMIC.source}|${SURNAME_OR_PATRONYMIC.source}\\s+\\[\\*\\*\\*\\]`,
  'gu',
);

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

// ---------------------------------------------------------------- column 3: full name

/** A person's name as written (titles and trailing descriptions dropped), or null. */
export function asPersonName(raw: string): string | null {
  let s = raw
    .trim()
    .replace(/^[-–—]+\s*/u, '')
    .replace(/^["'«“„]+|["'»”]+$/gu, '')
    .split(/\s*[,;(|/]\s*|\s+[-–—]\s+/u)[0]!
    .replace(NAME_TITLES, '')
    .replace(/[\s.!:]+$/u, (tail) => (/\p{Lu}\.$/u.test(raw.trim()) ? tail.trim() : ''))
    .trim();
  s = s.replace(/\s+/g, ' ');
  if (s === '' || s.length > 60 || /[\d@_]/.test(s)) return null;
  const words = s.split(' ');
  if (words.length > MAX_NAME_WORDS) return null;
  if (!words.every((w) => NAME_WORD.test(w) || /^\p{Lu}{2,}$/u.test(w))) return null;
  if (words.every((w) => w.includes('.'))) return null;
  for (const w of words) {
    const lower = w.toLowerCase().replace(/\.$/, '');
    if (NOT_A_NAME_WORDS.has(lower) || lower in LEGAL_FORM_ABBREVIATIONS) return null;
  }
  if (words.length === 1 && (words[0]?.length ?? 0) < 3) return null;
  // one word in capitals is a unit («ПТО»), a code («ETIMEDOUT») or a shout, not a name
  if (words.length === 1 && /^\p{Lu}{2,}$/u.test(words[0] ?? '')) return null;
  return s;
}

/** «ИВАНОВ ИВАН» → «Иванов Иван»: a name typed in capitals, as the journal writes names. */
function asWritten(name: string | null): string | null {
  if (name === null || !/^[\p{Lu}\s.'’-]+$/u.test(name) || !/\p{Lu}{3}/u.test(name)) return name;
  return name
    .toLowerCase()
    .replace(
      /(^|[\s'’-])(\p{Ll})/gu,
      (_, before: string, letter: string) => before + letter.toUpperCase(),
    );
}

function nameFromLabel(text: string): string | null {
  for (const line of text.split('\n')) {
    const m = NAME_LABEL.exec(line);
    // «Подпись: ________ /Исмаилов К.Т./»: the line to sign on, the name in slashes
    const value = m?.[1]?.replace(/_+/gu, ' ').replace(/^[\s/]+|[\s/]+$/gu, '');
    const name = value !== undefined ? asPersonName(value) : null;
    if (name !== null) return name;
  }
  return null;
}

function nameFromIntro(text: string): string | null {
  for (const re of NAME_INTRO) {
    const m = re.exec(text);
    if (m?.[1] === undefined) continue;
    // the longest run of name-like words at the start: «Меня зовут Иван Петров и я …»
    const words = m[1]
      .trim()
      .replace(/^[-–—:\s]+/u, '')
      .split(/\s+/);
    // quoted words are an organisation's name, not the writer's
    const quoted = (w: string) => /["'«»“”„]/u.test(w);
    for (let start = 0; start < words.length; start++) {
      // past the first word only after an organisation or a role: «Я, как работник Каскада ГЭС,»
      // names a site, not the writer
      const before = words.slice(0, start).join(' ');
      if (start > 0 && !REPRESENTATIVE_ROLE.test(before) && !before.split(' ').some(quoted)) break;
      if (quoted(words[start] ?? '')) continue;
      const room = Math.min(MAX_NAME_WORDS, words.length - start);
      for (let n = room; n >= 1; n--) {
        const run = words.slice(start, start + n);
        if (run.some(quoted)) continue;
        const name = asPersonName(run.join(' '));
        if (name !== null) return name;
      }
    }
  }
  return null;
}

function nameFromSignature(signature: string[]): string | null {
  const lines = signature
    .map((l) => l.trim())
    .filter((l) => l !== '' && !SIGNATURE_DELIMITER.test(l));
  const first = lines[0];
  if (first === undefined) return null;
  const signOff = SIGN_OFF.exec(first);
  if (signOff) {
    const rest = (signOff[1] ?? '').trim();
    if (rest !== '') return nameOnLine(rest);
    lines.shift();
  }
  for (const line of lines.slice(0, 3)) {
    const name = nameOnLine(line);
    if (name !== null) return name;
  }
  return null;
}

/**
 * A bare forward brings somebody's letter (a colleague relays a resident's complaint): the
 * columns are that letter's and its writer's, read from it and from its From line. The
 * acknowledgement still goes to whoever sent it to us.
 */
function readBareForward(
  input: ExtractInput,
  letter: Letter,
  opts: ExtractOptions,
): { extracted: ExtractedAppeal; ownWords: string } {
  const inner = readAppeal(
    {
      text: letter.forwarded.join('\n'),
      subject: input.subject,
      from: forwardedSender(letter.forwardedFrom),
      replyTo: null,
    },
    opts,
  );
  const sender = input.replyTo?.address ?? input.from?.address ?? null;
  return {
    ...inner,
    extracted: { ...inner.extracted, answerAddress: sender ?? inner.extracted.answerAddress },
  };
}

/**
 * The name the letter gives, or the From display name when it says more of the same person: a
 * signature «Олжас» under From «Олжас Абдрахманов».
 */
function fuller(given: string | null, display: string | null): string | null {
  if (given === null || display === null) return given ?? display;
  const words = (s: string) => s.toLowerCase().split(/\s+/u);
  const shown = words(display);
  const more = shown.length > words(given).length;
  if (more && words(given).every((w) => shown.includes(w))) return display;
  // a first name signed short («Mike» under From «Michael Brown»): the same first two letters
  const [only, ...rest] = words(given);
  const short = only !== undefined && rest.length === 0 && only.length >= 2;
  return short && shown.length >= 2 && shown.some((w) => w.startsWith(only.slice(0, 2)))
    ? display
    : given;
}

/** A name and phone closing the last line: «… за деньги. Омаров Кайрат, 8-701-321-65-43». */
function nameClosingLetter(body: string[]): string | null {
  const last = [...body]
    .reverse()
    .find((line) => line.trim() !== '')
    ?.trim();
  if (last === undefined) return null;
  const sentences = sentencesOf(last);
  const tail = sentences.pop();
  if (tail === undefined || sentences.length === 0) return null;
  // «… Прошу разобраться. С уважением, Ким Олег Викторович.» on the letter's one line
  const signOff = SIGN_OFF.exec(tail);
  if (signOff && !THANKS_ONLY.test(tail)) return nameOnLine(signOff[1] ?? '');
  return withoutPhones(tail) === null ? null : nameOnLine(tail);
}

/** A line's sentences: split after a full stop that no abbreviation or initial («тел.», «Г.С.») ends. */
function sentencesOf(line: string): string[] {
  const sentences: string[] = [];
  let from = 0;
  for (const m of line.matchAll(/(\S+?)[.!?…]\s+/gu)) {
    if (ABBREVIATED.test(m[1] ?? '')) continue;
    const end = (m.index ?? 0) + m[0].length;
    sentences.push(line.slice(from, end).trim());
    from = end;
  }
  sentences.push(line.slice(from).trim());
  return sentences;
}

/** The From display name, when it is a person's (not a mailbox, a role or a company). */
function nameFromDisplayName(display: string | null): string | null {
  if (display === null) return null;
  let s = display.trim().replace(/^["']+|["']+$/g, '');
  if (s === '' || s.includes('@') || findLegalForm(s) !== null) return null;
  // "Ivanov, Ivan" as Outlook writes it: keep the order, drop the comma
  if (/^[^,]+,\s*[^,]+$/.test(s)) s = s.replace(/,\s*/, ' ');
  return asPersonName(s);
}

// ---------------------------------------------------------------- column 6: organisation

interface Organisation {
  legalForm: string;
  orgName: string;
}

const ABBREVIATION_ALT = Object.values(LEGAL_FORM_ABBREVIATIONS)
  .filter((v, i, all) => all.indexOf(v) === i)
  .sort((a, b) => b.length - a.length)
  .join('|');
const QUOTED = `«((?:[^«»]|«[^«»]*»)+)»|"([^"\\n]+)"|“([^”\\n]+)”|„([^“\\n]+)“`;
const UNQUOTED_NAME = `((?:[\\p{Lu}\\d][\\p{L}\\d&'’.-]*)(?:\\s+[\\p{Lu}\\d][\\p{L}\\d&'’.-]*){0,4})`;
const FORM = `(?<![\\p{L}])(${ABBREVIATION_ALT})(?![\\p{L}])`;
const FORM_THEN_NAME = new RegExp(`${FORM}\\s*(?:${QUOTED}|${UNQUOTED_NAME})`, 'u');
const QUOTED_THEN_FORM = new RegExp(`(?:${QUOTED})\\s*${FORM}`, 'u');
const NAME_THEN_FORM = new RegExp(`${UNQUOTED_NAME}\\s+${FORM}`, 'u');
const FORM_ALONE = new RegExp(FORM, 'u');
/** «ТОО «Альфа»», «"Альфа" LLP», «КСК «Жетысу-3»»: a quoted name with a legal form or a short prefix. */
const QUOTED_ORGANISATION = new RegExp(
  `(?:(?:${FORM}|(?<![\\p{L}])\\p{Lu}{2,5})\\s*(?:${QUOTED})|(?:${QUOTED})\\s*${FORM})`,
  'gu',
);

function findLegalForm(s: string): string | null {
  for (const [re, form] of LEGAL_FORM_LONG) if (re.test(s)) return form;
  const m = FORM_ALONE.exec(s);
  return m?.[1] ?? null;
}

function firstDefined(groups: (string | undefined)[]): string | undefined {
  return groups.find((g) => g !== undefined && g.trim() !== '');
}

/** Legal form and name of an organisation written in `fragment`, e.g. «ТОО «Ромашка»». */
export function parseOrganisation(fragment: string): Organisation | null {
  let text = fragment;
  for (const [re, form] of LEGAL_FORM_LONG) text = text.replace(re, form);
  // every pattern below needs a legal form: most lines have none
  if (!FORM_ALONE.test(text)) return null;

  const candidates: Organisation[] = [];
  const quotedFirst = QUOTED_THEN_FORM.exec(text);
  if (quotedFirst) {
    const name = firstDefined(quotedFirst.slice(1, 5));
    const form = quotedFirst[5];
    if (name !== undefined && form !== undefined)
      candidates.push({ legalForm: form, orgName: name });
  }
  const formFirst = FORM_THEN_NAME.exec(text);
  if (formFirst) {
    const form = formFirst[1];
    const name = firstDefined(formFirst.slice(2, 7));
    if (name !== undefined && form !== undefined)
      candidates.push({ legalForm: form, orgName: cleanOrgName(name) });
  }
  const nameFirst = NAME_THEN_FORM.exec(text);
  if (nameFirst?.[2] !== undefined && LEGAL_FORMS_AFTER_NAME.has(nameFirst[2])) {
    const name = nameFirst[1];
    if (name !== undefined)
      candidates.push({ legalForm: nameFirst[2], orgName: cleanOrgName(name) });
  }
  const found = candidates.find((c) => c.orgName !== '' && !NOT_OUR_APPELLANT_ORG.test(c.orgName));
  return found ?? null;
}

function cleanOrgName(name: string): string {
  return name
    .trim()
    .replace(/^["'«“„]+|["'»”“]+$/gu, '')
    .replace(/(?<!\p{Lu})[.,]+$/u, '')
    .trim();
}

function findOrganisation(letter: Letter, displayName: string | null): Organisation | null {
  // The writer's own organisation shows in the signature, next to a "on behalf of" phrase, or in
  // the From name; an organisation merely named in the complaint is not column 6.
  for (const line of letter.signature) {
    if (looksLikeAddress(line)) continue;
    const org = parseOrganisation(line);
    if (org !== null) return org;
  }
  const body = letter.body.join('\n');
  for (const m of body.matchAll(REPRESENTS_ORG_AFTER)) {
    const from = (m.index ?? 0) + m[0].length;
    const org = parseOrganisation(firstLine(body.slice(from, from + 120)));
    if (org !== null) return org;
  }
  const intro = SELF_INTRO.exec(body);
  if (intro?.[1] !== undefined && REPRESENTATIVE_ROLE.test(intro[1])) {
    const org = parseOrganisation(intro[1]);
    if (org !== null) return org;
  }
  for (const m of body.matchAll(REPRESENTS_ORG_BEFORE)) {
    // only the same sentence: «Сотрудники АО «X» грубят. ТОО «Y» в лице директора …» is Y
    const before = body
      .slice(Math.max(0, (m.index ?? 0) - 120), m.index)
      .split(/[.!?]\s|\n/u)
      .pop();
    const org = parseOrganisation(before ?? '');
    if (org !== null) return org;
  }
  return displayName !== null ? parseOrganisation(displayName) : null;
}

// ---------------------------------------------------------------- column 4: address and phone

function firstLine(s: string): string {
  return s.split('\n')[0] ?? '';
}

/**
 * An address line of a signature: it looks like an address and does not tell something before
 * it («Мастер берет взятки, живет по адресу ул. …»: the accused's or a site's address).
 */
function isAddressLine(line: string): boolean {
  if (!looksLikeAddress(line) || SOMETHING_ELSES_ADDRESS.test(line)) return false;
  const unlabelled = line.replace(/^[\p{L} ]{1,25}:\s*/u, '');
  const marker = ADDRESS_MARKER.exec(unlabelled)?.index ?? unlabelled.length;
  const digit = /\d/u.exec(unlabelled)?.index ?? unlabelled.length;
  return !/(?<![\p{L}])\p{Ll}{4,}/u.test(unlabelled.slice(0, Math.min(marker, digit)));
}

function looksLikeAddress(s: string): boolean {
  return (
    /\d/.test(s) &&
    ADDRESS_MARKER.test(s) &&
    findPhoneSpans(s).length === 0 &&
    !/\d{1,2}\.\d{1,2}\.\d{2,4}/.test(s)
  );
}

/** The address at the start of `s`, up to the end of its sentence. */
export function cutAddress(s: string): string | null {
  let text = (s.split('\n')[0] ?? '').trim();
  const stop =
    /[,;]?\s*(?:тел\.?|телефон|моб\.?|phone|tel\.?|mobile|e-?mail|эл\.\s*почта|ұялы|(?<![\p{L}\d.])(?:и|а|and|және|прошу|please)(?![\p{L}/.]))/iu.exec(
      text,
    );
  if (stop) text = text.slice(0, stop.index);
  for (const m of text.matchAll(/[.;!?](?=\s|$)/gu)) {
    const at = m.index ?? 0;
    if (m[0] !== '.') {
      text = text.slice(0, at);
      break;
    }
    const word = /([\p{L}-]+)$/u.exec(text.slice(0, at))?.[1]?.toLowerCase();
    if (word !== undefined && ADDRESS_ABBREVIATIONS.has(word)) continue;
    text = text.slice(0, at);
    break;
  }
  // keep comma-separated parts while they read as address parts: «…, кв. 12, сообщаю о …» stops
  const parts = text.split(',');
  let kept = 0;
  for (const part of parts) {
    const p = part.trim();
    if (kept > 0 && !/\d/.test(p) && !ADDRESS_MARKER.test(` ${p}`) && !/^\p{Lu}/u.test(p)) break;
    kept++;
  }
  text = parts
    .slice(0, kept)
    .join(',')
    .replace(/[\s,.:;—–-]+$/u, '')
    .trim();
  if (text.length < 5 || text.length > 160 || !/\d/.test(text)) return null;
  if (!ADDRESS_MARKER.test(text) && !text.includes(',')) return null;
  return text;
}

function findHomeAddress(letter: Letter): string | null {
  const own = [...letter.body, ...letter.signature].join('\n');
  for (const re of [HOME_ADDRESS_CUE, HOME_ADDRESS_LABEL]) {
    for (const m of own.matchAll(re)) {
      const address = cutAddress(own.slice((m.index ?? 0) + m[0].length));
      if (address !== null) return address;
    }
  }
  for (const line of letter.signature) {
    if (!isAddressLine(line)) continue;
    const address = cutAddress(line.replace(/^[\p{L} ]{1,20}:\s*/u, ''));
    if (address !== null) return address;
  }
  return null;
}

function firstOwnPhone(text: string): string | null {
  return findPhoneSpans(text).find((s) => !OWN_PHONES.has(s.phone))?.phone ?? null;
}

/**
 * The writer's phone among the numbers of the body: one they call their own, else the first that
 * nothing marks as somebody else's. The accused's number, an office's or a caller's is never
 * taken: the Ombudsman would ring the person the letter is about.
 */
function writersPhoneInBody(text: string): string | null {
  let neutral: string | null = null;
  let previousEnd = 0;
  for (const span of findPhoneSpans(text)) {
    const whose = whosePhone(text, span, previousEnd);
    previousEnd = span.end;
    if (OWN_PHONES.has(span.phone) || whose === 'other') continue;
    if (whose === 'writer') return span.phone;
    neutral ??= span.phone;
  }
  return neutral;
}

function whosePhone(
  text: string,
  span: { start: number; end: number },
  previousEnd: number,
): 'writer' | 'other' | null {
  const lineStart = text.lastIndexOf('\n', span.start - 1) + 1;
  let before = text.slice(Math.max(lineStart, previousEnd, span.start - 60), span.start);
  const sentenceEnd = /.*[.!?]\s+(?=\p{Lu})/su.exec(before);
  if (sentenceEnd) before = before.slice(sentenceEnd[0].length);
  const lineEnd = text.indexOf('\n', span.end);
  const after = text.slice(span.end, lineEnd < 0 ? text.length : lineEnd);
  const bracketed = /^\s*\(([^()\n]{1,40})\)/u.exec(after)?.[1] ?? '';
  if (CALLERS_PHONE_CUE.test(before)) return 'other';
  if (WRITERS_PHONE_CUE.test(before.slice(-30))) return 'writer';
  if (OTHERS_PHONE_CUE.test(before) || OTHERS_PHONE_CUE.test(bracketed)) return 'other';
  const narrativeGoesOn = /\p{Ll}{3,}/u.test(after.replace(/\([^()]*\)/gu, ''));
  return POST_PHONE_CUE.test(before) && narrativeGoesOn ? 'other' : null;
}

// ---------------------------------------------------------------- column 7: reply address

function isEmail(s: string): boolean {
  return new RegExp(`^${EMAIL_ONE.source}$`, 'u').test(s);
}

/** An address the writer explicitly asks the reply to be sent to: e-mail or postal. */
export function findReplyAddress(text: string): string | null {
  // every wording names the answer or an address: most letters are spared the patterns below
  if (!REPLY_ADDRESS_HINT.test(text)) return null;
  // lines kept: a postal address ends with its line, not with the name under it
  const flat = text.split('\n').map(collapse).join('\n');
  const kk = REPLY_ADDRESS_KK.exec(flat);
  if (kk?.[1] !== undefined) {
    const value = kk[1].trim();
    const email = EMAIL_ONE.exec(value);
    if (email) return email[0];
    const address = cutAddress(value);
    if (address !== null) return address;
  }
  for (const re of [...REPLY_ADDRESS_CUE, REPLY_ADDRESS_KK_LABEL]) {
    const m = re.exec(flat);
    if (!m) continue;
    const rest = flat.slice((m.index ?? 0) + m[0].length);
    const email = /^(?:[\p{L}-]+\s+){0,3}?([\p{L}\d._%+-]+@[\p{L}\d.-]+\.[\p{L}]{2,})/u.exec(rest);
    if (email?.[1] !== undefined) return email[1];
    const address = cutAddress(rest.split('\n')[0] ?? '');
    if (address !== null) return address;
  }
  return emailAskedForReply(flat);
}

const REPLY_ADDRESS_HINT = /ответ|адрес|жауап|мекен|reply|answer|address|respon|@/i;

/**
 * An e-mail address in a sentence about the reply, in any wording: «ответ прошу на мою личную:
 * a@b.kz», "please reply to my private address a@b.kz", «жауапты a@b.kz поштасына жіберіңіз».
 * Not one the sentence gives as somebody else's or as where mail came from.
 */
function emailAskedForReply(text: string): string | null {
  for (const { address, at } of emailsIn(text)) {
    let before = text.slice(Math.max(0, at - 120), at);
    const sentenceEnd = /.*(?:[.!?]\s|\n)/su.exec(before);
    if (sentenceEnd) before = before.slice(sentenceEnd[0].length);
    const end = at + address.length;
    const after = text.slice(end, end + 60).split(/[.!?\n]/u)[0] ?? '';
    const sentence = `${before} ${after}`;
    if (REPLY_REQUEST.test(sentence) && !NOT_FOR_REPLY.test(sentence)) return address;
  }
  return null;
}

/**
 * The e-mail addresses of a text, found from their '@': EMAIL run over a whole letter tries every
 * letter as an address's start, and was a fifth of the extraction's time.
 */
function* emailsIn(text: string): Generator<{ address: string; at: number }> {
  for (let sign = text.indexOf('@'); sign >= 0; sign = text.indexOf('@', sign + 1)) {
    const local = /[\p{L}\d._%+-]+$/u.exec(text.slice(Math.max(0, sign - 64), sign))?.[0];
    const domain = /^@[\p{L}\d.-]+\.\p{L}{2,}/u.exec(text.slice(sign, sign + 256))?.[0];
    if (local !== undefined && domain !== undefined) {
      yield { address: local + domain, at: sign - local.length };
    }
  }
}
