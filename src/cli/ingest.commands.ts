/**
 * `senim ingest --once` (contract: Commands): one pass over the mailbox with the daemon's own
 * code, then one delivery attempt of the queued mail that is due. Exit 0; 1 if the mailbox or the
 * database could not be used; 2 if no mailbox is configured.
 */
import type { Command } from 'commander';
import { InputError } from '../errors.js';
import { ingestOnce } from '../ingest/ingest.runner.js';
import { deliverOnce, intakeFor } from '../wiring.js';
import { loadConfig, withApp } from './context.js';
import { info } from './io.js';

const NO_MAILBOX =
  'No mailbox is configured. Set IMAP_HOST, IMAP_USER and IMAP_PASSWORD (and IMAP_PORT, IMAP_TLS, IMAP_MAILBOX if not 993/true/INBOX); for Microsoft 365 set IMAP_AUTH=xoauth2 with IMAP_OAUTH_TOKEN_URL, IMAP_OAUTH_CLIENT_ID and IMAP_OAUTH_REFRESH_TOKEN instead of IMAP_PASSWORD.';

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
          intake: intakeFor(app),
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
