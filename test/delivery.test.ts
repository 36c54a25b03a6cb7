import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { simpleParser, type ParsedMail } from 'mailparser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { outbox } from '../src/db/schema.js';
import { silentLogger } from '../src/log.js';
import {
  createTransport,
  deliverDue,
  startDelivery,
  type DeliveryDeps,
  type MailTransport,
} from '../src/notify/delivery.js';
import {
  claimDue,
  findOutbox,
  listFailed,
  openMail,
  queueMail,
  type QueuedMail,
} from '../src/notify/outbox.repository.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { freePort, waitUntil } from './services/index.js';
import { startSink } from './helpers/smtp-sink.js';

const T0 = new Date('2026-10-05T04:30:00.000Z');
const MIN = 60_000;

let serial = 0;
function mail(overrides: Partial<QueuedMail> = {}): QueuedMail {
  serial += 1;
  return {
    dedupeKey: `delivery:${serial}`,
    kind: 'ack',
    to: 'aigerim.n@example.kz',
    subject: 'Обращение № 12 зарегистрировано',
    text: 'Обращение зарегистрировано.',
    html: '<p>Обращение зарегистрировано.</p>',
    automatic: true,
    inReplyTo: '<orig@mail.example.kz>',
    references: ['<root@mail.example.kz>'],
    ...overrides,
  };
}

