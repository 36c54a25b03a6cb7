/**
 * Who may receive an automatic answer (design: never a mail loop, never backscatter). Pure.
 *
 * Intake already refuses auto-replies, bounces, list and spam mail; this is the second line: an
 * address that is not one plain mailbox, that is ours, or that belongs to a robot gets no answer.
 * The address comes from hostile input, so it is checked strictly before it can reach a header.
 */

export type RefusalReason = 'invalid-address' | 'own-address' | 'robot-address' | 'dmarc-fail';

export type AnswerDecision = { ok: true; address: string } | { ok: false; reason: RefusalReason };

export interface AddressPolicyConfig {
  /** SENIM_FROM */
  from: string;
  ombudsmanEmail?: string | null;
  chairmanEmail?: string | null;
  /** SENIM_DMARC_FAIL_BLOCKS: no answer when the sender's domain failed DMARC (forged sender) */
  dmarcFailBlocks?: boolean;
}

export interface AddressSignals {
  /** the DMARC result from Authentication-Results, when intake found one */
  dmarc?: string | null;
}

// RFC 5321 §4.5.3.1: local part ≤ 64 octets, domain ≤ 255, a path ≤ 256 (so an address ≤ 254).
const MAX_LOCAL = 64;
const MAX_DOMAIN = 253;
const MAX_ADDRESS = 254;
// Dot-atom local part (RFC 5322 atext) without quoted strings: a quoted local part is legal but
// only ever seen in abuse; one without it cannot carry spaces, commas, brackets or quotes.
const LOCAL = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
// Letters and digits of any script (internationalised domains; nodemailer encodes them).
const LABEL = /^[\p{L}\p{N}](?:[\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?$/u;

/**
 * The address in its canonical form (trimmed, domain lower-cased), or null when it is not exactly
 * one sane mailbox: no display name, no CR/LF or other controls, no commas or semicolons (a second
 * recipient), no IP literals, a domain with at least two labels.
 */
export function strictAddress(value: string): string | null {
  if (typeof value !== 'string') return null;
  // Any control character, even a trailing newline, means the value was not a clean address.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  if (/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/.test(value)) return null;
  const address = value.trim();
  if (address.length === 0 || address.length > MAX_ADDRESS) return null;
  const at = address.lastIndexOf('@');
  if (at <= 0 || at !== address.indexOf('@')) return null;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1).toLowerCase();
  if (local.length > MAX_LOCAL || !LOCAL.test(local)) return null;
  if (domain.length === 0 || domain.length > MAX_DOMAIN) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((label) => LABEL.test(label))) return null;
  // A top-level domain is never all digits: "1.2.3.4" is an IP address, not a mail domain.
  if (/^\d+$/.test(labels[labels.length - 1] ?? '')) return null;
  return `${local}@${domain}`;
}

// Mailboxes that are robots or would bounce back into robots (RFC 3834 §2, RFC 2142).
const ROBOT_LOCAL =
  /^(mailer-daemon|postmaster|no[-_.]?reply|do[-_.]?not[-_.]?reply|bounces?|abuse|listserv|majordomo|mailman|daemon|root|nobody|auto[-_.]?reply|autoresponder)([-+._].*)?$/i;
const ROBOT_AFFIX = /(^owner-|-(request|bounces?|owner)$|^bounce[-+])/i;

function sameAddress(a: string, b: string | null | undefined): boolean {
  if (!b) return false;
  return a.toLowerCase() === b.trim().toLowerCase();
}

/** Whether an automatic answer may go to `address` (issue: never a loop, never backscatter). */
export function mayAnswer(
  address: string,
  config: AddressPolicyConfig,
  signals: AddressSignals = {},
): AnswerDecision {
  const canonical = strictAddress(address);
  if (!canonical) return { ok: false, reason: 'invalid-address' };
  if (
    sameAddress(canonical, config.from) ||
    sameAddress(canonical, config.ombudsmanEmail) ||
    sameAddress(canonical, config.chairmanEmail)
  ) {
    return { ok: false, reason: 'own-address' };
  }
  const local = canonical.slice(0, canonical.lastIndexOf('@'));
  if (ROBOT_LOCAL.test(local) || ROBOT_AFFIX.test(local)) {
    return { ok: false, reason: 'robot-address' };
  }
  if ((config.dmarcFailBlocks ?? true) && signals.dmarc?.trim().toLowerCase() === 'fail') {
    return { ok: false, reason: 'dmarc-fail' };
  }
  return { ok: true, address: canonical };
}
