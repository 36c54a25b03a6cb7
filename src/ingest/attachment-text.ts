/**
 * The text of the attachments an appeal may be in: a letter typed in Notepad or Word and attached
 * under an empty body, a complaint saved from a web form as .html, and Outlook's default forward,
 * which attaches the resident's letter as a message. Which attachments are read, how their bytes
 * become text, and how that text joins the body's. parse.ts collects the bytes and parses an
 * attached message; docx-text.ts reads Word files.
 */
import iconv from 'iconv-lite';
import {
  detectCharset,
  isUtf8Family,
  looksLikeUtf8,
  mislabelledSingleByte,
  normalizeCharset,
} from './charset.js';
import type { MailAddress } from './mail.models.js';

export type ReadableKind = 'message' | 'text' | 'html' | 'docx';

/**
 * Only attachments up to this size (decoded) are read: a letter is a few KB, a Word file with a
 * photo of the meter a few hundred. Anything larger is hashed only, as before, never buffered.
 */
export const MAX_READ_BYTES = 1024 * 1024;
/** A letter with more attachments than this is a bundle of documents, not one letter. */
export const MAX_READ_ATTACHMENTS = 4;
/** An attached message inside an attached message…: a real forward chain is a couple deep. */
export const MAX_EMBEDDED_DEPTH = 3;

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';
const BY_TYPE: Readonly<Record<string, ReadableKind>> = {
  'message/rfc822': 'message',
  'text/plain': 'text',
  'text/html': 'html',
  [DOCX_TYPE]: 'docx',
};
const BY_EXTENSION: Readonly<Record<string, ReadableKind>> = {
  eml: 'message',
  txt: 'text',
  htm: 'html',
  html: 'html',
  docx: 'docx',
};
/** Types that say nothing of the content: the file's name decides. An image named .txt stays one. */
const GENERIC_TYPES = new Set([
  'application/octet-stream',
  'binary/octet-stream',
  'application/download',
  'application/zip',
  'application/x-zip-compressed',
]);

/** What an attachment of this type and name holds that may be read, or null. */
export function readableKind(contentType: string, filename: string | null): ReadableKind | null {
  const type = contentType.trim().toLowerCase();
  const byType = BY_TYPE[type];
  if (byType) return byType;
  if (!GENERIC_TYPES.has(type)) return null;
  const extension = /\.([a-z0-9]{1,5})$/i.exec(filename ?? '')?.[1]?.toLowerCase();
  return extension ? (BY_EXTENSION[extension] ?? null) : null;
}

/**
 * Whether a part, judged by its header block alone (plainShape's fast path, where names are not
 * yet decoded), may be one readableKind reads: then a small one keeps its body for the parser.
 * An encoded-word name may hide any extension, so it counts as one.
 */
export function mayBeReadable(type: string, headerBlock: string): boolean {
  if (readableKind(type, null)) return true;
  return GENERIC_TYPES.has(type) && /\.(?:eml|txt|html?|docx)\b|=\?/i.test(headerBlock);
}

/**
 * A text or HTML document's bytes as text: a byte-order mark first (Notepad saves "Unicode" as
 * UTF-16), then the declared charset unless the bytes contradict it, else detection. Old Windows
 * programs write cp1251 and declare nothing.
 */
export function decodeDocument(
  bytes: Buffer,
  declared: string | null,
  hint: string | null,
): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf-16be');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    return bytes.toString('utf8', 3);
  }
  const known = declared ? normalizeCharset(declared) : null;
  if (known && !isUtf8Family(known)) {
    return iconv.decode(bytes, mislabelledSingleByte(known, bytes, hint) ?? known);
  }
  if (known && looksLikeUtf8(bytes)) return bytes.toString('utf8');
  return iconv.decode(bytes, detectCharset(bytes, hint) ?? 'utf-8');
}

/** The charset an HTML file names in its own `<meta>`, or null. */
export function htmlMetaCharset(bytes: Buffer): string | null {
  const head = bytes.toString('latin1', 0, Math.min(bytes.length, 4096));
  return /<meta[^>]+charset\s*=\s*["']?([A-Za-z0-9_.:-]+)/i.exec(head)?.[1] ?? null;
}

/** An attachment's text, as parse.ts read it. */
export type AttachmentText =
  | { kind: 'document'; text: string }
  | {
      kind: 'message';
      from: MailAddress | null;
      date: Date | null;
      subject: string;
      text: string;
    };

/**
 * A body that only points at its attachment («См. вложение», «жалоба во вложении», "please see
 * attached"), with at most a greeting and a signature around it; or none at all.
 */
const POINTER =
  /влож|приложен|прикреп|файл|тіркем|тіркел|қосымша|косымша|attach|enclos|see (?:the )?file/iu;
const POINTER_MAX_CHARS = 300;

export function pointsToAttachment(body: string): boolean {
  const words = body.replace(/\s+/g, ' ').trim();
  return words === '' || (words.length <= POINTER_MAX_CHARS && POINTER.test(words));
}

/**
 * The body's text with what the attachments say. An attached message follows as an inline
 * forward block (what "Forward" writes into a body), so that extraction reads it as it reads
 * an inline forward: a bare one gives the columns of the letter it carries, one under a cover
 * note keeps the note as content. A document's text replaces a body that only points at it (the
 * letter is the document: «См. вложение» would end the content); a body of its own keeps its own
 * words, and the document is then evidence beside it, kept with the attachment.
 */
export function withAttachmentText(body: string, attached: readonly AttachmentText[]): string {
  const documents = attached.flatMap((a) => (a.kind === 'document' && a.text ? [a.text] : []));
  const forwards = attached.flatMap((a) => (a.kind === 'message' ? [forwardBlock(a)] : []));
  const own = documents.length > 0 && pointsToAttachment(body) ? documents : [body];
  return [...own, ...forwards].filter((piece) => piece.trim() !== '').join('\n\n');
}

/** Gmail's forward header: FORWARD_START, then header lines extraction skips (HEADER_FROM…). */
export const FORWARD_LINE = '---------- Forwarded message ---------';

function forwardBlock(message: Extract<AttachmentText, { kind: 'message' }>): string {
  const from = message.from;
  const sender = from?.address
    ? from.name
      ? `${from.name} <${from.address}>`
      : from.address
    : from?.name || null;
  const header = [
    FORWARD_LINE,
    sender ? `From: ${sender}` : null,
    message.date ? `Date: ${message.date.toUTCString()}` : null,
    message.subject ? `Subject: ${message.subject}` : null,
  ].filter((line): line is string => line !== null);
  return `${header.join('\n')}\n\n${message.text}`;
}
