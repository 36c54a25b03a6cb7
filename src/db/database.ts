/**
 * The one place that opens a database: postgres.js when DATABASE_URL is set, embedded PGlite
 * otherwise. Everything else receives a `Database` and never opens connections of its own.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { SenimError } from '../errors.js';
import { acquireDataDirLock } from './data-dir-lock.js';
import * as schema from './schema.js';

export type Db = PgDatabase<PgQueryResultHKT, typeof schema>;
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
/** Either the database or a transaction: repositories accept both. */
export type Queryable = Db | Tx;

export interface Database {
  readonly kind: 'postgres' | 'pglite';
  readonly db: Db;
  /** Applies pending migrations; safe to run twice and from several processes at once. */
  migrate(): Promise<void>;
  /**
   * Takes a session-level advisory lock (leadership for a mailbox poller or the scheduler).
   * Returns a release function, or null when another process holds it.
   */
  tryLock(name: string): Promise<(() => Promise<void>) | null>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../drizzle',
);

/** Rows of a raw query, whichever driver ran it. */
export async function rows<T>(q: Queryable, query: SQL): Promise<T[]> {
  const result: unknown = await q.execute(query);
  if (Array.isArray(result)) return result as T[];
  return (result as { rows: T[] }).rows;
}

export async function openPostgres(url: string, options: { max?: number } = {}): Promise<Database> {
  const client = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: { application_name: 'senim' },
  });
  const pgDb = drizzlePostgres({ client, schema });
  const db = pgDb as unknown as Db;
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 });
    throw new SenimError(
      'db-unreachable',
      'Cannot connect to PostgreSQL at DATABASE_URL',
      'operational',
      {
        cause: error,
      },
    );
  }
  return {
    kind: 'postgres',
    db,
    async migrate() {
      // Several daemons may start together: one migrates, the others wait for it.
      const conn = await client.reserve();
      try {
        await conn`select pg_advisory_lock(hashtextextended('senim:migrate', 0))`;
        // The lock is held on the reserved connection; drizzle migrates through the pool (a
        // reserved connection has no begin(), which drizzle's migrator needs).
        await migratePostgres(pgDb, {
          migrationsFolder: MIGRATIONS_FOLDER,
        });
      } finally {
        await conn`select pg_advisory_unlock(hashtextextended('senim:migrate', 0))`.catch(() => {});
        conn.release();
      }
    },
    async tryLock(name) {
      const conn = await client.reserve();
      const key = 'senim:' + name;
      const [row] = await conn<
        { ok: boolean }[]
      >`select pg_try_advisory_lock(hashtextextended(${key}, 0)) as ok`;
      if (!row?.ok) {
        conn.release();
        return null;
      }
      return async () => {
        await conn`select pg_advisory_unlock(hashtextextended(${key}, 0))`.catch(() => {});
        conn.release();
      };
    },
    close: () => client.end({ timeout: 5 }),
  };
}

/** Embedded PGlite. `dataDir` null → in memory (tests). One process per data directory. */
export async function openPglite(dataDir: string | null): Promise<Database> {
  if (!dataDir) return pgliteDatabase(await PGlite.create(), null);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const releaseDir = acquireDataDirLock(dataDir);
  try {
    return pgliteDatabase(await PGlite.create(path.join(dataDir, 'pglite')), releaseDir);
  } catch (error) {
    releaseDir();
    throw new SenimError(
      'db-open',
      `Cannot open the embedded database in ${dataDir}`,
      'operational',
      {
        cause: error,
      },
    );
  }
}

/** Wraps an open PGlite (tests clone a migrated template with `PGlite.clone()`). */
export function pgliteDatabase(client: PGlite, releaseDir: (() => void) | null): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  const held = new Set<string>();
  return {
    kind: 'pglite',
    db,
    async migrate() {
      await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    // PGlite serves one process: locks only have to exclude this process's own tasks.
    tryLock(name) {
      if (held.has(name)) return Promise.resolve(null);
      held.add(name);
      return Promise.resolve(() => {
        held.delete(name);
        return Promise.resolve();
      });
    },
    async close() {
      await client.close();
      releaseDir?.();
    },
  };
}

export function openDatabase(config: {
  database: { kind: 'postgres'; url: string } | { kind: 'pglite' };
  dataDir: string;
}): Promise<Database> {
  return config.database.kind === 'postgres'
    ? openPostgres(config.database.url)
    : openPglite(config.dataDir);
}
