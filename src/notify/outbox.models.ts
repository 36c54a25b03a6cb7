/**
 * Outgoing mail as it is stored in the outbox, and the pure decisions of delivery: when to retry,
 * and whether an SMTP failure is worth retrying (design: outgoing mail is not lost either).
 */

/** RFC 3834: every mail Senim sends is automatic, so that well-behaved responders stay silent. */
export const AUTO_HEADERS: Readonly<Record<string, string>> = {
  'Auto-Submitted': 'auto-replied',
  'X-Auto-Response-Suppress': 'All',
};

/**
 * The whole rendered mail, stored sealed in outbox.mail and sent as it is on every attempt: the
 * Message-ID never changes, so a repeat after a crash is recognisable by the receiver.
 */
export interface OutgoingMail {
  from: string;
  to: string;
  subject: string;
  text: string;
  html: string;
  /** with angle brackets: <senim.ack.12.RANDOM@ales.kz> */
  messageId: string;
  /** the Date header, ISO-8601: when the mail was queued, the same on every attempt */
  date?: string;
  inReplyTo: string | null;
  references: string[];
  headers: Record<string, string>;
}

/** The outbox kind of each answer to an appellant (templates.ts AnswerKind). */
export const ANSWER_OUTBOX_KIND = {
  acknowledgement: 'ack',
  redirect: 'redirect',
  extension: 'extension',
} as const;

/** The answer an outbox kind is ('ack' → 'acknowledgement'), as the appeal's history names it. */
export function answerKindOf(outboxKind: string): string {
  const found = Object.entries(ANSWER_OUTBOX_KIND).find(([, kind]) => kind === outboxKind);
  return found ? found[0] : outboxKind;
}

export type SmtpErrorClass = 'temporary' | 'permanent';

/** The first retry comes within 30 s; the wait doubles up to an hour (issue: outbox). */
export const FIRST_RETRY_MS = 30_000;
export const MAX_RETRY_MS = 3_600_000;
/** Three days after the first failure a temporary failure is treated as permanent. */
export const GIVE_UP_AFTER_MS = 3 * 86_400_000;

/**
 * When to try again after the `attempts`-th failed attempt (1 = the first failure), or null when
 * the mail has been failing for three days and is to be given up (reported to the Ombudsman).
 */
export function nextAttempt(attempts: number, firstFailureAt: Date, now: Date): Date | null {
  if (now.getTime() - firstFailureAt.getTime() >= GIVE_UP_AFTER_MS) return null;
  const exponent = Math.min(Math.max(attempts, 1) - 1, 30);
  const delay = Math.min(FIRST_RETRY_MS * 2 ** exponent, MAX_RETRY_MS);
  return new Date(now.getTime() + delay);
}

interface SmtpLikeError {
  code?: unknown;
  responseCode?: unknown;
}

/**
 * Credentials refused (even with a 535) are our configuration, not the recipient's problem: keep
 * the mail until an operator fixes them rather than failing every message.
 */
const OUR_CONFIGURATION = new Set(['EAUTH', 'ENOAUTH', 'EOAUTH2']);

/**
 * 5xx replies are permanent (RFC 5321 §4.2.1), 4xx and anything before a reply (connection
 * refused, timeouts) are temporary. An envelope or message nodemailer refuses locally is permanent:
 * sending it again would fail the same way.
 */
export function classifySmtpError(error: unknown): SmtpErrorClass {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpLikeError;
  const code = typeof e.code === 'string' ? e.code : null;
  if (code !== null && OUR_CONFIGURATION.has(code)) return 'temporary';
  const reply = typeof e.responseCode === 'number' ? e.responseCode : null;
  if (reply !== null && reply >= 500 && reply < 600) return 'permanent';
  if (reply !== null && reply >= 400 && reply < 500) return 'temporary';
  if (code === 'EENVELOPE' || code === 'EMESSAGE') return 'permanent';
  // Anything else happened before a reply (connection refused or reset, DNS, timeouts): try again.
  return 'temporary';
}

/**
 * What is kept of an error in outbox.last_error: codes only. A server's reply text often quotes
 * the recipient address ("550 5.1.1 <name@example.kz> unknown"), which is personal data.
 */
export function describeSmtpError(error: unknown): string {
  const e = (typeof error === 'object' && error !== null ? error : {}) as SmtpLikeError;
  const parts: string[] = [];
  if (typeof e.responseCode === 'number') parts.push(`smtp ${e.responseCode}`);
  if (typeof e.code === 'string' && /^[A-Z0-9_]{2,20}$/.test(e.code)) parts.push(e.code);
  return parts.join(' ') || 'unknown error';
}

/**
 * Which of our mails a bounce is about: the first Message-ID it names, in its order of trust, that
 * is exactly one of ours. Anything else it names (another sender's mail, a forgery) is ignored.
 */
export function reportedMail<T extends { messageId: string }>(
  originals: readonly string[],
  ours: readonly T[],
): T | null {
  for (const id of originals) {
    const found = ours.find((mail) => mail.messageId === id);
    if (found) return found;
  }
  return null;
}

/**
 * A bounce marks our mail undelivered only when it reports a permanent failure of mail that went
 * out and is not marked yet: a delay changes nothing (the relay still tries), and mail never sent
 * cannot have bounced.
 */
export function bounceMarksMail(
  outcome: 'failed' | 'delayed',
  mail: { status: string; bouncedAt: Date | null },
): boolean {
  return outcome === 'failed' && mail.status === 'sent' && mail.bouncedAt === null;
}
