/**
 * How the parts are put together from an App, in one place, so the daemon and every command use
 * the same intake, answers and transport (design: one composition root; commands reuse it).
 */
import type { App } from './app.js';
import { loadRedirectDirectory, redirectFor } from './cases/redirect-directory.js';
import { isOutCategory } from './cases/triage.js';
import type { Intake } from './ingest/intake.port.js';
import { createIntake } from './ingest/intake.usecases.js';
import { defaultPrepareWorkers } from './ingest/prepare.pool.js';
import { createAnswers, type Answers } from './notify/answers.js';
import {
  createTransport,
  deliverDue,
  type DeliveryResult,
  type MailTransport,
} from './notify/delivery.js';

export function answersFor(app: App): Answers {
  const directory = loadRedirectDirectory(app.config.redirectDirectoryPath ?? undefined);
  return createAnswers({
    vault: app.vault,
    config: app.config,
    now: app.now,
    redirects: (category, language) =>
      category && isOutCategory(category) ? redirectFor(directory, category, language) : null,
    log: app.log,
  });
}

export function intakeFor(app: App, answers: Answers = answersFor(app)): Intake {
  return createIntake({
    database: app.database,
    vault: app.vault,
    calendar: app.calendar,
    config: app.config,
    answers,
    log: app.log,
    now: app.now,
    workers: defaultPrepareWorkers(),
  });
}

export function transportFor(app: App): MailTransport {
  return createTransport({ smtpUrl: app.config.smtpUrl, dataDir: app.config.dataDir });
}

/** Page size of one delivery claim; a full page means more may be due. */
const DELIVERY_PAGE = 50;

/** Tries each due mail once (contract: ingest --once, digest --send); failures stay queued. */
export async function deliverOnce(app: App): Promise<DeliveryResult> {
  const transport = transportFor(app);
  const total: DeliveryResult = { sent: 0, retried: 0, failed: 0 };
  try {
    for (;;) {
      const r = await deliverDue(
        { database: app.database, vault: app.vault, transport, now: app.now, log: app.log },
        { limit: DELIVERY_PAGE },
      );
      total.sent += r.sent;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.sent + r.retried + r.failed < DELIVERY_PAGE) return total;
    }
  } finally {
    transport.close();
  }
}
