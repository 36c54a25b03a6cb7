// A database of its own for each test file, on the shared server started by test/global-setup.ts.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { inject } from 'vitest';

export interface PgDatabase {
  url: string;
  /** Drops the database, disconnecting anyone still connected. */
  drop(): Promise<void>;
}

export async function freshPgDatabase(
  serverUrl: string = inject('postgres').url,
): Promise<PgDatabase> {
  const name = `senim_test_${randomBytes(6).toString('hex')}`;
  await withAdmin(serverUrl, (sql) => sql.unsafe(`create database ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: () =>
      withAdmin(serverUrl, (sql) => sql.unsafe(`drop database if exists ${name} with (force)`)),
  };
}

async function withAdmin(serverUrl: string, work: (sql: postgres.Sql) => Promise<unknown>) {
  const sql = postgres(serverUrl, { max: 1, onnotice: () => {} });
  try {
    await work(sql);
  } finally {
    await sql.end();
  }
}
