import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../src/cases/calendar.js';
import { insertEntry, insertEvent, type NewEntry } from '../src/cases/journal.repository.js';
import { messages } from '../src/db/schema.js';
import { recordAuthExpiry, recordSuccess } from '../src/ingest/health.repository.js';
import { brief, CONTENT_CAP } from '../src/notify/ombudsman-digest.js';
import { queueMail } from '../src/notify/outbox.repository.js';
import {
  buildOmbudsmanDigest,
  sendOmbudsmanDigest,
  type ReportDeps,
} from '../src/notify/reports.usecases.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { newEntry } from './helpers/entries.js';

const calendar = createCalendar({ timeZone: 'Asia/Almaty' });
const at = (local: string) => new Date(`${local}:00+05:00`);
// Thursday 22 October 2026, 09:00 Almaty. Working days after it: 23, 27, 28 (26 is a holiday).
const NOW = at('2026-10-22T09:00');

function deps(t: TestDatabase, now = NOW): ReportDeps {
  return {
    db: t.database.db,
    vault: t.vault,
    calendar,
    config: {
      timeZone: 'Asia/Almaty',
      from: 'ombudsman@ales.kz',
      ombudsmanEmail: 'ombudsman@ales.kz',
      chairmanEmail: null,
      interimThreshold: 10,
    },
    now: () => now,
  };
}

async function register(t: TestDatabase, over: Partial<NewEntry>): Promise<number> {
  return (await t.database.db.transaction((tx) => insertEntry(tx, t.vault, newEntry(over)))).number;
}

const LONG = 'Прораб требует деньги за допуск к работе. '.repeat(20);

