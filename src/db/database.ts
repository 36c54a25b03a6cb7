/**
 * The one place that opens a database: postgres.js when DATABASE_URL is set, embedded PGlite
 * otherwise. Everything else receives a `Database` and never opens connections of its own.
 */
import { once } from 'node:events';
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { SenimError } from '../errors.js';
import {
  acquireDataDirLock,
  busyError,
  tryAcquireDataDirLock,
  tryNamedLock,
  type DataDirLock,
  type DataDirOwner,
} from './data-dir-lock.js';
import { MAX_SOCKET_PATH, SOCKET_FILE, servePglite, type SocketServer } from './pglite-socket.js';
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
  /**
   * Embedded database opened from a data directory only: serves it to the Senim commands run
   * beside this process, on a Unix socket in that directory (pglite-socket.ts). Null when the
   * directory's path is too long for a socket.
   */
  serveSocket?(): Promise<SocketServer | null>;
  close(): Promise<void>;
}

export const MIGRATIONS_FOLDER = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../drizzle',
);

/** An initialised, empty PGlite data directory: `npm run build` makes it (scripts/pglite-seed.ts). */
export const PGLITE_SEED = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../dist/pglite-seed.tgz',
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
    // documented ("Custom socket") but missing from postgres.js's types
    ...({ socket: connectNoDelay } as object),
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

interface SocketTarget {
  host: string[];
  port: number[];
  path?: string | false;
  connect_timeout?: number;
}

/**
 * postgres.js's connection, with Nagle's algorithm off (as libpq does): a COPY's closing message,
 * a few bytes after a large write, otherwise waits for the server's delayed ACK (40 ms). The
 * hosts are tried in order; a Unix socket path (`?host=/run/postgresql`) is honoured.
 */
async function connectNoDelay(target: SocketTarget): Promise<net.Socket> {
  const candidates = target.path
    ? [{ path: target.path }]
    : target.host.map((host, i) => ({ host, port: target.port[i] ?? target.port[0] ?? 5432 }));
  let failure: unknown = new Error('no PostgreSQL host to connect to');
  for (const candidate of candidates) {
    const socket = net.connect({ ...candidate, noDelay: true });
    try {
      await once(socket, 'connect');
      return socket;
    } catch (error) {
      socket.destroy();
      failure = error;
    }
  }
  throw failure;
}

/**
 * Embedded PGlite, owned by this process. `dataDir` null → in memory (tests). One process per data
 * directory: a second one is refused (the daemon and tools that need the directory to themselves).
 * A new data directory starts from `seed` when there is one (see seedOf).
 */
export async function openPglite(
  dataDir: string | null,
  seed: string | null = PGLITE_SEED,
): Promise<Database> {
  if (!dataDir) return pgliteDatabase(await PGlite.create(), null);
  prepareDataDir(dataDir);
  return openOwnedPglite(dataDir, acquireDataDirLock(dataDir), seed);
}

function prepareDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  try {
    // Owner-only: it holds the database, the key file and the socket other commands connect to.
    chmodSync(dataDir, 0o700);
  } catch (error) {
    throw new SenimError(
      'data-dir-mode',
      `Cannot make ${dataDir} owner-only (mode 0700): run Senim as the directory's owner`,
      'operational',
      { cause: error },
    );
  }
}

