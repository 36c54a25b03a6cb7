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
  /** PostgreSQL only: the URL, for more connections or other processes */
  url: string | null;
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
    return { database, vault: new Vault(TEST_KEY), url: null, dispose: () => database.close() };
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
      async dispose() {
        await database.close();
        await fresh.drop();
      },
    };
  },
};

export const engines: Engine[] = [pglite, postgresEngine];
