/**
 * Acceptance: 40 hand-written messages as real mail looks (Gmail, Outlook, Mail.ru, Yandex, iPhone;
 * windows-1251, KOI8-R, UTF-8; QP and base64; HTML-only; forwards, replies, out-of-office, bounces,
 * lists, spam) go through the real intake and answers on PGlite, in file order, as the SMTP
 * listener would hand them over. test/fixtures/acceptance/expected.json says what each appellant
 * wrote: the outcome, and the journal columns of every registered appeal (rules 4.14, Appendix 1).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCalendar } from '../src/cases/calendar.js';
import { exportRecords, type ExportRecord } from '../src/cases/journal.export.js';
import type { IntakeOutcome } from '../src/ingest/intake.port.js';
import { createIntake } from '../src/ingest/intake.usecases.js';
import { silentLogger } from '../src/log.js';
import { createAnswers } from '../src/notify/answers.js';
import { openMail } from '../src/notify/outbox.repository.js';
import { outbox } from '../src/db/schema.js';
import { answersConfig } from './helpers/answers.js';
import { pglite, type TestDatabase } from './helpers/engines.js';
import { FROM, NOW, daysAgo, intakeDeps } from './helpers/intake.js';

const DIR = join(import.meta.dirname, 'fixtures/acceptance');

interface Expected {
  outcome: 'registered' | 'attached' | 'recorded' | 'held';
  /** for 'attached': the file whose appeal this mail adds to */
  attachedTo?: string;
  language?: 'kk' | 'ru' | 'en';
  anonymous?: boolean;
  fullName?: string | null;
  address?: string | null;
  phone?: string | null;
  legalForm?: string | null;
  orgName?: string | null;
  replyAddress?: string | null;
  /** words the brief content must contain */
  content?: string;
  /** words it must not (signature, quoted history, a name the writer asked to withhold) */
  contentExcludes?: string[];
}

const expected = JSON.parse(readFileSync(join(DIR, 'expected.json'), 'utf8')) as Record<
  string,
  Expected
>;
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.eml'))
  .sort();

/** Names, addresses and text compared without case, punctuation or spacing. */
function norm(s: string | null | undefined): string {
  return (s ?? '')
    .toLowerCase()
    .replace(/ё/g, 'е')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}

const ACK_SUBJECT: Record<'kk' | 'ru' | 'en', (n: number) => string> = {
  en: (n) => `Appeal No. ${n} registered`,
  kk: (n) => `№ ${n} өтініш тіркелді`,
  ru: (n) => `Обращение № ${n} зарегистрировано`,
};

describe('acceptance: real-world mail through intake, journal and answers', () => {
  let t: TestDatabase;
  const outcomes = new Map<string, IntakeOutcome>();
  const records = new Map<number, ExportRecord>();
  const acks = new Map<number, { to: string; subject: string }[]>();
  const recipients: string[] = [];

  beforeAll(async () => {
    t = await pglite.open();
    const now = () => NOW;
    const answers = createAnswers({
      vault: t.vault,
      config: answersConfig({ from: FROM }),
      now,
      redirects: () => null,
      log: silentLogger,
    });
    const intake = createIntake(
      intakeDeps(t, { answers, calendar: createCalendar({ timeZone: 'Asia/Almaty' }) }),
    );
    for (const file of files) {
      const raw = readFileSync(join(DIR, file));
      outcomes.set(
        file,
        await intake.accept({ raw, receivedAt: daysAgo(1), origin: { source: 'smtp' } }),
      );
    }
    for await (const r of exportRecords(t.database.db, t.vault, { timeZone: 'Asia/Almaty' })) {
      records.set(r.number, r);
    }
    for (const row of await t.database.db.select().from(outbox)) {
      const mail = await openMail(t.database.db, t.vault, row);
      recipients.push(mail.to.toLowerCase());
      if (row.kind !== 'ack' || row.entryNumber === null) continue;
      const list = acks.get(row.entryNumber) ?? [];
      list.push({ to: mail.to, subject: mail.subject });
      acks.set(row.entryNumber, list);
    }
  }, 60_000);

  afterAll(async () => {
    await t?.dispose();
  });

  it('has an expectation for every message and a message for every expectation', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(expected).sort()).toEqual(files);
  });

  it.each(files)('%s', (file) => {
    const want = expected[file]!;
    const got = outcomes.get(file)!;
    const check = () => {
      expect(got.kind, 'outcome').toBe(want.outcome);
      if (got.kind === 'attached') {
        const target = outcomes.get(want.attachedTo!);
        expect(target?.kind).toBe('registered');
        expect(got.entryNumber).toBe(target?.kind === 'registered' ? target.entryNumber : -1);
      }
      if (got.kind !== 'registered') return;
      const r = records.get(got.entryNumber)!;
      for (const field of ['language', 'anonymous', 'phone', 'legalForm'] as const) {
        if (field in want) expect(r[field], field).toBe(want[field]);
      }
      for (const field of ['fullName', 'address', 'orgName', 'replyAddress'] as const) {
        if (field in want) expect(norm(r[field]), field).toBe(norm(want[field]));
      }
      if (want.content !== undefined) expect(norm(r.content)).toContain(norm(want.content));
      const words = ` ${norm(r.content)} `;
      for (const absent of want.contentExcludes ?? []) {
        expect(words, 'content').not.toContain(` ${norm(absent)} `);
      }
      // the acknowledgement, once, in the appellant's language (rules 4.9); a letter that mixes
      // languages is answered in Kazakh and Russian both, in one mail
      const sent = acks.get(got.entryNumber) ?? [];
      expect(sent).toHaveLength(1);
      expect(sent[0]!.subject.split(' / ')).toContain(ACK_SUBJECT[r.language](got.entryNumber));
    };
    check();
  });

  it('answers no automatic mail, no list, no spam (design: never a mail loop, never backscatter)', () => {
    const robots = files
      .filter((f) => expected[f]!.outcome === 'recorded' || expected[f]!.outcome === 'held')
      .flatMap((f) => {
        const from = /^From:.*?<?([^\s<>"]+@[^\s<>"]+?)>?\s*(?:\(.*\))?$/im.exec(
          readFileSync(join(DIR, f), 'latin1'),
        );
        return from?.[1] ? [from[1].toLowerCase()] : [];
      });
    expect(robots.length).toBeGreaterThan(10);
    // a person whose own auto-reply came back is answered for their appeal, not for the auto-reply
    const appellants = new Set(
      files
        .filter((f) => expected[f]!.outcome === 'registered')
        .map((f) =>
          /^From:.*?<?([^\s<>"]+@[^\s<>"]+?)>?$/im
            .exec(readFileSync(join(DIR, f), 'latin1'))?.[1]
            ?.toLowerCase(),
        ),
    );
    const answeredRobots = robots.filter((r) => !appellants.has(r) && recipients.includes(r));
    expect(answeredRobots).toEqual([]);
  });

  it('registers exactly one entry per appeal', () => {
    const registered = files.filter((f) => expected[f]!.outcome === 'registered').length;
    expect(records.size).toBe(registered);
  });
});
