import { createHash, randomBytes } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportRecords } from '../src/cases/journal.export.js';
import { findEntry, verifyJournal } from '../src/cases/journal.repository.js';
import { rows } from '../src/db/database.js';
import { answerAddresses, entryEvents, messages } from '../src/db/schema.js';
import { createIntake, sqlState } from '../src/ingest/intake.usecases.js';
import type { Intake, IntakeOutcome } from '../src/ingest/intake.port.js';
import {
  DOCX_TYPE,
  attachedMessage,
  docx,
  file,
  mixed,
  plainLetter,
} from './helpers/attached-mail.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import {
  daysAgo,
  eml,
  entryCount,
  fixture,
  FIXTURES,
  imap,
  intakeDeps,
  NOW,
  openIntake,
  recordingAnswers,
  smtp,
} from './helpers/intake.js';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Fixture number → expected outcome (test/fixtures/mail: 31–41 automatic, 42–43 spam, 44 our own). */
function expectedKind(name: string): IntakeOutcome['kind'] {
  const n = Number(name.slice(0, 2));
  if (n >= 42 && n <= 43) return 'held';
  if ((n >= 31 && n <= 41) || n === 44) return 'recorded';
  return 'registered';
}

async function messageRow(t: TestDatabase, id: number) {
  const [row] = await t.database.db.select().from(messages).where(eq(messages.id, id));
  return row!;
}

async function exported(t: TestDatabase, number: number) {
  for await (const r of exportRecords(t.database.db, t.vault, { timeZone: 'Asia/Almaty' })) {
    if (r.number === number) return r;
  }
  return null;
}

function registered(o: IntakeOutcome): number {
  if (o.kind !== 'registered') throw new Error(`expected registered, got ${o.kind}`);
  return o.entryNumber;
}

