/**
 * A pass over the MIME tree before mailparser sees it, with mailsplit (mailparser's own splitter):
 * it gives undeclared or mislabelled 8-bit text a charset, re-encodes raw 8-bit header bytes as
 * UTF-8, and notes structural problems. Everything else passes through byte for byte, streamed:
 * only the first SAMPLE_BYTES of a text part whose charset is in doubt are held back.
 */
import { isAscii, isUtf8 } from 'node:buffer';
import { Transform, type TransformCallback } from 'node:stream';
import iconv from 'iconv-lite';
import type { MimeNode, MessageChunk, SplitterChunk } from '@zone-eu/mailsplit';
import {
  detectCharset,
  hasHighBytes,
  isUtf8Family,
  isWesternSingleByte,
  looksLikeUtf8,
  mislabelledSingleByte,
  normalizeCharset,
  normalizeEncodedWordCharsets,
  relabelEncodedWords,
  type DetectedCharset,
} from './charset.js';
import { MAX_READ_BYTES, mayBeReadable } from './attachment-text.js';
import { readBase64Body, type Base64Digest } from './base64-body.js';
import { PROBLEM } from './mail.models.js';

const SAMPLE_BYTES = 64 * 1024;
/** Deeper than this counts as abuse, not mail (a real forward chain is a handful deep). */
export const MAX_MIME_DEPTH = 20;

interface HeldPart {
  node: MimeNode;
  chunks: MessageChunk[];
  size: number;
}

export interface RepairContext {
  raw: Buffer;
  /** a Cyrillic charset declared somewhere in the message: breaks ties for raw header bytes */
  hint: string | null;
  problems: Set<string>;
  /** set when any non-attachment text/plain part is seen */
  sawPlainText: boolean;
}

export class MimeRepair extends Transform {
  private held: HeldPart | null = null;
  private readonly depths = new WeakMap<object, number>();

  constructor(private readonly ctx: RepairContext) {
    super({ objectMode: true });
  }

  override _transform(chunk: SplitterChunk, _encoding: BufferEncoding, done: TransformCallback) {
    if (chunk.type === 'node') {
      this.releaseHeld();
      this.inspectNode(chunk);
      if (this.needsSample(chunk)) this.held = { node: chunk, chunks: [], size: 0 };
      else this.push(chunk);
    } else if (this.held && chunk.type === 'body' && chunk.node === this.held.node) {
      this.held.chunks.push(chunk);
      this.held.size += chunk.value.length;
      if (this.held.size >= SAMPLE_BYTES) this.releaseHeld();
    } else {
      this.releaseHeld();
      if (chunk.type === 'body') this.checkBase64(chunk);
      this.push(chunk);
    }
    done();
  }

  override _flush(done: TransformCallback) {
    this.releaseHeld();
    done();
  }

  private inspectNode(node: MimeNode): void {
    const parentDepth = node.parentNode ? (this.depths.get(node.parentNode) ?? 0) : 0;
    const depth = parentDepth + 1;
    this.depths.set(node, depth);
    if (depth > MAX_MIME_DEPTH) this.ctx.problems.add(PROBLEM.deepNesting);
    this.fixHeaderBytes(node);
    if (node.multipart) this.checkBoundary(node);
    if (node.contentType === 'text/plain' && !isAttachment(node)) this.ctx.sawPlainText = true;
    const declared = node.charset ? normalizeCharset(node.charset) : null;
    if (declared === 'rk1048' && node.charset && charsetKeyOf(node.charset) !== 'rk1048') {
      // a KZ-1048 alias iconv-lite (and so mailparser) does not know
      node.setCharset('rk1048');
    }
  }

  /**
   * Encoded words whose label hides their charset get the right one (relabelEncodedWords). Raw
   * 8-bit bytes in a header (no RFC 2047 encoding): UTF-8 is left alone, others re-encoded.
   */
  private fixHeaderBytes(node: MimeNode): void {
    if (!node.headers) node.parseHeaders();
    const headers = node.headers;
    if (!headers) return;
    for (const line of headers.getList()) {
      const renamed = normalizeEncodedWordCharsets(line.line);
      if (renamed !== line.line) {
        line.line = renamed;
        headers.changed = true;
      }
      const relabelled = relabelEncodedWords(line.line, this.ctx.hint);
      if (relabelled.charsets.length > 0) {
        line.line = relabelled.header;
        headers.changed = true;
        for (const charset of relabelled.charsets) {
          this.ctx.problems.add(`${PROBLEM.encodedWordCharset}:${safeToken(line.key)}:${charset}`);
        }
      }
      const bytes = Buffer.from(line.line, 'binary');
      if (!hasHighBytes(bytes) || isUtf8(bytes)) continue;
      const charset = detectCharset(bytes, this.ctx.hint) ?? 'windows-1251';
      line.line = Buffer.from(iconv.decode(bytes, charset), 'utf8').toString('binary');
      headers.changed = true;
      this.ctx.problems.add(`${PROBLEM.rawHeaderBytes}:${charset}`);
    }
  }

