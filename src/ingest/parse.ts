/**
 * One raw message → a plain `ParsedMail`. Pure: no network, no database. Never throws for bad
 * input: what is readable is returned, and what went wrong is listed in `problems`.
 *
 * Streaming (design: memory stays flat): raw → mailsplit (charset repair) → MailParser, and each
 * attachment's content stream is consumed into a SHA-256 and dropped, never buffered. Well-formed
 * mail skips the repair, and its base64 attachments are hashed before MailParser reads the rest
 * (withoutAttachmentBodies).
 *
 * Small attachments that may hold the letter itself (an attached message, a .txt, .html or .docx)
 * are kept while hashed, read after the parse, and their text joins the body's (attachment-text.ts).
 */
import { createHash } from 'node:crypto';
import { Readable, pipeline } from 'node:stream';
import { htmlToText } from 'html-to-text';
import {
  MailParser,
  type AddressObject,
  type AttachmentStream,
  type EmailAddress,
  type HeaderLines,
  type Headers,
  type MessageText,
  type StructuredHeader,
} from 'mailparser';
import mailsplit from '@zone-eu/mailsplit';
import { coerceError } from '../errors.js';
import {
  MAX_EMBEDDED_DEPTH,
  MAX_READ_ATTACHMENTS,
  MAX_READ_BYTES,
  decodeDocument,
  htmlMetaCharset,
  readableKind,
  withAttachmentText,
  type AttachmentText,
  type ReadableKind,
} from './attachment-text.js';
import { DocxUnreadable, docxText } from './docx-text.js';
import {
  CLASSIFICATION_HEADERS,
  PROBLEM,
  type AttachmentMeta,
  type MailAddress,
  type MailHeaders,
  type ParsedMail,
} from './mail.models.js';
import {
  HASHED_MARKER,
  MimeRepair,
  declaredCyrillicHint,
  plainShape,
  salvageText,
  type SkippedBody,
  type RepairContext,
} from './mime-repair.js';

export interface ParseOptions {
  /** `text` is cut to this many characters (problem 'text-truncated'). Default 200 000. */
  maxTextChars?: number;
  /** HTML longer than this is cut before conversion to text. Default 2 000 000. */
  maxHtmlChars?: number;
}

const DEFAULT_MAX_TEXT = 200_000;
const DEFAULT_MAX_HTML = 2_000_000;
const MAX_HEADER_VALUE = 2_000;
const MAX_FILENAME = 200;
const MAX_FALLBACK_LINE = 8_000;
/** The raw message is fed in views of this size, so backpressure bounds what is in flight. */
const FEED_CHUNK = 64 * 1024;

/** What MailParser produced, before it is turned into a ParsedMail. */
interface RawParse {
  headers: Headers;
  headerLines: HeaderLines;
  text: string;
  html: string;
  attachments: AttachmentMeta[];
  calendarMethod: string | null;
  /** the attachments that may be read, in order; their bytes, or null when too big */
  readable: CollectedAttachment[];
}

interface CollectedAttachment {
  kind: ReadableKind;
  /** the part's declared charset */
  charset: string | null;
  bytes: Buffer | null;
}

export function parseMail(raw: Buffer, opts: ParseOptions = {}): Promise<ParsedMail> {
  return parseAt(raw, opts, 0);
}

/** `depth`: how many attached messages deep this one is. */
async function parseAt(raw: Buffer, opts: ParseOptions, depth: number): Promise<ParsedMail> {
  const { parsed, ctx } = (await parseDirect(raw)) ?? (await parseRepaired(raw));
  const attached = await readAttachments(parsed, ctx, opts, depth);
  return toParsedMail(parsed, ctx, opts, attached);
}

async function parseRepaired(raw: Buffer): Promise<{ parsed: RawParse; ctx: RepairContext }> {
  const problems = new Set<string>();
  const ctx: RepairContext = {
    raw,
    hint: declaredCyrillicHint(raw),
    problems,
    sawPlainText: false,
  };
  let parsed: RawParse;
  try {
    parsed = await runParser(raw, ctx, true);
  } catch {
    try {
      // too many parts (mailsplit's maxChildNodes) is usually embedded messages nested without
      // end: keep the embedded ones as attachments instead of parsing into them
      parsed = await runParser(raw, ctx, false);
      problems.add(PROBLEM.embeddedNotParsed);
    } catch {
      // the repair pass or the parser gave up: keep the headers, lose the body
      problems.add(PROBLEM.unparseable);
      parsed = await parseHeadersOnly(raw);
    }
  }
  return { parsed, ctx };
}

