/**
 * The port through which intake reaches notify inside its transaction: registration queues the
 * answer to a new appeal (acknowledgement or redirect advice), and a delivery report on one of our
 * mails is recorded against it. Implemented in notify; wired in the composition root.
 */
import type { Tx } from '../db/database.js';
import type { RegisteredAppeal } from './register.usecases.js';

export interface AnswerContext {
  /** where the answer goes (already checked to be answerable) */
  to: string;
  /** Message-ID of the appellant's mail, for In-Reply-To/References */
  inReplyTo?: string | null;
  references?: string[];
  /** automatic answers count against the per-recipient rate limit; the Ombudsman's do not */
  automatic: boolean;
}

/**
 * What a delivery-status report (a bounce) says about a mail it names. Read from hostile mail:
 * `originals` are only candidates, matched exactly against our own outbox.
 */
export interface DeliveryReport {
  /** failed: delivery was given up (permanent); delayed: the relay is still trying */
  outcome: 'failed' | 'delayed';
  /** the enhanced status code (RFC 3463) as `5.1.1`; null when the report gave none */
  status: string | null;
  /** Message-IDs, with angle brackets, of the mail it reports on: most trustworthy first */
  originals: string[];
}

/** Which of our mails a delivery report was found to be about, and whether that changed it. */
export interface DeliveryReportOutcome {
  /** the outbox row of our mail it names; null when it names none of ours */
  outboxId: number | null;
  /** true only the first time a permanent failure is recorded on that mail */
  marked: boolean;
}

export interface AnswerPort {
  afterRegistration(tx: Tx, appeal: RegisteredAppeal, context: AnswerContext): Promise<void>;
  /** A bounce arrived (it stays recorded as automatic mail, never answered nor registered). */
  afterDeliveryReport(tx: Tx, report: DeliveryReport): Promise<DeliveryReportOutcome>;
}