  private checkBoundary(node: MimeNode): void {
    const boundary = node._boundary;
    if (!boundary) {
      this.markBroken(PROBLEM.missingBoundary);
      return;
    }
    const delimiter = Buffer.concat([Buffer.from('--'), boundary]);
    const first = this.ctx.raw.indexOf(delimiter);
    if (first < 0) this.markBroken(PROBLEM.boundaryNotFound);
    else if (this.ctx.raw.indexOf(Buffer.concat([delimiter, Buffer.from('--')]), first) < 0) {
      this.markBroken(PROBLEM.unterminatedMultipart);
    }
  }

  private checkBase64(chunk: MessageChunk): void {
    if (chunk.node.encoding !== 'base64') return;
    if (/[^A-Za-z0-9+/=\s]/.test(chunk.value.toString('latin1')))
      this.markBroken(PROBLEM.badBase64);
  }

  private markBroken(detail: string): void {
    this.ctx.problems.add(PROBLEM.brokenMime);
    this.ctx.problems.add(detail);
  }

  private needsSample(node: MimeNode): boolean {
    if (node.multipart || node.rfc822 || isAttachment(node)) return false;
    if (node.contentType && !node.contentType.startsWith('text/')) return false;
    // every text part: a declared charset may be wrong as well as missing (mislabelledSingleByte)
    return true;
  }

  /** Decides the charset of the held text part from its first bytes, then lets it through. */
  private releaseHeld(): void {
    const held = this.held;
    if (!held) return;
    this.held = null;
    if (held.node.encoding === 'base64') this.cleanBase64(held);
    const sample = decodeTransfer(
      Buffer.concat(held.chunks.map((c) => c.value)),
      held.node.encoding || '',
    );
    const fix = this.chooseCharset(held.node, sample, held.size >= SAMPLE_BYTES);
    if (fix) held.node.setCharset(fix);
    this.push(held.node);
    for (const chunk of held.chunks) this.push(chunk);
  }

  /**
   * Drops the lines of a base64 text part that are not base64: a decoder that skips only the bad
   * characters shifts every later byte and turns the rest of the text into garbage.
   */
  private cleanBase64(held: HeldPart): void {
    const body = Buffer.concat(held.chunks.map((c) => c.value)).toString('latin1');
    const lines = body.split(/\r?\n/);
    const kept = lines.filter((line) => !/[^A-Za-z0-9+/=\s]/.test(line));
    if (kept.length === lines.length) return;
    this.markBroken(PROBLEM.badBase64);
    held.chunks = [
      { type: 'body', node: held.node, value: Buffer.from(kept.join('\r\n'), 'latin1') },
    ];
  }

  private chooseCharset(node: MimeNode, sample: Buffer, cut: boolean): DetectedCharset | null {
    if (!hasHighBytes(sample)) return null;
    const declared = node.charset || '';
    const known = declared ? normalizeCharset(declared) : null;
    // a sample cut mid-character must not fail UTF-8 validation
    const whole = cut ? sample.subarray(0, Math.max(0, sample.length - 4)) : sample;
    // a declared 8-bit charset (windows-1251, koi8-r, …) is trusted unless the bytes contradict it
    if (known && !isUtf8Family(known)) {
      const actual = mislabelledSingleByte(known, whole, this.ctx.hint);
      if (actual) this.ctx.problems.add(`${PROBLEM.mislabelledCharset}:${actual}`);
      return actual;
    }
    if (known && looksLikeUtf8(whole)) return null;
    const detected = detectCharset(whole, this.ctx.hint) ?? 'utf-8';
    if (!declared) this.ctx.problems.add(`${PROBLEM.undeclaredCharset}:${detected}`);
    else if (normalizeCharset(declared))
      this.ctx.problems.add(`${PROBLEM.mislabelledCharset}:${detected}`);
    else this.ctx.problems.add(`${PROBLEM.unknownCharset}:${safeToken(declared)}`);
    return detected;
  }
}

function isAttachment(node: MimeNode): boolean {
  return node.disposition === 'attachment';
}

