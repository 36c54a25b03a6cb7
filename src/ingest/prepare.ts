/**
 * Everything intake does to a raw message before the database: parse, classify, extract the
 * journal's columns, decide language, triage and site. Pure CPU work on plain data, so it runs
 * on the main thread or in a worker (prepare.pool.ts) alike; the result crosses as plain objects.
 */
import { createHash } from 'node:crypto';
import { decideAppeal, type AppealDecision } from '../cases/appeal-decision.js';
import type { DeliveryReport } from '../cases/answer.port.js';
import { classifyMail, type Classification } from './classify.js';
import { readDeliveryReport } from './delivery-report.js';
import { readAppeal, type ExtractedAppeal } from './extract.js';
import { PROBLEM, type MailAddress, type ParsedMail } from './mail.models.js';
import { parseMail } from './parse.js';

export interface PrepareConfig {
  maxMessageBytes: number;
  ownAddresses: string[];
  spamHeaders: boolean;
  dmarcFailBlocks: boolean;
}

export interface PreparedMail {
  rawSha256: string;
  parsed: ParsedMail;
  classification: Classification;
  /** the header block and text kept instead of an oversized message; null: the raw is kept */
  reduced: Buffer | null;
  notes: string[];
  /** the journal's columns read from the letter (appeals only) */
  extracted: ExtractedAppeal | null;
  /** language, triage and site (appeals only) */
  decision: AppealDecision | null;
  /** SHA-256 of the readable text and the attachments' contents ("the same body") */
  textDigest: string;
  /** a bounce's report of failure or delay, with the Message-IDs it names (bounces only) */
  deliveryReport: DeliveryReport | null;
}

/** Reason code of a failed extraction (logs, notes). */
export const EXTRACT_FAILED = 'extract-failed';
/** Note on a bounce: what it reports (delivery-report:failed:5.1.1, delivery-report:delayed:4.4.1). */
export const DELIVERY_REPORT_NOTE = 'delivery-report:';
const REPORT_UNREADABLE = 'delivery-report:unreadable';

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

export async function prepareMail(raw: Buffer, config: PrepareConfig): Promise<PreparedMail> {
  const notes: string[] = [];
  let parsed: ParsedMail;
  try {
    parsed = await parseMail(raw);
  } catch {
    // parseMail promises not to throw; if it ever does, the message is still registered
    parsed = emptyParse([PROBLEM.unparseable]);
  }
  notes.push(...parsed.problems);
  let reduced: Buffer | null = null;
  if (raw.length > config.maxMessageBytes) {
    reduced = reducedRaw(raw, parsed.text, raw.length);
    notes.push(`oversized: ${raw.length} bytes, attachments not kept`);
  }
  const classification = classifyMail(parsed, {
    ownAddresses: config.ownAddresses,
    spamHeaders: config.spamHeaders,
    dmarcFailBlocks: config.dmarcFailBlocks,
  });
  const appeal = classification.kind === 'appeal' ? extractAndDecide(parsed, notes) : null;
  const deliveryReport = classification.kind === 'bounce' ? await readReport(raw, notes) : null;
  return {
    rawSha256: sha256Hex(raw),
    parsed,
    classification,
    reduced,
    notes,
    extracted: appeal?.extracted ?? null,
    decision: appeal?.decision ?? null,
    textDigest: textDigest(parsed),
    deliveryReport,
  };
}

/** What a bounce reports, noted on it by codes only (the diagnostic text names the recipient). */
async function readReport(raw: Buffer, notes: string[]): Promise<DeliveryReport | null> {
  let report: DeliveryReport | null;
  try {
    report = await readDeliveryReport(raw);
  } catch {
    // readDeliveryReport does not throw for bad mail; if it ever does, the bounce is still kept
    notes.push(REPORT_UNREADABLE);
    return null;
  }
  if (report)
    notes.push(`${DELIVERY_REPORT_NOTE}${report.outcome}:${report.status ?? 'no-status'}`);
  return report;
}

/** An appeal's columns (null when extraction fails, noted) and the decision its own words give. */
export function extractAndDecide(
  parsed: ParsedMail,
  notes: string[],
): { extracted: ExtractedAppeal | null; decision: AppealDecision | null } {
  const read = safeRead(parsed, notes);
  return { extracted: read?.extracted ?? null, decision: appealDecision(parsed, read) };
}

/**
 * The writer's own words decide (readAppeal); the whole text only when extraction failed. null
 * when it fails: registration then decides in its transaction, where failures are handled.
 */
function appealDecision(
  parsed: ParsedMail,
  read: { extracted: ExtractedAppeal; ownWords: string } | null,
): AppealDecision | null {
  const text = read?.ownWords ?? [parsed.subject, parsed.text].filter(Boolean).join('\n');
  try {
    return decideAppeal(text, read?.extracted.language, read?.extracted.mixed);
  } catch {
    return null;
  }
}

/** "The same body": the readable text and the attachments' contents. */
function textDigest(parsed: ParsedMail): string {
  return sha256Hex([parsed.text, ...parsed.attachments.map((a) => a.sha256)].join('\0'));
}

export function emptyParse(problems: string[]): ParsedMail {
  return {
    messageId: null,
    inReplyTo: null,
    references: [],
    subject: '',
    from: null,
    replyTo: null,
    to: [],
    cc: [],
    date: null,
    text: '',
    htmlOnly: false,
    attachments: [],
    calendarMethod: null,
    headers: {},
    problems,
  };
}

const DROPPED_HEADERS =
  /^(content-type|content-transfer-encoding|mime-version|content-disposition):/i;

/**
 * An oversized message is kept as its header block and readable text (attachments dropped): a
 * valid .eml whose note says so. Its raw_sha256 stays the hash of the original bytes.
 */
export function reducedRaw(raw: Buffer, text: string, originalSize: number): Buffer {
  const head = raw.subarray(0, Math.min(raw.length, 1024 * 1024)).toString('latin1');
  const end = head.search(/\r?\n\r?\n/);
  const lines = (end >= 0 ? head.slice(0, end) : '').split(/\r?\n/);
  const kept: string[] = [];
  let dropping = false;
  for (const line of lines) {
    if (/^[ \t]/.test(line)) {
      if (!dropping) kept.push(line);
      continue;
    }
    dropping = DROPPED_HEADERS.test(line);
    if (!dropping) kept.push(line);
  }
  const headers = Buffer.from(kept.join('\r\n'), 'latin1');
  const added = [
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    `X-Senim-Note: oversized (${originalSize} bytes), attachments not kept`,
  ].join('\r\n');
  return Buffer.concat([
    headers,
    Buffer.from(kept.length > 0 && kept[0] !== '' ? '\r\n' : ''),
    Buffer.from(added + '\r\n\r\n' + text.replace(/\n/g, '\r\n') + '\r\n', 'utf8'),
  ]);
}

function safeRead(
  parsed: ParsedMail,
  notes: string[],
): { extracted: ExtractedAppeal; ownWords: string } | null {
  try {
    return readAppeal({
      text: parsed.text,
      subject: parsed.subject || null,
      from: asExtractAddress(parsed.from),
      replyTo: asExtractAddress(parsed.replyTo),
    });
  } catch {
    notes.push(EXTRACT_FAILED);
    return null;
  }
}

function asExtractAddress(a: MailAddress | null): { address: string; name: string | null } | null {
  return a?.address ? { address: a.address, name: a.name || null } : null;
}
