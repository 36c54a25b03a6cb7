import { Writable } from 'node:stream';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadCaseView, renderCaseView } from '../src/cases/case-view.js';
import { eventsOf } from '../src/cases/journal.repository.js';
import { rows } from '../src/db/database.js';
import { messages, outbox } from '../src/db/schema.js';
import { classifyMail } from '../src/ingest/classify.js';
import { judgeReport, readDeliveryReport, readReportParts } from '../src/ingest/delivery-report.js';
import { createIntake } from '../src/ingest/intake.usecases.js';
import type { Intake } from '../src/ingest/intake.port.js';
import { parseMail } from '../src/ingest/parse.js';
import { createAnswers } from '../src/notify/answers.js';
import { deliverDue, type MailTransport } from '../src/notify/delivery.js';
import { bounceMarksMail, reportedMail, type OutgoingMail } from '../src/notify/outbox.models.js';
import { findOutbox } from '../src/notify/outbox.repository.js';
import { buildOmbudsmanDigest } from '../src/notify/reports.usecases.js';
import { answersConfig } from './helpers/answers.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { eml, entryCount, FROM, imap, intakeDeps, NOW } from './helpers/intake.js';
import { reportDeps } from './helpers/reports.js';

const APPELLANT = 'aigerim.k@nursat.kz';
const SWEEP = path.resolve(import.meta.dirname, 'fixtures/bounce');

interface DsnSpec {
  /** the Message-ID of the mail the report is about */
  original: string;
  action?: string;
  status?: string;
  /** how the original is attached */
  attach?: 'headers' | 'message' | 'none';
  inReplyTo?: string;
  references?: string;
  /** the report's own Message-ID (a second copy of the same bounce from another relay) */
  messageId?: string;
}

