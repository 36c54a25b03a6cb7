/**
 * Answers to appellants, rendered from `templates/{kk,ru,en}/<kind>.{subject,text,html}.hbs`.
 *
 * The data types hold only what we say ourselves (number, dates, who handles the appeal, where to
 * turn): nothing the appellant wrote can reach an answer, because there is no field for it (rules
 * 4.9: confidentiality; an answer may reach a mailbox other than the appellant's).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { LANGUAGES, type Language } from '../cases/appeal.models.js';
import { DEFAULT_TIME_ZONE, parseIsoDate, zonedDateTime, type IsoDate } from '../cases/calendar.js';
import { InputError, SenimError } from '../errors.js';

export type AnswerKind = 'acknowledgement' | 'redirect' | 'extension';

/** One value for every language, or one per language (a kk+ru answer needs both). */
export type Localized<T> = T | Partial<Record<Language, T>>;

/** rules 4.9: registration number, receipt, who handles it, due date. */
export interface AcknowledgementData {
  number: number;
  receivedAt: Date;
  /** 15 working days after receipt (rules 4.11), from the calendar */
  dueDate: IsoDate;
  /** SENIM_OMBUDSMAN_NAME / _TITLE; without a name, only the position is given */
  ombudsman?: { name?: string | null; title?: Localized<string> | null };
}

/** The body that handles an out-of-remit matter, already in the answer's language. */
export interface RedirectAuthority {
  name: string;
  address?: string | null;
  phone?: string | null;
  site?: string | null;
  email?: string | null;
  /** the kind of matter that body handles, e.g. "heat supply tariffs" (from the directory) */
  matter?: string | null;
}

/** rules 4.10: the appeal is out of remit; where to turn instead. */
export interface RedirectData {
  number: number;
  authority: Localized<RedirectAuthority>;
}

/** rules 4.11: the due date was extended (≤ 2 months from receipt, checked by the caller). */
export interface ExtensionData {
  number: number;
  dueDate: IsoDate;
  /** written by the Ombudsman */
  reason?: Localized<string> | null;
}

export interface AnswerData {
  acknowledgement: AcknowledgementData;
  redirect: RedirectData;
  extension: ExtensionData;
}

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface RenderOptions {
  /** zone in which the receipt time is shown; SENIM_TZ */
  timeZone?: string;
}

/** `templates/` of the repository: from src/notify/ (tsx) and from dist/notify/ (compiled) alike. */
export const TEMPLATES_DIR = fileURLToPath(new URL('../../templates/', import.meta.url));

const HEADER_MAX = 200;
/* eslint-disable no-control-regex -- matching control characters is the point */
// C0/C1 controls, DEL, line/paragraph separators, bidi embeddings/overrides/isolates.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
const CONTROL_BUT_NEWLINE =
  /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;
/* eslint-enable no-control-regex */

/**
 * A value fit for a single-line mail header: control characters (CR, LF, TAB…) become spaces,
 * whitespace is collapsed, and the result is capped at `maxLength` characters (code points).
 */
export function headerSafe(value: string, maxLength = HEADER_MAX): string {
  const line = value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  const chars = Array.from(line);
  if (chars.length <= maxLength) return line;
  return `${chars
    .slice(0, Math.max(0, maxLength - 1))
    .join('')
    .trimEnd()}…`;
}

/** Free text for a body: newlines kept (CRLF → LF), other control characters dropped. */
function bodyText(value: string): string {
  return value.replace(/\r\n?/g, '\n').replace(CONTROL_BUT_NEWLINE, '').trim();
}

/** A data field shown on one line of a body. */
function oneLine(value: string | null | undefined): string | null {
  if (value == null) return null;
  return headerSafe(value, Number.MAX_SAFE_INTEGER) || null;
}

// Hand-rolled: Node's ICU gives "2026 ж. 27 қазан" for kk, not the form we want, and ru/en follow suit
// so that the output does not depend on the ICU build.
const MONTHS: Record<Language, readonly string[]> = {
  kk: [
    'қаңтар',
    'ақпан',
    'наурыз',
    'сәуір',
    'мамыр',
    'маусым',
    'шілде',
    'тамыз',
    'қыркүйек',
    'қазан',
    'қараша',
    'желтоқсан',
  ],
  ru: [
    'января',
    'февраля',
    'марта',
    'апреля',
    'мая',
    'июня',
    'июля',
    'августа',
    'сентября',
    'октября',
    'ноября',
    'декабря',
  ],
  en: [
    'January',
    'February',
    'March',
    'April',
    'May',
    'June',
    'July',
    'August',
    'September',
    'October',
    'November',
    'December',
  ],
};

/** kk «2026 жылғы 27 қазан», ru «27 октября 2026 г.», en "27 October 2026". */
export function formatDate(date: IsoDate, lang: Language): string {
  parseIsoDate(date);
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const month = MONTHS[lang][m - 1] ?? '';
  switch (lang) {
    case 'kk':
      return `${y} жылғы ${d} ${month}`;
    case 'ru':
      return `${d} ${month} ${y} г.`;
    case 'en':
      return `${d} ${month} ${y}`;
  }
}

// Russian names a month alone in the nominative («октябрь»), not the genitive of a date («октября»).
const RU_NOMINATIVE =
  'январь февраль март апрель май июнь июль август сентябрь октябрь ноябрь декабрь'.split(' ');

