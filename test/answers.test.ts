import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Language } from '../src/cases/appeal.models.js';
import {
  eventsOf,
  findEntry,
  insertEntry,
  type NewEntry,
} from '../src/cases/journal.repository.js';
import type { RegisteredAppeal } from '../src/cases/register.usecases.js';
import { outbox } from '../src/db/schema.js';
import { mayAnswer, strictAddress } from '../src/notify/address-policy.js';
import { answerLanguages, createAnswers, type AnswerDeps } from '../src/notify/answers.js';
import type { OutgoingMail } from '../src/notify/outbox.models.js';
import { findOutbox, openMail } from '../src/notify/outbox.repository.js';
import { answersConfig } from './helpers/answers.js';
import { engines, type TestDatabase } from './helpers/engines.js';
import { newEntry } from './helpers/entries.js';

const POLICY = { from: 'ombudsman@ales.kz', ombudsmanEmail: 'ombudsman.office@ales.kz' };

describe('who may receive an automatic answer', () => {
  it('accepts one plain mailbox and returns it canonical', () => {
    expect(mayAnswer(' Aigerim.N+appeal@Mail.KZ ', POLICY)).toEqual({
      ok: true,
      address: 'Aigerim.N+appeal@mail.kz',
    });
    expect(mayAnswer('ivanov@почта.қаз', POLICY).ok).toBe(true);
  });

  it('refuses anything that could add a recipient or a header', () => {
    for (const address of [
      'a@example.kz\r\nBcc: victim@example.kz',
      'a@example.kz\n',
      'a@example.kz\rX: y',
      'a@example.kz,b@example.kz',
      'a@example.kz;b@example.kz',
      'A <a@example.kz>',
      '<a@example.kz>',
      '"quoted"@example.kz',
      'a b@example.kz',
      'a@@example.kz',
      'a@example..kz',
      'a@-example.kz',
      'a@example',
      'a@[10.0.0.1]',
      'a@10.0.0.1',
      `${'x'.repeat(65)}@example.kz`,
      `a@${'x'.repeat(250)}.kz`,
      '',
    ]) {
      expect(mayAnswer(address, POLICY), JSON.stringify(address)).toEqual({
        ok: false,
        reason: 'invalid-address',
      });
      expect(strictAddress(address)).toBeNull();
    }
  });

  it('never answers our own addresses', () => {
    expect(mayAnswer('Ombudsman@ALES.kz', POLICY)).toEqual({ ok: false, reason: 'own-address' });
    expect(mayAnswer('ombudsman.office@ales.kz', POLICY)).toEqual({
      ok: false,
      reason: 'own-address',
    });
  });

  it('never answers robots: MAILER-DAEMON, postmaster, noreply and list addresses', () => {
    for (const address of [
      'MAILER-DAEMON@mx.example.kz',
      'postmaster@example.kz',
      'noreply@bank.kz',
      'no-reply@bank.kz',
      'no_reply@bank.kz',
      'donotreply@bank.kz',
      'do-not-reply@bank.kz',
      'bounces+123@lists.example.kz',
      'news-request@lists.example.kz',
      'owner-news@lists.example.kz',
      'news-bounces@lists.example.kz',
    ]) {
      expect(mayAnswer(address, POLICY), address).toEqual({ ok: false, reason: 'robot-address' });
    }
    expect(mayAnswer('noreen@example.kz', POLICY).ok).toBe(true);
  });

  it('does not answer a sender whose domain failed DMARC, unless configured to', () => {
    expect(mayAnswer('a@example.kz', POLICY, { dmarc: 'fail' })).toEqual({
      ok: false,
      reason: 'dmarc-fail',
    });
    expect(
      mayAnswer('a@example.kz', { ...POLICY, dmarcFailBlocks: false }, { dmarc: 'fail' }).ok,
    ).toBe(true);
    expect(mayAnswer('a@example.kz', POLICY, { dmarc: 'pass' }).ok).toBe(true);
  });

  it('answers a mix of languages in kk and ru', () => {
    expect(answerLanguages({ language: 'en', mixedLanguage: false })).toEqual(['en']);
    expect(answerLanguages({ language: 'en', mixedLanguage: true })).toEqual(['kk', 'ru']);
  });
});

