/**
 * `senim status` (contract: Commands): ingest health — last successful poll, last error, when the
 * credentials expire — and the outbox backlog. Exit 0 healthy; 1 otherwise.
 */
import type { Command } from 'commander';
import { isoWithOffset } from '../cases/journal.export.js';
import {
  daysLeft,
  healthProblems,
  readHealth,
  readOutboxCounts,
  type HealthProblem,
} from '../ingest/health.repository.js';
import { withApp } from './context.js';
import { out } from './io.js';

export function statusCommands(program: Command): void {
  program
    .command('status')
    .description('ingest health and outbox backlog; exit 0 healthy, 1 otherwise')
    .action(async () => {
      await withApp(
        async (app) => {
          const tz = app.config.timeZone;
          const now = app.now();
          const when = (d: Date | null) => (d ? isoWithOffset(d, tz) : 'never');
          const sources = await readHealth(app.database.db);
          const outbox = await readOutboxCounts(app.database.db);
          const lines: string[] = [];
          if (!app.config.imap && !app.config.smtpListen)
            lines.push('No mail source is configured.');
          if (app.config.imap && !sources.some((s) => s.source === 'imap')) {
            lines.push('imap: not polled yet');
          }
          for (const s of sources) {
            const days = daysLeft(s.authExpiresAt, now);
            lines.push(
              `${s.source}: last successful poll ${when(s.lastSuccessAt)}`,
              `  last error ${s.lastErrorAt ? `${when(s.lastErrorAt)} (${s.lastError ?? 'unknown'})` : 'none'}`,
            );
            if (s.authExpiresAt) {
              lines.push(`  credentials expire ${when(s.authExpiresAt)} (in ${days} days)`);
            }
          }
          for (const warning of app.config.warnings) lines.push(`warning: ${warning}`);
          lines.push(
            `outbox: ${outbox.queued} queued, ${outbox.held} held, ${outbox.failed} failed, ${outbox.sent} sent`,
          );
          const problems = healthProblems(sources, outbox, now).map(problemText);
          if (!app.config.imap && !app.config.smtpListen) {
            problems.unshift('no mail source: set IMAP_HOST (and the rest) or SMTP_LISTEN');
          }
          lines.push(
            problems.length === 0 ? 'Healthy.' : `NOT healthy:\n  ${problems.join('\n  ')}`,
          );
          out(lines.join('\n'));
          if (problems.length > 0) process.exitCode = 1;
        },
        { quietWarnings: true },
      );
    });
}

/** A health problem as an English sentence for the operator. */
export function problemText(p: HealthProblem): string {
  switch (p.kind) {
    case 'poll-failed':
      return `${p.source}: the last poll failed (${p.reason ?? 'unknown reason'})`;
    case 'auth-expired':
      return `${p.source}: the credentials have expired`;
    case 'auth-expiring':
      return `${p.source}: the credentials expire in ${p.days} day(s)`;
    case 'no-recent-poll':
      return `${p.source}: no successful poll for more than a day (is the daemon running?)`;
    case 'outbox-failed':
      return `outbox: ${p.count} mail(s) failed permanently`;
  }
}
