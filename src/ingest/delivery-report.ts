/**
 * What a bounce says about the mail it reports on: a delivery-status notification (RFC 3464:
 * multipart/report with a message/delivery-status part), or an Exchange NDR that carries none.
 * Bounces are hostile input — anyone can send one — so everything read here is capped, and the
 * Message-IDs found are only candidates: notify marks a mail only when one equals a Message-ID in
 * our own outbox. No I/O: raw bytes in, plain data out (it runs in the prepare worker).
 */
import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import mailsplit from '@zone-eu/mailsplit';
import type { MimeNode, SplitterChunk } from '@zone-eu/mailsplit';
import type { DeliveryReport } from '../cases/answer.port.js';

/** The parts of a report that matter, as text (transfer encoding undone), each capped. */
export interface ReportParts {
  /** message/delivery-status (or its message/global- twin) */
  statusFields: string[];
  /** header blocks of the attached original: message/rfc822 or text/rfc822-headers */
  originalHeaders: string[];
  /** the report's own text and HTML, outside any attached message (an NDR's status code) */
  ownText: string[];
  /** the report's own In-Reply-To and Original-Message-ID headers, unfolded */
  inReplyTo: string | null;
  originalMessageId: string | null;
  /** Exchange marks its non-delivery reports with this header (they may lack a DSN part) */
  exchangeNdr: boolean;
}

/** Bytes kept of one part; a report, its headers and our small mail fit well within. */
const PART_CAP = 64 * 1024;
/** Parts kept of each kind: a report on our mail has one of each. */
const PARTS_CAP = 4;
/** Candidates passed on: the attached original's ID, the DSN's and the In-Reply-To. */
const ORIGINALS_CAP = 4;
const FEED_CHUNK = 64 * 1024;

const STATUS_TYPES = new Set(['message/delivery-status', 'message/global-delivery-status']);
const ORIGINAL_TYPES = new Set([
  'message/rfc822',
  'message/global',
  'text/rfc822-headers',
  'message/global-headers',
]);
const TEXT_TYPES = new Set(['text/plain', 'text/html']);

/**
 * Splits the report with mailsplit (embedded messages left whole: only their header block is read)
 * and keeps the capped text of the parts that matter. Never throws for bad mail: what could be read
 * before the splitter gave up is returned.
 */
export async function readReportParts(raw: Buffer): Promise<ReportParts> {
  const parts: ReportParts = {
    statusFields: [],
    originalHeaders: [],
    ownText: [],
    inReplyTo: null,
    originalMessageId: null,
    exchangeNdr: false,
  };
  const kept = new Map<MimeNode, { list: string[]; chunks: Buffer[]; size: number }>();
  const keep = (node: MimeNode, list: string[]) => {
    const already = [...kept.values()].filter((k) => k.list === list).length;
    if (already < PARTS_CAP) kept.set(node, { list, chunks: [], size: 0 });
  };
  const sink = new Writable({
    objectMode: true,
    write(chunk: SplitterChunk, _encoding, done) {
      if (chunk.type === 'node') {
        if (!chunk.headers) chunk.parseHeaders();
        const type = chunk.contentType || '';
        if (chunk.root) readRootHeaders(chunk, parts);
        if (STATUS_TYPES.has(type)) keep(chunk, parts.statusFields);
        else if (ORIGINAL_TYPES.has(type)) keep(chunk, parts.originalHeaders);
        else if (TEXT_TYPES.has(type) && chunk.disposition !== 'attachment') {
          keep(chunk, parts.ownText);
        }
      } else if (chunk.type === 'body') {
        const part = kept.get(chunk.node);
        if (part && part.size < PART_CAP) {
          const piece = chunk.value.subarray(0, PART_CAP - part.size);
          part.chunks.push(Buffer.from(piece));
          part.size += piece.length;
        }
      }
      done();
    },
  });
  try {
    await pipeline(
      Readable.from(slices(raw, FEED_CHUNK)),
      new mailsplit.Splitter({ ignoreEmbedded: true }),
      sink,
    );
  } catch {
    // a broken structure: keep what was read before it
  }
  for (const [node, part] of kept) {
    const text = decodeBody(Buffer.concat(part.chunks), node.encoding || '');
    part.list.push(part.list === parts.originalHeaders ? headerBlock(text) : text);
  }
  return parts;
}

function readRootHeaders(node: MimeNode, parts: ReportParts): void {
  const headers = node.headers;
  if (!headers) return;
  const value = (key: string) => {
    const line = headers.get(key)[0];
    return line === undefined ? null : unfold(line.slice(line.indexOf(':') + 1));
  };
  parts.inReplyTo = value('in-reply-to');
  parts.originalMessageId = value('original-message-id');
  parts.exchangeNdr = headers.get('x-ms-exchange-message-is-ndr').length > 0;
}

function* slices(raw: Buffer, size: number): Generator<Buffer> {
  for (let offset = 0; offset < raw.length; offset += size)
    yield raw.subarray(offset, offset + size);
}

/** The body as text (latin1: the fields read are ASCII), transfer encoding undone. */
function decodeBody(body: Buffer, encoding: string): string {
  const text = body.toString('latin1');
  if (encoding === 'base64') {
    return Buffer.from(text.replace(/[^A-Za-z0-9+/=]/g, ''), 'base64').toString('latin1');
  }
  if (encoding === 'quoted-printable') {
    return text
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  }
  return text;
}

