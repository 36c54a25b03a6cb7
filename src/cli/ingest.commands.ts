/**
 * `senim ingest --once` (contract: Commands): one pass over the mailbox with the daemon's own
 * code, then one delivery attempt of the queued mail that is due. Exit 0; 1 if the mailbox or the
 * database could not be used; 2 if no mailbox is configured.
 */
import type { Command } from 'commander';
import type { App } from '../app.js';
import { InputError } from '../errors.js';
import { ingestOnce } from '../ingest/ingest.runner.js';
import { createIntake } from '../ingest/intake.usecases.js';
import { createTransport, deliverDue } from '../notify/delivery.js';
import { loadConfig, withApp } from './context.js';
import { info } from './io.js';

const NO_MAILBOX =
  'No mailbox is configured. Set IMAP_HOST, IMAP_USER and IMAP_PASSWORD (and IMAP_PORT, IMAP_TLS, IMAP_MAILBOX if not 993/true/INBOX); for Microsoft 365 set IMAP_AUTH=xoauth2 with IMAP_OAUTH_TOKEN_URL, IMAP_OAUTH_CLIENT_ID and IMAP_OAUTH_REFRESH_TOKEN instead of IMAP_PASSWORD.';

/** Delivery claims mail in pages; a full page means there may be more due. */
const DELIVERY_PAGE = 50;

export function ingestCommands(program: Command): void {
  program
    .command('ingest')
    .description(
      'registers every message in the mailbox not yet registered, then delivers due mail',
    )
    .option('--once', 'one pass, then exit (the daemon `senim start` runs continuously)')
    .action(async (flags: { once?: boolean }) => {
      if (!flags.once) {
        throw new InputError(
          'ingest-once',
          'senim ingest: use --once (the daemon is `senim start`)',
        );
      }
      if (!loadConfig().imap) throw new InputError('no-mailbox', NO_MAILBOX);
      await withApp(async (app) => {
        const result = await ingestOnce({
          config: app.config,
          database: app.database,
          vault: app.vault,
          intake: intakeOf(app),
          log: app.log,
          now: app.now,
        });
        const o = result.outcomes;
        info(
          `Ingest: ${o.registered} registered, ${o.attached} attached to an appeal, ${o.recorded} recorded (not appeals), ${o.held} held for review, ${o.duplicate + result.alreadyKnown} already registered${result.interrupted ? ' (interrupted)' : ''}.`,
        );
        const delivered = await deliverOnce(app);
        info(
          `Delivery: ${delivered.sent} sent, ${delivered.retried} to retry later, ${delivered.failed} failed.`,
        );
      });
    });
}

function intakeOf(app: App) {
  // TODO(notify): pass `answers` (the AnswerPort that queues acknowledgements) once notify
  // exports its implementation; without it appeals are registered but not answered.
  return createIntake({
    database: app.database,
    vault: app.vault,
    calendar: app.calendar,
    config: app.config,
    log: app.log,
    now: app.now,
  });
}

/** Each due mail is tried once; failures stay queued for their next retry. */
async function deliverOnce(app: App): Promise<{ sent: number; retried: number; failed: number }> {
  const transport = createTransport({ smtpUrl: app.config.smtpUrl, dataDir: app.config.dataDir });
  const total = { sent: 0, retried: 0, failed: 0 };
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
