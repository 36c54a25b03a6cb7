import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  appellantOf,
  answerAddressOf,
  findEntry,
  insertEntry,
  insertEvent,
  verifyJournal,
  type NewEntry,
} from '../src/cases/journal.repository.js';
import { openPostgres, rows } from '../src/db/database.js';
import { reports } from '../src/db/schema.js';
import { Vault } from '../src/db/vault.js';
import { engines, TEST_KEY, type TestDatabase } from './helpers/engines.js';
import { newEntry } from './helpers/entries.js';

function register(t: TestDatabase, entry: NewEntry = newEntry()) {
  return t.database.db.transaction((tx) => insertEntry(tx, t.vault, entry));
}

async function numbers(t: TestDatabase): Promise<number[]> {
  const result = await rows<{ number: number }>(
    t.database.db,
    sql`select number from entries order by number`,
  );
  return result.map((r) => Number(r.number));
}

/** Runs SQL as an intruder would in psql, with the append-only triggers bypassed. */
async function tamper(t: TestDatabase, statement: string) {
  await t.database.db.transaction(async (tx) => {
    await tx.execute(sql.raw('set local session_replication_role = replica'));
    await tx.execute(sql.raw(statement));
  });
}

describe.each(engines)('the journal on $name', (engine) => {
  let t: TestDatabase;
  beforeEach(async () => {
    t = await engine.open();
  });
  afterEach(async () => {
    await t.dispose();
  });

  it('numbers entries from 1 without gaps when many registrations run at once (rules 4.14)', async () => {
    await Promise.all(Array.from({ length: 60 }, () => register(t)));
    expect(await numbers(t)).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    expect((await verifyJournal(t.database.db)).ok).toBe(true);
  });

  it('gives the number of a rolled-back registration to the next one', async () => {
    await register(t);
    await expect(
      t.database.db.transaction(async (tx) => {
        await insertEntry(tx, t.vault, newEntry());
        throw new Error('the message store failed');
      }),
    ).rejects.toThrow('the message store failed');
    const next = await register(t);
    expect(next.number).toBe(2);
    expect(await numbers(t)).toEqual([1, 2]);
    expect((await verifyJournal(t.database.db)).ok).toBe(true);
  });

  it('refuses UPDATE, DELETE and TRUNCATE of registered entries in the database itself', async () => {
    await register(t);
    await expect(t.database.db.execute(sql`update entries set content = 'x'`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`delete from entries`)).rejects.toThrow();
    await expect(t.database.db.execute(sql`truncate entries cascade`)).rejects.toThrow();
    await insertEventFor(t, 1);
    await expect(t.database.db.execute(sql`update entry_events set kind = 'x'`)).rejects.toThrow();
    expect(await numbers(t)).toEqual([1]);
  });

  it('stores no personal data for an anonymous entry but keeps its answer address apart', async () => {
    const { number } = await register(
      t,
      newEntry({ anonymous: true, answerAddress: 'whistle@example.kz', channel: 'email' }),
    );
    const entry = await findEntry(t.database.db, number);
    expect(entry?.personal).toBeNull();
    expect(await appellantOf(t.database.db, t.vault, entry!)).toBeNull();
    expect(await answerAddressOf(t.database.db, t.vault, entry!)).toBe('whistle@example.kz');
  });

  it('encrypts personal data at rest: the stored rows hold no plaintext name or phone', async () => {
    const { number } = await register(t);
    const dump = await rows<Record<string, unknown>>(t.database.db, sql`select * from entries`);
    const text = JSON.stringify(dump, (_k, v: unknown) =>
      v instanceof Uint8Array ? Buffer.from(v).toString('latin1') : v,
    );
    expect(text).not.toContain('Иванов');
    expect(text).not.toContain(Buffer.from('Иванов').toString('latin1'));
    expect(text).not.toContain('7011234567');
    const entry = await findEntry(t.database.db, number);
    expect((await appellantOf(t.database.db, t.vault, entry!))?.fullName).toBe(
      'Иванов Иван Иванович',
    );
  });

  it('cannot decrypt personal data with another key, yet the rest of the journal stays readable and verifiable', async () => {
    await register(t);
    const stranger = new Vault(Buffer.alloc(32, 9));
    const entry = await findEntry(t.database.db, 1);
    await expect(appellantOf(t.database.db, stranger, entry!)).rejects.toThrow(/key/);
    expect(entry?.content).toContain('Мастер');
    expect((await verifyJournal(t.database.db)).ok).toBe(true);
  });

  describe('journal verify finds tampering done directly in SQL with triggers bypassed', () => {
    beforeEach(async () => {
      for (let i = 0; i < 5; i++) await register(t, newEntry({ content: `appeal ${i + 1}` }));
    });

    it('an edited entry is named', async () => {
      await tamper(t, `update entries set content = 'nothing happened' where number = 3`);
      expect(await verifyJournal(t.database.db)).toMatchObject({ ok: false, firstBad: 3 });
    });

    it('an edited receipt time is named', async () => {
      await tamper(
        t,
        `update entries set received_at = received_at + interval '1 day' where number = 2`,
      );
      expect(await verifyJournal(t.database.db)).toMatchObject({ ok: false, firstBad: 2 });
    });

    it('a removed entry is named', async () => {
      await tamper(t, `delete from entries where number = 4`);
      expect(await verifyJournal(t.database.db)).toMatchObject({ ok: false, firstBad: 4 });
    });

    it('an entry inserted with a copied hash is named', async () => {
      await tamper(
        t,
        `insert into entries select 6, received_at, registered_at, channel, anonymous, personal, key_id,
           'forged', language, mixed_language, scope, category, evidence, site, due_date, backlog, hash, hash
         from entries where number = 5`,
      );
      expect(await verifyJournal(t.database.db)).toMatchObject({ ok: false, firstBad: 6 });
    });

    it('two entries swapped in order are named', async () => {
      await tamper(t, `update entries set number = 100 where number = 2`);
      await tamper(t, `update entries set number = 2 where number = 3`);
      await tamper(t, `update entries set number = 3 where number = 100`);
      expect(await verifyJournal(t.database.db)).toMatchObject({ ok: false, firstBad: 2 });
    });

    it('the last entry cut together with the head is found from the head sent in a report', async () => {
      const [head] = await rows<{ hash: string }>(
        t.database.db,
        sql`select hash from entries where number = 5`,
      );
      await t.database.db.insert(reports).values({
        kind: 'ombudsman',
        period: '2026-10-06',
        createdAt: new Date(),
        headNumber: 5,
        headHash: head!.hash,
      });
      await tamper(t, `delete from entries where number = 5`);
      await tamper(
        t,
        `update chain_heads set last_number = 4, last_hash = (select hash from entries where number = 4) where chain = 'entries'`,
      );
      expect(await verifyJournal(t.database.db)).toMatchObject({ ok: false, firstBad: 5 });
    });

    it('an intact journal verifies', async () => {
      expect(await verifyJournal(t.database.db)).toMatchObject({
        ok: true,
        entries: 5,
        firstBad: null,
      });
    });
  });
});

async function insertEventFor(t: TestDatabase, entryNumber: number) {
  await t.database.db.transaction((tx) => insertEvent(tx, entryNumber, 'triage', { scope: 'in' }));
}

describe('the journal on PostgreSQL with several processes writing', () => {
  it('gives exactly 1..N to hundreds of registrations from several connections at once', async () => {
    const t = await engines[1]!.open();
    const writers = await Promise.all(
      Array.from({ length: 4 }, () => openPostgres(t.url!, { max: 4 })),
    );
    try {
      await Promise.all(
        writers.flatMap((w) =>
          Array.from({ length: 75 }, () =>
            w.db.transaction((tx) => insertEntry(tx, new Vault(TEST_KEY), newEntry())),
          ),
        ),
      );
      expect(await numbers(t)).toEqual(Array.from({ length: 300 }, (_, i) => i + 1));
      expect(await verifyJournal(t.database.db)).toMatchObject({ ok: true, entries: 300 });
    } finally {
      await Promise.all(writers.map((w) => w.close()));
      await t.dispose();
    }
  });
});
