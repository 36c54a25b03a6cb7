#!/usr/bin/env node
/**
 * The `senim` command (contract: Commands). Bad input → a clear message on stderr and exit 2,
 * nothing changed; an operational failure → exit 1. Messages never carry personal data.
 */
import { Command, CommanderError } from 'commander';
import { journalCommands } from './cli/journal.commands.js';
import { caseViewCommands } from './cli/case-view.commands.js';
import { caseCommands } from './cli/case.commands.js';
import { heldCommands } from './cli/held.commands.js';
import { digestCommands } from './cli/digest.commands.js';
import { ingestCommands } from './cli/ingest.commands.js';
import { statusCommands } from './cli/status.commands.js';
import { loadConfig, withApp } from './cli/context.js';
import { runDaemon } from './daemon.js';
import { info, out } from './cli/io.js';
import { errorCodes, SenimError } from './errors.js';

function buildProgram(): Command {
  const program = new Command('senim')
    .description('Senim: the AlES trust line journal — mailbox to journal, answers, reports')
    .exitOverride()
    .showSuggestionAfterError()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) });

  program
    .command('migrate')
    .description('creates or upgrades the database schema')
    .action(async () => {
      await withApp(() => {
        out('Schema is up to date.');
        return Promise.resolve();
      });
    });

  program
    .command('start')
    .description('the daemon: ingest, deliver, schedules; stops cleanly on SIGINT/SIGTERM')
    .action(async () => {
      // The daemon reports missing recipients in its own log (the scheduler says so at start).
      await runDaemon(loadConfig());
    });

  journalCommands(program);
  caseViewCommands(program);
  caseCommands(program);
  heldCommands(program);
  digestCommands(program);
  ingestCommands(program);
  statusCommands(program);
  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) applyExitOverride(sub);
}

async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  applyExitOverride(program);
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      const ok =
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help';
      process.exitCode = ok ? 0 : 2;
      return;
    }
    if (error instanceof SenimError) {
      info(`senim: ${error.message}`);
      process.exitCode = error.kind === 'input' ? 2 : 1;
      return;
    }
    // Driver messages can quote SQL parameters (personal data): print only the error codes.
    info(
      `senim: unexpected failure (${errorCodes(error)}); the details are withheld because they may contain personal data`,
    );
    process.exitCode = 1;
  }
}

await main(process.argv);
