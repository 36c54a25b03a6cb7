/** `senim case show N` and `senim case raw N [--message K]` (contract: Commands). */
import type { Command } from 'commander';
import { loadCaseView, rawOfCase, renderCaseView } from '../cases/case-view.js';
import { withApp } from './context.js';
import { parseNumber } from './io.js';

/** The `case` command group, shared with the other `case …` commands whichever registers first. */
export function caseCommand(program: Command): Command {
  return (
    program.commands.find((c) => c.name() === 'case') ??
    program.command('case').description('one appeal: show, raw, extend, close')
  );
}

async function writeStdout(data: Buffer | string): Promise<void> {
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(data, (error) => (error ? reject(error) : resolve())),
  );
}

export function caseViewCommands(program: Command): void {
  const kase = caseCommand(program);

  kase
    .command('show')
    .description(
      'one appeal for the Ombudsman: its columns, state, triage evidence, every message in full, attachments, history',
    )
    .argument('<number>', 'registration number')
    .option(
      '--reveal-anonymous',
      "an anonymous appeal: also show the address kept apart to answer it and its messages' senders",
    )
    .action(async (number: string, flags: { revealAnonymous?: boolean }) => {
      const n = parseNumber(number);
      await withApp(
        async (app) => {
          const view = await loadCaseView(app.database.db, app.vault, n, {
            revealAnonymous: flags.revealAnonymous === true,
          });
          await writeStdout(renderCaseView(view, app.config.timeZone));
        },
        { quietWarnings: true },
      );
    });

  kase
    .command('raw')
    .description(
      'writes the original message of an appeal to stdout as .eml, byte for byte as received',
    )
    .argument('<number>', 'registration number')
    .option('--message <id>', 'which message (an id shown by case show); default the first')
    .action(async (number: string, flags: { message?: string }) => {
      const n = parseNumber(number);
      const messageId =
        flags.message === undefined ? undefined : parseNumber(flags.message, '--message');
      await withApp(
        async (app) => {
          await writeStdout(await rawOfCase(app.database.db, app.vault, n, messageId));
        },
        { quietWarnings: true },
      );
    });
}