describe.each(engines)('delivery on $name', (engine) => {
  let t: TestDatabase;
  let sink: Awaited<ReturnType<typeof startSink>>;
  let transport: MailTransport;
  let clock: Date;
  let deps: DeliveryDeps;

  const queue = (m: QueuedMail = mail()) =>
    t.database.db.transaction((tx) =>
      queueMail(tx, { vault: t.vault, from: 'ombudsman@ales.kz', now: clock }, m),
    );
  const row = async (id: number) => (await findOutbox(t.database.db, id))!;

  beforeAll(async () => {
    t = await engine.open();
    sink = await startSink();
    transport = createTransport({ smtpUrl: sink.url, dataDir: '/nonexistent' });
  });
  afterAll(async () => {
    transport?.close();
    await sink?.close();
    await t?.dispose();
  });
  beforeEach(async () => {
    await t.database.db.delete(outbox);
    sink.state.mode = 'accept';
    sink.state.delayMs = 0;
    sink.state.received = [];
    clock = T0;
    deps = { database: t.database, vault: t.vault, transport, now: () => clock, log: silentLogger };
  });

  it('sends a queued mail once, with its Message-ID, threading and auto-reply headers', async () => {
    const q = await queue();
    expect(await deliverDue(deps)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(await deliverDue(deps)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sink.state.received).toHaveLength(1);
    const got = sink.state.received[0]!;
    expect(got.rcpt).toEqual(['aigerim.n@example.kz']);
    const parsed = await simpleParser(got.raw);
    expect(parsed.messageId).toBe(q.messageId);
    expect(parsed.inReplyTo).toBe('<orig@mail.example.kz>');
    expect(parsed.references).toEqual(['<root@mail.example.kz>', '<orig@mail.example.kz>']);
    expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
    expect(parsed.headers.get('x-auto-response-suppress')).toBe('All');
    expect(parsed.subject).toBe('Обращение № 12 зарегистрировано');
    expect(parsed.text?.trim()).toBe('Обращение зарегистрировано.');
    expect(parsed.html).toContain('<p>Обращение зарегистрировано.</p>');
    expect((await row(q.id)).status).toBe('sent');
  });

  it('retries a 451 with backoff, the first retry within 30 seconds, then sends it once', async () => {
    const q = await queue();
    sink.state.mode = '451';
    expect(await deliverDue(deps)).toEqual({ sent: 0, retried: 1, failed: 0 });
    const first = await row(q.id);
    expect(first).toMatchObject({ status: 'queued', attempts: 1, lastError: 'smtp 451 EMESSAGE' });
    expect(first.nextAttemptAt.getTime() - T0.getTime()).toBeLessThanOrEqual(30_000);
    expect(first.firstFailedAt).toEqual(T0);

    clock = new Date(first.nextAttemptAt.getTime() - 1);
    expect(await deliverDue(deps)).toEqual({ sent: 0, retried: 0, failed: 0 });
    clock = first.nextAttemptAt;
    expect(await deliverDue(deps)).toEqual({ sent: 0, retried: 1, failed: 0 });
    const second = await row(q.id);
    expect(second.nextAttemptAt.getTime() - clock.getTime()).toBe(60_000);

    sink.state.mode = 'accept';
    clock = second.nextAttemptAt;
    expect(await deliverDue(deps)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sink.state.received.map((r) => r.messageId)).toEqual([q.messageId]);
  });

  it('retries a 421 greeting and a closed port as temporary failures', async () => {
    const q = await queue();
    sink.state.mode = '421';
    // a new connection: the shared transport's pooled session was greeted long ago
    const fresh = createTransport({ smtpUrl: sink.url, dataDir: '/x' });
    expect(await deliverDue({ ...deps, transport: fresh })).toEqual({
      sent: 0,
      retried: 1,
      failed: 0,
    });
    expect((await row(q.id)).lastError).toMatch(/^smtp 421/);
    fresh.close();

    const down = createTransport({
      smtpUrl: `smtp://127.0.0.1:${await freePort()}`,
      dataDir: '/x',
    });
    clock = new Date(T0.getTime() + MIN);
    expect(await deliverDue({ ...deps, transport: down })).toEqual({
      sent: 0,
      retried: 1,
      failed: 0,
    });
    const r = await row(q.id);
    expect(r).toMatchObject({ status: 'queued', attempts: 2, lastError: 'ESOCKET' });
    down.close();
  });

  it('marks a 550 as failed at once, lists it for the Ombudsman, and never retries it', async () => {
    const q = await queue(mail({ entryNumber: null, kind: 'redirect' }));
    sink.state.mode = '550';
    expect(await deliverDue(deps)).toEqual({ sent: 0, retried: 0, failed: 1 });
    const listed = await listFailed(t.database.db);
    expect(listed).toEqual([
      expect.objectContaining({
        id: q.id,
        kind: 'redirect',
        status: 'failed',
        lastError: 'smtp 550 EENVELOPE',
      }),
    ]);
    expect(JSON.stringify(listed)).not.toContain('example.kz');
    sink.state.mode = 'accept';
    clock = new Date(T0.getTime() + 10 * 86_400_000);
    expect(await deliverDue(deps)).toEqual({ sent: 0, retried: 0, failed: 0 });
    expect(sink.state.received).toEqual([]);
  });

  it('gives a mail up after three days of temporary failures', async () => {
    const q = await queue();
    sink.state.mode = '451';
    let failed = 0;
    for (let i = 0; i < 200 && failed === 0; i++) {
      const r = await deliverDue(deps);
      failed = r.failed;
      clock = (await row(q.id)).nextAttemptAt;
    }
    const r = await row(q.id);
    expect(r.status).toBe('failed');
    expect(r.lastError).toBe('gave up after 3 days: smtp 451 EMESSAGE');
    const days = (clock.getTime() - T0.getTime()) / 86_400_000;
    expect(days).toBeGreaterThanOrEqual(3);
    expect(days).toBeLessThan(3.1);
    // hourly once the cap is reached: about 80 attempts in three days, not thousands
    expect(r.attempts).toBeGreaterThan(60);
    expect(r.attempts).toBeLessThan(90);
  });

  it('retries a mail whose deliverer died before sending, once the lease has run out', async () => {
    const q = await queue();
    // A deliverer claims it and dies before talking to the server.
    await claimDue(t.database.db, { now: T0, limit: 10, leaseMs: 5 * MIN });
    clock = new Date(T0.getTime() + 4 * MIN);
    expect(await deliverDue(deps)).toEqual({ sent: 0, retried: 0, failed: 0 });
    clock = new Date(T0.getTime() + 5 * MIN);
    expect(await deliverDue(deps)).toEqual({ sent: 1, retried: 0, failed: 0 });
    expect(sink.state.received.map((r) => r.messageId)).toEqual([q.messageId]);
    expect((await row(q.id)).attempts).toBe(2);
  });

  it('repeats a mail whose deliverer died after the 250 with the very same Message-ID', async () => {
    const q = await queue();
    const [claimed] = await claimDue(t.database.db, { now: T0, limit: 10, leaseMs: 5 * MIN });
    await transport.send(await openMail(t.database.db, t.vault, claimed!)); // 250, then the crash
    clock = new Date(T0.getTime() + 5 * MIN);
    expect(await deliverDue(deps)).toEqual({ sent: 1, retried: 0, failed: 0 });
    const ids = sink.state.received.map((r) => r.messageId);
    expect(ids).toEqual([q.messageId, q.messageId]);
    const parsed = await Promise.all(sink.state.received.map((r) => simpleParser(r.raw)));
    const [a, b] = parsed as [ParsedMail, ParsedMail];
    expect(b.date).toEqual(a.date);
    expect(b.date).toEqual(T0);
    expect([b.subject, b.text, b.html]).toEqual([a.subject, a.text, a.html]);
  });

  it('never sends a mail twice when two deliverers drain the outbox at once', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++) ids.add((await queue(mail({ to: `a${i}@example.kz` }))).messageId);
    sink.state.delayMs = 5;
    clock = new Date();
    const others = await Promise.all([t.another(), t.another()]);
    try {
      // Two daemons: each its own connections and its own SMTP session.
      const drain = async (database: (typeof others)[number]) => {
        const own = createTransport({ smtpUrl: sink.url, dataDir: '/x' });
        let sent = 0;
        try {
          for (;;) {
            const r = await deliverDue({ ...deps, database, transport: own }, { limit: 4 });
            sent += r.sent;
            if (r.sent + r.retried + r.failed === 0) return sent;
          }
        } finally {
          own.close();
        }
      };
      const [a, b] = await Promise.all([drain(others[0]), drain(others[1])]);
      expect(a + b).toBe(60);
      // Separate servers' connections share the work; PGlite serialises one process's claims.
      if (engine.name === 'postgres') expect(Math.min(a, b)).toBeGreaterThan(0);
    } finally {
      await Promise.all(others.map((d) => d.close()));
    }
    const got = sink.state.received.map((r) => r.messageId);
    expect(got).toHaveLength(60);
    expect(new Set(got)).toEqual(ids);
  });

  it('wakes when notified and stops cleanly', async () => {
    clock = new Date();
    deps.now = () => new Date();
    const loop = startDelivery(deps, { intervalMs: 60_000 });
    try {
      await waitUntil('the first idle pass', () => true);
      const q = await queue(mail());
      loop.notify();
      await waitUntil('the mail to arrive', () => sink.state.received.length === 1, 5_000);
      expect(sink.state.received[0]!.messageId).toBe(q.messageId);
    } finally {
      await loop.stop();
    }
  });

  it('delivers a batch to the local sink at a useful rate', async () => {
    const n = 100;
    for (let i = 0; i < n; i++) await queue(mail({ to: `b${i}@example.kz` }));
    const started = performance.now();
    let sent = 0;
    while (sent < n) sent += (await deliverDue(deps, { limit: 25 })).sent;
    const perSecond = n / ((performance.now() - started) / 1000);
    console.info(`[figure] ${engine.name}: ${perSecond.toFixed(0)} deliveries/s to the local sink`);
    expect(sink.state.received).toHaveLength(n);
  });
});

