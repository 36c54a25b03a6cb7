/** `senim journal export|verify` and `senim phone` (rules 4.14, 4.17; contract: Commands). */
import type { Command } from 'commander';
import { bookFooter, bookHeader, bookRow } from '../cases/journal.book.js';
import { csvHeader, csvRow, exportRecords, isoWithOffset } from '../cases/journal.export.js';
import { journalHead, verifyJournal } from '../cases/journal.repository.js';
import { phoneAppealInput, registerPhoneAppeal } from '../cases/phone.usecases.js';
import { InputError } from '../errors.js';
import { answersFor } from '../wiring.js';
import { deliverNow, loadConfig, localToInstant, withApp } from './context.js';
import { info, out, parseDateFlag, parseInstantFlag } from './io.js';
import { addDays } from '../cases/calendar.js';

interface ExportFlags {
  format: string;
  from?: string;
  to?: string;
}

async function write(chunk: string): Promise<void> {
  if (!process.stdout.write(chunk))
    await new Promise((resolve) => process.stdout.once('drain', resolve));
}

/** Reading the journal needs no key: with a lost one it stays readable and verifiable. */
const READ_ONLY = { requireKey: false };

export function journalCommands(program: Command): void {
  const journal = program.command('journal').description('the journal of appeals (rules 4.14)');

  journal
    .command('export')
    .description(
      'the journal to stdout: csv (Excel, UTF-8 with BOM), json, or html (printable A4 book)',
    )
    .requiredOption('--format <format>', 'csv | json | html')
    .option('--from <date>', 'first day of receipt (YYYY-MM-DD, calendar zone)')
    .option('--to <date>', 'last day of receipt (YYYY-MM-DD, inclusive)')
    .action(async (flags: ExportFlags) => {
      if (!['csv', 'json', 'html'].includes(flags.format)) {
        throw new InputError(
          'bad-format',
          `--format: expected csv, json or html, got "${flags.format.slice(0, 10)}"`,
        );
      }
      const fromDay = flags.from === undefined ? undefined : parseDateFlag('--from', flags.from);
      const toDay = flags.to === undefined ? undefined : parseDateFlag('--to', flags.to);
      if (fromDay && toDay && fromDay > toDay) {
        throw new InputError('bad-range', `--from ${fromDay} is after --to ${toDay}`);
      }
      await withApp(async (app) => {
        const tz = app.config.timeZone;
        const options = {
          timeZone: tz,
          from: fromDay ? localToInstant(`${fromDay}T00:00`, tz) : undefined,
          to: toDay ? localToInstant(`${addDays(toDay, 1)}T00:00`, tz) : undefined,
        };
        const records = exportRecords(app.database.db, app.vault, options);
        if (flags.format === 'csv') {
          await write(csvHeader());
          for await (const r of records) await write(csvRow(r, tz));
        } else if (flags.format === 'json') {
          let first = true;
          await write('[');
          for await (const r of records) {
            await write((first ? '\n' : ',\n') + JSON.stringify(r));
            first = false;
          }
          await write(first ? ']\n' : '\n]\n');
        } else {
          const head = await journalHead(app.database.db);
          await write(bookHeader(isoWithOffset(app.now(), tz)));
          for await (const r of records) await write(bookRow(r, tz));
          await write(bookFooter(head));
        }
      }, READ_ONLY);
    });

  journal
    .command('verify')
    .description('checks numbering, the hash chains and the heads already sent in reports')
    .action(async () => {
      await withApp(async (app) => {
        const report = await verifyJournal(app.database.db);
        if (report.ok) {
          out(
            `Journal intact: ${report.entries} entries, ${report.events} records; head No. ${report.head.number} sha256 ${report.head.hash}`,
          );
        } else {
          out(
            `Journal NOT intact: first bad ${report.in === 'events' ? 'record' : 'number'} ${report.firstBad}: ${report.problem}`,
          );
          process.exitCode = 1;
        }
      }, READ_ONLY);
    });

  program
    .command('phone')
    .description('registers a phone appeal (rules 4.17) and prints its registration number')
    .option('--content <text>', 'brief content of the appeal (required)')
    .option('--name <name>', 'surname, name, patronymic')
    .option('--address <address>', 'home address')
    .option('--phone <phone>', 'phone number (8 701 …, +7 (727) …)')
    .option('--legal-form <form>', 'organisational-legal form (ТОО, АО, LLP…)')
    .option('--org <name>', 'organisation name')
    .option('--reply-address <address>', 'postal or e-mail address for the reply')
    .option('--anonymous', 'anonymous call: no personal data is stored (rules 4.14)')
    .option('--received-at <iso>', 'when the call was received (ISO-8601; default now)')
    .option('--language <lang>', 'kk | ru | en (default: detected from the content)')
    .action(async (flags: Record<string, string | boolean | undefined>) => {
      // Validated before the database is opened: bad input changes nothing (contract).
      const timeZone = loadConfig().timeZone;
      const receivedAt =
        typeof flags.receivedAt === 'string'
          ? parseInstantFlag('--received-at', flags.receivedAt, (local) =>
              localToInstant(local, timeZone),
            )
          : undefined;
      const phoneFlags = {
        ...(flags as Record<string, string>),
        anonymous: flags.anonymous === true,
        receivedAt,
      };
      const { answerAddress } = phoneAppealInput(phoneFlags, new Date());
      await withApp(async (app) => {
        const appeal = await registerPhoneAppeal(
          app.database.db,
          {
            vault: app.vault,
            calendar: app.calendar,
            dueWorkingDays: app.config.dueWorkingDays,
            now: app.now,
            answers: answersFor(app),
          },
          phoneFlags,
        );
        info(
          `Registered phone appeal No. ${appeal.number}: scope ${appeal.scope}${appeal.category ? ` (${appeal.category})` : ''}, due ${appeal.dueDate}`,
        );
        if (answerAddress) await deliverNow(app);
        out(String(appeal.number));
      });
    });
}
