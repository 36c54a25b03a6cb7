import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  ANSWER_BLOCK,
  OUR_AUTOMATIC_LINES,
  REASON,
  classifyMail,
  type ClassifyContext,
} from '../src/ingest/classify.js';
import { parseMail } from '../src/ingest/parse.js';
import type { ParsedMail } from '../src/ingest/mail.models.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'mail');
/** Automatic mail that only its structure or its words tell, and appeals that look like it. */
const AUTOMATIC_FIXTURES = join(import.meta.dirname, 'fixtures', 'mail-automatic');
const CTX: ClassifyContext = { ownAddresses: ['ombudsman@ales.kz'], dmarcFailBlocks: true };

const parseFixture = (name: string): Promise<ParsedMail> =>
  parseMail(readFileSync(join(FIXTURES, name)), {});

function mail(overrides: Partial<ParsedMail> = {}): ParsedMail {
  return {
    messageId: '<m1@example.kz>',
    inReplyTo: null,
    references: [],
    subject: 'Жалоба на счёт',
    from: { address: 'citizen@example.kz', name: 'Иван Петров' },
    replyTo: null,
    to: ['ombudsman@ales.kz'],
    cc: [],
    date: new Date('2024-11-18T05:00:00Z'),
    text: 'Прошу проверить счёт.',
    htmlOnly: false,
    attachments: [],
    calendarMethod: null,
    headers: {},
    problems: [],
    ...overrides,
  };
}

/** fixture → kind, reason, and the answer block when it is an appeal that must not be answered. */
const EXPECTED: [string, string, string, string | null][] = [
  ['01-outlook-ru-bribe-zheo2.eml', 'appeal', REASON.person, null],
  ['02-gmail-ru-heating-bill.eml', 'appeal', REASON.person, null],
  ['03-mailru-ru-anonymous.eml', 'appeal', REASON.person, null],
  ['04-yandex-kk-anonymous.eml', 'appeal', REASON.person, null],
  ['05-apple-mail-en-anonymous.eml', 'appeal', REASON.person, null],
  ['06-outlook-kk-llp-representative.eml', 'appeal', REASON.person, null],
  ['07-gmail-ru-too-representative.eml', 'appeal', REASON.person, null],
  ['08-gmail-en-llp.eml', 'appeal', REASON.person, null],
  ['09-reply-re-obrashchenie-12.eml', 'appeal', REASON.person, null],
  ['10-thebat-cp1251-raw-header.eml', 'appeal', REASON.person, null],
  ['11-outlook-express-koi8r.eml', 'appeal', REASON.person, null],
  ['12-undeclared-cp1251.eml', 'appeal', REASON.person, null],
  ['13-undeclared-koi8r.eml', 'appeal', REASON.person, null],
  ['14-undeclared-utf8-kk.eml', 'appeal', REASON.person, null],
  ['15-iso-8859-5.eml', 'appeal', REASON.person, null],
  ['16-kz1048-declared.eml', 'appeal', REASON.person, null],
  ['17-b-encoded-headers-kk.eml', 'appeal', REASON.person, null],
  ['18-q-encoded-headers-cp1251.eml', 'appeal', REASON.person, null],
  ['19-html-only-scripts.eml', 'appeal', REASON.person, null],
  ['20-multipart-alternative-yandex.eml', 'appeal', REASON.person, null],
  ['21-attachments-pdf-docx.eml', 'appeal', REASON.person, null],
  ['22-forwarded-rfc822.eml', 'appeal', REASON.person, null],
  ['23-broken-boundary.eml', 'appeal', REASON.person, null],
  ['24-missing-boundary-param.eml', 'appeal', REASON.person, null],
  ['25-bad-base64.eml', 'appeal', REASON.person, null],
  ['26-truncated-multipart.eml', 'appeal', REASON.person, null],
  ['27-no-message-id-garbage-date.eml', 'appeal', REASON.person, null],
  ['28-header-injection.eml', 'appeal', REASON.person, null],
  ['29-nul-bytes.eml', 'appeal', REASON.person, null],
  ['30-missing-headers.eml', 'appeal', REASON.person, ANSWER_BLOCK.noReplyAddress],
  ['31-ooo-outlook-ru.eml', 'auto-reply', REASON.autoSubmitted, null],
  ['32-ooo-kk-subject-only.eml', 'auto-reply', REASON.autoReplySubject, null],
  ['33-ooo-en-gmail-vacation.eml', 'auto-reply', REASON.autoSubmitted, null],
  ['34-ooo-yandex-ru-x-autoreply.eml', 'auto-reply', REASON.xAutoreply, null],
  ['35-ooo-mailru-ru-weak-subject.eml', 'auto-reply', REASON.autoReplySubject, null],
  ['36-ooo-kk-x-autorespond.eml', 'auto-reply', REASON.xAutorespond, null],
  ['37-bounce-postfix.eml', 'bounce', REASON.deliveryReport, null],
  ['38-bounce-exchange-ru.eml', 'bounce', REASON.deliveryReport, null],
  ['39-bounce-null-return-path-only.eml', 'bounce', REASON.nullReturnPath, null],
  ['40-list-mail.eml', 'list', REASON.listId, null],
  ['41-newsletter-bulk.eml', 'list', REASON.listUnsubscribe, null],
  ['42-spam-flagged.eml', 'spam', REASON.spamFlag, null],
  ['43-spam-status-only.eml', 'spam', REASON.spamStatus, null],
  ['44-own-address-loop.eml', 'own', REASON.ownAddress, null],
  ['45-noreply-webform-appeal.eml', 'appeal', REASON.person, ANSWER_BLOCK.roleAddress],
  ['46-dmarc-fail-appeal.eml', 'appeal', REASON.person, ANSWER_BLOCK.dmarcFail],
  ['47-reply-to-personal.eml', 'appeal', REASON.person, null],
];