/** The header block at the start of a message (up to its first empty line). */
function headerBlock(text: string): string {
  const end = text.search(/\r?\n\r?\n/);
  return end >= 0 ? text.slice(0, end) : text;
}

function unfold(value: string): string {
  return value.replace(/\r?\n[ \t]+/g, ' ').trim();
}

/** Header-style fields, unfolded, names lowercased; the blocks of a delivery-status part. */
export function fieldBlocks(text: string): Map<string, string>[] {
  const blocks: Map<string, string>[] = [];
  let current = new Map<string, string>();
  let last: string | null = null;
  for (const line of text.split(/\r?\n/)) {
    if (line.trim() === '') {
      if (current.size > 0) blocks.push(current);
      current = new Map();
      last = null;
    } else if (/^[ \t]/.test(line) && last !== null) {
      current.set(last, `${current.get(last)} ${line.trim()}`);
    } else {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      last = line.slice(0, colon).trim().toLowerCase();
      // the first occurrence counts, as a repeated field is malformed
      if (!current.has(last)) current.set(last, line.slice(colon + 1).trim());
    }
  }
  if (current.size > 0) blocks.push(current);
  return blocks;
}

const STATUS_CODE = /^([245])\.(\d{1,3})\.(\d{1,3})$/;
// In an NDR's prose; not a piece of a longer dotted number (an IP address, a version).
const FAILURE_CODE_IN_TEXT = /(?<![\d.])5\.\d{1,3}\.\d{1,3}(?![\d.])/;
const MESSAGE_ID = /<([^<>\s]{1,250})>/;

/** An enhanced status code from a Status field (`5.1.1 (user unknown)` → `5.1.1`), or null. */
export function statusCode(value: string | undefined): string | null {
  const code = (value ?? '')
    .replace(/\([^)]*\)/g, '')
    .trim()
    .split(/\s+/)[0]!;
  return STATUS_CODE.test(code) ? code : null;
}

/** The first `<id>` of a header value, if it is one token of printable ASCII. */
export function messageIdOf(value: string | null | undefined): string | null {
  const bare = MESSAGE_ID.exec(value ?? '')?.[1];
  if (!bare || !/^[\x21-\x7e]+$/.test(bare) || /[()[\]\\,;:"]/.test(bare)) return null;
  return `<${bare}>`;
}

/**
 * The verdict of a report, or null when it reports neither a failure nor a delay (a "delivered"
 * or "relayed" notice, a read receipt, a bounce without a machine-readable part). A failure is an
 * `Action: failed` for some recipient (its status 5.x.x, or 4.x.x when the relay gave up after
 * retrying); a delay is `Action: delayed`. An Exchange NDR without a DSN part counts as failed
 * only when its own text carries a 5.x.x code.
 */
export function judgeReport(parts: ReportParts): DeliveryReport | null {
  const recipients = parts.statusFields.flatMap((text) => fieldBlocks(text).slice(1));
  const failed = recipients.find((r) => token(r.get('action')) === 'failed');
  const delayed = recipients.find((r) => token(r.get('action')) === 'delayed');
  let outcome: DeliveryReport['outcome'] | null = null;
  let status: string | null = null;
  if (failed) {
    outcome = 'failed';
    status = statusCode(failed.get('status'));
  } else if (delayed) {
    outcome = 'delayed';
    status = statusCode(delayed.get('status'));
  } else if (parts.statusFields.length === 0 && parts.exchangeNdr) {
    const code = parts.ownText.map((t) => FAILURE_CODE_IN_TEXT.exec(t)?.[0]).find(Boolean);
    if (code) {
      outcome = 'failed';
      status = code;
    }
  }
  if (outcome === null) return null;
  return { outcome, status, originals: originalsOf(parts) };
}

function token(value: string | undefined): string {
  return (value ?? '').split(/[\s;(]/)[0]!.toLowerCase();
}

/**
 * Where a report names the mail it is about, most trustworthy first: the attached original's own
 * Message-ID, a DSN's Original-Message-ID field, the report's Original-Message-ID and In-Reply-To
 * headers. Never References: a bounce may copy the original's, which name other mail of ours.
 */
function originalsOf(parts: ReportParts): string[] {
  const found: (string | null)[] = [];
  for (const block of parts.originalHeaders) {
    found.push(messageIdOf(fieldBlocks(block)[0]?.get('message-id')));
  }
  for (const text of parts.statusFields) {
    const perMessage = fieldBlocks(text)[0];
    found.push(messageIdOf(perMessage?.get('original-message-id')));
    found.push(messageIdOf(perMessage?.get('x-original-message-id')));
  }
  found.push(messageIdOf(parts.originalMessageId), messageIdOf(parts.inReplyTo));
  return [...new Set(found.filter((id): id is string => id !== null))].slice(0, ORIGINALS_CAP);
}

/** Reads a bounce: parts, then the verdict (null when it reports neither failure nor delay). */
export async function readDeliveryReport(raw: Buffer): Promise<DeliveryReport | null> {
  return judgeReport(await readReportParts(raw));
}
