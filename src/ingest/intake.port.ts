/**
 * The narrow interface between mail sources (IMAP, inbound SMTP) and intake (classification,
 * parsing, registration). A source hands over raw messages; intake commits them; only after the
 * returned promise resolves may the source mark the message as done on the server
 * (design: no appeal is lost).
 */

export interface ImapOrigin {
  source: 'imap';
  mailbox: string;
  uidValidity: number;
  uid: number;
}

export interface SmtpOrigin {
  source: 'smtp';
}

export interface RawMessage {
  /**
   * the whole message as received; sources stream large ones to a temp file first if needed.
   * Handed over, it belongs to intake: a large one may be moved to a worker thread (and emptied).
   */
  raw: Buffer;
  /** IMAP INTERNALDATE or SMTP receipt time: column 2 of the journal (the Date: header is untrusted) */
  receivedAt: Date;
  origin: ImapOrigin | SmtpOrigin;
}

export type IntakeOutcome =
  | { kind: 'registered'; entryNumber: number; messageId: number }
  | { kind: 'attached'; entryNumber: number; messageId: number }
  | { kind: 'recorded'; reason: string; messageId: number }
  | { kind: 'held'; reason: string; messageId: number }
  | { kind: 'duplicate'; messageId: number };

/** acceptMany commits its list in transactions of this many messages: sources batch to match. */
export const COMMIT_GROUP_SIZE = 20;

export interface Intake {
  /** Registers/records one message exactly once, committed when this resolves. Never throws for bad mail. */
  accept(message: RawMessage): Promise<IntakeOutcome>;
  /** Several messages, committed in small groups (backlogs); outcomes in input order. */
  acceptMany(messages: RawMessage[]): Promise<IntakeOutcome[]>;
  /** UIDs of this mailbox generation already recorded by us (the source skips them, marks them). */
  knownUids(mailbox: string, uidValidity: number): Promise<Set<number>>;
}
