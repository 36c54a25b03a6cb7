/**
 * The inbound SMTP listener: 250 only after commit, 4xx on any failure (the sending MTA keeps the
 * message), 552 over the size limit, 550 for a recipient outside our domain (never a relay).
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgres, rows, type Database } from '../src/db/database.js';
import { readHealth } from '../src/ingest/health.repository.js';
import { createIntake } from '../src/ingest/intake.usecases.js';
import {
  acceptsRecipient,
  startSmtpListener,
  type SmtpListener,
} from '../src/ingest/smtp.source.js';
import { silentLogger } from '../src/log.js';
import { engines, postgresEngine, type TestDatabase } from './helpers/engines.js';
import { FROM, intakeDeps } from './helpers/intake.js';

const MAX_BYTES = 64 * 1024;

function appeal(tag: string, padding = 0): string {
  return [
    'From: Appellant <person@example.kz>',
    `To: ${FROM}`,
    `Subject: Appeal ${tag}`,
    'Date: Mon, 23 Nov 2026 10:00:00 +0500',
    `Message-ID: <${tag}.${randomBytes(4).toString('hex')}@example.kz>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    `The foreman at CHP-2 demands money for access to work (${tag}).`,
    ...Array.from({ length: padding }, () => 'x'.repeat(76)),
    '',
  ].join('\r\n');
}

async function listen(database: Database, t: TestDatabase): Promise<SmtpListener> {
  const now = () => new Date();
  return startSmtpListener({
    listen: { host: '127.0.0.1', port: 0, maxBytes: MAX_BYTES },
    from: FROM,
    intake: createIntake(intakeDeps({ ...t, database }, { now })),
    database,
    log: silentLogger,
    now,
  });
}

function send(port: number, raw: string, to = FROM) {
  const transport = nodemailer.createTransport({
    host: '127.0.0.1',
    port,
    secure: false,
    ignoreTLS: true,
  });
  return transport
    .sendMail({ envelope: { from: 'mta@relay.ales.kz', to: [to] }, raw })
    .finally(() => transport.close());
}

async function failureOf(p: Promise<unknown>): Promise<{ responseCode?: number } | null> {
  return p.then(
    () => null,
    (error: { responseCode?: number }) => error,
  );
}

async function count(database: Database, table: 'messages' | 'entries'): Promise<number> {
  const [row] = await rows<{ n: string | number }>(
    database.db,
    sql`select count(*) as n from ${sql.identifier(table)}`,
  );
  return Number(row?.n ?? 0);
}

describe.each(engines)('inbound SMTP on $name', (engine) => {
  let t: TestDatabase;
  let listener: SmtpListener;
  beforeAll(async () => {
    t = await engine.open();
    listener = await listen(t.database, t);
  });
  afterAll(async () => {
    await listener?.stop();
    await t?.dispose();
  });

  it('answers 250 only once the appeal has committed, with the SMTP receipt time', async () => {
    const before = Date.now();
    const info = await send(listener.port, appeal('committed'));
    // The moment the client has its 250, the message and its entry are in the database.
    expect(info.response).toMatch(/^250 /);
    const [message] = await rows<{ source: string; received_at: Date | string; status: string }>(
      t.database.db,
      sql`select source, received_at, status from messages`,
    );
    expect(message?.source).toBe('smtp');
    expect(message?.status).toBe('registered');
    const receivedAt = new Date(message!.received_at).getTime();
    expect(receivedAt).toBeGreaterThanOrEqual(before - 1000);
    expect(receivedAt).toBeLessThanOrEqual(Date.now());
    expect(await count(t.database, 'entries')).toBe(1);
    const health = await readHealth(t.database.db);
    expect(health.find((h) => h.source === 'smtp')?.lastSuccessAt).toBeInstanceOf(Date);
  });

  it('a re-delivery by the MTA is one entry', async () => {
    const raw = appeal('twice');
    await send(listener.port, raw);
    const entries = await count(t.database, 'entries');
    const info = await send(listener.port, raw);
    expect(info.response).toMatch(/^250 /);
    expect(await count(t.database, 'entries')).toBe(entries);
  });

  it('refuses a message over the size limit with 552 and registers nothing', async () => {
    const before = await count(t.database, 'messages');
    const error = await failureOf(send(listener.port, appeal('huge', 2000)));
    expect(error?.responseCode).toBe(552);
    expect(await count(t.database, 'messages')).toBe(before);
  });

  it('refuses to relay to another domain with 550', async () => {
    const before = await count(t.database, 'messages');
    const error = await failureOf(send(listener.port, appeal('relay'), 'someone@gmail.com'));
    expect(error?.responseCode).toBe(550);
    expect(await count(t.database, 'messages')).toBe(before);
  });
});

describe('inbound SMTP when the database fails', () => {
  it('answers 4xx so the MTA keeps the message, and registers it when it comes back', async () => {
    const t = await postgresEngine.open();
    const doomed = await openPostgres(t.url!);
    const listener = await listen(doomed, t);
    const raw = appeal('retry');
    try {
      await doomed.close();
      const error = await failureOf(send(listener.port, raw));
      expect(error?.responseCode).toBeGreaterThanOrEqual(400);
      expect(error?.responseCode).toBeLessThan(500);
      expect(await count(t.database, 'messages')).toBe(0);
    } finally {
      await listener.stop();
    }
    // The MTA retries later against a working database: registered once.
    const again = await listen(t.database, t);
    try {
      expect((await send(again.port, raw)).response).toMatch(/^250 /);
      expect(await count(t.database, 'entries')).toBe(1);
    } finally {
      await again.stop();
      await t.dispose();
    }
  });
});

describe('recipient policy', () => {
  it('accepts only addresses at our own domain', () => {
    expect(acceptsRecipient('ombudsman@ales.kz', FROM)).toBe(true);
    expect(acceptsRecipient('Ombudsman@ALES.KZ', FROM)).toBe(true);
    expect(acceptsRecipient('someone@gmail.com', FROM)).toBe(false);
    expect(acceptsRecipient('ombudsman@ales.kz.evil.com', FROM)).toBe(false);
    expect(acceptsRecipient('ombudsman', FROM)).toBe(false);
  });
});