/** mail-automatic fixture → kind and reason (appeals there are answerable). */
const AUTOMATIC_EXPECTED: [string, string, string][] = [
  ['ndr-exchange-ru.eml', 'bounce', REASON.exchangeNdr],
  ['calendar-request-outlook-ru.eml', 'auto-reply', REASON.calendar],
  ['calendar-reply-google-en.eml', 'auto-reply', REASON.calendar],
  ['calendar-cancel-kk.eml', 'auto-reply', REASON.calendar],
  ['appeal-with-ics-attachment.eml', 'appeal', REASON.person],
  ['receipt-thebat-ru.eml', 'auto-reply', REASON.readReceiptBody],
  ['receipt-outlook-en.eml', 'auto-reply', REASON.readReceiptBody],
  ['oof-ru-no-headers.eml', 'auto-reply', REASON.absenceBody],
  ['oof-kk-no-headers.eml', 'auto-reply', REASON.absenceBody],
  ['oof-en-no-headers.eml', 'auto-reply', REASON.absenceBody],
  ['appeal-reply-unpaid-leave.eml', 'appeal', REASON.person],
  ['appeal-plain-stub-html-real.eml', 'appeal', REASON.person],
];

describe('classifyMail on automatic mail without automatic headers', () => {
  it('has an expectation for every fixture', () => {
    const names = readdirSync(AUTOMATIC_FIXTURES).filter((name) => name.endsWith('.eml'));
    expect(AUTOMATIC_EXPECTED.map(([name]) => name).sort()).toEqual(names.sort());
  });

  it.each(AUTOMATIC_EXPECTED)('classifies %s as %s (%s)', async (name, kind, reason) => {
    const parsed = await parseMail(readFileSync(join(AUTOMATIC_FIXTURES, name)), {});
    expect(classifyMail(parsed, CTX)).toMatchObject({
      kind,
      reason,
      answerable: kind === 'appeal',
    });
  });
});