describe.each(engines)("the Ombudsman's digest on $name", (engine) => {
  let t: TestDatabase;
  const n: Record<string, number> = {};
  let heldId = 0;
  let failedId = 0;

  beforeAll(async () => {
    t = await engine.open();
    n.overdue = await register(t, {
      receivedAt: at('2026-09-20T10:00'),
      dueDate: '2026-10-12',
      content: 'overdue matter',
    });
    n.closed = await register(t, {
      receivedAt: at('2026-09-21T10:00'),
      dueDate: '2026-10-12',
      content: 'closed matter',
    });
    await t.database.db.transaction((tx) =>
      insertEvent(tx, n.closed!, 'closure', { outcome: 'done' }, at('2026-10-01T10:00')),
    );
    n.extended = await register(t, {
      receivedAt: at('2026-09-22T10:00'),
      dueDate: '2026-10-13',
      content: 'extended matter',
    });
    await t.database.db.transaction((tx) =>
      insertEvent(
        tx,
        n.extended!,
        'extension',
        { until: '2026-10-27', reason: 'audit' },
        at('2026-10-10T10:00'),
      ),
    );
    n.dueFar = await register(t, {
      receivedAt: at('2026-10-20T10:00'),
      dueDate: '2026-11-10',
      content: 'not due yet',
    });
    n.pending = await register(t, {
      receivedAt: at('2026-10-21T18:00'),
      channel: 'email',
      scope: 'pending',
      category: null,
      evidence: ['no keyword matched'],
      dueDate: '2026-11-12',
      content: `<script>alert(1)</script> ${LONG}`,
    });
    n.triagedOut = await register(t, {
      scope: 'pending',
      category: null,
      dueDate: '2026-11-12',
      content: 'tariff question',
    });
    await t.database.db.transaction((tx) =>
      insertEvent(
        tx,
        n.triagedOut!,
        'triage',
        { scope: 'out', category: 'tariffs' },
        at('2026-10-21T19:00'),
      ),
    );
    n.backlog = await register(t, {
      receivedAt: at('2024-01-10T10:00'),
      backlog: true,
      dueDate: '2024-02-01',
      content: 'old mail',
    });

    const [held] = await t.database.db
      .insert(messages)
      .values({
        source: 'imap',
        rawSha256: 'f'.repeat(64),
        rawSize: 1234,
        receivedAt: at('2026-10-21T20:00'),
        kind: 'spam',
        reason: 'spam-header:X-Spam-Flag',
        status: 'held',
      })
      .returning({ id: messages.id });
    heldId = held!.id;

    const mail = await t.database.db.transaction((tx) =>
      queueMail(
        tx,
        { vault: t.vault, from: 'ombudsman@ales.kz', now: at('2026-10-19T10:00') },
        {
          dedupeKey: `ack:${n.dueFar}`,
          kind: 'acknowledgement',
          to: 'someone@example.kz',
          subject: 'ack',
          text: 'ack',
          html: '<p>ack</p>',
          entryNumber: n.dueFar,
          automatic: true,
        },
      ),
    );
    failedId = mail.id;
    // As delivery marks a permanent failure (markFailed fails on postgres.js with a Date in raw SQL: reported).
    await t.database.db.execute(
      sql`update outbox set status = 'failed', attempts = 1, last_error = '550 5.1.1 mailbox unavailable' where id = ${failedId}`,
    );
    await recordSuccess(t.database.db, 'imap', at('2026-10-22T08:55'));
    await recordAuthExpiry(t.database.db, 'imap', at('2026-10-25T00:00'), at('2026-10-22T08:55'));
  });

  afterAll(async () => {
    await t?.dispose();
  });

  const section = (text: string, title: string) => {
    const start = text.indexOf(`\n${title}`);
    expect(start, `section "${title}"`).toBeGreaterThanOrEqual(0);
    const rest = text.slice(start + 1);
    const end = rest.search(/\n\n/);
    return end < 0 ? rest : rest.slice(0, end);
  };
  const numbersIn = (block: string) =>
    [...block.matchAll(/\n {2}No\. (\d+)/g)].map((m) => Number(m[1]));

  it('lists new appeals, pending decisions, due soon, overdue, held and failed mail, intake health and the backlog', async () => {
    const { rendered } = await buildOmbudsmanDigest(t.database.db, deps(t));
    const text = rendered.text;

    expect(numbersIn(section(text, 'New appeals since No. 0'))).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(numbersIn(section(text, 'Awaiting your triage decision'))).toEqual([n.pending]);
    expect(section(text, 'Awaiting your triage decision')).toContain(
      `$ senim triage ${n.pending} --in CATEGORY`,
    );
    expect(section(text, 'Awaiting your triage decision')).toContain(
      'triage evidence: no keyword matched',
    );
    // Due within 3 working days of 22 October: to 28 October (26 October is a holiday).
    expect(section(text, 'Due by 2026-10-28')).toBeTruthy();
    expect(numbersIn(section(text, 'Due by 2026-10-28'))).toEqual([n.extended]);
    expect(numbersIn(section(text, 'Overdue'))).toEqual([n.overdue]);
    expect(section(text, 'Overdue')).toContain(`$ senim case show ${n.overdue}`);
    expect(section(text, 'Held as spam-flagged')).toContain(`$ senim held release ${heldId}`);
    expect(section(text, 'Held as spam-flagged')).toContain('spam-header:X-Spam-Flag');
    expect(section(text, 'Outgoing mail that failed')).toContain(
      `Outgoing mail ${failedId} (acknowledgement)`,
    );
    expect(section(text, 'Outgoing mail that failed')).toContain(`$ senim case show ${n.dueFar}`);
    expect(numbersIn(section(text, 'Registered from the backlog'))).toEqual([n.backlog]);
    expect(section(text, 'Mail intake')).toContain('imap: last successful poll 2026-10-22 08:55');
    expect(section(text, 'Mail intake')).toContain('imap: the credentials expire in 3 day(s)');
    expect(text).toMatch(/Journal head: No\. 7, sha256 [0-9a-f]{64}/);
    expect(rendered.subject).toBe(
      'Senim digest 2026-10-22: 7 new, 1 to triage, 1 due soon, 1 overdue, 1 held, 1 failed mail',
    );
  });

  it('caps the brief content at about 200 characters and escapes it in HTML', async () => {
    const { rendered } = await buildOmbudsmanDigest(t.database.db, deps(t));
    const quoted = /«([^»]*<script>[^»]*)»/.exec(rendered.text)?.[1] ?? '';
    expect([...quoted].length).toBeLessThanOrEqual(CONTENT_CAP);
    expect(quoted.endsWith('…')).toBe(true);
    expect(rendered.html).not.toContain('<script>');
    expect(rendered.html).toContain('&lt;script&gt;');
    expect(brief('a\u202Eb\r\nc\u0000d')).toBe('a b c d');
  });

  it('sends once per working day and counts as new only what came after the last digest', async () => {
    const first = await sendOmbudsmanDigest(deps(t), '2026-10-22');
    expect(first).toMatchObject({ queued: true, held: false });
    expect((await sendOmbudsmanDigest(deps(t), '2026-10-22')).queued).toBe(false);
    const eighth = await register(t, {
      receivedAt: at('2026-10-22T12:00'),
      dueDate: '2026-11-13',
      content: 'afternoon call',
    });
    const next = await buildOmbudsmanDigest(t.database.db, deps(t, at('2026-10-23T09:00')));
    expect(numbersIn(section(next.rendered.text, 'New appeals since No. 7'))).toEqual([eighth]);
  });
});
