import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../src/cases/appeal.models.js';
import { InputError } from '../src/errors.js';
import {
  formatDate,
  headerSafe,
  renderAnswer,
  type AcknowledgementData,
  type AnswerData,
  type AnswerKind,
  type RenderedMail,
} from '../src/notify/templates.js';

const ack: AcknowledgementData = {
  number: 12,
  receivedAt: new Date('2026-10-05T09:05:00Z'), // 14:05 in Almaty
  dueDate: '2026-10-27',
};

const samples: { [K in AnswerKind]: AnswerData[K] } = {
  acknowledgement: ack,
  redirect: {
    number: 13,
    authority: {
      name: 'Департамент Комитета по регулированию естественных монополий по г. Алматы',
      address: 'г. Алматы, ул. Примерная, 1',
      phone: '+7 727 000 00 00',
      site: 'https://www.gov.kz',
      matter: 'тарифы на тепловую энергию',
    },
  },
  extension: { number: 14, dueDate: '2026-12-04', reason: 'Нужен ответ подрядчика.' },
};

const DUE: Record<(typeof LANGUAGES)[number], string> = {
  kk: '2026 жылғы 27 қазан',
  ru: '27 октября 2026 г.',
  en: '27 October 2026',
};

const CONFIDENTIAL = {
  kk: 'Сіз берген мәліметтердің құпиялылығына кепілдік беріледі.',
  ru: 'Конфиденциальность сообщённых Вами сведений гарантируется.',
  en: 'The confidentiality of the information you provide is guaranteed.',
};

function expectSingleLine(mail: RenderedMail): void {
  expect(mail.subject).not.toMatch(/[\r\n\t]/);
  expect(mail.subject.length).toBeLessThanOrEqual(200);
}

describe('answer templates', () => {
  for (const kind of Object.keys(samples) as AnswerKind[]) {
    for (const lang of LANGUAGES) {
      it(`renders the ${kind} in ${lang} with a subject, a text and an HTML part`, () => {
        const mail = renderAnswer(kind, lang, samples[kind]);
        expectSingleLine(mail);
        expect(mail.subject).toMatch(/\d+/);
        expect(mail.text.length).toBeGreaterThan(100);
        expect(mail.html).toMatch(new RegExp(`^<!DOCTYPE html>\\s*<html lang="${lang}">`));
        expect(mail.html).toContain(`<div lang="${lang}">`);
        expect(mail.text).not.toContain('{{');
      });
    }
  }
});

describe('acknowledgement (rules 4.9)', () => {
  it('gives the number, the receipt in Almaty time, the due date and the confidentiality guarantee', () => {
    for (const lang of LANGUAGES) {
      const mail = renderAnswer('acknowledgement', lang, ack);
      for (const part of [mail.text, mail.html]) {
        expect(part).toContain('12');
        expect(part).toContain(DUE[lang]);
        expect(part).toContain('14:05');
        expect(part).toContain('15');
      }
      expect(mail.text).toContain(CONFIDENTIAL[lang]);
      expect(mail.html).toContain(CONFIDENTIAL[lang]);
    }
  });

  it('has subjects in our own words with the number', () => {
    expect(renderAnswer('acknowledgement', 'ru', ack).subject).toBe(
      'Обращение № 12 зарегистрировано',
    );
    expect(renderAnswer('acknowledgement', 'en', ack).subject).toBe('Appeal No. 12 registered');
    expect(renderAnswer('acknowledgement', 'kk', ack).subject).toBe('№ 12 өтініш тіркелді');
  });

  it('names the company and who handles the appeal: the position only, or the configured name and title', () => {
    const plain = renderAnswer('acknowledgement', 'ru', ack);
    expect(plain.text).toContain('АО «Алматинские электрические станции»');
    expect(plain.text).toContain('Обращение рассматривает: Омбудсмен АО «АлЭС».');
    expect(renderAnswer('acknowledgement', 'kk', ack).text).toContain(
      '«Алматы электр станциялары» АҚ',
    );
    const named = renderAnswer('acknowledgement', 'ru', {
      ...ack,
      ombudsman: { name: 'Ахметова А. Б.', title: 'Омбудсмен АО «АлЭС»' },
    });
    expect(named.text).toContain('Обращение рассматривает: Ахметова А. Б., Омбудсмен АО «АлЭС».');
    expect(named.html).toContain('Ахметова А. Б., Омбудсмен АО «АлЭС»');
  });

  it('repeats nothing the appellant wrote: the data type has no field for it', () => {
    const appellantText = 'Мой начальник Иванов берёт взятки';
    const data = {
      ...ack,
      // @ts-expect-error — an acknowledgement has no field for the appellant's subject
      subject: appellantText,
    } satisfies AcknowledgementData;
    const withExtras = { ...data, content: appellantText, fullName: 'Иванов Иван' };
    const mail = renderAnswer('acknowledgement', ['kk', 'ru'], withExtras);
    for (const part of [mail.subject, mail.text, mail.html]) {
      expect(part).not.toContain('Иванов');
      expect(part).not.toContain('взятки');
    }
  });

  it('shows the receipt time in Almaty across the 2024 offset change', () => {
    const before = renderAnswer('acknowledgement', 'en', {
      ...ack,
      receivedAt: new Date('2024-02-28T18:30:00Z'),
    });
    expect(before.text).toContain('29 February 2024, 00:30');
  });
});