describe('classifyMail on the fixtures', () => {
  it.each(EXPECTED)('classifies %s as %s (%s)', async (name, kind, reason, block) => {
    const result = classifyMail(await parseFixture(name), CTX);
    expect(result.kind).toBe(kind);
    expect(result.reason).toBe(reason);
    const answerable = kind === 'appeal' && block === null;
    expect(result.answerable).toBe(answerable);
    if (!answerable) expect(result.answerBlock).toBe(kind === 'appeal' ? block : reason);
  });

  it('never answers automatic mail: every non-appeal kind is unanswerable', async () => {
    for (const [name, kind] of EXPECTED.filter(([, k]) => k !== 'appeal')) {
      const result = classifyMail(await parseFixture(name), CTX);
      expect(result, name).toMatchObject({ kind, answerable: false });
    }
  });

  it('gives reasons that are codes, never a name, an address or content', async () => {
    for (const [name] of EXPECTED) {
      const parsed = await parseFixture(name);
      const { reason, answerBlock } = classifyMail(parsed, CTX);
      for (const code of [reason, answerBlock ?? '']) {
        expect(code).toMatch(/^[a-z0-9:/=.-]*$/);
        if (parsed.from?.address) expect(code).not.toContain(parsed.from.address.toLowerCase());
      }
    }
  });
});

