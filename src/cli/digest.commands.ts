/**
 * `senim digest chairman --month YYYY-MM [--send]` and `senim digest ombudsman [--send]`
 * (contract: Commands): print the plain-text version; with --send, queue it once for its period
 * (as the schedule would) and try delivery once.
 */
import type { Command } from 'commander';
import type { App } from '../app.js';
import { InputError } from '../errors.js';
import { createTransport, deliverDue } from '../notify/delivery.js';
import { parseMonth } from '../notify/chairman-report.js';
import {
  previewChairmanMonthly,
  buildOmbudsmanDigest,
  sendChairmanMonthly,
  sendOmbudsmanDigest,
  type QueuedReport,
  type ReportDeps,
} from '../notify/reports.usecases.js';
import { withApp } from './context.js';
import { info, out } from './io.js';

function reportDeps(app: App): ReportDeps {
  return {
    db: app.database.db,
    vault: app.vault,
    calendar: app.calendar,
    config: app.config,
    now: app.now,
  };
}

async function afterSend(app: App, report: QueuedReport): Promise<void> {
  if (!report.queued) {
    info(
      `The ${report.kind} report for ${report.period} was already queued (outbox ${report.outboxId ?? '—'}): not queued again.`,
    );
    return;
  }
  if (report.held) {
    info(
      `Queued as outbox ${report.outboxId} but kept in the outbox: no recipient is configured (${report.kind === 'ombudsman' ? 'OMBUDSMAN_EMAIL' : 'CHAIRMAN_EMAIL'}).`,
    );
    return;
  }
  const transport = createTransport({ smtpUrl: app.config.smtpUrl, dataDir: app.config.dataDir });
  try {
    const result = await deliverDue({
      database: app.database,
      vault: app.vault,
      transport,
      now: app.now,
      log: app.log,
    });
    info(
      `Queued as outbox ${report.outboxId}; delivery pass: ${result.sent} sent, ${result.retried} to retry, ${result.failed} failed.`,
    );
  } finally {
    transport.close();
  }
}

export function digestCommands(program: Command): void {
  const digest = program
    .command('digest')
    .description("the Ombudsman's daily digest and the Chairman's report (rules 4.15)");

  digest
    .command('chairman')
    .description("the Chairman's report for a month (no personal data); --send queues and sends it")
    .requiredOption('--month <month>', 'YYYY-MM, by receipt time in the calendar zone')
    .option('--send', 'queue it (once per month) and try to deliver it')
    .action(async (flags: { month: string; send?: boolean }) => {
      const month = parseMonth(flags.month);
      await withApp(async (app) => {
        const deps = reportDeps(app);
        if (!flags.send) {
          out((await previewChairmanMonthly(deps, month)).rendered.text);
          return;
        }
        // one report per month is ever sent: a month not over yet would take its place
        const current = app.calendar.localDate(app.now()).slice(0, 7);
        if (month >= current) {
          throw new InputError(
            'month-not-over',
            `--month ${month} is not over yet (the current month is ${current}): its report can be sent from the 1st of the next month; without --send it is printed`,
          );
        }
        const report = await sendChairmanMonthly(deps, month);
        out(report.rendered.text);
        await afterSend(app, report);
      });
    });

  digest
    .command('ombudsman')
    .description("the Ombudsman's triage digest; --send queues today's (once) and sends it")
    .option('--send', "queue today's digest (once per day) and try to deliver it")
    .action(async (flags: { send?: boolean }) => {
      await withApp(async (app) => {
        const deps = reportDeps(app);
        if (!flags.send) {
          out((await buildOmbudsmanDigest(deps.db, deps)).rendered.text);
          return;
        }
        const report = await sendOmbudsmanDigest(deps, app.calendar.localDate(app.now()));
        out(report.rendered.text);
        await afterSend(app, report);
      });
    });
}
