import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findEntry } from '../src/cases/journal.repository.js';
import { InputError } from '../src/errors.js';
import { releaseHeld } from '../src/ingest/intake.usecases.js';
import type { Intake } from '../src/ingest/intake.port.js';
import { findMessage, listHeld } from '../src/ingest/messages.repository.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import {
  daysAgo,
  eml,
  entryCount,
  fixture,
  imap,
  intakeDeps,
  openIntake,
  recordingAnswers,
  smtp,
} from './helpers/intake.js';

describe.each(engines)('held mail on $name', (engine) => {
  let t: TestDatabase;
  let intake: Intake;
  let answers: ReturnType<typeof recordingAnswers>;

  beforeAll(async () => {
    ({ t, intake, answers } = await openIntake(engine));
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('holds spam-flagged mail for the Ombudsman without a number or an answer', async () => {
    const before = await entryCount(t);
    const flagged = await intake.accept(imap(fixture('42-spam-flagged.eml'), 1));
    const status = await intake.accept(imap(fixture('43-spam-status-only.eml'), 2));
    expect(flagged.kind).toBe('held');
    expect(status.kind).toBe('held');
    expect(await entryCount(t)).toBe(before);
    expect(answers.calls).toHaveLength(0);
    const held = await listHeld(t.database.db);
    expect(held.map((m) => m.id)).toEqual([flagged.messageId, status.messageId]);
  });

  it('registers a released message as an appeal once; a second release is refused as bad input', async () => {
    const raw = eml({
      headers: ['X-Spam-Flag: YES'],
      text: 'На самом деле жалоба: мастер ТЭЦ-3 берёт деньги.',
    });
    const held = await intake.accept(smtp(raw, daysAgo(1)));
    expect(held.kind).toBe('held');
    const before = await entryCount(t);
    const released = await releaseHeld(intakeDeps(t, { answers }), held.messageId);
    expect(await entryCount(t)).toBe(before + 1);
    const entry = (await findEntry(t.database.db, released.entryNumber))!;
    expect(entry.channel).toBe('email');
    const row = (await findMessage(t.database.db, held.messageId))!;
    expect(row).toMatchObject({ status: 'released', entryNumber: released.entryNumber });
    // the Ombudsman's decision, so the acknowledgement is not an automatic one
    expect(answers.calls.at(-1)).toMatchObject({
      entryNumber: released.entryNumber,
      context: { automatic: false },
    });
    await expect(releaseHeld(intakeDeps(t), held.messageId)).rejects.toThrow(/not held/);
    await expect(releaseHeld(intakeDeps(t), 987_654)).rejects.toBeInstanceOf(InputError);
    expect(await entryCount(t)).toBe(before + 1);
    // and the same mail arriving again is a duplicate, not a second appeal
    expect((await intake.accept(smtp(raw))).kind).toBe('duplicate');
    expect((await listHeld(t.database.db)).map((m) => m.id)).not.toContain(held.messageId);
  });

  it('registers one entry when two processes release the same message', async () => {
    const held = await intake.accept(smtp(eml({ headers: ['X-Spam-Flag: YES'] })));
    const other = await t.another({ max: 1 });
    try {
      const before = await entryCount(t);
      const results = await Promise.allSettled([
        releaseHeld(intakeDeps(t), held.messageId),
        releaseHeld({ ...intakeDeps(t), database: other }, held.messageId),
      ]);
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      const rejected = results.find((r) => r.status === 'rejected');
      expect(rejected?.reason).toBeInstanceOf(InputError);
      expect(await entryCount(t)).toBe(before + 1);
    } finally {
      await other.close();
    }
  });
});