/**
 * Well-formed mail (most of a backlog) skips the repair pass: mailsplit would split it only to
 * change nothing. plainShape proves that before; after, the text must have decoded as clean UTF-8
 * (the one thing the repair would check that needs decoding). Otherwise: null, and the full path.
 */
async function parseDirect(raw: Buffer): Promise<{ parsed: RawParse; ctx: RepairContext } | null> {
  const shape = plainShape(raw);
  if (!shape) return null;
  const { input, digests } = withoutAttachmentBodies(raw, shape.attachmentBodies);
  let parsed: RawParse;
  try {
    parsed = await runParser(input, null, true, digests);
  } catch {
    return null;
  }
  if (parsed.text.includes('\uFFFD') || parsed.html.includes('\uFFFD')) return null;
  const ctx = { raw, hint: null, problems: new Set<string>(), sawPlainText: shape.sawPlainText };
  return { parsed, ctx };
}

/** An attachment's size and SHA-256, read without the parser. */
type Digest = Pick<AttachmentMeta, 'size' | 'sha256'>;

/**
 * Attachments are only hashed, never kept, and decoding them through mailparser's streams was
 * most of the parsing (the benchmark corpus, 5% with attachments: parseMail 0.43 -> 0.24 ms per
 * message, the same results for all 3,290 prepared). plainShape hashes the bodies it may skip with
 * Node's own base64 decoder; the parser gets the message without them, each such part marked with
 * its digest's index. Still mailparser's reading of everything else.
 */
function withoutAttachmentBodies(
  raw: Buffer,
  bodies: readonly SkippedBody[],
): { input: Buffer; digests: Digest[] } {
  if (bodies.length === 0) return { input: raw, digests: [] };
  const pieces: Buffer[] = [];
  let at = 0;
  for (const [k, body] of bodies.entries()) {
    const eol = raw[body.headersEnd] === 0x0d ? '\r\n' : '\n';
    pieces.push(
      raw.subarray(at, body.headersEnd),
      Buffer.from(`${eol}${HASHED_MARKER}: ${k}`),
      raw.subarray(body.headersEnd, body.start),
    );
    at = body.end;
  }
  pieces.push(raw.subarray(at));
  const digests = bodies.map(({ size, sha256 }) => ({ size, sha256 }));
  return { input: Buffer.concat(pieces), digests };
}

/** `ctx` null: straight into mailparser, without the repair pass (see parseDirect). */
function runParser(
  raw: Buffer,
  ctx: RepairContext | null,
  embedded: boolean,
  digests: readonly Digest[] = [],
): Promise<RawParse> {
  return new Promise((resolve, reject) => {
    // the repair splitter must see the same tree as MailParser's own splitter
    const tree = embedded ? { defaultInlineEmbedded: true } : { ignoreEmbedded: true };
    const parser = new MailParser({
      ...tree,
      skipHtmlToText: true,
      skipTextToHtml: true,
      skipImageLinks: true,
      checksumAlgo: false,
    });
    const result = emptyParse();
    let pending = 0;
    let ended = false;
    const finish = () => {
      if (ended && pending === 0) resolve(result);
    };
    parser.on('headers', (headers) => (result.headers = headers));
    parser.on('headerLines', (lines) => (result.headerLines = lines));
    parser.on('data', (data: AttachmentStream | MessageText) => {
      if (data.type === 'text') {
        result.text = data.text ?? '';
        result.html = data.html ?? '';
        return;
      }
      result.calendarMethod ??= calendarMethodOf(data.headers);
      pending++;
      const digest = digests[Number(data.headers.get(HASHED_MARKER) ?? NaN)];
      const kind = readableKind(data.contentType, data.filename ?? null);
      const collected: CollectedAttachment | null = kind
        ? { kind, charset: charsetOf(data.headers), bytes: null }
        : null;
      if (collected) result.readable.push(collected);
      // only as many as are read are kept: the rest is noted by their number
      const keep = collected && result.readable.length <= MAX_READ_ATTACHMENTS ? MAX_READ_BYTES : 0;
      (digest ? skipAttachment(data, digest) : hashAttachment(data, keep))
        .then(({ meta, bytes }) => {
          if (collected) collected.bytes = bytes;
          result.attachments.push(meta);
          pending--;
          finish();
        })
        .catch(reject);
    });
    parser.on('end', () => {
      ended = true;
      finish();
    });
    const done = (err: Error | null) => {
      if (err) reject(coerceError(err));
    };
    if (ctx === null) {
      // a plain-shaped message's input is at most 4 MB and already in memory: one write
      parser.on('error', done);
      parser.end(raw);
      return;
    }
    pipeline(
      Readable.from(slices(raw, FEED_CHUNK)),
      new mailsplit.Splitter(tree),
      new MimeRepair(ctx),
      new mailsplit.Joiner(),
      parser,
      done,
    );
  });
}

