/**
 * A bounce on our own mail (design: outgoing mail is not lost either — a permanent failure is
 * reported to the Ombudsman, also when it comes back after the relay's 250). The outbox row turns
 * failed and the appeal's history gets 'answer-bounced' with the status code only: the report's
 * diagnostic text quotes the appellant's address.
 */
import type { DeliveryReport, DeliveryReportOutcome } from '../cases/answer.port.js';
import { insertEvent } from '../cases/journal.repository.js';
import type { Tx } from '../db/database.js';
import type { Logger } from '../log.js';
import { answerKindOf, bounceMarksMail, reportedMail } from './outbox.models.js';
import { findByMessageIds, markBounced } from './outbox.repository.js';

export interface BounceDeps {
  now: () => Date;
  log?: Logger;
}

export async function recordDeliveryReport(
  tx: Tx,
  deps: BounceDeps,
  report: DeliveryReport,
): Promise<DeliveryReportOutcome> {
  const mail = reportedMail(report.originals, await findByMessageIds(tx, report.originals));
  if (!mail) {
    deps.log?.info({ outcome: report.outcome }, 'delivery report names none of our mail');
    return { outboxId: null, marked: false };
  }
  const where = {
    outboxId: mail.id,
    kind: mail.kind,
    entry: mail.entryNumber,
    outcome: report.outcome,
    status: report.status,
  };
  if (!bounceMarksMail(report.outcome, mail)) {
    deps.log?.info({ ...where, outboxStatus: mail.status }, 'delivery report changes nothing');
    return { outboxId: mail.id, marked: false };
  }
  const now = deps.now();
  // conditional on the row still being sent and unmarked: of two bounces racing, one marks it
  const marked = await markBounced(tx, mail.id, { status: report.status, now });
  if (marked && mail.entryNumber !== null) {
    await insertEvent(
      tx,
      mail.entryNumber,
      'answer-bounced',
      { kind: answerKindOf(mail.kind), outboxId: mail.id, status: report.status },
      now,
    );
  }
  if (marked) deps.log?.warn(where, 'outgoing mail bounced after it was sent');
  return { outboxId: mail.id, marked };
}
