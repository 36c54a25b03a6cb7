import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema.js';
import { InputError } from '../src/errors.js';
import {
  classifySmtpError,
  FIRST_RETRY_MS,
  MAX_RETRY_MS,
  nextAttempt,
} from '../src/notify/outbox.models.js';
import {
  claimDue,
  counts,
  countRecentAutomatic,
  findOutbox,
  listFailed,
  markFailed,
  markRetry,
  markSent,
  openMail,
  queueMail,
  type QueuedMail,
} from '../src/notify/outbox.repository.js';
import { engines, type TestDatabase } from './helpers/engines.js';

const T0 = new Date('2026-10-05T04:30:00.000Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

let serial = 0;
function mail(overrides: Partial<QueuedMail> = {}): QueuedMail {
  serial += 1;
  return {
    dedupeKey: `test:${serial}`,
    kind: 'ack',
    to: 'aigerim.n@example.kz',
    subject: 'Обращение № 12 зарегистрировано',
    text: 'plain part',
    html: '<p>html part</p>',
    entryNumber: null,
    automatic: true,
    ...overrides,
  };
}

describe('the retry schedule', () => {
  it('retries the first temporary failure within 30 seconds', () => {
    const next = nextAttempt(1, T0, T0);
    expect(next!.getTime() - T0.getTime()).toBeLessThanOrEqual(30_000);
    expect(next!.getTime()).toBeGreaterThan(T0.getTime());
  });

  it('doubles the wait after each failure and caps it at one hour', () => {
    const waits = [1, 2, 3, 4, 8, 20, 60].map(
      (n) => nextAttempt(n, T0, T0)!.getTime() - T0.getTime(),
    );
    expect(waits.slice(0, 4)).toEqual([
      FIRST_RETRY_MS,
      2 * FIRST_RETRY_MS,
      4 * FIRST_RETRY_MS,
      8 * FIRST_RETRY_MS,
    ]);
    expect(waits.slice(4)).toEqual([MAX_RETRY_MS, MAX_RETRY_MS, MAX_RETRY_MS]);
  });

  it('gives up three days after the first failure', () => {
    expect(nextAttempt(70, T0, at(3 * DAY - MIN))).not.toBeNull();
    expect(nextAttempt(71, T0, at(3 * DAY))).toBeNull();
  });
});

describe('classifying SMTP failures', () => {
  it('treats 5xx replies as permanent', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 550 })).toBe('permanent');
    expect(classifySmtpError({ code: 'EMESSAGE', responseCode: 552 })).toBe('permanent');
  });

  it('treats 4xx replies, refused connections and timeouts as temporary', () => {
    expect(classifySmtpError({ code: 'EENVELOPE', responseCode: 451 })).toBe('temporary');
    expect(classifySmtpError({ code: 'EPROTOCOL', responseCode: 421 })).toBe('temporary');
    expect(classifySmtpError({ code: 'ESOCKET' })).toBe('temporary');
    expect(classifySmtpError({ code: 'ECONNECTION' })).toBe('temporary');
    expect(classifySmtpError({ code: 'ETIMEDOUT' })).toBe('temporary');
    expect(classifySmtpError(new Error('anything else'))).toBe('temporary');
  });

  it('keeps mail when our own credentials are refused, rather than failing every message', () => {
    expect(classifySmtpError({ code: 'EAUTH', responseCode: 535 })).toBe('temporary');
    expect(classifySmtpError({ code: 'EAUTH' })).toBe('temporary');
  });

  it('treats an envelope refused before any reply as permanent', () => {
    expect(classifySmtpError({ code: 'EENVELOPE' })).toBe('permanent');
  });
});