describe('hostile data', () => {
  const hostile = '<script>alert(1)</script>\r\nBcc: victim@example.com';

  it('is escaped in HTML and kept off the subject', () => {
    const mail = renderAnswer('redirect', ['kk', 'ru', 'en'], {
      number: 7,
      authority: { name: hostile, address: `a\r\nb`, site: '"><img src=x onerror=alert(1)>' },
    });
    expectSingleLine(mail);
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).not.toContain('<img');
    expect(mail.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(mail.text).toContain('<script>alert(1)</script> Bcc: victim@example.com'); // plain text, one line
    expect(mail.text).not.toMatch(/\r/);
    expect(mail.text).toContain('a b');
  });

  it('a 10,000-character reason with CR/LF leaves the subject short and single-line, and is escaped', () => {
    const reason = `${'x'.repeat(5_000)}\r\n<b>${'y'.repeat(5_000)}`;
    const mail = renderAnswer('extension', 'ru', { number: 99, dueDate: '2026-12-04', reason });
    expectSingleLine(mail);
    expect(mail.subject).toBe('Обращение № 99: срок рассмотрения продлён');
    expect(mail.html).not.toContain('<b>');
    expect(mail.html).toContain('&lt;b&gt;');
    expect(mail.text).not.toContain('\r');
    expect(mail.text).toContain('y'.repeat(5_000));
  });

  it('rejects a bad number, a bad date and no language', () => {
    expect(() => renderAnswer('acknowledgement', 'ru', { ...ack, number: 0 })).toThrow(InputError);
    expect(() => renderAnswer('acknowledgement', 'ru', { ...ack, dueDate: '27.10.2026' })).toThrow(
      InputError,
    );
    expect(() => renderAnswer('acknowledgement', [], ack)).toThrow(InputError);
  });
});

describe('headerSafe', () => {
  it('strips CR, LF and other controls and caps the length', () => {
    expect(headerSafe('Re: a\r\nBcc: x@y\u0000\u202e')).toBe('Re: a Bcc: x@y');
    const long = headerSafe('я'.repeat(1_000));
    expect(Array.from(long)).toHaveLength(200);
    expect(long.endsWith('…')).toBe(true);
    expect(headerSafe('😀'.repeat(10), 5)).toBe('😀😀😀😀…');
  });
});

describe('formatDate', () => {
  it('follows each language’s conventions', () => {
    expect(formatDate('2026-10-27', 'ru')).toBe('27 октября 2026 г.');
    expect(formatDate('2026-10-27', 'kk')).toBe('2026 жылғы 27 қазан');
    expect(formatDate('2026-10-27', 'en')).toBe('27 October 2026');
    expect(formatDate('2027-01-05', 'kk')).toBe('2027 жылғы 5 қаңтар');
  });
});

describe('kk+ru answers', () => {
  it('put both texts in one mail, Kazakh first, with a bilingual subject', () => {
    const mail = renderAnswer('acknowledgement', ['ru', 'kk'], ack);
    expect(mail.subject).toBe('№ 12 өтініш тіркелді / Обращение № 12 зарегистрировано');
    for (const part of [mail.text, mail.html]) {
      expect(part).toContain(CONFIDENTIAL.kk);
      expect(part).toContain(CONFIDENTIAL.ru);
      expect(part.indexOf(CONFIDENTIAL.kk)).toBeLessThan(part.indexOf(CONFIDENTIAL.ru));
      expect(part).toContain(DUE.kk);
      expect(part).toContain(DUE.ru);
    }
    expect(mail.html.match(/<html/g)).toHaveLength(1);
  });

  it('take per-language redirect data and reasons', () => {
    const mail = renderAnswer('redirect', ['kk', 'ru'], {
      number: 5,
      authority: {
        kk: { name: 'Алматы қаласының әкімдігі' },
        ru: { name: 'Акимат города Алматы' },
      },
    });
    expect(mail.text.indexOf('Алматы қаласының әкімдігі')).toBeLessThan(
      mail.text.indexOf('Акимат города Алматы'),
    );
    const ext = renderAnswer('extension', ['kk', 'ru'], {
      number: 5,
      dueDate: '2026-12-04',
      reason: { kk: 'Мердігердің жауабы қажет.', ru: 'Нужен ответ подрядчика.' },
    });
    expect(ext.text).toContain('Ұзарту себебі: Мердігердің жауабы қажет.');
    expect(ext.text).toContain('Причина продления: Нужен ответ подрядчика.');
  });
});
