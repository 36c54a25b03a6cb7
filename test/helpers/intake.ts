/** Shared by the intake, case-view and held suites: intake deps on a test database, and mail. */
import type { AnswerContext, AnswerPort } from '../../src/cases/answer.port.js';
import { createCalendar } from '../../src/cases/calendar.js';
import type { RegisteredAppeal } from '../../src/cases/register.usecases.js';
import type { IntakeDeps } from '../../src/ingest/intake.usecases.js';
import type { RawMessage } from '../../src/ingest/intake.port.js';
import type { Vault } from '../../src/db/vault.js';
import { silentLogger } from '../../src/log.js';
import { queueMail } from '../../src/notify/outbox.repository.js';
import { recordDeliveryReport } from '../../src/notify/bounces.usecases.js';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { rows } from '../../src/db/database.js';
import { createIntake } from '../../src/ingest/intake.usecases.js';
import type { Intake } from '../../src/ingest/intake.port.js';
import type { Engine, TestDatabase } from './engines.js';

export const NOW = new Date('2026-11-20T06:00:00.000Z');
export const FROM = 'ombudsman@ales.kz';
const DAY = 86_400_000;
export const daysAgo = (n: number) => new Date(NOW.getTime() - n * DAY);

export const FIXTURES = path.resolve(import.meta.dirname, '../fixtures/mail');
export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

export async function entryCount(t: TestDatabase): Promise<number> {
  const [row] = await rows<{ n: number }>(
    t.database.db,
    sql`select count(*)::int as n from entries`,
  );
  return Number(row!.n);
}

export interface AnswerCall {
  entryNumber: number;
  context: AnswerContext;
  /** the Message-ID our acknowledgement went out with */
  messageId: string;
}

/** Stands in for notify's answer port: queues a plain acknowledgement in the outbox and records the call. */
export function recordingAnswers(vault: Vault): AnswerPort & { calls: AnswerCall[] } {
  const calls: AnswerCall[] = [];
  return {
    calls,
    async afterRegistration(tx, appeal: RegisteredAppeal, context) {
      const queued = await queueMail(
        tx,
        { vault, from: FROM, now: NOW },
        {
          dedupeKey: `ack:${appeal.number}`,
          kind: 'ack',
          to: context.to,
          subject: `Обращение № ${appeal.number} зарегистрировано`,
          text: 'ack',
          html: '<p>ack</p>',
          entryNumber: appeal.number,
          automatic: context.automatic,
          inReplyTo: context.inReplyTo ?? null,
          references: context.references ?? [],
        },
      );
      calls.push({ entryNumber: appeal.number, context, messageId: queued.messageId });
    },
    afterDeliveryReport: (tx, report) => recordDeliveryReport(tx, { now: () => NOW }, report),
  };
}

export function intakeDeps(t: TestDatabase, overrides: Partial<IntakeDeps> = {}): IntakeDeps {
  return {
    database: t.database,
    vault: t.vault,
    calendar: createCalendar({ timeZone: 'Asia/Almaty' }),
    config: {
      answerMaxAgeDays: 14,
      maxMessageBytes: 52_428_800,
      from: FROM,
      spamHeaders: true,
      dmarcFailBlocks: true,
      dueWorkingDays: 15,
    },
    log: silentLogger,
    now: () => NOW,
    ...overrides,
  };
}

/** A fresh database of `engine` and an intake on it whose answers are recorded; dispose `t` after. */
export async function openIntake(engine: Engine): Promise<{
  t: TestDatabase;
  intake: Intake;
  answers: ReturnType<typeof recordingAnswers>;
}> {
  const t = await engine.open();
  const answers = recordingAnswers(t.vault);
  return { t, intake: createIntake(intakeDeps(t, { answers })), answers };
}

let serial = 0;

export interface MailSpec {
  from?: string | null;
  subject?: string;
  text?: string;
  messageId?: string | null;
  inReplyTo?: string;
  references?: string;
  date?: string;
  headers?: string[];
}

/** A small, valid RFC 5322 message. */
export function eml(spec: MailSpec = {}): Buffer {
  serial += 1;
  const lines = [
    ...(spec.headers ?? []),
    ...(spec.from === null ? [] : [`From: ${spec.from ?? 'Асель Нурланова <asel.n@example.kz>'}`]),
    `To: ${FROM}`,
    `Subject: =?UTF-8?B?${Buffer.from(spec.subject ?? 'Жалоба').toString('base64')}?=`,
    `Date: ${spec.date ?? 'Wed, 18 Nov 2026 10:00:00 +0500'}`,
    ...(spec.messageId === null
      ? []
      : [`Message-ID: ${spec.messageId ?? `<m${serial}.${Date.now()}@example.kz>`}`]),
    ...(spec.inReplyTo ? [`In-Reply-To: ${spec.inReplyTo}`] : []),
    ...(spec.references ? [`References: ${spec.references}`] : []),
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    spec.text ?? `Мастер участка на ТЭЦ-2 требует деньги за допуск к работе. Письмо ${serial}.`,
    '',
  ];
  return Buffer.from(lines.join('\r\n'), 'utf8');
}

export function imap(
  raw: Buffer,
  uid: number,
  receivedAt = daysAgo(1),
  uidValidity = 1,
  mailbox = 'INBOX',
): RawMessage {
  return { raw, receivedAt, origin: { source: 'imap', mailbox, uidValidity, uid } };
}

export function smtp(raw: Buffer, receivedAt = daysAgo(1)): RawMessage {
  return { raw, receivedAt, origin: { source: 'smtp' } };
}
