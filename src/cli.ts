#!/usr/bin/env node
/**
 * The `senim` command (contract: Commands). Bad input → a clear message on stderr and exit 2,
 * nothing changed; an operational failure → exit 1. Messages never carry personal data.
 */
import { Command, CommanderError } from 'commander';
import { loadConfig, withApp } from './cli/context.js';
import { info, out } from './cli/io.js';
import { errorCodes, SenimError } from './errors.js';

type Register = (program: Command) => void;

const journal = async (): Promise<Register[]> => [
  (await import('./cli/journal.commands.js')).journalCommands,
];
const cases = async (): Promise<Register[]> => [
  (await import('./cli/case-view.commands.js')).caseViewCommands,
  (await import('./cli/case.commands.js')).caseCommands,
];

/**
 * The modules of each top-level command, in the order help lists them. A run loads only its own
 * command's (a daemon or an ingest pass need not hold the exports, reports and case tools in
 * memory); help and unknown commands load them all.
 */
const COMMAND_MODULES: Record<string, () => Promise<Register[]>> = {
  journal,
  phone: journal,
  case: cases,
  triage: cases,
  held: async () => [(await import('./cli/held.commands.js')).heldCommands],
  digest: async () => [(await import('./cli/digest.commands.js')).digestCommands],
  ingest: async () => [(await import('./cli/ingest.commands.js')).ingestCommands],
  status: async () => [(await import('./cli/status.commands.js')).statusCommands],
};

async function commandsFor(name: string | undefined): Promise<Register[]> {
  const own = name === undefined ? undefined : COMMAND_MODULES[name];
  if (own) return own();
  const all = await Promise.all([...new Set(Object.values(COMMAND_MODULES))].map((load) => load()));
  return all.flat();
}

async function buildProgram(commandName: string | undefined): Promise<Command> {
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
      const { runDaemon } = await import('./daemon.js');
      // The daemon reports missing recipients in its own log (the scheduler says so at start).
      await runDaemon(loadConfig());
    });

  for (const register of await commandsFor(commandName)) register(program);
  return program;
}

function applyExitOverride(command: Command): void {
  command.exitOverride();
  for (const sub of command.commands) applyExitOverride(sub);
}

async function main(argv: string[]): Promise<void> {
  const program = await buildProgram(argv[2]);
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
