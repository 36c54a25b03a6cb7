/**
 * One ingest pass in a process of its own, so that a test can kill -9 it at any moment
 * (test/ingest.crash.test.ts). Configured by the environment like `senim ingest --once`; the
 * database must already be migrated. Prints "ready" once it is about to take the mailbox.
 */
import { createCalendar } from '../../src/cases/calendar.js';
import { parseConfig } from '../../src/config.js';
import { openPostgres } from '../../src/db/database.js';
import { Vault } from '../../src/db/vault.js';
import { ingestOnce } from '../../src/ingest/ingest.runner.js';
import { createIntake } from '../../src/ingest/intake.usecases.js';
import { silentLogger } from '../../src/log.js';

const config = parseConfig(process.env);
if (config.database.kind !== 'postgres' || !config.encryptionKey) {
  throw new Error('the crash child needs DATABASE_URL and SENIM_ENCRYPTION_KEY');
}
const database = await openPostgres(config.database.url, { max: 4 });
const vault = new Vault(config.encryptionKey);
const now = () => new Date();
const intake = createIntake({
  database,
  vault,
  calendar: createCalendar({ timeZone: config.timeZone }),
  config,
  log: silentLogger,
  now,
});
process.stdout.write('ready\n');
try {
  const result = await ingestOnce(
    { config, database, vault, intake, log: silentLogger, now, progress: false },
    { lockWaitMs: 60_000 },
  );
  process.stdout.write(JSON.stringify(result.outcomes) + '\n');
} finally {
  await database.close();
}
