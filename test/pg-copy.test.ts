import { createHash, randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rows } from '../src/db/database.js';
import { ChunkBatch, canCopy, copyRows, type CopyColumn } from '../src/db/pg-copy.js';
import { pglite, postgresEngine, type TestDatabase } from './helpers/engines.js';

const COLUMNS: CopyColumn[] = [
  { name: 'i4', type: 'int4' },
  { name: 'i8', type: 'int8' },
  { name: 't', type: 'text' },
  { name: 'b', type: 'bytea' },
  { name: 'ts', type: 'timestamptz' },
  { name: 'j', type: 'jsonb' },
];

// The backlog's messages go to PostgreSQL by binary COPY: every type must arrive as sent.
describe('binary COPY on PostgreSQL', () => {
  let t: TestDatabase;

  beforeAll(async () => {
    t = await postgresEngine.open();
    await t.database.db.execute(
      sql`create table copy_probe (i4 integer, i8 bigint, t text, b bytea, ts timestamptz, j jsonb, d text default 'default')`,
    );
  });
  afterAll(() => t?.dispose());

  it('stores integers, text, bytes, instants, JSON and nulls as sent, defaults included', async () => {
    const bytes = Buffer.from([0, 1, 2, 0xff, 0x0d, 0x0a]);
    const at = new Date('2026-11-26T01:02:03.456Z');
    await t.database.db.transaction(async (tx) => {
      expect(canCopy(tx)).toBe(true);
      await copyRows(tx, 'copy_probe', COLUMNS, [
        [-7, 9_007_199_254_740_991, 'Өтініш №5 — «жалоба»', bytes, at, '{"a":[1,"ә"]}'],
        [null, null, null, null, null, null],
      ]);
    });
    const found = await rows<Record<string, unknown>>(
      t.database.db,
      sql`select i4, i8::text as i8, t, encode(b, 'hex') as b, ts, j, d from copy_probe order by i4 nulls last`,
    );
    expect(found).toHaveLength(2);
    expect(found[0]).toMatchObject({
      i4: -7,
      i8: '9007199254740991',
      t: 'Өтініш №5 — «жалоба»',
      b: '000102ff0d0a',
      j: { a: [1, 'ә'] },
      d: 'default',
    });
    expect(new Date(found[0]!.ts as string).toISOString()).toBe(at.toISOString());
    expect(found[1]).toMatchObject({ i4: null, i8: null, t: null, b: null, j: null });
  });

  it('passes a large value through as its own chunk, byte for byte', async () => {
    const big = randomBytes(300 * 1024);
    await t.database.db.transaction((tx) =>
      copyRows(tx, 'copy_probe', COLUMNS, [[42, 1, 'big', big, new Date(), '{}']]),
    );
    const [found] = await rows<{ hex: string; size: number }>(
      t.database.db,
      sql`select encode(sha256(b), 'hex') as hex, length(b) as size from copy_probe where i4 = 42`,
    );
    expect(found).toEqual({
      hex: createHash('sha256').update(big).digest('hex'),
      size: big.length,
    });
  });

  it('streams a value piece by piece, byte for byte, with the fields after it intact', async () => {
    const big = randomBytes(200 * 1024 + 3);
    const streamed = {
      length: big.length,
      *pieces(size: number) {
        for (let at = 0; at < big.length; at += size) yield big.subarray(at, at + size);
      },
    };
    await t.database.db.transaction((tx) =>
      copyRows(tx, 'copy_probe', COLUMNS, [[43, 1, 'streamed', streamed, new Date(), '{"k":1}']]),
    );
    const [found] = await rows<{ hex: string; j: unknown }>(
      t.database.db,
      sql`select encode(sha256(b), 'hex') as hex, j from copy_probe where i4 = 43`,
    );
    expect(found).toEqual({ hex: createHash('sha256').update(big).digest('hex'), j: { k: 1 } });
  });

  it('stores rows of every size across the gathered writes, each byte for byte', async () => {
    // small rows share writes; 20-50 KB values cross the gathering limit at every offset
    const values = Array.from({ length: 300 }, (_, i) =>
      randomBytes(i % 3 === 0 ? 20 * 1024 + i * 101 : i * 7),
    );
    await t.database.db.transaction((tx) =>
      copyRows(
        tx,
        'copy_probe',
        COLUMNS,
        values.map((b, i) => [10_000 + i, i, `row ${i}`, b, new Date(), `{"i":${i}}`]),
      ),
    );
    const found = await rows<{ i4: number; hex: string; t: string }>(
      t.database.db,
      sql`select i4, encode(sha256(b), 'hex') as hex, t from copy_probe where i4 >= 10000 order by i4`,
    );
    expect(found).toEqual(
      values.map((b, i) => ({
        i4: 10_000 + i,
        hex: createHash('sha256').update(b).digest('hex'),
        t: `row ${i}`,
      })),
    );
  });

  it('refuses a streamed value shorter than it announced: nothing stored', async () => {
    const short = {
      length: 10,
      *pieces() {
        yield Buffer.from('only7by');
      },
    };
    await expect(
      t.database.db.transaction((tx) =>
        copyRows(tx, 'copy_probe', COLUMNS, [[44, 1, 'short', short, new Date(), '{}']]),
      ),
    ).rejects.toThrow(/b: streamed length mismatch/);
    const [row] = await rows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from copy_probe where i4 = 44`,
    );
    expect(row!.n).toBe(0);
  });

  it.each([
    ['after its last row', 2],
    ['in the middle of a long stream', 20_000],
  ])('fails, and the transaction with it, on a constraint violation %s', async (_, count) => {
    await t.database.db.execute(sql`drop table if exists copy_unique`);
    await t.database.db.execute(sql`create table copy_unique (t text primary key)`);
    // the second row repeats the first
    const values = Array.from({ length: count }, (_, i) => [`x${i === 1 ? 0 : i}`.padEnd(200)]);
    const attempt = t.database.db.transaction(async (tx) => {
      await tx.execute(sql`insert into copy_unique values ('kept?')`);
      await copyRows(tx, 'copy_unique', [{ name: 't', type: 'text' }], values);
    });
    await expect(attempt).rejects.toThrow();
    const left = await rows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from copy_unique`,
    );
    expect(left[0]!.n).toBe(0);
  });

  it('refuses a value of the wrong kind: the COPY is abandoned, nothing stored, the connection usable', async () => {
    await expect(
      t.database.db.transaction((tx) =>
        copyRows(tx, 'copy_probe', [{ name: 'i4', type: 'int4' }], [[1_000_001], ['seven']]),
      ),
    ).rejects.toThrow(/i4: an integer is expected/);
    const [row] = await rows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from copy_probe where i4 = 1000001`,
    );
    expect(row!.n).toBe(0);
  });
});

describe('gathering COPY chunks into writes', () => {
  const sizes = [10, 300, 40_000, 5, 70_000, 20_000, 20_000, 30_000, 1, 32 * 1024, 2];

  function sendAll(chunks: Buffer[]): Buffer[] {
    const batch = new ChunkBatch();
    return [...chunks.flatMap((c) => batch.add(c)), ...batch.flush()];
  }

  it('keeps the bytes and their order', () => {
    const chunks = sizes.map((n, i) => Buffer.alloc(n, i));
    expect(Buffer.concat(sendAll(chunks)).equals(Buffer.concat(chunks))).toBe(true);
  });

  it('joins small chunks into writes of at most 64 KB, and sends a large chunk as it is', () => {
    const chunks = sizes.map((n, i) => Buffer.alloc(n, i));
    const writes = sendAll(chunks);
    for (const w of writes) {
      if (w.length > 64 * 1024) expect(chunks).toContain(w);
    }
    expect(writes.map((w) => w.length)).toEqual([
      310,
      40_000,
      5,
      70_000,
      40_000,
      30_001,
      32 * 1024,
      2,
    ]);
  });

  it('makes one write of a thousand small chunks', () => {
    const writes = sendAll(Array.from({ length: 1000 }, () => Buffer.alloc(30)));
    expect(writes.map((w) => w.length)).toEqual([30_000]);
  });

  it('has nothing to flush when nothing was held', () => {
    expect(new ChunkBatch().flush()).toEqual([]);
  });
});

describe('binary COPY on PGlite', () => {
  it('is not offered: callers insert instead', async () => {
    const t = await pglite.open();
    try {
      await t.database.db.transaction((tx) => {
        expect(canCopy(tx)).toBe(false);
        return Promise.resolve();
      });
    } finally {
      await t.dispose();
    }
  });
});
