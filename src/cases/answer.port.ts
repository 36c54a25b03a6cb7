/**
 * The port through which registration queues the answer to a new appeal (acknowledgement or
 * redirect advice) in the same transaction. Implemented in notify; wired in the composition root.
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

export interface AnswerPort {
  afterRegistration(tx: Tx, appeal: RegisteredAppeal, context: AnswerContext): Promise<void>;
}
