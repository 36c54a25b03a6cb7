/** Shared domain vocabulary of the journal (rules 4.14, Appendix 1). */
export const LANGUAGES = ['kk', 'ru', 'en'] as const;
export type Language = (typeof LANGUAGES)[number];

export const SCOPES = ['in', 'out', 'pending'] as const;
export type Scope = (typeof SCOPES)[number];

export type Channel = 'phone' | 'email';

export type CaseStatus = 'open' | 'closed' | 'redirected';

/** Columns 3, 4, 6, 7 of Appendix 1 plus the reply e-mail: the personal data of an entry. */
export interface Appellant {
  fullName: string | null;
  address: string | null;
  /** E.164, e.g. +77011234567 */
  phone: string | null;
  legalForm: string | null;
  orgName: string | null;
  /** postal or e-mail address to which the reply is sent (column 7) */
  replyAddress: string | null;
}

export const EMPTY_APPELLANT: Appellant = {
  fullName: null,
  address: null,
  phone: null,
  legalForm: null,
  orgName: null,
  replyAddress: null,
};