async function openOwnedPglite(
  dataDir: string,
  lock: DataDirLock,
  seed: string | null,
): Promise<Database> {
  const pgdata = path.join(dataDir, 'pglite');
  try {
    const client = await PGlite.create(pgdata, {
      // WebAssembly memory never shrinks: a 16 MB buffer pool rather than PostgreSQL's 128 MB
      // (creating a database: peak 914 -> 794 MB; the single-user engine needs no more)
      startParams: [...PGlite.defaultStartParams, '-c', 'shared_buffers=16MB'],
      ...seedOf(pgdata, seed),
    });
    return embeddedDatabase(client, { lock, dataDir });
  } catch (error) {
    lock.release();
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

/**
 * A data directory not yet created is loaded from the seed rather than made by initdb, which
 * inside WebAssembly peaks at ~900 MB (loading: ~340 MB, measured) on a host that may have 1 GB.
 * Without a seed (not built), PGlite runs initdb as before.
 */
function seedOf(pgdata: string, seed: string | null): { loadDataDir?: Blob } {
  if (!seed || existsSync(path.join(pgdata, 'PG_VERSION')) || !existsSync(seed)) return {};
  return { loadDataDir: new Blob([readFileSync(seed)]) };
}

/** Wraps an open PGlite (tests clone a migrated template with `PGlite.clone()`). */
export function pgliteDatabase(client: PGlite, releaseDir: (() => void) | null): Database {
  const lock = releaseDir && { release: releaseDir, advertise: () => {} };
  return embeddedDatabase(client, { lock, dataDir: null });
}

function embeddedDatabase(
  client: PGlite,
  owned: { lock: DataDirLock | null; dataDir: string | null },
): Database {
  const db = drizzlePglite({ client, schema }) as unknown as Db;
  const held = new Set<string>();
  let server: SocketServer | null = null;
  const { lock, dataDir } = owned;
  return {
    kind: 'pglite',
    db,
    async migrate() {
      await migratePglite(drizzlePglite({ client }), { migrationsFolder: MIGRATIONS_FOLDER });
    },
    tryLock(name) {
      // With a data directory, commands served through the socket take the same locks: files.
      if (dataDir) return Promise.resolve(fileLock(dataDir, name));
      // In memory, only this process's own tasks are to be excluded.
      if (held.has(name)) return Promise.resolve(null);
      held.add(name);
      return Promise.resolve(() => {
        held.delete(name);
        return Promise.resolve();
      });
    },
    ...(dataDir && lock
      ? {
          async serveSocket() {
            const socketPath = path.resolve(dataDir, SOCKET_FILE);
            if (Buffer.byteLength(socketPath) > MAX_SOCKET_PATH) return null;
            server ??= await servePglite(client, socketPath);
            lock.advertise(socketPath);
            return server;
          },
        }
      : {}),
    async close() {
      await server?.stop();
      await client.close();
      lock?.release();
    },
  };
}

function fileLock(dataDir: string, name: string): (() => Promise<void>) | null {
  const release = tryNamedLock(dataDir, name);
  return (
    release &&
    (() => {
      release();
      return Promise.resolve();
    })
  );
}

/**
 * A command run while the daemon owns the data directory: the daemon's database through its Unix
 * socket. postgres.js semantics, except that all clients share the daemon's one backend:
 * migrations are the daemon's (refused here when the code is newer than its schema), named locks
 * are the data directory's lock files, and statements are not prepared (a named statement would
 * outlive the client's turn on the shared backend).
 */
async function openThroughSocket(
  dataDir: string,
  owner: DataDirOwner & { socket: string },
): Promise<Database> {
  const client = postgres({
    path: owner.socket,
    database: 'postgres',
    username: 'postgres',
    prepare: false,
    max: 4,
    connect_timeout: 5,
    onnotice: () => {},
    connection: { application_name: 'senim' },
  });
  try {
    await client`select 1`;
  } catch (error) {
    await client.end({ timeout: 1 });
    throw new SenimError(
      'data-dir-socket',
      `The embedded database in ${dataDir} is owned by Senim process ${owner.pid}, but it does not ` +
        `answer on its socket ${owner.socket}. If that process is stuck, stop it (kill ${owner.pid}); ` +
        'the next command or daemon start then opens the directory itself.',
      'operational',
      { cause: error },
    );
  }
  const db = drizzlePostgres({ client, schema }) as unknown as Db;
  return {
    kind: 'postgres',
    db,
    async migrate() {
      const last = await rows<{ created_at: string }>(
        db,
        sql`select created_at from drizzle.__drizzle_migrations order by created_at desc limit 1`,
      ).catch(() => []);
      const applied = Number(last[0]?.created_at ?? 0);
      const pending = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).some(
        (m) => m.folderMillis > applied,
      );
      if (pending) {
        throw new SenimError(
          'db-schema-behind',
          `The running daemon (pid ${owner.pid}) has an older database schema than this command; ` +
            'restart the daemon (it migrates at start), then run the command again.',
        );
      }
    },
    tryLock: (name) => Promise.resolve(fileLock(dataDir, name)),
    close: () => client.end({ timeout: 5 }),
  };
}

/**
 * The configured database. Embedded: this process takes the data directory, or — when the
 * daemon owns it and serves it on its socket — reaches it through the daemon; `owner` (the
 * daemon) insists on taking it.
 */
export function openDatabase(
  config: {
    database: { kind: 'postgres'; url: string } | { kind: 'pglite' };
    dataDir: string;
  },
  options: { owner?: boolean } = {},
): Promise<Database> {
  if (config.database.kind === 'postgres') return openPostgres(config.database.url);
  if (options.owner) return openPglite(config.dataDir);
  return openEmbedded(config.dataDir);
}

async function openEmbedded(dataDir: string): Promise<Database> {
  prepareDataDir(dataDir);
  const taken = tryAcquireDataDirLock(dataDir);
  if ('release' in taken) return openOwnedPglite(dataDir, taken, PGLITE_SEED);
  if (!taken.socket) throw busyError(dataDir, taken);
  return openThroughSocket(dataDir, { ...taken, socket: taken.socket });
}
