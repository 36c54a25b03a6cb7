import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, rows, type Database } from '../src/db/database.js';

// The embedded default runs on small hosts, and PGlite's (WebAssembly) memory only ever grows: a
// new data directory is loaded from a seed instead of made by initdb, and the buffer pool is
// 16 MB instead of PostgreSQL's 128 MB.
describe('the embedded database in a data directory', () => {
  let work: string;
  let seed: string;

  beforeAll(async () => {
    work = await mkdtemp(join(tmpdir(), 'senim-embedded-'));
    // a seed that can be told apart: it holds a table of its own
    const source = await PGlite.create();
    await source.exec('create table seed_marker (x int)');
    seed = join(work, 'seed.tgz');
    await writeFile(seed, Buffer.from(await (await source.dumpDataDir('gzip')).arrayBuffer()));
    await source.close();
  });
  afterAll(() => rm(work, { recursive: true, force: true }));

  const hasMarker = async (database: Database) =>
    (
      await rows<{ found: boolean }>(
        database.db,
        sql`select to_regclass('seed_marker') is not null as found`,
      )
    )[0]!.found;

  it('starts a new directory from the seed, then reopens what it wrote, not the seed', async () => {
    const dir = join(work, 'seeded');
    const first = await openPglite(dir, seed);
    try {
      expect(await hasMarker(first)).toBe(true);
      await first.db.execute(sql`drop table seed_marker`);
      await first.db.execute(sql`create table kept (x int)`);
    } finally {
      await first.close();
    }
    const again = await openPglite(dir, seed);
    try {
      expect(await hasMarker(again)).toBe(false);
      const [row] = await rows<{ found: boolean; buffers: string }>(
        again.db,
        sql`select to_regclass('kept') is not null as found, current_setting('shared_buffers') as buffers`,
      );
      expect(row).toEqual({ found: true, buffers: '16MB' });
    } finally {
      await again.close();
    }
  });

  it('without a seed (not built), creates the directory with initdb', async () => {
    for (const missing of [null, join(work, 'absent.tgz')]) {
      const database = await openPglite(
        join(work, `plain-${missing ? 'absent' : 'none'}`),
        missing,
      );
      try {
        expect(await hasMarker(database)).toBe(false);
      } finally {
        await database.close();
      }
    }
  });
});