describe('classifyMail rules', () => {
  it('treats Auto-Submitted: no as a person, anything else as automatic', () => {
    expect(classifyMail(mail({ headers: { 'auto-submitted': ['no'] } }), CTX).kind).toBe('appeal');
    for (const value of ['auto-replied', 'auto-generated', 'auto-notified; owner-email=x']) {
      const result = classifyMail(mail({ headers: { 'auto-submitted': [value] } }), CTX);
      expect(result).toMatchObject({ kind: 'auto-reply', reason: REASON.autoSubmitted });
    }
  });

  it.each(['bulk', 'junk', 'auto_reply'])('treats Precedence: %s as automatic', (value) => {
    expect(classifyMail(mail({ headers: { precedence: [value] } }), CTX).kind).toBe('auto-reply');
  });

  it.each(['All', 'OOF, AutoReply', 'AutoReply'])(
    'treats X-Auto-Response-Suppress: %s as automatic',
    (value) => {
      const result = classifyMail(mail({ headers: { 'x-auto-response-suppress': [value] } }), CTX);
      expect(result.reason).toBe(REASON.autoResponseSuppress);
    },
  );

  it.each([
    'Автоматический ответ: Обращение № 12',
    'Автоответ: Ваше письмо',
    'Automatic reply: Appeal No. 12',
    'Auto: Appeal No. 12',
    'Autoreply: Appeal',
    'Out of Office: Appeal No. 12',
    'Автоматты жауап: Өтініш № 12',
    'Автоматты хабарлама: Сіздің хатыңыз қабылданды',
    'RE: Автоматический ответ: Ваше обращение',
    'Re: Re: Automatic reply: Appeal No. 12',
  ])('recognises the out-of-office subject «%s» on its own', (subject) => {
    expect(classifyMail(mail({ subject }), CTX).reason).toBe(REASON.autoReplySubject);
  });

  it.each(['Отпуск', 'Нет на месте', 'Вне офиса', 'Кеңседе жоқпын', 'Демалыста'])(
    'counts the ambiguous subject «%s» only on a reply to earlier mail',
    (subject) => {
      expect(classifyMail(mail({ subject }), CTX).kind).toBe('appeal');
      const reply = mail({ subject, inReplyTo: '<appeal-12.ack@senim.ales.kz>' });
      expect(classifyMail(reply, CTX).kind).toBe('auto-reply');
    },
  );

  describe('an auto-responder that says so in its text, with no header or subject to tell', () => {
    const ack = '<appeal-12.ack@senim.ales.kz>';
    const outOfOffice =
      'Здравствуйте!\nЯ нахожусь в отпуске до 10.12.2026 без доступа к почте.\nЭто сообщение отправлено автоматически.';

    it.each([
      outOfOffice,
      'Құрметті азамат!\nСіздің хатыңыз қабылданды. Бұл хабарлама автоматты түрде жіберілді, оған жауап бермеңіз.',
      'Thank you for your e-mail. This is an automatically generated message, please do not reply to this e-mail.',
    ])('is automatic when it answers earlier mail: %j', (text) => {
      const reply = mail({ subject: 'Re: Обращение № 12', inReplyTo: ack, text });
      expect(classifyMail(reply, CTX)).toMatchObject({
        kind: 'auto-reply',
        reason: REASON.autoReplyBody,
      });
    });

    it('is a person when the words come unprompted, or below quoted history', () => {
      expect(classifyMail(mail({ text: outOfOffice }), CTX).kind).toBe('appeal');
      const quoting = `Спасибо, жду ответа.\n\n-----Original Message-----\nFrom: Петров\n${outOfOffice}`;
      const reply = mail({ subject: 'Re: Обращение № 12', inReplyTo: ack, text: quoting });
      expect(classifyMail(reply, CTX).kind).toBe('appeal');
    });

    it.each(OUR_AUTOMATIC_LINES)(
      'is a person who quotes our own answer, closing line «%s» included',
      (line) => {
        const text = `Спасибо.\n\nВаше обращение получено, номер 12.\n\n${line}`;
        const reply = mail({ subject: 'Re: Обращение № 12', inReplyTo: ack, text });
        expect(classifyMail(reply, CTX).kind).toBe('appeal');
      },
    );

    it('knows the closing line of every text template we send', () => {
      const dir = join(import.meta.dirname, '..', 'templates');
      for (const language of readdirSync(dir).filter((d) => !d.includes('.'))) {
        for (const file of readdirSync(join(dir, language)).filter((f) =>
          f.endsWith('.text.hbs'),
        )) {
          const last = readFileSync(join(dir, language, file), 'utf8')
            .trim()
            .split('\n')
            .pop();
          expect(OUR_AUTOMATIC_LINES).toContain(last);
        }
      }
    });
  });

  it('keeps a person writing about their leave an appeal', () => {
    const subject = 'Отпуск не дают третий год';
    const reply = mail({ subject, inReplyTo: '<appeal-12.ack@senim.ales.kz>' });
    expect(classifyMail(reply, CTX).kind).toBe('appeal');
  });

  it('recognises bounces by sender, subject and X-Failed-Recipients', () => {
    const daemon = mail({ from: { address: 'MAILER-DAEMON@mx.example.kz', name: '' } });
    expect(classifyMail(daemon, CTX).reason).toBe(REASON.mailerDaemon);
    const ndr = mail({ subject: 'Недоставленное сообщение: Обращение № 12' });
    expect(classifyMail(ndr, CTX).reason).toBe(REASON.bounceSubject);
    const failed = mail({ headers: { 'x-failed-recipients': ['x@example.kz'] } });
    expect(classifyMail(failed, CTX).reason).toBe(REASON.failedRecipients);
  });

  it('recognises an Exchange non-delivery report without the null Return-Path', () => {
    const ndrHeader = mail({ headers: { 'x-ms-exchange-message-is-ndr': [''] } });
    expect(classifyMail(ndrHeader, CTX)).toMatchObject({
      kind: 'bounce',
      reason: REASON.exchangeNdr,
    });
    const system = { address: 'MicrosoftExchange329e71ec88ae4615bbc36ab6ce41109e@x.kz', name: '' };
    expect(classifyMail(mail({ from: system }), CTX).reason).toBe(REASON.exchangeSystem);
    for (const subject of [
      'Не удается доставить: Обращение № 12',
      'Не удаётся доставить: Обращение № 12',
      'Недоставляемое сообщение: Обращение № 12',
    ]) {
      expect(classifyMail(mail({ subject }), CTX).reason).toBe(REASON.bounceSubject);
    }
    // a person named like the system mailbox, or writing about undelivered mail
    const person = { address: 'microsoft.exchange.fan@x.kz', name: '' };
    expect(classifyMail(mail({ from: person }), CTX).kind).toBe('appeal');
    const about = mail({ subject: 'Почему мне не удается доставить показания счётчика?' });
    expect(classifyMail(about, CTX).kind).toBe('appeal');
  });

  it.each(['REQUEST', 'REPLY', 'CANCEL', 'COUNTER'])(
    'records a calendar %s (iMIP) as automatic',
    (calendarMethod) => {
      expect(classifyMail(mail({ calendarMethod }), CTX)).toMatchObject({
        kind: 'auto-reply',
        reason: REASON.calendar,
        answerable: false,
      });
    },
  );

  it('keeps a letter that only shares an event an appeal', () => {
    expect(classifyMail(mail({ calendarMethod: 'PUBLISH' }), CTX).kind).toBe('appeal');
  });

  describe('a read receipt written as a plain letter', () => {
    const ack = '<appeal-12.ack@senim.ales.kz>';
    it.each([
      'Здравствуйте!\n\nВаше письмо от 26.11.2026 10:00:00 с темой "Обращение № 12" было прочитано 26.11.2026 10:20:11.',
      'Ваше сообщение\n\n  Кому: ombudsman@ales.kz\n  Тема: Обращение № 12\n  Отправлено: 26.11.2026 10:00\n\nбыло прочитано среда, 26 ноября 2026 г. 10:20:11 (UTC+05:00) Астана.',
      'Your message\n\n  To: ombudsman@ales.kz\n  Subject: Appeal No. 12\n\nwas read on Thursday, November 26, 2026 10:20:11 AM.',
      'Сіздің 26.11.2026 10:00 жіберген хатыңыз 26.11.2026 10:20 оқылды.',
    ])('is automatic in a reply: %j', (text) => {
      const receipt = mail({ subject: 'Re: Обращение № 12', inReplyTo: ack, text });
      expect(classifyMail(receipt, CTX)).toMatchObject({
        kind: 'auto-reply',
        reason: REASON.readReceiptBody,
      });
    });

    it('is automatic under a receipt subject, with no In-Reply-To', () => {
      const text = 'Your message\n\n  Subject: Appeal\n\nwas read on 26/11/2026 10:20.';
      const receipt = mail({ subject: 'Read: Appeal', text });
      expect(classifyMail(receipt, CTX).reason).toBe(REASON.readReceiptBody);
      expect(classifyMail(mail({ text }), CTX).kind).toBe('appeal');
    });

    it.each([
      'Ваше письмо я прочитала 26.11.2026, но с номером не согласна: прошу объединить обращения.',
      'Ваше письмо от 2 декабря было прочитано мною только 5 декабря, ответ по существу не дан.',
      `Ваше письмо от 26.11.2026 было прочитано 26.11.2026. ${'Но счёт так и не пересчитали. '.repeat(25)}`,
    ])('is a person who writes about reading our answer: %j', (text) => {
      const reply = mail({ subject: 'Re: Обращение № 12', inReplyTo: ack, text });
      expect(classifyMail(reply, CTX).kind).toBe('appeal');
    });
  });

  describe('an out-of-office notice with no automatic header or subject', () => {
    const ack = '<appeal-12.ack@senim.ales.kz>';
    it.each([
      'Здравствуйте! Я в отпуске до 10 декабря, письмо прочитаю по возвращении.',
      'Меня нет на месте до 08.12.2026. По срочным вопросам звоните +7 701 000 00 01.',
      'Добрый день. Нахожусь в командировке с 1 по 5 декабря, почту читаю редко.',
      'Я временно отсутствую на рабочем месте до 14 декабря.',
      'Сәлеметсіз бе! 10 желтоқсанға дейін демалыста боламын.',
      'Мен уақытша жоқпын. Шұғыл сұрақтар бойынша: +7 727 300 44 55.',
      "Hello, I'm on annual leave until 7 December with no access to e-mail.",
      'I am out of the office. For urgent matters contact s.bekova@steppe-eng.kz.',
    ])('is automatic when it answers our mail: %j', (text) => {
      const reply = mail({ subject: 'Re: Обращение № 12', inReplyTo: ack, text });
      expect(classifyMail(reply, CTX)).toMatchObject({
        kind: 'auto-reply',
        reason: REASON.absenceBody,
      });
      expect(classifyMail(mail({ text }), CTX).kind).toBe('appeal');
    });

    it.each([
      'Дополняю: мастер отправил меня в отпуск без оплаты, хотя работы много.',
      'Я был в отпуске до 10 ноября, а когда вернулся, счёт за свет вырос вдвое.',
      'Пока я была в отпуске, у нас отключили свет на трое суток.',
      'Мен демалыста болдым, үйге оралсам, есептегіш ауыстырылған.',
      'I was on leave until 10 November and came back to a bill twice as high.',
      `Я в отпуске до 10 декабря, но пишу о важном. ${'Мастер участка требует деньги за подключение. '.repeat(15)}`,
    ])('is a person writing about leave in a reply: %j', (text) => {
      const reply = mail({ subject: 'Re: Обращение № 12', inReplyTo: ack, text });
      expect(classifyMail(reply, CTX).kind).toBe('appeal');
    });
  });

  it('needs Precedence with List-Unsubscribe to call mail a list, List-Id alone suffices', () => {
    const unsubscribeOnly = mail({ headers: { 'list-unsubscribe': ['<mailto:u@x.kz>'] } });
    expect(classifyMail(unsubscribeOnly, CTX).kind).toBe('appeal');
    expect(classifyMail(mail({ headers: { 'list-id': ['<a.list.kz>'] } }), CTX).kind).toBe('list');
  });

  it('honours spam headers unless told not to', () => {
    const flagged = mail({ headers: { 'x-spam-flag': ['YES'] } });
    expect(classifyMail(flagged, CTX).kind).toBe('spam');
    expect(classifyMail(flagged, { ...CTX, spamHeaders: false }).kind).toBe('appeal');
    expect(classifyMail(mail({ headers: { 'x-spam-flag': ['NO'] } }), CTX).kind).toBe('appeal');
  });

  it('recognises our own address case-insensitively', () => {
    const own = mail({ from: { address: 'OMBUDSMAN@Ales.KZ', name: '' } });
    expect(classifyMail(own, CTX)).toMatchObject({ kind: 'own', answerable: false });
  });

  it('registers a website form sent From our own address for a visitor, without answering it', () => {
    const from = { address: 'ombudsman@ales.kz', name: 'Сайт АлЭС' };
    const visitor = { address: 'real.person@gmail.com', name: '' };
    const form = mail({ from, replyTo: visitor, headers: { 'auto-submitted': ['no'] } });
    expect(classifyMail(form, CTX)).toEqual({
      kind: 'appeal',
      reason: REASON.person,
      answerable: false,
      answerBlock: ANSWER_BLOCK.ownFromAddress,
    });
    // our own mail: no other Reply-To, or Auto-Submitted
    expect(classifyMail(mail({ from }), CTX).kind).toBe('own');
    expect(classifyMail(mail({ from, replyTo: from }), CTX).kind).toBe('own');
    const ours = mail({ from, replyTo: visitor, headers: { 'auto-submitted': ['auto-replied'] } });
    expect(classifyMail(ours, CTX).kind).toBe('own');
  });

  it.each(['noreply@x.kz', 'no-reply@x.kz', 'do-not-reply@x.kz', 'DoNotReply@x.kz'])(
    'registers a person’s text from %s but does not answer it',
    (address) => {
      const result = classifyMail(mail({ from: { address, name: 'Форма' } }), CTX);
      expect(result).toMatchObject({ kind: 'appeal', answerable: false });
    },
  );

  it('does not answer an appeal whose Reply-To is postmaster or MAILER-DAEMON', () => {
    for (const address of ['postmaster@x.kz', 'MAILER-DAEMON@x.kz']) {
      const result = classifyMail(mail({ replyTo: { address, name: '' } }), CTX);
      expect(result).toMatchObject({ kind: 'appeal', answerBlock: ANSWER_BLOCK.roleAddress });
    }
  });

  it('answers to Reply-To when it is set, and refuses it when it is our own address', () => {
    const viaForm = mail({
      from: { address: 'no-reply@forms.kz', name: '' },
      replyTo: { address: 'citizen@example.kz', name: '' },
    });
    expect(classifyMail(viaForm, CTX).answerable).toBe(true);
    const loop = mail({ replyTo: { address: 'ombudsman@ales.kz', name: '' } });
    expect(classifyMail(loop, CTX).answerBlock).toBe(ANSWER_BLOCK.ownReplyAddress);
  });

  it('blocks the answer on dmarc=fail only when configured, trusting the topmost result only', () => {
    const failed = mail({ headers: { 'authentication-results': ['mx.ales.kz; dmarc=fail'] } });
    expect(classifyMail(failed, CTX).answerBlock).toBe(ANSWER_BLOCK.dmarcFail);
    expect(classifyMail(failed, { ...CTX, dmarcFailBlocks: false }).answerable).toBe(true);
    const forgedBelow = mail({
      headers: { 'authentication-results': ['mx.ales.kz; dmarc=pass', 'evil; dmarc=fail'] },
    });
    expect(classifyMail(forgedBelow, CTX).answerable).toBe(true);
  });
});
