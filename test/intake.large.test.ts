import { randomBytes } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messagePieces, messages } from '../src/db/schema.js';
import { createIntake } from '../src/ingest/intake.usecases.js';
import { sealedRaw } from '../src/ingest/messages.repository.js';
import type { Intake } from '../src/ingest/intake.port.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { eml, imap, intakeDeps } from './helpers/intake.js';

/** A letter with a base64 attachment: about `mb` MB in all. */
function large(mb: number, headers: string[] = []): Buffer {
  const letter = eml({ headers }).toString('utf8');
  const [head] = letter.split('Content-Type: text/plain');
  const data = (
    randomBytes(Math.floor(mb * 786_432))
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
  return Buffer.from(
    `${head}Content-Type: multipart/mixed; boundary="b"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nПрошу проверить начисления за отопление.\r\n--b\r\nContent-Type: application/pdf; name="scan.pdf"\r\nContent-Transfer-Encoding: base64\r\n\r\n${data}\r\n--b--\r\n`,
  );
}

// Messages above 4 MB are sealed and stored as pieces of their own (memory stays flat, nothing is
// rewritten): joined, they must still open to the very bytes received.
describe.each(
  engines.flatMap((engine) => [0, 1].map((workers) => ({ engine, workers, name: engine.name }))),
)('large messages on $name, $workers prepare workers', ({ engine, workers }) => {
  let t: TestDatabase;
  let intake: Intake;

  beforeAll(async () => {
    t = await engine.open();
    intake = createIntake(intakeDeps(t, { workers }));
  });
  afterAll(() => t?.dispose());

  async function storedRaw(id: number): Promise<Buffer> {
    const [row] = await t.database.db.select().from(messages).where(eq(messages.id, id));
    return t.vault.open(t.database.db, row!.keyId!, (await sealedRaw(t.database.db, row!))!);
  }

  async function pieceCount(id: number): Promise<number> {
    const found = await t.database.db
      .select({ seq: messagePieces.seq })
      .from(messagePieces)
      .where(eq(messagePieces.messageId, id));
    return found.length;
  }

  it('keeps a 9 MB appeal and a 9 MB auto-reply byte for byte, sealed, in one batch with small mail', async () => {
    const appeal = large(9);
    const autoReply = large(9, ['Auto-Submitted: auto-replied']);
    const small = eml();
    // handed over, the buffers are intake's (a worker may take them): compare against copies
    const [appealSent, autoReplySent, smallSent] = [appeal, autoReply, small].map((b) =>
      Buffer.from(b),
    );
    const outcomes = await intake.acceptMany([
      imap(smallSent!, 1),
      imap(appealSent!, 2),
      imap(autoReplySent!, 3),
    ]);
    expect(outcomes.map((o) => o.kind)).toEqual(['registered', 'registered', 'recorded']);
    expect((await storedRaw(outcomes[1]!.messageId)).equals(appeal)).toBe(true);
    expect((await storedRaw(outcomes[2]!.messageId)).equals(autoReply)).toBe(true);
    expect((await storedRaw(outcomes[0]!.messageId)).equals(small)).toBe(true);
    // with a worker, the large ones were moved to it and back (not copied); the small one copied
    expect(appealSent!.length).toBe(workers > 0 ? 0 : appeal.length);
    expect(smallSent!.length).toBe(small.length);
    // 9 MB in 1 MB pieces, plus the head and the tag; the small one stays in its row
    expect(await pieceCount(outcomes[1]!.messageId)).toBe(12);
    expect(await pieceCount(outcomes[0]!.messageId)).toBe(0);
  });

  it('refuses to change a stored piece (rules 4.14: the original is kept as received)', async () => {
    const [outcome] = await intake.acceptMany([imap(large(5), 10)]);
    await expect(
      t.database.db.execute(
        sql`update message_pieces set bytes = ''::bytea where message_id = ${outcome!.messageId}`,
      ),
    ).rejects.toThrow();
    await expect(
      t.database.db.execute(
        sql`delete from message_pieces where message_id = ${outcome!.messageId}`,
      ),
    ).rejects.toThrow();
    expect(await pieceCount(outcome!.messageId)).toBe(8);
  });
});
