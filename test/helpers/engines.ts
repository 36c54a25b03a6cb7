/**
 * The same suites run on embedded PGlite and on a real PostgreSQL 15 (the private cluster started
 * by test/global-setup.ts). Each `open()` gives a fresh, migrated database.
 */
import { PGlite } from '@electric-sql/pglite';
import { openPostgres, pgliteDatabase, type Database } from '../../src/db/database.js';
import { Vault } from '../../src/db/vault.js';
import { freshPgDatabase } from './db.js';

export interface TestDatabase {
  database: Database;
  vault: Vault;
  /** PostgreSQL only: the URL, for other processes */
  url: string | null;
  /**
   * Another connection to the same database, as a second daemon would have one. On PostgreSQL a
   * new pool; PGlite serves one process, so there it is the same database (its close does nothing).
   */
  another(options?: { max?: number }): Promise<Database>;
  dispose(): Promise<void>;
}

export interface Engine {
  name: 'pglite' | 'postgres';
  open(): Promise<TestDatabase>;
}

export const TEST_KEY = Buffer.alloc(32, 7);

/** One migrated PGlite per test worker; each test gets a clone of it (≈4× faster than migrating). */
let template: Promise<PGlite> | null = null;

function migratedTemplate(): Promise<PGlite> {
  template ??= (async () => {
    const client = await PGlite.create();
    await pgliteDatabase(client, null).migrate();
    return client;
  })();
  return template;
}

export const pglite: Engine = {
  name: 'pglite',
  async open() {
    const clone = (await (await migratedTemplate()).clone()) as PGlite;
    const database = pgliteDatabase(clone, null);
    return {
      database,
      vault: new Vault(TEST_KEY),
      url: null,
      another: () => Promise.resolve({ ...database, close: () => Promise.resolve() }),
      dispose: () => database.close(),
    };
  },
};

export const postgresEngine: Engine = {
  name: 'postgres',
  async open() {
    const fresh = await freshPgDatabase();
    const database = await openPostgres(fresh.url);
    await database.migrate();
    return {
      database,
      vault: new Vault(TEST_KEY),
      url: fresh.url,
      another: (options) => openPostgres(fresh.url, options),
      async dispose() {
        await database.close();
        await fresh.drop();
      },
    };
  },
};

export const engines: Engine[] = [pglite, postgresEngine];