function* slices(raw: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < raw.length; offset += size)
    yield raw.subarray(offset, offset + size);
}

/**
 * The method of an iMIP part (RFC 6047 §2.4: text/calendar whose Content-Type names the iTIP
 * method, as every calendar program's invitation, reply and cancellation does), uppercase; null
 * for any other part, a calendar file attached by hand included (it has no method parameter).
 */
function calendarMethodOf(headers: Headers): string | null {
  const type = headers.get('content-type');
  if (!isStructured(type) || type.value.trim().toLowerCase() !== 'text/calendar') return null;
  const method = singleLine(type.params.method ?? '').toUpperCase();
  return method ? method.slice(0, 40) : null;
}

function isStructured(value: unknown): value is StructuredHeader {
  return (
    typeof value === 'object' &&
    value !== null &&
    'value' in value &&
    typeof value.value === 'string' &&
    'params' in value &&
    typeof value.params === 'object' &&
    value.params !== null
  );
}

/** An attachment's metadata, and its bytes when asked for and no more than asked for. */
interface Hashed {
  meta: AttachmentMeta;
  bytes: Buffer | null;
}

/**
 * Reads an attachment's content into a hash and releases it. Its bytes are kept only up to
 * `keepUpTo` (0: none): past that, what was kept is dropped and the rest only hashed.
 */
function hashAttachment(attachment: AttachmentStream, keepUpTo: number): Promise<Hashed> {
  const hash = createHash('sha256');
  let size = 0;
  let kept: Buffer[] | null = keepUpTo > 0 ? [] : null;
  return drain(attachment, (chunk) => {
    hash.update(chunk);
    size += chunk.length;
    if (kept && size <= keepUpTo) kept.push(chunk);
    else kept = null;
  }).then(() => ({
    meta: attachmentMeta(attachment, { size, sha256: hash.digest('hex') }),
    bytes: kept && Buffer.concat(kept),
  }));
}

/**
 * An attachment whose body was hashed before parsing (withoutAttachmentBodies): plainShape
 * leaves a small readable one to the parser, so this one is either too big or not read.
 */
function skipAttachment(attachment: AttachmentStream, digest: Digest): Promise<Hashed> {
  return drain(attachment, () => {}).then(() => ({
    meta: attachmentMeta(attachment, digest),
    bytes: null,
  }));
}

function charsetOf(headers: Headers): string | null {
  const type = headers.get('content-type');
  return isStructured(type) ? singleLine(type.params.charset ?? '') || null : null;
}

/**
 * The text of the attachments that may hold the letter, in order. What cannot be read is noted
 * (PROBLEM.attachmentUnread) and left out; nothing here throws. A delivery report's returned
 * message is no letter to read (delivery-report.ts reads the report).
 */