describe.each(engines)('the outbox on $name', (engine) => {
  let t: TestDatabase;
  const deps = () => ({ vault: t.vault, from: 'ombudsman@ales.kz', now: T0 });
  beforeAll(async () => {
    t = await engine.open();
  });
  afterAll(async () => {
    await t?.dispose();
  });

  it('queues a mail once per dedupe key and reports the second as a duplicate', async () => {
    const m = mail();
    const first = await t.database.db.transaction((tx) => queueMail(tx, deps(), m));
    const second = await t.database.db.transaction((tx) =>
      queueMail(tx, deps(), { ...m, subject: 'other' }),
    );
    expect(first.duplicate).toBe(false);
    expect(second).toEqual({ id: first.id, messageId: first.messageId, duplicate: true });
  });

  it('gives each mail a stable Message-ID of its own under our domain', async () => {
    const q = await queueMail(t.database.db, deps(), mail({ entryNumber: null, kind: 'ack' }));
    expect(q.messageId).toMatch(/^<senim\.ack\.0\.[A-Za-z0-9_-]{16}@ales\.kz>$/);
    const row = await findOutbox(t.database.db, q.id);
    expect(row!.messageId).toBe(q.messageId);
    expect((await openMail(t.database.db, t.vault, row!)).messageId).toBe(q.messageId);
  });

  it('stores the rendered mail sealed, with only a keyed hash of the recipient in clear', async () => {
    const q = await queueMail(t.database.db, deps(), mail({ to: 'Aigerim.N@Example.KZ' }));
    const row = (await findOutbox(t.database.db, q.id))!;
    const raw = row.mail.toString('latin1');
    expect(raw).not.toContain('example');
    expect(raw).not.toContain('plain part');
    expect(row.recipientHash).toBe(t.vault.blindIndex('aigerim.n@example.kz'));
    const stored = await openMail(t.database.db, t.vault, row);
    expect(stored).toMatchObject({
      from: 'ombudsman@ales.kz',
      to: 'Aigerim.N@example.kz',
      text: 'plain part',
      html: '<p>html part</p>',
      headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
    });
  });

  it('refuses a recipient that could add a header or a second recipient', async () => {
    for (const to of [
      'a@example.kz\r\nBcc: victim@example.kz',
      'a@example.kz\nSubject: x',
      'a@example.kz, b@example.kz',
      'a@example.kz; b@example.kz',
      'Name <a@example.kz>',
      '"a b"@example.kz',
      'a@[127.0.0.1]',
      'a@localhost',
      '',
    ]) {
      await expect(queueMail(t.database.db, deps(), mail({ to }))).rejects.toBeInstanceOf(
        InputError,
      );
    }
  });

  it('keeps only well-formed In-Reply-To and References, with the reply target last', async () => {
    const q = await queueMail(
      t.database.db,
      deps(),
      mail({
        inReplyTo: '<orig-1@mail.example.kz>',
        references: [
          '<root@mail.example.kz>',
          '<x@y>\r\nBcc: victim@example.kz',
          'bare@id.example',
        ],
      }),
    );
    const stored = await openMail(t.database.db, t.vault, (await findOutbox(t.database.db, q.id))!);
    expect(stored.inReplyTo).toBe('<orig-1@mail.example.kz>');
    expect(stored.references).toEqual([
      '<root@mail.example.kz>',
      '<bare@id.example>',
      '<orig-1@mail.example.kz>',
    ]);
    const hostile = await queueMail(t.database.db, deps(), mail({ inReplyTo: '<a@b>\nX-Evil: 1' }));
    const h = await openMail(
      t.database.db,
      t.vault,
      (await findOutbox(t.database.db, hostile.id))!,
    );
    expect(h.inReplyTo).toBeNull();
  });

  it('caps a subject to one header line whatever it was given', async () => {
    const q = await queueMail(
      t.database.db,
      deps(),
      mail({ subject: `x\r\nBcc: a@b.kz ${'й'.repeat(5000)}` }),
    );
    const stored = await openMail(t.database.db, t.vault, (await findOutbox(t.database.db, q.id))!);
    expect(stored.subject).not.toMatch(/[\r\n]/);
    expect(Array.from(stored.subject).length).toBeLessThanOrEqual(200);
  });

  it('holds a mail with no recipient, lists it, and never claims it', async () => {
    const q = await queueMail(
      t.database.db,
      deps(),
      mail({ to: '', hold: true, kind: 'report', automatic: false }),
    );
    expect((await findOutbox(t.database.db, q.id))!.status).toBe('held');
    const claimed = await claimDue(t.database.db, { now: at(10 * DAY), limit: 1000 });
    expect(claimed.map((r) => r.id)).not.toContain(q.id);
    expect((await listFailed(t.database.db)).find((f) => f.id === q.id)).toMatchObject({
      status: 'held',
      kind: 'report',
    });
    // claimed above: give them back
    for (const r of claimed) await markSent(t.database.db, r.id, at(10 * DAY));
  });

  it('leases a claimed mail so that it is not due again until the lease runs out', async () => {
    const q = await queueMail(t.database.db, deps(), mail());
    const first = await claimDue(t.database.db, { now: T0, limit: 10, leaseMs: 5 * MIN });
    expect(first.map((r) => r.id)).toContain(q.id);
    expect(first.find((r) => r.id === q.id)!.attempts).toBe(1);
    expect(await claimDue(t.database.db, { now: at(4 * MIN), limit: 10 })).toEqual([]);
    const again = await claimDue(t.database.db, { now: at(5 * MIN), limit: 10 });
    expect(again.find((r) => r.id === q.id)!.attempts).toBe(2);
    for (const r of again) await markSent(t.database.db, r.id, at(5 * MIN));
    expect((await findOutbox(t.database.db, q.id))!.status).toBe('sent');
  });

  it('keeps the first failure time across retries and lists permanent failures without addresses', async () => {
    const q = await queueMail(t.database.db, deps(), mail({ entryNumber: null }));
    await markRetry(t.database.db, q.id, { at: at(MIN), error: 'smtp 451', now: T0 });
    await markRetry(t.database.db, q.id, { at: at(3 * MIN), error: 'smtp 451', now: at(MIN) });
    expect((await findOutbox(t.database.db, q.id))!.firstFailedAt).toEqual(T0);
    await markFailed(t.database.db, q.id, { error: 'smtp 550 EENVELOPE', now: at(3 * MIN) });
    const listed = (await listFailed(t.database.db)).find((f) => f.id === q.id);
    expect(listed).toMatchObject({
      status: 'failed',
      lastError: 'smtp 550 EENVELOPE',
      firstFailedAt: T0,
    });
    expect(JSON.stringify(listed)).not.toContain('example.kz');
    // a failed mail is never sent afterwards
    await markSent(t.database.db, q.id, at(4 * MIN));
    expect((await findOutbox(t.database.db, q.id))!.status).toBe('failed');
  });

  it('counts automatic mails per recipient in the last 24 hours', async () => {
    const to = 'counted@example.kz';
    const hash = t.vault.blindIndex(to);
    await queueMail(t.database.db, { ...deps(), now: at(-25 * HOUR) }, mail({ to }));
    await queueMail(t.database.db, deps(), mail({ to }));
    await queueMail(t.database.db, deps(), mail({ to: 'COUNTED@example.kz' }));
    await queueMail(t.database.db, deps(), mail({ to, automatic: false }));
    expect(await countRecentAutomatic(t.database.db, hash, at(-DAY))).toBe(2);
  });

  it('counts the backlog by status', async () => {
    const c = await counts(t.database.db, at(10 * DAY));
    const all = await t.database.db.select().from(outbox);
    expect(c.queued + c.sent + c.failed + c.held).toBe(all.length);
    expect(c.held).toBeGreaterThanOrEqual(1);
    expect(c.failed).toBeGreaterThanOrEqual(1);
    expect(c.due).toBe(c.queued);
  });
});