describe('the file outbox', () => {
  it('writes each mail as an owner-only .eml named by its Message-ID, the same file on a retry', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'senim-outbox-'));
    try {
      const transport = createTransport({ smtpUrl: null, dataDir });
      expect(transport.kind).toBe('file');
      const mail = {
        from: 'ombudsman@ales.kz',
        to: 'aigerim.n@example.kz',
        subject: 'Обращение № 7 зарегистрировано',
        text: 'text part',
        html: '<p>html part</p>',
        messageId: '<senim.ack.7.abcDEF123@ales.kz>',
        inReplyTo: '<orig@mail.example.kz>',
        references: ['<orig@mail.example.kz>'],
        headers: { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' },
      };
      await transport.send(mail);
      await transport.send(mail);
      const dir = path.join(dataDir, 'outbox');
      expect(readdirSync(dir)).toEqual(['senim.ack.7.abcDEF123@ales.kz.eml']);
      const file = path.join(dir, 'senim.ack.7.abcDEF123@ales.kz.eml');
      expect(statSync(file).mode & 0o077).toBe(0);
      const parsed = await simpleParser(readFileSync(file));
      expect(parsed.messageId).toBe(mail.messageId);
      expect(parsed.headers.get('auto-submitted')).toBe('auto-replied');
      expect(parsed.subject).toBe(mail.subject);
      expect(parsed.text?.trim()).toBe('text part');
      expect(existsSync(`${file}.tmp`)).toBe(false);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('refuses at send time a stored recipient that is not one address', async () => {
    const transport = createTransport({ smtpUrl: null, dataDir: tmpdir() });
    await expect(
      transport.send({
        from: 'ombudsman@ales.kz',
        to: 'a@example.kz, b@example.kz',
        subject: 's',
        text: 't',
        html: 'h',
        messageId: '<x@ales.kz>',
        inReplyTo: null,
        references: [],
        headers: {},
      }),
    ).rejects.toMatchObject({ code: 'EENVELOPE' });
  });
});