async function readAttachments(
  parsed: RawParse,
  ctx: RepairContext,
  opts: ParseOptions,
  depth: number,
): Promise<AttachmentText[]> {
  if (parsed.readable.length === 0 || isReport(parsed.headers)) return [];
  const unread = (reason: string) => ctx.problems.add(`${PROBLEM.attachmentUnread}:${reason}`);
  const maxText = opts.maxTextChars ?? DEFAULT_MAX_TEXT;
  const texts: AttachmentText[] = [];
  for (const [index, attachment] of parsed.readable.entries()) {
    if (index >= MAX_READ_ATTACHMENTS) {
      unread('too-many');
      break;
    }
    const { bytes } = attachment;
    if (bytes === null) {
      unread('too-big');
      continue;
    }
    if (attachment.kind === 'message') {
      if (depth >= MAX_EMBEDDED_DEPTH) {
        unread('too-deep');
        continue;
      }
      const inner = await parseAt(bytes, opts, depth + 1);
      // what could not be read deeper down is noted on the message registered
      for (const problem of inner.problems) {
        if (problem.startsWith(PROBLEM.attachmentUnread)) ctx.problems.add(problem);
      }
      const { from, date, subject, text } = inner;
      texts.push({ kind: 'message', from, date, subject, text });
      continue;
    }
    const text = await documentText(attachment.kind, bytes, attachment.charset, ctx, opts, unread);
    if (text)
      texts.push({ kind: 'document', text: cleanText(text, ctx.problems).slice(0, maxText) });
  }
  return texts;
}

async function documentText(
  kind: Exclude<ReadableKind, 'message'>,
  bytes: Buffer,
  charset: string | null,
  ctx: RepairContext,
  opts: ParseOptions,
  unread: (reason: string) => void,
): Promise<string> {
  if (kind === 'text') return decodeDocument(bytes, charset, ctx.hint);
  if (kind === 'html') {
    const html = decodeDocument(bytes, charset ?? htmlMetaCharset(bytes), ctx.hint);
    return htmlAsText(html, opts.maxHtmlChars ?? DEFAULT_MAX_HTML, ctx.problems);
  }
  try {
    return await docxText(bytes);
  } catch (err) {
    unread(err instanceof DocxUnreadable ? err.reason : 'corrupt');
    return '';
  }
}

function isReport(headers: Headers): boolean {
  const type = headers.get('content-type');
  return isStructured(type) && type.value.trim().toLowerCase() === 'multipart/report';
}

function drain(attachment: AttachmentStream, onChunk: (chunk: Buffer) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    attachment.content.on('data', onChunk);
    attachment.content.on('error', (err) => reject(coerceError(err)));
    attachment.content.on('end', () => {
      attachment.release?.();
      resolve();
    });
  });
}

function attachmentMeta(attachment: AttachmentStream, digest: Digest): AttachmentMeta {
  return {
    filename: sanitizeFilename(attachment.filename),
    contentType: singleLine(attachment.contentType || 'application/octet-stream').toLowerCase(),
    size: digest.size,
    sha256: digest.sha256,
  };
}

/**
 * Last resort: the header block alone, every line cut to MAX_FALLBACK_LINE (a header block over
 * mailsplit's 1 MB limit is what usually brings us here), parsed by MailParser, never throwing.
 */