function charsetKeyOf(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** A sender-controlled token made safe for a problem code (it goes to logs). */
export function safeToken(value: string): string {
  return (
    value
      .toLowerCase()
      .replace(/[^a-z0-9_-]/g, '')
      .slice(0, 40) || 'invalid'
  );
}

/** Undoes base64 / quoted-printable on a sample, loosely: only for charset detection. */
function decodeTransfer(body: Buffer, encoding: string): Buffer {
  if (encoding === 'base64') return Buffer.from(body.toString('latin1'), 'base64');
  if (encoding !== 'quoted-printable') return body;
  const text = body
    .toString('latin1')
    .replace(/=\r?\n/g, '')
    .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(text, 'latin1');
}

/** A Cyrillic charset declared anywhere in the first part of the message, or `null`. */
export function declaredCyrillicHint(raw: Buffer): string | null {
  const head = raw.subarray(0, 256 * 1024).toString('latin1');
  for (const match of head.matchAll(/charset\s*=\s*"?([A-Za-z0-9_.:-]+)/gi)) {
    const name = normalizeCharset(match[1] ?? '');
    if (name && !isUtf8Family(name) && /1251|koi8|1048|8859-?5|866/.test(name)) return name;
  }
  return null;
}

/**
 * Readable text from a message whose MIME structure failed (a boundary missing or never used):
 * the body with boundary lines, part headers and base64 or non-text parts left out.
 */
export function salvageText(raw: Buffer, hint: string | null, maxBytes: number): string {
  const head = raw.subarray(0, Math.min(raw.length, 1024 * 1024)).toString('latin1');
  const match = /\r?\n\r?\n/.exec(head);
  if (!match) return '';
  const start = match.index + match[0].length;
  const lines = raw
    .subarray(start, start + maxBytes)
    .toString('latin1')
    .split(/\r?\n/);
  const kept: string[] = [];
  let inPartHeaders = false;
  let skipPart = false;
  for (const line of lines) {
    if (/^--\S/.test(line)) {
      inPartHeaders = true;
      skipPart = false;
    } else if (inPartHeaders) {
      if (line.trim() === '') inPartHeaders = false;
      else if (/^content-transfer-encoding:\s*base64/i.test(line)) skipPart = true;
      else if (/^content-type:/i.test(line) && !/^content-type:\s*text\//i.test(line))
        skipPart = true;
    } else if (!skipPart) {
      kept.push(line);
    }
  }
  const bytes = Buffer.from(kept.join('\n'), 'latin1');
  return iconv.decode(bytes, detectCharset(bytes, hint) ?? 'utf-8');
}

/** What the repair pass would have learnt from mail it leaves untouched. */
export interface PlainShape {
  sawPlainText: boolean;
  /**
   * The base64 bodies of attachments (parts below the top), in order, that Node's decoder reads
   * exactly as mailparser's does (padding only at the end), with what they decode to: the parser
   * may skip them. A small one that may hold the letter (mayBeReadable) is not among them: the
   * parser reads it.
   */
  attachmentBodies: SkippedBody[];
}

/** An attachment's body: where its part's header block ends, its body starts and ends; its digest. */
export interface SkippedBody extends Base64Digest {
  headersEnd: number;
  start: number;
  end: number;
}

/**
 * Mail whose parser input (the message without the skipped attachment bodies) is larger than this
 * takes the repair pass, which streams it: the direct path writes that input to the parser at once.
 */
const SHAPE_MAX_BYTES = 4 * 1024 * 1024;
const BOUNDARY_PARAM =
  /;\s*boundary\s*=\s*(?:"([0-9A-Za-z'()+_,./:=? -]{1,70})"|([0-9A-Za-z'()+_,./:=?-]{1,70}))\s*(?:;|$)/i;
const CHARSET_PARAM = /;\s*charset\s*=\s*(?:"([A-Za-z0-9_.:-]+)"|([A-Za-z0-9_.:-]+))\s*(?:;|$)/i;
const CR = 0x0d;
const LF = 0x0a;

/**
 * A cheap scan that proves the repair pass (MimeRepair) would change nothing and note nothing, so
 * mailparser may read the raw bytes directly; null when it cannot prove it (then the repair runs).
 * Accepted: 7-bit bytes only (no raw 8-bit header or body bytes), encoded words whose charset
 * needs no renaming and whose label can be trusted (relabelEncodedWords: a French name labelled
 * ISO-8859-1 is accepted, cp1251 under that label is not), at most MAX_MIME_DEPTH parts, no
 * embedded messages, every part with a Content-Type, every multipart with a boundary that is used and closed, every inline text part
 * text/plain or text/html with a known charset that needs no renaming and is not a Western
 * single-byte one, under which Cyrillic bytes arrive (UTF-8 only as "utf-8": the caller checks
 * that it decoded without replacement characters), and every base64 body
 * clean. Anything else, however harmless, takes the repair pass.
 * The scan works on the bytes: only header blocks and pieces of base64 become strings.
 */
export function plainShape(raw: Buffer): PlainShape | null {
  if (!isAscii(raw) || hasLoneCr(raw)) return null;
  const boundaries: string[] = [];
  const blocks: HeaderBlock[] = [];
  const first = headerBlock(raw, 0);
  if (!first) return null;
  blocks.push(first);
  const shape: PlainShape = { sawPlainText: false, attachmentBodies: [] };
  const bases64: number[] = [];
  const attachments = new Set<number>();
  const readable = new Set<number>();
  // the marker the parser's input gets for a skipped body (parse.ts) must not come from the mail
  let marked = false;
  for (let i = 0; i < blocks.length; i++) {
    if (blocks.length > MAX_MIME_DEPTH) return null;
    const block = blocks[i]!;
    if (normalizeEncodedWordCharsets(block.headers) !== block.headers) return null;
    if (block.headers.includes('=?') && block.headers.split('\n').some(needsRelabel)) return null;
    if (block.headers.toLowerCase().includes(HASHED_MARKER)) marked = true;
    const contentType = headerOf(block.headers, 'content-type');
    if (contentType === null) return null;
    const type = contentType.split(';')[0]!.trim().toLowerCase();
    const attachment = /^attachment\s*(?:;|$)/i.test(
      (headerOf(block.headers, 'content-disposition') ?? '').trim(),
    );
    const encoding = (headerOf(block.headers, 'content-transfer-encoding') ?? '')
      .trim()
      .toLowerCase();
    if (encoding === 'base64') bases64.push(i);
    else if (!['', '7bit', '8bit', 'quoted-printable', 'binary'].includes(encoding)) return null;
    if (type.startsWith('multipart/')) {
      const match = BOUNDARY_PARAM.exec(contentType);
      const boundary = match?.[1] ?? match?.[2];
      if (!boundary || boundary.endsWith(' ') || encoding === 'base64') return null;
      const delimiter = `--${boundary}`;
      boundaries.push(boundary);
      // each part starts after a delimiter line of this boundary, up to its closing line
      const close = delimiterLine(raw, `${delimiter}--`, block.bodyStart);
      if (!close) return null;
      for (
        let line = delimiterLine(raw, delimiter, block.bodyStart);
        line !== null && line.start < close.start;
        line = delimiterLine(raw, delimiter, line.end)
      ) {
        const part = headerBlock(raw, line.end + 1);
        if (!part) return null;
        blocks.push(part);
      }
      continue;
    }
    if (type.startsWith('message/')) return null;
    if (attachment) {
      attachments.add(i);
      if (mayBeReadable(type, block.headers)) readable.add(i);
      continue;
    }
    if (type.startsWith('text/')) {
      if (type !== 'text/plain' && type !== 'text/html') return null;
      const match = CHARSET_PARAM.exec(contentType);
      const declared = match?.[1] ?? match?.[2];
      if (!declared) return null;
      const known = normalizeCharset(declared);
      // a Western label may hide Cyrillic bytes (mislabelledSingleByte): the repair pass checks
      if (known === null || known === 'rk1048' || isWesternSingleByte(known)) return null;
      if (isUtf8Family(known) && charsetKeyOf(declared) !== 'utf8') return null;
      if (type === 'text/plain') shape.sawPlainText = true;
    }
  }
  // a part's body runs to the next line starting with a delimiter of any boundary (or the end)
  for (const i of bases64) {
    const start = blocks[i]!.bodyStart;
    let end = raw.length;
    for (const boundary of boundaries) {
      const next = lineStartingWith(raw, `--${boundary}`, start);
      if (next >= 0) end = Math.min(end, next);
    }
    if (i > 0 && attachments.has(i)) {
      const body = readBase64Body(raw, start, end, true);
      if (!body.clean) return null;
      if (body.paddedAtEnd && !(readable.has(i) && body.size <= MAX_READ_BYTES)) {
        const { size, sha256 } = body;
        shape.attachmentBodies.push({
          headersEnd: blocks[i]!.headersEnd,
          start,
          end,
          size,
          sha256,
        });
      }
    } else if (!readBase64Body(raw, start, end).clean) return null;
  }
  if (marked) shape.attachmentBodies = [];
  const skipped = shape.attachmentBodies.reduce((sum, body) => sum + body.end - body.start, 0);
  return raw.length - skipped > SHAPE_MAX_BYTES ? null : shape;
}

/**
 * Without the message's Cyrillic hint: it only breaks ties between Cyrillic code pages, and the
 * repair pass decides again with it.
 */
function needsRelabel(header: string): boolean {
  return relabelEncodedWords(header).charsets.length > 0;
}

/** The header that marks a part whose body the parser does not get (see parse.ts). */
export const HASHED_MARKER = 'x-senim-hashed';

/** A CR not followed by LF: a line end to mailsplit, not to this scan. Read in pieces. */
function hasLoneCr(raw: Buffer): boolean {
  for (let at = raw.indexOf(CR); at >= 0;) {
    // each piece takes one byte more, so that a CR at its end sees its LF
    const to = Math.min(raw.length, at + LONE_CR_PIECE + 1);
    const match = LONE_CR.exec(raw.toString('latin1', at, to));
    if (match && (match.index < to - at - 1 || to === raw.length)) return true;
    at = to === raw.length ? -1 : raw.indexOf(CR, to - 1);
  }
  return false;
}

const LONE_CR = /\r(?!\n)/;
const LONE_CR_PIECE = 64 * 1024;

/**
 * The next line from `from` on that starts with `prefix` (what a multiline `^prefix` finds).
 * A loop of indexOf, not a regular expression: a new one per boundary would run interpreted
 * over the whole message.
 */
function lineStartingWith(raw: Buffer, prefix: string, from: number): number {
  for (let at = raw.indexOf(prefix, from); at >= 0; at = raw.indexOf(prefix, at + 1)) {
    if (at === 0 || lineEndsAt(raw, at - 1)) return at;
  }
  return -1;
}

/**
 * The next line from `from` on that is `delimiter` and nothing but blanks (a multiline
 * `^delimiter[ \t]*\r?$`): where it starts, and where that match ends (before the LF).
 */
function delimiterLine(
  raw: Buffer,
  delimiter: string,
  from: number,
): { start: number; end: number } | null {
  for (let at = lineStartingWith(raw, delimiter, from); at >= 0;) {
    let end = at + delimiter.length;
    while (raw[end] === 0x20 || raw[end] === 0x09) end++;
    if (raw[end] === CR && lineEndsAt(raw, end + 1)) end++;
    if (lineEndsAt(raw, end)) return { start: at, end };
    at = lineStartingWith(raw, delimiter, at + 1);
  }
  return null;
}

/** A multiline `$` (the message is ASCII: no other line terminators). */
function lineEndsAt(raw: Buffer, at: number): boolean {
  return at === raw.length || raw[at] === LF || raw[at] === CR;
}

interface HeaderBlock {
  /** unfolded, with a leading newline */
  headers: string;
  headersEnd: number;
  bodyStart: number;
}

/** The header block starting at `from` (unfolded) and where its body starts, or null. */
function headerBlock(raw: Buffer, from: number): HeaderBlock | null {
  // a part whose header block is empty starts with the blank line itself
  if (raw[from] === LF || (raw[from] === CR && raw[from + 1] === LF)) return null;
  const blank = blankLine(raw, from);
  if (!blank) return null;
  // a delimiter line before the blank line: the part has no body, and this is not a header block
  if (raw.subarray(from, blank.start).includes('\n--')) return null;
  return {
    headers: '\n' + raw.toString('latin1', from, blank.start).replace(/\r?\n[ \t]+/g, ' '),
    headersEnd: blank.start,
    bodyStart: blank.end,
  };
}

/** The first `\r?\n\r?\n` from `from` on, as a regular expression would find it. */
function blankLine(raw: Buffer, from: number): { start: number; end: number } | null {
  for (let at = raw.indexOf(LF, from); at >= 0; at = raw.indexOf(LF, at + 1)) {
    const next = raw[at + 1] === LF ? 1 : raw[at + 1] === CR && raw[at + 2] === LF ? 2 : 0;
    if (next === 0) continue;
    return { start: at > from && raw[at - 1] === CR ? at - 1 : at, end: at + 1 + next };
  }
  return null;
}

/** The value of the one header `name` in an unfolded block; null when absent or repeated. */
function headerOf(headers: string, name: string): string | null {
  const re = new RegExp(`\\n${name}[ \\t]*:([^\\r\\n]*)`, 'gi');
  const values = [...headers.matchAll(re)];
  return values.length === 1 ? values[0]![1]! : null;
}
