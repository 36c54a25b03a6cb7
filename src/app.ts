/**
 * What every command and the daemon share, built once from the configuration: the database
 * (migrated), the vault, the calendar, the logger. Use cases receive the parts they need.
 */
import { mkdirSync } from 'node:fs';
import { SenimError } from './errors.js';
import { createCalendar, type WorkingCalendar } from './cases/calendar.js';
import type { Config } from './config.js';
import { openDatabase, type Database } from './db/database.js';
import { loadMasterKey, Vault } from './db/vault.js';
import { createLogger, type Logger } from './log.js';

export interface App {
  config: Config;
  database: Database;
  vault: Vault;
  calendar: WorkingCalendar;
  log: Logger;
  now: () => Date;
  close(): Promise<void>;
}

function createDataDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    throw new SenimError(
      'data-dir',
      `SENIM_DATA_DIR cannot be used as the data directory (${code}): it must be a directory Senim may create and write`,
      'operational',
      { cause: error },
    );
  }
}

export async function openApp(
  config: Config,
  /**
   * owner: the daemon, which must own an embedded data directory rather than reach it through another.
   * requireKey: false for commands that only read (export, verify): with a lost or wrong key the
   * journal stays readable and verifiable, personal data shows as unavailable.
   */
  options: { log?: Logger; now?: () => Date; owner?: boolean; requireKey?: boolean } = {},
): Promise<App> {
  const log = options.log ?? createLogger(config.logLevel);
  if (config.database.kind === 'pglite') createDataDir(config.dataDir);
  const database = await openDatabase(config, { owner: options.owner });
  try {
    await database.migrate();
    const vault = new Vault(loadMasterKey(config.encryptionKey, config.dataDir));
    await vault.checkMasterKey(database.db).catch((error: unknown) => {
      if (options.requireKey !== false) throw error;
      log.warn(
        { reason: 'vault-key' },
        'wrong encryption key: personal data is shown as unavailable',
      );
    });
    return {
      config,
      database,
      vault,
      calendar: createCalendar({ timeZone: config.timeZone, overrides: config.calendarOverrides }),
      log,
      now: options.now ?? (() => new Date()),
      close: () => database.close(),
    };
  } catch (error) {
    await database.close();
    throw error;
  }
}