/** A month 'YYYY-MM': kk «2026 жылғы қазан», ru «октябрь 2026 г.», en "October 2026". */
export function formatMonth(month: string, lang: Language): string {
  parseIsoDate(`${month}-01`);
  const y = Number(month.slice(0, 4));
  const m = Number(month.slice(5, 7)) - 1;
  switch (lang) {
    case 'kk':
      return `${y} жылғы ${MONTHS.kk[m] ?? ''}`;
    case 'ru':
      return `${RU_NOMINATIVE[m] ?? ''} ${y} г.`;
    case 'en':
      return `${MONTHS.en[m] ?? ''} ${y}`;
  }
}

/** Languages of one answer in mail order: kk first, then ru, then en; duplicates dropped. */
export function orderLanguages(langs: Language | readonly Language[]): Language[] {
  const wanted = new Set(typeof langs === 'string' ? [langs] : langs);
  const ordered = LANGUAGES.filter((l) => wanted.has(l));
  if (ordered.length === 0 || ordered.length !== wanted.size) {
    throw new InputError('bad_answer_language', `answer languages must be among kk, ru, en`);
  }
  return ordered;
}

function pick<T>(
  value: Localized<T>,
  lang: Language,
  isSingle: (v: Localized<T>) => v is T,
): T | null {
  if (isSingle(value)) return value;
  for (const l of [lang, 'ru', 'kk', 'en'] as const) {
    const v = value[l];
    if (v != null) return v;
  }
  return null;
}

const isString = (v: Localized<string>): v is string => typeof v === 'string';
const isAuthority = (v: Localized<RedirectAuthority>): v is RedirectAuthority =>
  typeof (v as Partial<RedirectAuthority>).name === 'string';

function checkNumber(n: number): number {
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new InputError('bad_appeal_number', `registration number must be a whole number ≥ 1`);
  }
  return n;
}

type View = Record<string, string | number | null>;

/** The only values a template sees, built field by field: extra properties of `data` go nowhere. */
function view<K extends AnswerKind>(
  kind: K,
  data: AnswerData[K],
  lang: Language,
  timeZone: string,
): View {
  switch (kind) {
    case 'acknowledgement': {
      const d = data as AcknowledgementData;
      const received = zonedDateTime(d.receivedAt, timeZone);
      const title = d.ombudsman?.title == null ? null : pick(d.ombudsman.title, lang, isString);
      return {
        number: checkNumber(d.number),
        receivedDate: formatDate(received.date, lang),
        receivedTime: received.time,
        dueDate: formatDate(d.dueDate, lang),
        handlerName: oneLine(d.ombudsman?.name),
        handlerTitle: oneLine(title),
      };
    }
    case 'redirect': {
      const d = data as RedirectData;
      const a = pick(d.authority, lang, isAuthority);
      const name = oneLine(a?.name);
      if (!a || !name)
        throw new InputError('bad_redirect', 'redirect advice needs the body’s name');
      return {
        number: checkNumber(d.number),
        name,
        address: oneLine(a.address),
        phone: oneLine(a.phone),
        site: oneLine(a.site),
        email: oneLine(a.email),
        matter: oneLine(a.matter),
      };
    }
    case 'extension': {
      const d = data as ExtensionData;
      const reason = d.reason == null ? null : pick(d.reason, lang, isString);
      return {
        number: checkNumber(d.number),
        dueDate: formatDate(d.dueDate, lang),
        reason: reason == null ? null : bodyText(reason) || null,
      };
    }
  }
  throw new InputError('bad_answer_kind', `unknown answer kind`);
}

// One private Handlebars environment; each template compiled once, on first use.
const hbs = Handlebars.create();
const compiled = new Map<string, Handlebars.TemplateDelegate>();

function template(name: string, escape: boolean): Handlebars.TemplateDelegate {
  let t = compiled.get(name);
  if (!t) {
    let source: string;
    try {
      source = readFileSync(`${TEMPLATES_DIR}${name}.hbs`, 'utf8');
    } catch (error) {
      throw new SenimError('template_missing', `cannot read template ${name}.hbs`, 'operational', {
        cause: error,
      });
    }
    // Subject and text parts are not HTML: escaping there would show "&amp;" to the reader. The
    // subject goes through headerSafe; the HTML part keeps Handlebars' escaping ({{ }} only).
    t = hbs.compile(source, { strict: true, noEscape: !escape });
    compiled.set(name, t);
  }
  return t;
}

/**
 * One answer mail in one language, or in several (kk+ru for an appeal in another language or a mix):
 * both texts in one mail, kk first, and a subject joining both.
 */
export function renderAnswer<K extends AnswerKind>(
  kind: K,
  langs: Language | readonly Language[],
  data: AnswerData[K],
  options: RenderOptions = {},
): RenderedMail {
  const timeZone = options.timeZone ?? DEFAULT_TIME_ZONE;
  const ordered = orderLanguages(langs);
  const parts = ordered.map((lang) => {
    const v = view(kind, data, lang, timeZone);
    return {
      subject: headerSafe(template(`${lang}/${kind}.subject`, false)(v)),
      text: template(`${lang}/${kind}.text`, false)(v).trim(),
      html: new hbs.SafeString(template(`${lang}/${kind}.html`, true)(v).trim()),
    };
  });
  const subject = headerSafe(parts.map((p) => p.subject).join(' / '));
  return {
    subject,
    text: `${parts.map((p) => p.text).join('\n\n----------\n\n')}\n`,
    html: template(
      'layout.html',
      true,
    )({
      lang: ordered[0] ?? 'ru',
      title: subject,
      parts: parts.map((p) => p.html),
    }),
  };
}