async function parseHeadersOnly(raw: Buffer): Promise<RawParse> {
  const head = raw.subarray(0, Math.min(raw.length, 4 * 1024 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const lines = (end >= 0 ? head.slice(0, end) : head)
    .split(/\r?\n/)
    .slice(0, 500)
    .map((line) => line.slice(0, MAX_FALLBACK_LINE));
  const headersOnly = Buffer.from(lines.join('\r\n') + '\r\n\r\n', 'latin1');
  const ctx = { raw: headersOnly, hint: null, problems: new Set<string>(), sawPlainText: false };
  try {
    return await runParser(headersOnly, ctx, false);
  } catch {
    return emptyParse();
  }
}

function emptyParse(): RawParse {
  return {
    headers: new Map(),
    headerLines: [],
    text: '',
    html: '',
    attachments: [],
    calendarMethod: null,
    readable: [],
  };
}

function toParsedMail(
  parsed: RawParse,
  ctx: RepairContext,
  opts: ParseOptions,
  attached: readonly AttachmentText[],
): ParsedMail {
  const problems = ctx.problems;
  const { headers } = parsed;
  const subjectRaw = stringHeader(headers, 'subject');
  const subject = singleLine(subjectRaw);
  if (subjectRaw !== subject.trim() && /[\r\n\0]/.test(subjectRaw)) {
    problems.add(PROBLEM.headerInjection);
  }
  const from = firstAddress(headers.get('from'), problems);
  if (!from?.address) problems.add(PROBLEM.missingFrom);
  const messageId = singleLine(stringHeader(headers, 'message-id')) || null;
  if (!messageId) problems.add(PROBLEM.missingMessageId);
  const body = readableText(parsed, ctx, opts, attached);
  return {
    messageId,
    inReplyTo: singleLine(stringHeader(headers, 'in-reply-to')) || null,
    references: referencesOf(headers.get('references')),
    subject,
    from,
    replyTo: firstAddress(headers.get('reply-to'), problems),
    to: addressList(headers.get('to')),
    cc: addressList(headers.get('cc')),
    date: dateOf(parsed.headerLines, problems),
    text: body.text,
    htmlOnly: body.htmlOnly,
    attachments: parsed.attachments,
    calendarMethod: parsed.calendarMethod,
    headers: classificationHeaders(parsed.headerLines),
    problems: [...problems].sort(),
  };
}

function readableText(
  parsed: RawParse,
  ctx: RepairContext,
  opts: ParseOptions,
  attached: readonly AttachmentText[],
): { text: string; htmlOnly: boolean } {
  const maxText = opts.maxTextChars ?? DEFAULT_MAX_TEXT;
  const maxHtml = opts.maxHtmlChars ?? DEFAULT_MAX_HTML;
  let text = cleanText(parsed.text, ctx.problems);
  let htmlOnly = false;
  if (!text && !parsed.html && ctx.problems.has(PROBLEM.brokenMime)) {
    text = cleanText(salvageText(ctx.raw, ctx.hint, maxText * 4), ctx.problems);
    if (text) ctx.problems.add(PROBLEM.salvagedText);
  }
  if (!text.trim() && parsed.html) {
    text = cleanText(htmlAsText(parsed.html, maxHtml, ctx.problems), ctx.problems);
    htmlOnly = !ctx.sawPlainText || text.length > 0;
  } else if (parsed.html && mayHideHtml(text, parsed.html)) {
    const fuller = fullerHtmlText(text, parsed.html, maxHtml);
    if (fuller) {
      text = cleanText(fuller.text, ctx.problems);
      for (const problem of fuller.problems) ctx.problems.add(problem);
      htmlOnly = true;
    }
  }
  if (attached.length > 0) text = withAttachmentText(text, attached);
  if (text.length > maxText) {
    ctx.problems.add(PROBLEM.textTruncated);
    text = text.slice(0, maxText);
  }
  return { text, htmlOnly };
}

/**
 * What mailers put in the text/plain alternative when they only mean the HTML to be read: a
 * request to use an HTML-capable client, or the MIME preamble. Read on a short plain part only.
 */
const PLAIN_STUB = new RegExp(
  [
    'this\\s+is\\s+a\\s+multi-?part\\s+message\\s+in\\s+mime\\s+format',
    "(?:client|program|reader|viewer|browser)\\s+(?:does\\s+not|doesn't|cannot|can't|can\\s+not)\\s+(?:support|display|show|read)\\s+html",
    'html[-\\s](?:compatible|capable|enabled)',
    '(?:message|e-?mail)\\s+(?:is|was\\s+sent)\\s+in\\s+html',
    'поддерживающ\\p{L}*\\s+(?:формат\\s+)?html',
    'не\\s+поддерживает\\s+(?:формат\\s+)?html',
    '(?:письмо|сообщение)\\s+(?:в\\s+формате|содержит)\\s+html',
    'html[-\\s]?(?:ді|ды|ні|ны)?\\s+(?:қолдайтын|қолдамайды)',
  ].join('|'),
  'iu',
);
/** A plain part longer than this is a letter, whatever it says about HTML. */
const STUB_MAX_CHARS = 400;
/** A plain part longer than this is not checked against the HTML (no conversion for it). */
const SHORT_PLAIN_CHARS = 1_000;
/** The HTML's text counts as fuller when this many times longer, and by this many characters. */
const FULLER_RATIO = 3;
const FULLER_MIN_EXTRA = 200;

/** Whitespace runs as one space: plain and HTML text break their lines differently. */
function words(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

function isPlainStub(text: string): boolean {
  return text.length <= STUB_MAX_CHARS && PLAIN_STUB.test(text);
}

/**
 * Whether the plain part may hide a fuller HTML one: a stub, or short beside HTML long enough to
 * hold far more text. A cheap test on lengths, so that most mail never converts its HTML.
 */
function mayHideHtml(text: string, html: string): boolean {
  if (isPlainStub(text)) return true;
  return text.length <= SHORT_PLAIN_CHARS && html.length > FULLER_RATIO * text.length;
}

/**
 * The HTML's text when the plain part is a stub, or a short piece of what the HTML says (its
 * words found in the HTML's text, which is far longer); null to keep the plain part. The
 * problems of the conversion are returned, not noted, so that a rejected one leaves none.
 */
function fullerHtmlText(
  plain: string,
  html: string,
  maxHtml: number,
): { text: string; problems: Set<string> } | null {
  const problems = new Set<string>();
  const text = htmlAsText(html, maxHtml, problems).trim();
  if (!text) return null;
  const saysToo = words(text).includes(words(plain).slice(0, 200));
  // a letter that mentions HTML says so in its HTML alternative too; a stub's HTML does not
  if (isPlainStub(plain) && !saysToo) {
    return { text, problems: problems.add(PROBLEM.plainTextStub) };
  }
  const fuller =
    text.length >= FULLER_RATIO * plain.length && text.length - plain.length >= FULLER_MIN_EXTRA;
  if (!fuller || !saysToo) return null;
  return { text, problems: problems.add(PROBLEM.plainTextShort) };
}

/** HTML → plain text: no script, style, images or markup; links kept as `text [url]`. */
export function htmlAsText(html: string, maxChars: number, problems?: Set<string>): string {
  const { html: input, truncated } = withoutDataUris(html, maxChars);
  if (truncated) problems?.add(PROBLEM.htmlTruncated);
  try {
    return htmlToText(input, {
      wordwrap: false,
      limits: { maxDepth: 1000, maxInputLength: maxChars },
      selectors: [
        { selector: 'a', options: { hideLinkHrefIfSameAsText: true } },
        { selector: 'img', format: 'skip' },
        { selector: 'script', format: 'skip' },
        { selector: 'style', format: 'skip' },
        { selector: 'noscript', format: 'skip' },
        { selector: 'iframe', format: 'skip' },
        { selector: 'object', format: 'skip' },
        { selector: 'svg', format: 'skip' },
        { selector: 'head', format: 'skip' },
        ...['h1', 'h2', 'h3', 'h4', 'h5', 'h6'].map((selector) => ({
          selector,
          options: { uppercase: false },
        })),
      ],
    });
  } catch {
    problems?.add(PROBLEM.htmlConversionFailed);
    return '';
  }
}

/**
 * An inline image pasted into the HTML (`<img src="data:image/jpeg;base64,…">`, CSS
 * `url(data:…)`): the URI's payload, up to the closing quote, parenthesis or tag. Base64 may be
 * folded over lines, so whitespace belongs to it.
 */
const DATA_URI = /\bdata:(?:[a-z]+\/[a-z0-9.+-]+)?(?:;[^,"'()<>\s]*)*,[^"'()<>]*/giu;

/**
 * The HTML without its data: URIs, cut to `maxChars`. A pasted photo is megabytes of base64 that
 * would use up the limit and push the letter's text after it out; it is no text, so it is dropped
 * first. Built piece by piece up to the limit: never a copy larger than `maxChars`.
 */
export function withoutDataUris(
  html: string,
  maxChars: number,
): { html: string; truncated: boolean } {
  const pieces: string[] = [];
  let kept = 0;
  let at = 0;
  for (const match of html.matchAll(DATA_URI)) {
    const piece = html.slice(at, match.index);
    if (kept + piece.length > maxChars) break;
    pieces.push(piece);
    kept += piece.length;
    at = match.index + match[0].length;
  }
  const rest = html.length - at;
  pieces.push(html.slice(at, at + Math.max(0, maxChars - kept)));
  return { html: pieces.join(''), truncated: kept + rest > maxChars };
}

/** LF line ends; no NUL or other control characters but tab and newline. */
function cleanText(text: string, problems: Set<string>): string {
  if (text.includes('\0')) problems.add(PROBLEM.nulBytes);
  if (text.includes('\uFFFD')) problems.add(PROBLEM.undecodableBytes);
  return (
    text
      .replace(/\r\n?/g, '\n')
      // eslint-disable-next-line no-control-regex -- removing control characters is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u2028\u2029]/g, '')
      .trim()
  );
}

// C0/C1 controls, line/paragraph separators and bidi overrides: nothing a header value may carry
// into a log line or into a header we later send (header injection).
const HEADER_UNSAFE =
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  /[\u0000-\u001F\u007F-\u009F\u2028\u2029\u200E\u200F\u202A-\u202E\u2066-\u2069]+/g;

/** One line, no control or bidi characters, runs of whitespace collapsed. */
export function singleLine(value: string): string {
  return value.replace(HEADER_UNSAFE, ' ').replace(/\s+/g, ' ').trim();
}

function stringHeader(headers: Headers, name: string): string {
  const value = headers.get(name);
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && typeof value[0] === 'string') return value[0];
  return '';
}

function isAddressObject(value: unknown): value is AddressObject {
  return (
    typeof value === 'object' && value !== null && 'value' in value && Array.isArray(value.value)
  );
}

function mailboxes(value: unknown): EmailAddress[] {
  const objects = Array.isArray(value) ? value : [value];
  const out: EmailAddress[] = [];
  for (const object of objects) {
    if (!isAddressObject(object)) continue;
    for (const entry of object.value) {
      if (entry.group) out.push(...entry.group);
      else out.push(entry);
    }
  }
  return out;
}

const PLAIN_ADDRESS = /^[^\s@<>(),;:\\"[\]]+@[^\s@<>(),;:\\"[\]]+$/;

function cleanAddress(address: string | undefined): string | null {
  const single = singleLine(address ?? '');
  return PLAIN_ADDRESS.test(single) ? single : null;
}

function firstAddress(value: unknown, problems: Set<string>): MailAddress | null {
  const first = mailboxes(value)[0];
  if (!first) return null;
  const name = singleLine(first.name);
  if (/[\r\n\0]/.test(first.name)) problems.add(PROBLEM.headerInjection);
  return { address: cleanAddress(first.address), name };
}

function addressList(value: unknown): string[] {
  return mailboxes(value)
    .map((entry) => cleanAddress(entry.address))
    .filter((address): address is string => address !== null);
}

function referencesOf(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  return list
    .filter((item): item is string => typeof item === 'string')
    .flatMap((item) => singleLine(item).split(' '))
    .filter((id) => id.length > 0);
}

/** Raw header value: after the colon, unfolded, single line, bounded. */
function headerValue(line: string): string {
  const colon = line.indexOf(':');
  return singleLine(colon >= 0 ? line.slice(colon + 1) : '').slice(0, MAX_HEADER_VALUE);
}

function classificationHeaders(lines: HeaderLines): MailHeaders {
  const wanted = new Set<string>(CLASSIFICATION_HEADERS);
  const out: Record<string, string[]> = {};
  for (const { key, line } of lines) {
    if (!wanted.has(key)) continue;
    (out[key] ??= []).push(headerValue(line));
  }
  return out;
}

/**
 * The Date header as the sender wrote it. mailparser substitutes "now" for a garbage date, which
 * would pass for a real one: parse the raw value instead, and keep only plausible dates.
 */
function dateOf(lines: HeaderLines, problems: Set<string>): Date | null {
  const line = lines.find((l) => l.key === 'date');
  if (!line) return null;
  const value = headerValue(line.line)
    .replace(/\([^)]*\)/g, '')
    .trim();
  const time = Date.parse(value);
  const year = Number.isNaN(time) ? 0 : new Date(time).getUTCFullYear();
  if (year < 1980 || year > 2200) {
    problems.add(PROBLEM.badDate);
    return null;
  }
  return new Date(time);
}

/** Basename only; no path separators, control or bidi characters, leading dots; bounded. */
export function sanitizeFilename(filename: string | undefined): string | null {
  if (!filename) return null;
  const base = filename.split(/[/\\]/).pop() ?? '';
  const clean = singleLine(base)
    .replace(/[<>:"|?*]/g, '_')
    .replace(/^[.\s]+/, '')
    .slice(0, MAX_FILENAME)
    .trim();
  return clean || null;
}
