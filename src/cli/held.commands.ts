/** `senim held list` / `senim held release ID`: spam-flagged mail held for the Ombudsman. */
import type { Command } from 'commander';
import { isoWithOffset } from '../cases/journal.export.js';
import { openParsed, terminalSafe } from '../cases/case-view.js';
import { releaseHeld } from '../ingest/intake.usecases.js';
import { answersFor } from '../wiring.js';
import { listHeld } from '../ingest/messages.repository.js';
import { deliverNow, withApp } from './context.js';
import { info, out, parseNumber } from './io.js';

export function heldCommands(program: Command): void {
  const held = program
    .command('held')
    .description('spam-flagged mail held for review; release registers it as an appeal');

  held
    .command('list')
    .description('the held messages: id, receipt time, why held, sender, subject')
    .action(async () => {
      await withApp(
        async (app) => {
          const list = await listHeld(app.database.db);
          if (list.length === 0) {
            out('No held messages.');
            return;
          }
          for (const row of list) {
            const parsed = await openParsed(app.database.db, app.vault, row);
            const from = parsed?.from?.address ?? '—';
            const subject = parsed?.subject ?? '—';
            out(
              terminalSafe(
                `${row.id}\t${isoWithOffset(row.receivedAt, app.config.timeZone)}\t${row.reason}\t${row.rawSize} bytes\t${from}\t${subject}`.replace(
                  /\n/g,
                  ' ',
                ),
              ),
            );
          }
          info(`${list.length} held; release one with: senim held release ID`);
        },
        { quietWarnings: true },
      );
    });

  held
    .command('release')
    .description('registers a held message as an appeal (once); prints its registration number')
    .argument('<id>', 'message id from senim held list')
    .action(async (id: string) => {
      const messageId = parseNumber(id, 'message id');
      await withApp(async (app) => {
        const released = await releaseHeld({ ...app, answers: answersFor(app) }, messageId);
        info(`Released message ${messageId}: registered as appeal No. ${released.entryNumber}`);
        await deliverNow(app);
        out(String(released.entryNumber));
      });
    });
}