/** A delivery-status notification as Postfix and Gmail write them, about `original`. */
function dsn(spec: DsnSpec): Buffer {
  const boundary = `b_${randomBytes(6).toString('hex')}`;
  const action = spec.action ?? 'failed';
  const status = spec.status ?? '5.1.1';
  const originalHeaders = [
    `From: ${FROM}`,
    `To: ${APPELLANT}`,
    'Subject: =?utf-8?B?0J7QsdGA0LDRidC10L3QuNC1INC30LDRgNC10LPQuNGB0YLRgNC40YDQvtCy0LDQvdC+?=',
    `Message-ID: ${spec.original}`,
    'Auto-Submitted: auto-replied',
  ];
  const attached =
    spec.attach === 'none'
      ? []
      : spec.attach === 'message'
        ? [
            `--${boundary}`,
            'Content-Type: message/rfc822',
            '',
            ...originalHeaders,
            'Content-Type: text/plain; charset=utf-8',
            '',
            'Ваше обращение зарегистрировано.',
            '',
          ]
        : [`--${boundary}`, 'Content-Type: text/rfc822-headers', '', ...originalHeaders, ''];
  const lines = [
    'Return-Path: <>',
    'From: Mail Delivery System <MAILER-DAEMON@mx.nursat.kz>',
    `To: ${FROM}`,
    action === 'delayed'
      ? 'Subject: Delivery Status Notification (Delay)'
      : 'Subject: Undelivered Mail Returned to Sender',
    'Date: Thu, 19 Nov 2026 13:58:29 +0500',
    `Message-ID: ${spec.messageId ?? `<${randomBytes(6).toString('hex')}@mx.nursat.kz>`}`,
    ...(spec.inReplyTo ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    ...(spec.references ? [`References: ${spec.references}`] : []),
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset=us-ascii',
    '',
    'This is the mail system at host mx.nursat.kz.',
    `<${APPELLANT}>: host mx.nursat.kz said: 550 5.1.1 <${APPELLANT}>: User unknown`,
    '',
    `--${boundary}`,
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.nursat.kz',
    'Arrival-Date: Thu, 19 Nov 2026 13:58:27 +0500',
    '',
    `Final-Recipient: rfc822; ${APPELLANT}`,
    `Original-Recipient: rfc822;${APPELLANT}`,
    `Action: ${action}`,
    `Status: ${status}`,
    `Diagnostic-Code: smtp; 550 5.1.1 <${APPELLANT}>: Recipient address rejected: User unknown`,
    '',
    ...attached,
    `--${boundary}--`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

/** The sweep's Exchange NDR (multipart/mixed, no DSN part) with our Message-ID put in. */
function exchangeNdr(original: string): Buffer {
  const text = readFileSync(path.join(SWEEP, 'exchange-ndr-multipart-mixed.eml'), 'latin1');
  return Buffer.from(text.replace('<senim.ack.2.0000@ales.kz>', original), 'latin1');
}

describe('what a bounce reports (pure)', () => {
  it('reads a failure, its status and the Message-ID of the attached headers', async () => {
    expect(await readDeliveryReport(dsn({ original: '<senim.ack.3.abc@ales.kz>' }))).toEqual({
      outcome: 'failed',
      status: '5.1.1',
      originals: ['<senim.ack.3.abc@ales.kz>'],
    });
    const attached = dsn({ original: '<senim.ack.3.abc@ales.kz>', attach: 'message' });
    expect((await readDeliveryReport(attached))?.originals).toEqual(['<senim.ack.3.abc@ales.kz>']);
  });

  it('reads a delay as a delay, and a report of neither (a read receipt) as nothing', async () => {
    const delay = dsn({ original: '<a@ales.kz>', action: 'delayed', status: '4.4.1' });
    expect(await readDeliveryReport(delay)).toMatchObject({ outcome: 'delayed', status: '4.4.1' });
    const relayed = dsn({ original: '<a@ales.kz>', action: 'relayed', status: '2.0.0' });
    expect(await readDeliveryReport(relayed)).toBeNull();
  });

  it('ranks the attached original above In-Reply-To, and never reads References', async () => {
    const report = await readDeliveryReport(
      dsn({
        original: '<senim.ack.3.abc@ales.kz>',
        inReplyTo: '<senim.ack.9.xyz@ales.kz>',
        references: '<senim.ack.7.old@ales.kz>',
      }),
    );
    expect(report?.originals).toEqual(['<senim.ack.3.abc@ales.kz>', '<senim.ack.9.xyz@ales.kz>']);
    const headersOnly = await readDeliveryReport(
      dsn({ original: '<x@y>', attach: 'none', references: '<senim.ack.7.old@ales.kz>' }),
    );
    expect(headersOnly?.originals).toEqual([]);
  });

  it('takes an Exchange NDR without a DSN part as failed only when its text has a 5.x.x code', async () => {
    const raw = exchangeNdr('<senim.ack.4.q@ales.kz>');
    const parsed = await parseMail(raw);
    expect(
      classifyMail(parsed, { ownAddresses: [FROM], dmarcFailBlocks: true }).kind,
      'Exchange marks its NDRs',
    ).toBe('bounce');
    expect(await readDeliveryReport(raw)).toEqual({
      outcome: 'failed',
      status: '5.1.10',
      originals: ['<senim.ack.4.q@ales.kz>'],
    });
    const parts = await readReportParts(raw);
    expect(judgeReport({ ...parts, ownText: ['Server 10.5.1.10 said no'] })).toBeNull();
  });

  it('ignores status codes and Message-IDs that are not well formed', async () => {
    const report = await readDeliveryReport(
      dsn({ original: '<a b@evil>', status: '5.1.1; DROP TABLE outbox' }),
    );
    expect(report).toEqual({ outcome: 'failed', status: null, originals: [] });
  });

  it('marks only our mail named exactly, sent and not marked before, and only on a failure', () => {
    const ours = [
      { messageId: '<senim.ack.1.a@ales.kz>' },
      { messageId: '<senim.ack.2.b@ales.kz>' },
    ];
    expect(reportedMail(['<other@x>', '<senim.ack.2.b@ales.kz>'], ours)).toBe(ours[1]);
    expect(reportedMail(['<SENIM.ACK.1.A@ales.kz>'], ours)).toBeNull();
    expect(bounceMarksMail('failed', { status: 'sent', bouncedAt: null })).toBe(true);
    expect(bounceMarksMail('delayed', { status: 'sent', bouncedAt: null })).toBe(false);
    expect(bounceMarksMail('failed', { status: 'queued', bouncedAt: null })).toBe(false);
    expect(bounceMarksMail('failed', { status: 'failed', bouncedAt: NOW })).toBe(false);
  });
});

/** JSON log lines, to check that no address or diagnostic text reaches them. */
function capturingLogger() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { log: pino({ level: 'debug' }, sink), lines };
}

describe.each(engines)('a bounce of our mail, on $name', (engine) => {
  let t: TestDatabase;
  let intake: Intake;
  let logs: string[];
  let sent: OutgoingMail[];
  let uid = 0;

  beforeEach(async () => {
    t = await engine.open();
    const captured = capturingLogger();
    logs = captured.lines;
    const answers = createAnswers({
      vault: t.vault,
      config: answersConfig(),
      now: () => NOW,
      redirects: () => null,
      log: captured.log,
    });
    intake = createIntake(intakeDeps(t, { answers, log: captured.log }));
    sent = [];
    uid = 0;
  });

  afterEach(async () => {
    await t?.dispose();
  });

  const transport: MailTransport = {
    kind: 'smtp',
    send: (mail) => {
      sent.push(mail);
      return Promise.resolve();
    },
    close: () => {},
  };

  /** An appeal registered and its acknowledgement accepted by the relay; the sent mail. */
  async function answeredAppeal(): Promise<{ entry: number; ack: OutgoingMail; outboxId: number }> {
    const outcome = await intake.accept(imap(eml({ from: `Айгерим <${APPELLANT}>` }), ++uid));
    expect(outcome.kind).toBe('registered');
    const delivered = await deliverDue({
      database: t.database,
      vault: t.vault,
      transport,
      now: () => NOW,
      log: pino({ level: 'silent' }),
    });
    expect(delivered.sent).toBe(1);
    const ack = sent.at(-1)!;
    const [row] = await t.database.db
      .select()
      .from(outbox)
      .where(eq(outbox.messageId, ack.messageId));
    return { entry: (outcome as { entryNumber: number }).entryNumber, ack, outboxId: row!.id };
  }

  async function notesOf(id: number): Promise<string[]> {
    const [row] = await t.database.db.select().from(messages).where(eq(messages.id, id));
    return row!.notes;
  }

  it('marks the acknowledgement failed, records answer-bounced with the status code only, and answers nothing', async () => {
    const { entry, ack, outboxId } = await answeredAppeal();
    const outcome = await intake.accept(imap(dsn({ original: ack.messageId }), ++uid));

    expect(outcome).toMatchObject({ kind: 'recorded', reason: 'content-type:multipart/report' });
    expect(await entryCount(t)).toBe(1);
    const row = await findOutbox(t.database.db, outboxId);
    expect(row).toMatchObject({
      status: 'failed',
      bounceStatus: '5.1.1',
      lastError: 'bounced: 5.1.1',
    });
    expect(row!.bouncedAt).toEqual(NOW);
    expect(row!.sentAt).toEqual(NOW);
    const bounced = (await eventsOf(t.database.db, entry)).filter(
      (e) => e.kind === 'answer-bounced',
    );
    expect(bounced.map((e) => e.payload)).toEqual([
      { kind: 'acknowledgement', outboxId, status: '5.1.1' },
    ]);
    expect(await notesOf(outcome.messageId)).toEqual(
      expect.arrayContaining(['delivery-report:failed:5.1.1', `bounce-of:outbox:${outboxId}`]),
    );
    // nothing queued to the MAILER-DAEMON, and no personal data in the logs
    const [queued] = await rows<{ n: number }>(
      t.database.db,
      sql`select count(*)::int as n from outbox`,
    );
    expect(Number(queued!.n)).toBe(1);
    expect(logs.join('\n')).not.toMatch(/nursat|aigerim|User unknown/i);
    expect(logs.join('\n')).toContain('outgoing mail bounced');
  });

  it('shows the returned answer in the Ombudsman digest and in case show', async () => {
    const { entry, ack, outboxId } = await answeredAppeal();
    await intake.accept(imap(dsn({ original: ack.messageId, status: '5.2.2' }), ++uid));

    const { rendered } = await buildOmbudsmanDigest(t.database.db, reportDeps(t, NOW));
    const failed = rendered.text.slice(
      rendered.text.indexOf('Исходящие письма, которые не удалось'),
    );
    expect(failed).toContain(`Исходящее письмо ${outboxId} (подтверждение получения)`);
    expect(failed).toContain('возвращено сервером получателя (код 5.2.2)');
    expect(failed).toContain(`senim case show ${entry}`);
    expect(rendered.text).toContain('не отправлено писем: 1');
    expect(rendered.text).toContain('алушының сервері қайтарды (код 5.2.2)');
    expect(rendered.text).not.toContain(APPELLANT);

    const view = renderCaseView(await loadCaseView(t.database.db, t.vault, entry), 'Asia/Almaty');
    expect(view).toMatch(/Answer delivery: +acknowledgement RETURNED undelivered .*\(5\.2\.2\)/);
    expect(view).toMatch(/#\d+ answer-bounced: .*status=5\.2\.2/);
  });

  it('changes nothing the second time: the same bounce again, or another copy of it', async () => {
    const { entry, ack, outboxId } = await answeredAppeal();
    const bounce = dsn({ original: ack.messageId, messageId: '<b1@mx.nursat.kz>' });
    await intake.accept(imap(bounce, ++uid));
    const before = await findOutbox(t.database.db, outboxId);

    expect((await intake.accept(imap(bounce, ++uid))).kind).toBe('duplicate');
    const copy = await intake.accept(
      imap(
        dsn({ original: ack.messageId, messageId: '<b2@mx2.nursat.kz>', status: '5.7.1' }),
        ++uid,
      ),
    );
    expect(copy.kind).toBe('recorded');
    expect(await findOutbox(t.database.db, outboxId)).toEqual(before);
    const events = await eventsOf(t.database.db, entry);
    expect(events.filter((e) => e.kind === 'answer-bounced')).toHaveLength(1);
  });

  it('notes a delay notice and changes nothing', async () => {
    const { entry, ack, outboxId } = await answeredAppeal();
    const outcome = await intake.accept(
      imap(
        dsn({ original: ack.messageId, action: 'delayed', status: '4.4.1', attach: 'message' }),
        ++uid,
      ),
    );
    expect(outcome.kind).toBe('recorded');
    expect(await findOutbox(t.database.db, outboxId)).toMatchObject({
      status: 'sent',
      bouncedAt: null,
    });
    expect((await eventsOf(t.database.db, entry)).map((e) => e.kind)).not.toContain(
      'answer-bounced',
    );
    expect(await notesOf(outcome.messageId)).toEqual(
      expect.arrayContaining(['delivery-report:delayed:4.4.1', `bounce-of:outbox:${outboxId}`]),
    );
  });

  it('ignores a bounce that names a Message-ID not ours, or ours only in References', async () => {
    const { entry, ack, outboxId } = await answeredAppeal();
    const unknown = await intake.accept(
      imap(dsn({ original: '<senim.ack.1.forged@ales.kz>', references: ack.messageId }), ++uid),
    );
    expect(unknown.kind).toBe('recorded');
    expect(await notesOf(unknown.messageId)).toContain('bounce-of:unknown');
    expect(await findOutbox(t.database.db, outboxId)).toMatchObject({
      status: 'sent',
      bouncedAt: null,
    });
    expect((await eventsOf(t.database.db, entry)).map((e) => e.kind)).not.toContain(
      'answer-bounced',
    );
  });

  it('does not mark mail that has not gone out yet', async () => {
    const outcome = await intake.accept(imap(eml({ from: APPELLANT }), ++uid));
    expect(outcome.kind).toBe('registered');
    const [row] = await t.database.db.select().from(outbox);
    await intake.accept(imap(dsn({ original: row!.messageId }), ++uid));
    expect(await findOutbox(t.database.db, row!.id)).toMatchObject({
      status: 'queued',
      bouncedAt: null,
    });
  });

  it('ties an Exchange NDR without a DSN part by its attached original', async () => {
    const { entry, ack, outboxId } = await answeredAppeal();
    const outcome = await intake.accept(imap(exchangeNdr(ack.messageId), ++uid));
    expect(outcome).toMatchObject({ kind: 'recorded', reason: 'x-ms-exchange-message-is-ndr' });
    expect(await entryCount(t)).toBe(1);
    expect(await findOutbox(t.database.db, outboxId)).toMatchObject({
      status: 'failed',
      bounceStatus: '5.1.10',
    });
    const events = await eventsOf(t.database.db, entry);
    expect(events.filter((e) => e.kind === 'answer-bounced')).toHaveLength(1);
  });
});