const T0 = new Date('2026-10-05T09:05:00.000Z');
const HOUR = 3_600_000;

const CONFIDENTIAL: Record<Language, string> = {
  kk: 'Сіз берген мәліметтердің құпиялылығына кепілдік беріледі.',
  ru: 'Конфиденциальность сообщённых Вами сведений гарантируется.',
  en: 'The confidentiality of the information you provide is guaranteed.',
};

const DIRECTORY: Record<string, Partial<Record<Language, { name: string; phone?: string }>>> = {
  tariffs: {
    kk: { name: 'Табиғи монополияларды реттеу комитетінің Алматы қаласы бойынша департаменті' },
    ru: {
      name: 'Департамент Комитета по регулированию естественных монополий по г. Алматы',
      phone: '+7 727 000 00 00',
    },
    en: { name: 'Almaty Department of the Committee for the Regulation of Natural Monopolies' },
  },
};

describe.each(engines)('answers to appellants on $name', (engine) => {
  let t: TestDatabase;
  let clock: Date;
  let deps: AnswerDeps;

  beforeAll(async () => {
    t = await engine.open();
  });
  afterAll(async () => {
    await t?.dispose();
  });
  beforeEach(() => {
    clock = T0;
    deps = {
      vault: t.vault,
      config: answersConfig(POLICY),
      now: () => clock,
      redirects: (category, lang) => (category ? (DIRECTORY[category]?.[lang] ?? null) : null),
    };
  });

  async function register(overrides: Partial<NewEntry> = {}): Promise<RegisteredAppeal> {
    const e = newEntry({ channel: 'email', receivedAt: clock, ...overrides });
    const r = await t.database.db.transaction((tx) => insertEntry(tx, t.vault, e, clock));
    return { ...r, ...e };
  }

  async function answer(
    appeal: RegisteredAppeal,
    to: string,
    extra: { inReplyTo?: string; references?: string[]; automatic?: boolean } = {},
  ) {
    await t.database.db.transaction((tx) =>
      createAnswers(deps).afterRegistration(tx, appeal, {
        to,
        automatic: extra.automatic ?? true,
        inReplyTo: extra.inReplyTo ?? null,
        references: extra.references ?? [],
      }),
    );
  }

  async function mailsOf(
    number: number,
  ): Promise<(OutgoingMail & { kind: string; automatic: boolean })[]> {
    const found = await t.database.db.select().from(outbox).where(eq(outbox.entryNumber, number));
    return Promise.all(
      found.map(async (row) => ({
        ...(await openMail(t.database.db, t.vault, row)),
        kind: row.kind,
        automatic: row.automatic,
      })),
    );
  }

  async function eventKinds(number: number) {
    return (await eventsOf(t.database.db, number)).map((e) => [e.kind, e.payload] as const);
  }

  for (const lang of ['kk', 'ru', 'en'] as const) {
    it(`acknowledges an in-scope appeal written in ${lang} in ${lang} only`, async () => {
      const appeal = await register({ language: lang });
      await answer(appeal, 'aigerim.n@example.kz', {
        inReplyTo: '<orig.1@mail.example.kz>',
        references: ['<orig.1@mail.example.kz>'],
      });
      const [mail, ...rest] = await mailsOf(appeal.number);
      expect(rest).toEqual([]);
      expect(mail!.kind).toBe('ack');
      expect(mail!.to).toBe('aigerim.n@example.kz');
      expect(mail!.subject).toContain(String(appeal.number));
      expect(mail!.text).toContain(CONFIDENTIAL[lang]);
      for (const other of ['kk', 'ru', 'en'] as const) {
        if (other !== lang) expect(mail!.text).not.toContain(CONFIDENTIAL[other]);
      }
      expect(mail!.html).toContain(`<html lang="${lang}">`);
      expect(mail!.inReplyTo).toBe('<orig.1@mail.example.kz>');
      expect(mail!.references).toEqual(['<orig.1@mail.example.kz>']);
      expect(mail!.headers).toEqual({
        'Auto-Submitted': 'auto-replied',
        'X-Auto-Response-Suppress': 'All',
      });
      expect(await eventKinds(appeal.number)).toEqual([
        ['answer-queued', expect.objectContaining({ kind: 'acknowledgement', automatic: true })],
      ]);
    });
  }

  it('acknowledges a pending appeal in a mix of languages in kk and ru', async () => {
    const appeal = await register({
      language: 'ru',
      mixedLanguage: true,
      scope: 'pending',
      category: null,
    });
    await answer(appeal, 'mix@example.kz');
    const [mail] = await mailsOf(appeal.number);
    expect(mail!.kind).toBe('ack');
    expect(mail!.text).toContain(CONFIDENTIAL.kk);
    expect(mail!.text).toContain(CONFIDENTIAL.ru);
    expect(mail!.text.indexOf(CONFIDENTIAL.kk)).toBeLessThan(mail!.text.indexOf(CONFIDENTIAL.ru));
  });

  it('advises an out-of-scope appellant where to turn, naming the body and the number', async () => {
    const appeal = await register({ language: 'ru', scope: 'out', category: 'tariffs' });
    await answer(appeal, 'tariff@example.kz');
    const [mail, ...rest] = await mailsOf(appeal.number);
    expect(rest).toEqual([]);
    expect(mail!.kind).toBe('redirect');
    expect(mail!.text).toContain(DIRECTORY.tariffs!.ru!.name);
    expect(mail!.text).toContain('+7 727 000 00 00');
    expect(mail!.text).toContain(`№ ${appeal.number}`);
    expect(mail!.text).not.toContain(CONFIDENTIAL.ru.slice(0, 20)); // not an acknowledgement
    expect((await eventKinds(appeal.number))[0]).toEqual([
      'answer-queued',
      expect.objectContaining({ kind: 'redirect' }),
    ]);
  });

  it('records, rather than fails, a redirect whose body is not in the directory', async () => {
    const appeal = await register({ language: 'ru', scope: 'out', category: 'jobs' });
    await answer(appeal, 'jobs@example.kz');
    expect(await mailsOf(appeal.number)).toEqual([]);
    expect(await eventKinds(appeal.number)).toEqual([
      ['answer-suppressed', { kind: 'redirect', reason: 'render-failed:bad_redirect' }],
    ]);
  });

  it('repeats nothing the appellant wrote, not even the subject', async () => {
    const content = 'Начальник цеха Серікбаев требует откат 10% за подписание акта';
    const appeal = await register({ content, language: 'ru' });
    await answer(appeal, 'writer@example.kz');
    const [mail] = await mailsOf(appeal.number);
    const all = `${mail!.subject}\n${mail!.text}\n${mail!.html}`;
    for (const fragment of ['Серікбаев', 'откат', 'подписание', 'Иванов', 'Абая']) {
      expect(all).not.toContain(fragment);
    }
  });

  it('lets no hostile header value through: CR/LF in the address or in a Message-ID', async () => {
    const appeal = await register();
    await answer(appeal, 'a@example.kz\r\nBcc: victim@example.kz');
    expect(await mailsOf(appeal.number)).toEqual([]);
    expect(await eventKinds(appeal.number)).toEqual([
      ['answer-suppressed', { kind: 'acknowledgement', reason: 'invalid-address' }],
    ]);

    const second = await register();
    await answer(second, 'b@example.kz', {
      inReplyTo: `<${'x'.repeat(5000)}@example.kz>\r\nBcc: victim@example.kz`,
      references: ['<ok@example.kz>', '<a@b>\nX-Injected: yes'],
    });
    const [mail] = await mailsOf(second.number);
    expect(mail!.inReplyTo).toBeNull();
    expect(mail!.references).toEqual(['<ok@example.kz>']);
    expect(mail!.subject).not.toMatch(/[\r\n]/);
  });

  it('sends nothing to robots or to ourselves, and says why on the entry', async () => {
    for (const [to, reason] of [
      ['MAILER-DAEMON@mx.example.kz', 'robot-address'],
      ['noreply@bank.kz', 'robot-address'],
      ['ombudsman@ales.kz', 'own-address'],
    ] as const) {
      const appeal = await register();
      await answer(appeal, to);
      expect(await mailsOf(appeal.number)).toEqual([]);
      expect(await eventKinds(appeal.number)).toEqual([
        ['answer-suppressed', { kind: 'acknowledgement', reason }],
      ]);
    }
  });

  it('answers an appeal once even if registration calls twice', async () => {
    const appeal = await register();
    await answer(appeal, 'twice@example.kz');
    await answer(appeal, 'twice@example.kz');
    expect(await mailsOf(appeal.number)).toHaveLength(1);
    expect((await eventKinds(appeal.number)).map(([k]) => k)).toEqual(['answer-queued']);
  });

  it('does not answer a backlog appeal automatically', async () => {
    const appeal = await register({ backlog: true });
    await answer(appeal, 'old@example.kz');
    expect(await mailsOf(appeal.number)).toEqual([]);
    expect(await eventKinds(appeal.number)).toEqual([
      ['answer-suppressed', { kind: 'acknowledgement', reason: 'backlog' }],
    ]);
  });

  it('answers at most 5 automatic mails to one address in 24 hours; the Ombudsman’s notice still goes', async () => {
    const to = 'Flood@Example.kz';
    const appeals: RegisteredAppeal[] = [];
    for (let i = 0; i < 6; i++) {
      clock = new Date(T0.getTime() + i * HOUR);
      const appeal = await register();
      appeals.push(appeal);
      await answer(appeal, i % 2 === 0 ? to : to.toLowerCase());
    }
    for (const appeal of appeals.slice(0, 5)) expect(await mailsOf(appeal.number)).toHaveLength(1);
    const sixth = appeals[5]!;
    expect(await mailsOf(sixth.number)).toEqual([]);
    expect(await eventKinds(sixth.number)).toEqual([
      ['answer-suppressed', { kind: 'acknowledgement', reason: 'rate-limit' }],
    ]);
    expect(await findEntry(t.database.db, sixth.number)).not.toBeNull();

    // The Ombudsman's extension notice to the same address is not limited.
    const entry = (await findEntry(t.database.db, appeals[0]!.number))!;
    const nowhere = await t.database.db.transaction((tx) =>
      // the address is the appellant's reply address on the entry
      createAnswers(deps).extensionNotice(
        tx,
        { ...entry },
        { until: '2026-11-20', reason: 'Нужен ответ подрядчика.' },
      ),
    );
    // newEntry() has no reply address: the notice has nowhere to go, and says so
    expect(nowhere).toEqual({ queued: false, reason: 'no-address' });

    const withAddress = await register({
      appellant: { ...newEntry().appellant, replyAddress: to },
    });
    const entry2 = (await findEntry(t.database.db, withAddress.number))!;
    const notice = await t.database.db.transaction((tx) =>
      createAnswers(deps).extensionNotice(tx, entry2, {
        until: '2026-11-20',
        reason: 'Нужен ответ подрядчика.',
      }),
    );
    expect(notice).toMatchObject({ queued: true, duplicate: false });
    const [mail] = await mailsOf(withAddress.number);
    expect(mail).toMatchObject({ kind: 'extension', automatic: false, to: 'Flood@example.kz' });
    expect(mail!.text).toContain('Нужен ответ подрядчика.');

    // A day after the first, the sender may be answered again.
    clock = new Date(T0.getTime() + 24 * HOUR + 1);
    const later = await register();
    await answer(later, to);
    expect(await mailsOf(later.number)).toHaveLength(1);
  });

  it('acknowledges a phone appeal that left a reply e-mail, outside the rate limit', async () => {
    const to = 'phone.caller@example.kz';
    for (let i = 0; i < 5; i++) await answer(await register(), to);
    const phone = await register({ channel: 'phone' });
    await answer(phone, to, { automatic: false });
    const [mail] = await mailsOf(phone.number);
    expect(mail).toMatchObject({ kind: 'ack', automatic: false });
    const row = await t.database.db
      .select()
      .from(outbox)
      .where(and(eq(outbox.entryNumber, phone.number), eq(outbox.kind, 'ack')));
    expect((await findOutbox(t.database.db, row[0]!.id))!.recipientHash).toBe(
      t.vault.blindIndex(to),
    );
  });
});