describe.each(engines)('intake on $name', (engine) => {
  let t: TestDatabase;
  let intake: Intake;
  let answers: ReturnType<typeof recordingAnswers>;
  let uid = 1000;

  beforeAll(async () => {
    ({ t, intake, answers } = await openIntake(engine));
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('sends every fixture to its outcome: appeals registered, automatic mail recorded, spam held', async () => {
    const names = readdirSync(FIXTURES)
      .filter((n) => n.endsWith('.eml'))
      .sort();
    const before = await entryCount(t);
    let appeals = 0;
    for (const name of names) {
      const outcome = await intake.accept(imap(fixture(name), ++uid, daysAgo(1), 7, 'fixtures'));
      const want = expectedKind(name);
      // 09 replies to our acknowledgement of No. 12, and its References name the writer's own
      // first letter (01): it joins his appeal, a follow-up in his own thread
      const got = outcome.kind === 'attached' ? 'registered' : outcome.kind;
      expect({ name, kind: got }).toEqual({ name, kind: want });
      if (outcome.kind === 'attached') {
        expect(name).toBe('09-reply-re-obrashchenie-12.eml');
        expect(await messageRow(t, outcome.messageId)).toMatchObject({
          reason: 'follow-up:own-thread',
        });
      }
      if (outcome.kind === 'registered') appeals++;
      const row = await messageRow(t, outcome.messageId);
      if (want === 'recorded' || want === 'held') {
        expect(row.entryNumber).toBeNull();
        expect(row.status).toBe(want);
        expect(row.reason).not.toBe('');
      }
    }
    expect(await entryCount(t)).toBe(before + appeals);
    expect((await verifyJournal(t.database.db)).ok).toBe(true);
  });

  it('registers an anonymity request as an anonymous entry, its answer address kept apart (rules 4.14)', async () => {
    const outcome = await intake.accept(
      imap(fixture('03-mailru-ru-anonymous.eml'), 1, daysAgo(1), 8, 'anon'),
    );
    // already registered by the fixture pass: same bytes
    expect(outcome.kind).toBe('duplicate');
    const row = await messageRow(t, outcome.messageId);
    const entry = (await findEntry(t.database.db, row.entryNumber!))!;
    expect(entry.anonymous).toBe(true);
    expect(entry.personal).toBeNull();
    const kept = await t.database.db
      .select()
      .from(answerAddresses)
      .where(eq(answerAddresses.entryNumber, entry.number));
    expect(kept).toHaveLength(1);
    expect((await exported(t, entry.number))?.replyAddress).toBeNull();
  });

  it('fills the columns and language of a named appellant from the letter', async () => {
    const outcome = await intake.accept(smtp(fixture('08-gmail-en-llp.eml')));
    const row = await messageRow(t, outcome.messageId);
    const record = (await exported(t, row.entryNumber!))!;
    expect(record.channel).toBe('email');
    expect(record.language).toBe('en');
    expect(record.anonymous).toBe(false);
    expect(record.orgName ?? '').toContain('Steppe Logistics');
  });

  it('fills the columns from a letter forwarded as an attachment and a Word file under «См. вложение»', async () => {
    const resident = plainLetter({
      from: 'Жанна Омарова <zh.omarova@gmail.com>',
      subject: 'Взятка при подключении',
      text: 'Сотрудник отдела техусловий потребовал 200 000 тенге за подключение дома к теплосети.\nОмарова Жанна, +7 705 320 44 11\n',
    });
    const forward = mixed({
      from: 'Info ALES <info@ales.kz>',
      subject: 'FW: Взятка при подключении',
      body: '',
      parts: [attachedMessage(resident)],
    });
    const number = registered(await intake.accept(smtp(forward)));
    expect(await exported(t, number)).toMatchObject({
      fullName: 'Омарова Жанна',
      phone: '+77053204411',
      replyAddress: 'zh.omarova@gmail.com',
      content: expect.stringContaining('потребовал 200 000 тенге') as unknown,
    });
    // the acknowledgement goes to whoever sent it to us
    expect(answers.calls.find((c) => c.entryNumber === number)?.context.to).toBe('info@ales.kz');

    const word = mixed({
      from: 'Ерлан <info@alatau-energo.kz>',
      subject: 'Обращение',
      body: 'См. вложение.',
      parts: [
        file(
          'Обращение.docx',
          DOCX_TYPE,
          docx([
            'Начальник отдела закупок Нурланов Б. требовал вознаграждение в размере 3% от суммы договора.',
            'Директор Жаксылыков Ерлан Маратович, тел. +7 727 390 12 12',
          ]),
        ),
      ],
    });
    const second = registered(await intake.accept(smtp(word)));
    expect(await exported(t, second)).toMatchObject({
      phone: '+77273901212',
      content: expect.stringContaining('Нурланов Б. требовал') as unknown,
    });
  });

  it('registers the same raw message twice only once', async () => {
    const raw = eml();
    const first = await intake.accept(smtp(raw));
    const again = await intake.accept(smtp(raw));
    expect(first.kind).toBe('registered');
    expect(again).toEqual({ kind: 'duplicate', messageId: first.messageId });
  });

  it('knows a message again under a new UIDVALIDITY', async () => {
    const raw = eml();
    const first = await intake.accept(imap(raw, 5, daysAgo(1), 100));
    const before = await entryCount(t);
    const again = await intake.accept(imap(raw, 77, daysAgo(1), 101));
    expect(first.kind).toBe('registered');
    expect(again.kind).toBe('duplicate');
    expect(await entryCount(t)).toBe(before);
    expect(await intake.knownUids('INBOX', 100)).toEqual(new Set([5]));
  });

  it('knows a message by its mailbox, UIDVALIDITY and UID, and only in that folder', async () => {
    const at = daysAgo(1);
    const [a, b] = await intake.acceptMany([
      imap(eml({ text: 'Жалоба в папке A.' }), 7, at, 300, 'uid-a'),
      imap(eml({ text: 'Жалоба в папке B.' }), 8, at, 300, 'uid-b'),
    ]);
    expect([a!.kind, b!.kind]).toEqual(['registered', 'registered']);
    const again = await intake.acceptMany([
      // other bytes and text under a UID already recorded in this folder: the same message
      imap(eml({ text: 'Жалоба в папке A, скачанная заново.' }), 7, at, 300, 'uid-a'),
      // UID 8 is recorded in folder B only, UID 7 of folder A only under another UIDVALIDITY
      imap(eml({ text: 'Новая жалоба в папке A.' }), 8, at, 300, 'uid-a'),
      imap(eml({ text: 'Новая жалоба, новый UIDVALIDITY.' }), 7, at, 301, 'uid-a'),
    ]);
    expect(again.map((o) => o.kind)).toEqual(['duplicate', 'registered', 'registered']);
    expect(again[0]!.messageId).toBe(a!.messageId);
  });

  it('knows a re-delivered message by Message-ID and text even when its bytes differ', async () => {
    const id = `<redelivered.${Date.now()}@example.kz>`;
    const text = 'Прошу проверить начисления за отопление по адресу Абая 1.';
    const first = await intake.accept(smtp(eml({ messageId: id, text })));
    const relayed = Buffer.concat([
      Buffer.from('Received: from relay2 by mx.ales.kz\r\n'),
      eml({ messageId: id, text }),
    ]);
    expect(first.kind).toBe('registered');
    expect((await intake.accept(smtp(relayed))).kind).toBe('duplicate');
  });

  it('registers two appeals when a client reuses a Message-ID for another text', async () => {
    const id = `<reused.${Date.now()}@example.kz>`;
    const a = await intake.accept(smtp(eml({ messageId: id, text: 'Первая жалоба про счётчик.' })));
    const b = await intake.accept(
      smtp(eml({ messageId: id, text: 'Вторая жалоба про мастера ТЭЦ-1.' })),
    );
    expect(registered(b)).toBe(registered(a) + 1);
    expect((await messageRow(t, b.messageId)).notes).toContain('message-id-reused');
  });

  it('attaches a reply to our acknowledgement (In-Reply-To) to its appeal, with no new number', async () => {
    const original = await intake.accept(smtp(eml({ from: 'Ерлан <erlan@example.kz>' })));
    const number = registered(original);
    const ack = answers.calls.find((c) => c.entryNumber === number)!;
    expect(ack.context.automatic).toBe(true);
    const before = await entryCount(t);
    const reply = await intake.accept(
      smtp(
        eml({
          from: 'Ерлан <erlan@example.kz>',
          subject: 'Re: ваш ответ',
          inReplyTo: ack.messageId,
          text: 'Дополняю.',
        }),
      ),
    );
    expect(reply).toMatchObject({ kind: 'attached', entryNumber: number });
    expect(await entryCount(t)).toBe(before);
    expect((await exported(t, number))?.messages).toBe(2);
    const events = await t.database.db
      .select()
      .from(entryEvents)
      .where(eq(entryEvents.entryNumber, number));
    expect(events.map((e) => e.kind)).toContain('follow-up');
    expect((await messageRow(t, reply.messageId)).notes).not.toContain('follow-up:sender-differs');
  });

  it('attaches mail naming an existing registration number in its subject, from the appeal’s address', async () => {
    const number = registered(await intake.accept(smtp(eml())));
    const more = await intake.accept(
      smtp(eml({ subject: `Re: Обращение № ${number} зарегистрировано`, text: 'Ещё факты.' })),
    );
    expect(more).toMatchObject({ kind: 'attached', entryNumber: number });
    expect((await messageRow(t, more.messageId)).notes).not.toContain('follow-up:sender-differs');
    expect((await exported(t, number))?.messages).toBe(2);
  });

  it('registers mail from another address that names an appeal’s number as an appeal of its own', async () => {
    const number = registered(await intake.accept(smtp(eml())));
    const stranger = await intake.accept(
      smtp(
        eml({
          from: 'other@example.kz',
          subject: `Appeal No. ${number}`,
          text: 'A new bribe at CHP-1, nothing to do with that appeal.',
        }),
      ),
    );
    expect(registered(stranger)).toBe(number + 1);
    expect((await messageRow(t, stranger.messageId)).notes).toContain(`names-appeal:${number}`);
    expect((await exported(t, number))?.messages).toBe(1);
  });

  it('registers mail naming a number that does not exist as a new appeal', async () => {
    const outcome = await intake.accept(smtp(eml({ subject: 'Обращение № 999999' })));
    expect(outcome.kind).toBe('registered');
  });

  it('records an out-of-office reply to our acknowledgement without attaching or answering it', async () => {
    const number = registered(await intake.accept(smtp(eml())));
    const ack = answers.calls.find((c) => c.entryNumber === number)!;
    const calls = answers.calls.length;
    const ooo = await intake.accept(
      smtp(
        eml({
          subject: 'Автоответ: в отпуске',
          inReplyTo: ack.messageId,
          headers: ['Auto-Submitted: auto-replied'],
        }),
      ),
    );
    expect(ooo.kind).toBe('recorded');
    expect((await messageRow(t, ooo.messageId)).entryNumber).toBeNull();
    expect(answers.calls.length).toBe(calls);
  });

  it('registers a message that cannot be parsed at all from what it has, keeping the raw', async () => {
    const garbage = Buffer.concat([Buffer.from('\u0000\u0001'), randomBytes(3000)]);
    const outcome = await intake.accept(smtp(garbage));
    expect(outcome.kind).toBe('registered');
    const row = await messageRow(t, outcome.messageId);
    expect(row.rawSha256).toBe(sha256(garbage));
    expect((await t.vault.open(t.database.db, row.keyId!, row.raw!)).equals(garbage)).toBe(true);
    expect((await intake.accept(smtp(garbage))).kind).toBe('duplicate');
  });

  it('registers an oversized message with a note, keeping its text but not its attachment', async () => {
    const small = createIntake(
      intakeDeps(t, { config: { ...intakeDeps(t).config, maxMessageBytes: 4096 } }),
    );
    const attachment = randomBytes(30_000).toString('base64').replace(/.{76}/g, '$&\r\n');
    const raw = Buffer.from(
      [
        'From: Асель <asel@example.kz>',
        'To: ombudsman@ales.kz',
        'Subject: big',
        `Message-ID: <big.${Date.now()}@example.kz>`,
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Жалоба на отключение света, фото во вложении.',
        '--b1',
        'Content-Type: image/jpeg; name="photo.jpg"',
        'Content-Transfer-Encoding: base64',
        '',
        attachment,
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const outcome = await small.accept(smtp(raw));
    expect(outcome.kind).toBe('registered');
    const row = await messageRow(t, outcome.messageId);
    expect(row.notes).toContain(`oversized: ${raw.length} bytes, attachments not kept`);
    expect(row.rawSha256).toBe(sha256(raw));
    expect(row.rawSize).toBe(raw.length);
    const kept = await t.vault.open(t.database.db, row.keyId!, row.raw!);
    expect(kept.length).toBeLessThan(4096);
    expect(kept.toString('utf8')).toContain('Жалоба на отключение света');
  });

  it('takes the receipt time from the server, not from the Date header (rules 4.14 b)', async () => {
    const receivedAt = new Date('2026-11-19T03:04:05.000Z');
    const outcome = await intake.accept(
      smtp(eml({ date: 'Mon, 01 Jan 2001 00:00:00 +0000' }), receivedAt),
    );
    const entry = (await findEntry(t.database.db, registered(outcome)))!;
    expect(entry.receivedAt.toISOString()).toBe(receivedAt.toISOString());
  });

  it('registers backlog older than the answer age without answering it, and answers recent mail automatically', async () => {
    const calls = answers.calls.length;
    const old = registered(await intake.accept(smtp(eml(), daysAgo(400))));
    expect((await findEntry(t.database.db, old))!.backlog).toBe(true);
    expect(answers.calls.length).toBe(calls);
    const recent = registered(
      await intake.accept(smtp(eml({ from: 'Дана <dana@example.kz>' }), daysAgo(2))),
    );
    expect((await findEntry(t.database.db, recent))!.backlog).toBe(false);
    const call = answers.calls.at(-1)!;
    expect(call.entryNumber).toBe(recent);
    expect(call.context).toMatchObject({ to: 'dana@example.kz', automatic: true });
    expect(call.context.inReplyTo).toMatch(/^<[^\s<>]+>$/);
  });

  it('attaches the writer’s reply in their own thread to their appeal, not another’s', async () => {
    const id = `<own.${Date.now()}@mail.kz>`;
    const first = registered(
      await intake.accept(smtp(eml({ from: 'Дана <dana.own@mail.kz>', messageId: id }))),
    );
    const more = await intake.accept(
      smtp(
        eml({
          from: 'Дана <dana.own@mail.kz>',
          subject: 'Re: Жалоба',
          inReplyTo: id,
          text: 'Забыла добавить: это было 12 ноября.',
        }),
      ),
    );
    expect(more).toMatchObject({ kind: 'attached', entryNumber: first });
    // the same thread from someone else is an appeal of its own
    const other = await intake.accept(
      smtp(eml({ from: 'Ерлан <erlan@mail.kz>', subject: 'Re: Жалоба', inReplyTo: id })),
    );
    expect(other.kind).toBe('registered');
  });

  it('records that no acknowledgement could be mailed when the sender gave no address', async () => {
    const calls = answers.calls.length;
    const n = registered(await intake.accept(smtp(eml({ from: 'Асель Нурланова' }), daysAgo(1))));
    expect(answers.calls.length).toBe(calls);
    const events = await t.database.db
      .select()
      .from(entryEvents)
      .where(eq(entryEvents.entryNumber, n));
    expect(events.map((e) => [e.kind, e.payload])).toContainEqual([
      'answer-suppressed',
      { kind: 'acknowledgement', reason: 'no-address' },
    ]);
  });

  it('never lets header injection reach the answer: one address, one Message-ID token', async () => {
    const before = answers.calls.length;
    await intake.accept(smtp(fixture('28-header-injection.eml'), daysAgo(1)));
    for (const call of answers.calls.slice(before)) {
      expect(call.context.to).toMatch(/^[^\s,;<>]+@[^\s,;<>]+$/);
      for (const id of [call.context.inReplyTo ?? '<x>', ...(call.context.references ?? [])]) {
        expect(id).toMatch(/^<[^\s<>]+>$/);
      }
    }
  });

  it('accepts a backlog in groups: outcomes in order, duplicates inside found, numbering gap-free', async () => {
    const start = (await entryCount(t)) + 1;
    const distinct = Array.from({ length: 80 }, (_, i) =>
      eml({ text: `Обращение из очереди номер ${i}.` }),
    );
    const list = distinct.map((raw, i) => imap(raw, 5000 + i, daysAgo(100), 55, 'backlog'));
    // the same bytes again under other UIDs, a repeated UID, and automatic mail in between
    for (let i = 0; i < 10; i++)
      list.splice(10 + i * 7, 0, imap(distinct[i * 3]!, 9000 + i, daysAgo(100), 55, 'backlog'));
    list.push(imap(distinct[5]!, 5005, daysAgo(100), 55, 'backlog'));
    for (let i = 0; i < 9; i++)
      list.push(
        imap(
          eml({ headers: ['Auto-Submitted: auto-replied'] }),
          9500 + i,
          daysAgo(100),
          55,
          'backlog',
        ),
      );
    const outcomes = await intake.acceptMany(list);
    expect(outcomes).toHaveLength(list.length);
    const numbers = outcomes.flatMap((o) => (o.kind === 'registered' ? [o.entryNumber] : []));
    expect(numbers).toEqual(Array.from({ length: 80 }, (_, i) => start + i));
    expect(outcomes.filter((o) => o.kind === 'duplicate')).toHaveLength(11);
    expect(outcomes.filter((o) => o.kind === 'recorded')).toHaveLength(9);
    outcomes.forEach((o, i) => {
      if (o.kind === 'duplicate')
        expect(sha256(list[i]!.raw)).toBe(sha256(distinct.find((d) => d.equals(list[i]!.raw))!));
    });
    // copies known by their bytes are not recorded again under their new UID: the source marks them
    expect((await intake.knownUids('backlog', 55)).size).toBe(80 + 9);
    expect((await verifyJournal(t.database.db)).ok).toBe(true);
    // a second pass over the same mailbox registers nothing
    const again = await intake.acceptMany(list.slice(0, 30));
    expect(again.every((o) => o.kind === 'duplicate')).toBe(true);
  });

  it("stores the automatic mail of a group in the group's insert: spam held, a copy inside found", async () => {
    const auto = eml({ headers: ['Auto-Submitted: auto-replied'] });
    const spam = eml({ headers: ['X-Spam-Flag: YES'] });
    const appeal = eml({ text: 'Обращение в одной группе с автоответом.' });
    const list = [auto, appeal, spam, auto].map((raw, i) =>
      imap(raw, 9700 + i, daysAgo(100), 56, 'group'),
    );
    const [a, b, c, d] = await intake.acceptMany(list);
    expect([a!.kind, b!.kind, c!.kind]).toEqual(['recorded', 'registered', 'held']);
    expect(d).toEqual({ kind: 'duplicate', messageId: a!.messageId });
    expect(new Set([a, b, c].map((o) => o!.messageId)).size).toBe(3);
    const [recorded, held] = [await messageRow(t, a!.messageId), await messageRow(t, c!.messageId)];
    expect([recorded.status, recorded.kind, recorded.entryNumber]).toEqual([
      'recorded',
      'auto-reply',
      null,
    ]);
    expect([held.status, held.kind, held.entryNumber]).toEqual(['held', 'spam', null]);
    expect(sha256(auto)).toBe(recorded.rawSha256);
  });

  it('stores no plaintext of the message: raw, parsed text, Message-ID are sealed or keyed', async () => {
    const marker = `секретный-текст-${Date.now()}`;
    const id = `<plain.${Date.now()}@example.kz>`;
    const outcome = await intake.accept(smtp(eml({ text: `Жалоба ${marker}`, messageId: id })));
    const [row] = await rows<{
      raw: Buffer | Uint8Array;
      parsed: Buffer | Uint8Array;
      message_id: string;
    }>(
      t.database.db,
      sql`select raw, parsed, message_id from messages where id = ${outcome.messageId}`,
    );
    expect(Buffer.from(row!.raw).includes(Buffer.from(marker))).toBe(false);
    expect(Buffer.from(row!.parsed).includes(Buffer.from(marker))).toBe(false);
    expect(row!.message_id).not.toContain('plain.');
  });

  it('reads SQLSTATE and constraint through drizzle wrapping on this driver', async () => {
    const error = await t.database.db
      .insert(messages)
      .values({
        source: 'smtp',
        rawSha256: (await messageRow(t, 1)).rawSha256,
        rawSize: 1,
        receivedAt: NOW,
        kind: 'appeal',
        reason: 'x',
        status: 'recorded',
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(sqlState(error)).toEqual({ code: '23505', constraint: 'messages_raw_sha256' });
  });

  it('registers one entry when two connections accept the same message at once', async () => {
    const other = await t.another({ max: 2 });
    try {
      const second = createIntake({ ...intakeDeps(t), database: other });
      const first = createIntake(intakeDeps(t));
      for (let round = 0; round < 5; round++) {
        const raw = eml();
        const before = await entryCount(t);
        const results = await Promise.all([
          first.accept(imap(raw, 70_000 + round, daysAgo(1), 9, 'race')),
          second.accept(imap(raw, 70_000 + round, daysAgo(1), 9, 'race')),
          second.accept(smtp(raw)),
        ]);
        expect(results.filter((r) => r.kind === 'registered')).toHaveLength(1);
        expect(results.filter((r) => r.kind === 'duplicate')).toHaveLength(2);
        expect(await entryCount(t)).toBe(before + 1);
      }
      // and two batches racing over one backlog
      const batch = Array.from({ length: 30 }, (_, i) =>
        imap(eml(), 80_000 + i, daysAgo(1), 9, 'race'),
      );
      const before = await entryCount(t);
      const [a, b] = await Promise.all([
        first.acceptMany(batch),
        second.acceptMany([...batch].reverse()),
      ]);
      const registeredCount = [...a, ...b].filter((o) => o.kind === 'registered').length;
      expect(registeredCount).toBe(30);
      expect(await entryCount(t)).toBe(before + 30);
      expect((await verifyJournal(t.database.db)).ok).toBe(true);
    } finally {
      await other.close();
    }
  });
});
