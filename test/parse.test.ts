import { readFileSync, readdirSync } from 'node:fs';
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { setFlagsFromString } from 'node:v8';
import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { parseMail, sanitizeFilename, singleLine, withoutDataUris } from '../src/ingest/parse.js';
import { detectCharset, normalizeCharset } from '../src/ingest/charset.js';
import { plainShape } from '../src/ingest/mime-repair.js';
import type { ParsedMail } from '../src/ingest/mail.models.js';

const FIXTURES = join(import.meta.dirname, 'fixtures', 'mail');
const fixtureNames = readdirSync(FIXTURES).filter((name) => name.endsWith('.eml'));
const parseFixture = (name: string): Promise<ParsedMail> =>
  parseMail(readFileSync(join(FIXTURES, name)), {});

// What UTF-8 read as latin1 or cp1251 (and the reverse) looks like.
const MOJIBAKE = ['Ð', 'Ñ', 'Р°', 'Рµ', 'Рѕ', 'СЃ', 'вЂ', 'Ã', 'ï»¿'];
// The one fixture whose damage is real: its base64 is cut mid-character.
const DAMAGED = new Set(['25-bad-base64.eml']);

function expectReadable(value: string, name: string): void {
  for (const marker of MOJIBAKE) expect(value, `${name}: ${marker}`).not.toContain(marker);
  if (!DAMAGED.has(name)) expect(value, name).not.toContain('\uFFFD');
}

/** fixture → words its subject and its text must contain. */
const EXPECTED: Record<string, { subject?: string; text: string[] }> = {
  '01-outlook-ru-bribe-zheo2.eml': {
    subject: 'взятке в ЖЭО-2',
    text: ['ЖЭО-2', 'Сапаров Ерлан Маратович', '8 701 123 45 67', 'Орбита-2'],
  },
  '02-gmail-ru-heating-bill.eml': {
    subject: 'счёт за отопление',
    text: ['48 317 тенге', '+7 777 234 56 78'],
  },
  '03-mailru-ru-anonymous.eml': { subject: 'ТЭЦ-2', text: ['Прошу не указывать моё имя'] },
  '04-yandex-kk-anonymous.eml': {
    subject: 'Қосалқы станциядағы',
    text: ['Атымды көрсетпеуіңізді сұраймын', 'Құрметпен'],
  },
  '05-apple-mail-en-anonymous.eml': { subject: 'Timesheet', text: ['Please keep me anonymous'] },
  '06-outlook-kk-llp-representative.eml': {
    subject: '«Алатау Сервис» ЖШС',
    text: ['«Алатау Сервис» ЖШС', 'Серіков Дәурен Асқарұлы', '+7 727 312 45 67'],
  },
  '07-gmail-ru-too-representative.eml': {
    subject: 'тендера №7781',
    text: ['ТОО «СтройМонтаж-2010»', '8 (702) 555-12-34'],
  },
  '08-gmail-en-llp.eml': { subject: 'Steppe Logistics LLP', text: ['Steppe Logistics LLP'] },
  '09-reply-re-obrashchenie-12.eml': {
    subject: 'Re: Обращение № 12 зарегистрировано',
    text: ['Дополняю своё обращение', '> Ваше обращение зарегистрировано'],
  },
  '10-thebat-cp1251-raw-header.eml': {
    subject: 'Нет горячей воды',
    text: ['горячей воды', 'Жумабеков Нурлан Кайратович'],
  },
  '11-outlook-express-koi8r.eml': {
    subject: 'Вымогательство',
    text: ['Энергосбыта', 'Петренко Ольга Ивановна'],
  },
  '12-undeclared-cp1251.eml': { subject: 'Свет в подъезде', text: ['Байзакова', 'Исаев Марат'] },
  '13-undeclared-koi8r.eml': {
    subject: 'Неверные начисления',
    text: ['начисления за электроэнергию', 'Смирнова Татьяна'],
  },
  '14-undeclared-utf8-kk.eml': {
    subject: 'Үйде жылу жоқ',
    text: ['ықшамауданы', 'Оспанова Әсел Нұрланқызы'],
  },
  '15-iso-8859-5.eml': { subject: 'Отказ в перерасчёте', text: ['командировка', 'Белова Ирина'] },
  '16-kz1048-declared.eml': {
    subject: 'Жұмысқа қабылдау үшін ақша',
    text: ['Құрметті омбудсмен', 'Нұрғали Бекұлы', 'Іле аудандық'],
  },
  '17-b-encoded-headers-kk.eml': {
    subject: 'көше шамдары бір айдан бері жанбайды — өтінемін',
    text: ['Шұғыла шағынауданында'],
  },
  '18-q-encoded-headers-cp1251.eml': {
    subject: 'ПК «Жулдыз-1»',
    text: ['тариф на тепло', 'Абенов Серик'],
  },
  '19-html-only-scripts.eml': {
    subject: 'Нарушение ТБ',
    text: ['нарушении техники безопасности', 'https://disk.yandex.kz/d/AbCdEf123'],
  },
  '20-multipart-alternative-yandex.eml': { subject: 'Возврат', text: ['переплату 12 500 тенге'] },
  '21-attachments-pdf-docx.eml': { subject: 'приложениями', text: ['протокол осмотра'] },
  '22-forwarded-rfc822.eml': {
    subject: 'Fwd: угрозы',
    text: ['Пересылаю письмо', 'если не заберёте жалобу'],
  },
  '23-broken-boundary.eml': { subject: 'Нет электричества', text: ['Тимирязева, 42'] },
  '24-missing-boundary-param.eml': { subject: 'повторно', text: ['Тимирязева, 42'] },
  '25-bad-base64.eml': { subject: 'Перенос', text: ['Прошу перенести отключение', 'Сатпаева'] },
  '26-truncated-multipart.eml': { subject: 'заявке 4471', text: ['счётчик опломбирован'] },
  '27-no-message-id-garbage-date.eml': { subject: 'График', text: ['Медеускому району'] },
  '28-header-injection.eml': { subject: 'Счёт за ноябрь', text: ['проверьте пожалуйста'] },
  '29-nul-bytes.eml': { subject: 'нулевыми', text: ['продолжение после нуля'] },
  '30-missing-headers.eml': { text: ['Жибек Жолы'] },
  '31-ooo-outlook-ru.eml': { subject: 'Автоматический ответ', text: ['в отпуске'] },
  '32-ooo-kk-subject-only.eml': { subject: 'Автоматты жауап', text: ['Кеңседе жоқпын'] },
  '33-ooo-en-gmail-vacation.eml': { subject: 'Out of Office', text: ['out of the office'] },
  '34-ooo-yandex-ru-x-autoreply.eml': { subject: 'Автоответ', text: ['Я в отпуске'] },
  '35-ooo-mailru-ru-weak-subject.eml': { subject: 'Нет на месте', text: ['нет на месте'] },
  '36-ooo-kk-x-autorespond.eml': { subject: 'Демалыстамын', text: ['желтоқсанда'] },
  '37-bounce-postfix.eml': { subject: 'Undelivered Mail', text: ['User unknown'] },
  '38-bounce-exchange-ru.eml': {
    subject: 'Недоставленное сообщение',
    text: ['Не удалось доставить'],
  },
  '39-bounce-null-return-path-only.eml': { subject: 'Уведомление', text: ['не может быть'] },
  '40-list-mail.eml': { subject: 'Дайджест', text: ['ТЭЦ-3'] },
  '41-newsletter-bulk.eml': { subject: 'Скидки недели', text: ['Обогреватели со скидкой'] },
  '42-spam-flagged.eml': { subject: 'Вы выиграли', text: ['комиссию'] },
  '43-spam-status-only.eml': { subject: 'INVEST NOW', text: ['Guaranteed'] },
  '44-own-address-loop.eml': { subject: 'Обращение № 12', text: ['зарегистрировано'] },
  '45-noreply-webform-appeal.eml': {
    subject: 'формы «Доверие»',
    text: ['РЭС-5', 'Прошу не указывать моё имя'],
  },
  '46-dmarc-fail-appeal.eml': { subject: 'отозвать', text: ['отозвать моё обращение'] },
  '47-reply-to-personal.eml': {
    subject: 'Тоқ қосу мерзімі бұзылды',
    text: ['«Жарық Құрылыс» ЖШС', '+7 701 444 55 66'],
  },
};

describe('parseMail on the .eml fixtures', () => {
  it('has at least 40 fixtures, each with expectations', () => {
    expect(fixtureNames.length).toBeGreaterThanOrEqual(40);
    expect(Object.keys(EXPECTED).sort()).toEqual([...fixtureNames].sort());
  });

  it.each(fixtureNames)('parses %s to readable text with the expected words', async (name) => {
    const mail = await parseFixture(name);
    const expected = EXPECTED[name];
    expectReadable(mail.text, name);
    expectReadable(mail.subject, name);
    expectReadable(mail.from?.name ?? '', name);
    for (const word of expected?.text ?? []) expect(mail.text, name).toContain(word);
    if (expected?.subject) expect(mail.subject).toContain(expected.subject);
    expect(mail.text).not.toMatch(/\r|\0/);
    expect(mail.subject).not.toMatch(/[\r\n\0]/);
  });
});

describe('parseMail charsets', () => {
  it('decodes a declared windows-1251 body and repairs raw 8-bit cp1251 header bytes', async () => {
    const mail = await parseFixture('10-thebat-cp1251-raw-header.eml');
    expect(mail.from).toEqual({ address: 'nurlan.zh@nursat.kz', name: 'Нурлан Жумабеков' });
    expect(mail.problems).toContain('raw-8bit-header:windows-1251');
  });

  it('tells undeclared windows-1251 from undeclared koi8-r and says so', async () => {
    const cp1251 = await parseFixture('12-undeclared-cp1251.eml');
    const koi8 = await parseFixture('13-undeclared-koi8r.eml');
    expect(cp1251.problems).toContain('undeclared-8bit-charset:windows-1251');
    expect(koi8.problems).toContain('undeclared-8bit-charset:koi8-r');
    expect(koi8.from?.name).toBe('Татьяна Смирнова');
  });

  it('keeps Kazakh letters from undeclared UTF-8 and from declared KZ-1048', async () => {
    const utf8 = await parseFixture('14-undeclared-utf8-kk.eml');
    const kz1048 = await parseFixture('16-kz1048-declared.eml');
    expect(utf8.from?.name).toBe('Әсел Оспанова');
    expect(kz1048.from?.name).toBe('Нұрғали Бекұлы');
    for (const letter of 'әғқңөұүі') expect(utf8.text + kz1048.text).toContain(letter);
  });

  it('round-trips all Kazakh letters, both cases, through a KZ-1048 body and subject', async () => {
    const letters = 'ӘәҒғҚқҢңӨөҰұҮүҺһІі';
    const subject = iconv.encode(letters, 'rk1048').toString('base64');
    const raw = Buffer.concat([
      Buffer.from(`From: a@b.kz\r\nSubject: =?KZ-1048?B?${subject}?=\r\n`),
      Buffer.from('Content-Type: text/plain; charset=KZ-1048\r\n\r\n'),
      iconv.encode(`Әріптер: ${letters}`, 'rk1048'),
    ]);
    const mail = await parseMail(raw, {});
    expect(mail.subject).toBe(letters);
    expect(mail.text).toBe(`Әріптер: ${letters}`);
  });

  it('reads koi8-r saved with LF line ends, Q-encoded koi8-r headers included', async () => {
    const mail = await parseFixture('11-outlook-express-koi8r.eml');
    expect(mail.from?.name).toBe('Петренко Ольга');
    expect(mail.problems).toEqual([]);
  });

  it('detects the charset of short strings, names included', () => {
    for (const text of ['Жалоба', 'Иван Петров', 'Re: Обращение № 12', 'Нет горячей воды']) {
      expect(detectCharset(iconv.encode(text, 'cp1251'))).toBe('windows-1251');
      expect(detectCharset(iconv.encode(text, 'koi8-r'))).toBe('koi8-r');
      expect(detectCharset(Buffer.from(text))).toBe('utf-8');
    }
    expect(detectCharset(iconv.encode('Сәлеметсіз бе, Қазақстан', 'rk1048'))).toBe('rk1048');
    expect(detectCharset(Buffer.from('plain ascii'))).toBeNull();
  });

  it('maps the KZ-1048 aliases mail clients write to the name iconv-lite knows', () => {
    expect(normalizeCharset('KZ-1048')).toBe('rk1048');
    expect(normalizeCharset('STRK1048-2002')).toBe('rk1048');
    expect(normalizeCharset('x-unknown-charset')).toBeNull();
  });

  it('treats a body declared UTF-8 but written in cp1251 as mislabelled, not as mojibake', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@b.kz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'),
      iconv.encode('Прошу проверить счёт за свет.', 'cp1251'),
    ]);
    const mail = await parseMail(raw, {});
    expect(mail.text).toBe('Прошу проверить счёт за свет.');
    expect(mail.problems).toContain('mislabelled-charset:windows-1251');
  });

  const declaredBody = (charset: string, body: Buffer) =>
    Buffer.concat([
      Buffer.from(
        `From: a@b.kz\r\nContent-Type: text/plain; charset="${charset}"\r\nContent-Transfer-Encoding: 8bit\r\n\r\n`,
      ),
      body,
    ]);

  it.each([
    ['windows-1251', Buffer.from('Здравствуйте. Мастер требует откат.'), 'utf-8'],
    ['koi8-r', Buffer.from('Сәлеметсіз бе! Шебер ақша талап етеді.'), 'utf-8'],
    ['iso-8859-1', iconv.encode('Здравствуйте. Мастер требует откат.', 'cp1251'), 'windows-1251'],
    ['windows-1252', iconv.encode('Здравствуйте. Мастер требует откат.', 'koi8-r'), 'koi8-r'],
  ])(
    'reads a body declared %s but written otherwise, and says so',
    async (charset, body, actual) => {
      const mail = await parseMail(declaredBody(charset, body), {});
      expect(mail.text).toMatch(
        /^(Здравствуйте\. Мастер требует откат\.|Сәлеметсіз бе! Шебер ақша талап етеді\.)$/,
      );
      expect(mail.problems).toContain(`mislabelled-charset:${actual}`);
    },
  );

  it('reads quoted-printable Cyrillic labelled ISO-8859-1, which the well-formed path leaves to repair', async () => {
    const qp = [...iconv.encode('Мастер требует откат.', 'cp1251')]
      .map((b) => (b < 0x80 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase()}`))
      .join('');
    const raw = Buffer.from(
      `From: a@b.kz\r\nContent-Type: text/plain; charset=iso-8859-1\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n${qp}\r\n`,
    );
    expect(plainShape(raw)).toBeNull();
    const mail = await parseMail(raw, {});
    expect(mail.text).toBe('Мастер требует откат.');
    expect(mail.problems).toContain('mislabelled-charset:windows-1251');
  });

  it.each([
    [
      'windows-1251',
      iconv.encode('Прошу проверить счёт за свет.', 'cp1251'),
      'Прошу проверить счёт за свет.',
    ],
    [
      'iso-8859-1',
      iconv.encode('Très cher Ombudsman, voilà ma plainte.', 'latin1'),
      'Très cher Ombudsman, voilà ma plainte.',
    ],
  ])('trusts a body that is what it declares (%s)', async (charset, body, text) => {
    const mail = await parseMail(declaredBody(charset, body), {});
    expect(mail.text).toBe(text);
    expect(mail.problems.filter((p) => p.startsWith('mislabelled'))).toEqual([]);
  });
});

// What PHP forms, The Bat! and Mutt write when they do not know or misstate a header's charset.
describe('parseMail encoded words whose label hides the charset', () => {
  const b = (text: string, charset: string, label: string) =>
    `=?${label}?B?${iconv.encode(text, charset).toString('base64')}?=`;
  const q = (text: string, charset: string, label: string) =>
    `=?${label}?Q?${[...iconv.encode(text, charset)]
      .map((byte) => (byte === 0x20 ? '_' : `=${byte.toString(16).toUpperCase()}`))
      .join('')}?=`;
  const letter = (from: string, subject: string, extra: string[] = []) =>
    Buffer.from(
      [
        `From: ${from}`,
        'To: ombudsman@ales.kz',
        `Subject: ${subject}`,
        'Date: Thu, 26 Nov 2026 14:32:49 +0500',
        'Message-ID: <ew@example.kz>',
        'MIME-Version: 1.0',
        ...extra,
        'Content-Type: text/plain; charset=utf-8',
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('Прошу разобраться.').toString('base64'),
        '',
      ].join('\r\n'),
    );

  it('reads a PHP form’s From name and subject labelled us-ascii as cp1251, and says so', async () => {
    const raw = letter(
      `${q('Данияр Омаров', 'cp1251', 'us-ascii')} <daniyar.om@portal.kz>`,
      q('Обращение', 'cp1251', 'us-ascii'),
      ['X-PHP-Originating-Script: 33:mail.php'],
    );
    const mail = await parseMail(raw, {});
    expect(mail.from).toEqual({ address: 'daniyar.om@portal.kz', name: 'Данияр Омаров' });
    expect(mail.subject).toBe('Обращение');
    expect(mail.problems).toEqual([
      'encoded-word-charset:from:windows-1251',
      'encoded-word-charset:subject:windows-1251',
    ]);
  });

  it('reads unknown-8bit, x-unknown and x-user-defined words by their bytes', async () => {
    const raw = letter(
      `${b('Шолпан Касенова', 'cp1251', 'unknown-8bit')} <sholpan.k@nursat.kz>`,
      `${b('Жалоба на мастера ', 'koi8-r', 'x-unknown')} ${q('ЖЭО-2', 'utf-8', 'x-user-defined')}`,
    );
    const mail = await parseMail(raw, {});
    expect(mail.from?.name).toBe('Шолпан Касенова');
    expect(mail.subject).toBe('Жалоба на мастера ЖЭО-2');
    expect(mail.problems).toEqual([
      'encoded-word-charset:from:windows-1251',
      'encoded-word-charset:subject:koi8-r',
      'encoded-word-charset:subject:utf-8',
    ]);
  });

  it('reads a The Bat! name labelled ISO-8859-1 as the cp1251 it is', async () => {
    const raw = letter(
      `${q('Иванов Петр Сергеевич', 'cp1251', 'iso-8859-1')} <ivanov.petr@mail.ru>`,
      q('Жалоба', 'cp1251', 'iso-8859-1'),
      ['X-Mailer: The Bat! (v4.0.24) Professional'],
    );
    const mail = await parseMail(raw, {});
    expect(mail.from?.name).toBe('Иванов Петр Сергеевич');
    expect(mail.subject).toBe('Жалоба');
  });

  it('reads an attachment’s name labelled unknown-8bit', async () => {
    const name = b('Жалоба Ахметова.docx', 'cp1251', 'unknown-8bit');
    const raw = Buffer.from(
      [
        'From: Серик <serik.akhm@mail.ru>',
        'Subject: =?utf-8?B?0JbQsNC70L7QsdCw?=',
        'Message-ID: <ew-att@mail.ru>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'Жалоба во вложении.',
        '--b1',
        `Content-Type: application/octet-stream; name="${name}"`,
        `Content-Disposition: attachment; filename="${name}"`,
        'Content-Transfer-Encoding: base64',
        '',
        Buffer.from('PK not really').toString('base64'),
        '--b1--',
        '',
      ].join('\r\n'),
    );
    const mail = await parseMail(raw, {});
    expect(mail.attachments.map((a) => a.filename)).toEqual(['Жалоба Ахметова.docx']);
    expect(mail.problems).toContain('encoded-word-charset:content-disposition:windows-1251');
  });

  it('keeps French and German names labelled ISO-8859-1, on the well-formed path', async () => {
    const raw = letter(
      `${q('Hélène Dupré', 'latin1', 'iso-8859-1')} <helene@example.fr>`,
      `${q('Réclamation de Jürgen Müller', 'latin1', 'ISO-8859-1')}`,
    );
    expect(plainShape(raw)).not.toBeNull();
    const mail = await parseMail(raw, {});
    expect(mail.from?.name).toBe('Hélène Dupré');
    expect(mail.subject).toBe('Réclamation de Jürgen Müller');
    expect(mail.problems).toEqual([]);
  });

  it('sends a message to the repair pass only when a label needs work', () => {
    const utf8 = letter(`${b('Әсел Оспанова', 'utf-8', 'UTF-8')} <a@b.kz>`, 'Hello');
    const unknown = letter(`${b('Әсел Оспанова', 'utf-8', 'unknown-8bit')} <a@b.kz>`, 'Hello');
    const ascii = letter('=?us-ascii?Q?Asel_Ospanova?= <a@b.kz>', 'Hello');
    expect(plainShape(utf8)).not.toBeNull();
    expect(plainShape(ascii)).not.toBeNull();
    expect(plainShape(unknown)).toBeNull();
  });
});

describe('parseMail HTML', () => {
  it('turns HTML-only mail into text without script, style, images or markup', async () => {
    const mail = await parseFixture('19-html-only-scripts.eml');
    expect(mail.htmlOnly).toBe(true);
    for (const gone of ['<', 'script', 'alert', 'document.cookie', 'font-family', 'pixel.gif']) {
      expect(mail.text).not.toContain(gone);
    }
    expect(mail.text).toContain('папка с фото [https://disk.yandex.kz/d/AbCdEf123]');
  });

  it('prefers the plain-text alternative to the HTML one', async () => {
    const mail = await parseFixture('20-multipart-alternative-yandex.eml');
    expect(mail.htmlOnly).toBe(false);
    expect(mail.text).not.toContain('ТОЛЬКО В HTML-ВЕРСИИ');
  });

  describe('a plain-text alternative that hides the HTML one', () => {
    const letter =
      'Уважаемый омбудсмен! Прошу проверить работу бригады по ремонту котла № 5 ЖЭО-2: ' +
      'работы в актах указаны, но фактически не проводились, а оплата прошла. Мастер участка ' +
      'требует подписать акты задним числом, иначе грозит лишить бригаду премии за квартал. ' +
      'Прошу провести проверку и сообщить о её результатах. Бекмуханбетов Аскар, тел. 8 701 777 12 12';
    const html = `<html><body><p>${letter.replace('. ', '.</p><p>')}</p></body></html>`;

    it.each([
      'Для просмотра этого письма используйте почтовую программу, поддерживающую HTML.',
      'Ваш почтовый клиент не поддерживает HTML. Откройте письмо в браузере.',
      'This is a multi-part message in MIME format.',
      'Your email client does not support HTML messages.',
      'To view this message, please use an HTML compatible email viewer!',
      'Бұл хатты көру үшін HTML қолдайтын пошта бағдарламасын пайдаланыңыз.',
    ])('reads the HTML when the plain part only says %j', async (stub) => {
      const mail = await parseMail(alternative(stub, html));
      expect(mail.text).toContain('котла № 5 ЖЭО-2');
      expect(mail.text).not.toContain(stub.slice(0, 20));
      expect(mail.htmlOnly).toBe(true);
      expect(mail.problems).toContain('plain-text-stub');
    });

    it('reads a stubbed letter as a mailer sends it', async () => {
      const raw = readFileSync(
        join(import.meta.dirname, 'fixtures', 'mail-automatic', 'appeal-plain-stub-html-real.eml'),
      );
      const mail = await parseMail(raw);
      expect(mail.text).toMatch(/^Уважаемый омбудсмен!/);
      expect(mail.text).toContain('начальник смены требует с операторов по 5 000 тенге');
      expect(mail.problems).toEqual(['plain-text-stub']);
    });

    it('reads the HTML when the plain part holds only a fraction of its text', async () => {
      const mail = await parseMail(alternative(letter.slice(0, 60), html));
      expect(mail.text).toContain('Бекмуханбетов Аскар');
      expect(mail.problems).toContain('plain-text-short');
    });

    it('keeps a short letter about HTML, and a short plain part the HTML does not repeat', async () => {
      const aboutHtml =
        'Сайт АлЭС не поддерживает HTML-формы в моём браузере: жалобу подать нельзя.';
      const same = await parseMail(alternative(aboutHtml, `<p>${aboutHtml}</p>`));
      expect(same.text).toBe(aboutHtml);
      expect(same.htmlOnly).toBe(false);
      const note = 'Жалоба во вложении, пересылаю переписку.';
      const other = await parseMail(alternative(note, html));
      expect(other.text).toBe(note);
      expect(other.problems).toEqual([]);
    });
  });

  describe('an inline image pasted as a data: URI', () => {
    const photo = (bytes: number) =>
      randomBytes(bytes).toString('base64').replace(/.{76}/g, '$&\n');

    it('is dropped before the HTML limit applies, keeping the text after it', async () => {
      const html =
        '<html><body><p>Фото мусора у забора ТЭЦ-1.</p>' +
        `<p><img src="data:image/jpeg;base64,${photo(3_000_000)}" width="600"></p>` +
        `<div style="background:url('data:image/png;base64,${photo(10_000)}')">` +
        'Фото сделано 24.11.2026 в 08:15.</div><p>Иманалиев Ринат</p></body></html>';
      const mail = await parseMail(htmlOnly(html));
      expect(mail.text).toContain('Фото сделано 24.11.2026 в 08:15.');
      expect(mail.text).toContain('Иманалиев Ринат');
      expect(mail.text).not.toContain('base64');
      expect(mail.problems).not.toContain('html-truncated');
    });

    it('still leaves text beyond the limit cut and noted', async () => {
      const html = `<p><img src="data:image/gif;base64,${photo(5_000)}">${'Слово. '.repeat(500)}КОНЕЦ</p>`;
      const mail = await parseMail(htmlOnly(html), { maxHtmlChars: 2_000 });
      expect(mail.text).toContain('Слово.');
      expect(mail.text).not.toContain('КОНЕЦ');
      expect(mail.problems).toContain('html-truncated');
    });

    it('never keeps more than the limit, however the URIs and the text fall', () => {
      const html = `a<img src="data:,x">${'b'.repeat(50)}<i style="x:url(data:image/png;base64,AAAA)">c</i>`;
      for (let max = 0; max <= html.length + 1; max++) {
        const cut = withoutDataUris(html, max);
        expect(cut.html.length).toBeLessThanOrEqual(max);
        expect(cut.html).not.toContain('AAAA');
        const whole = withoutDataUris(html, html.length).html;
        expect(cut.truncated).toBe(whole.length > max);
        expect(whole.startsWith(cut.html)).toBe(true);
      }
    });
  });
});

function alternative(plain: string, html: string): Buffer {
  const part = (type: string, body: string) =>
    `--alt\r\nContent-Type: text/${type}; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n` +
    `${Buffer.from(body).toString('base64')}\r\n`;
  return Buffer.from(
    'From: Аскар <askar.bek@kazmail.kz>\r\nTo: ombudsman@ales.kz\r\nSubject: Appeal\r\n' +
      'Message-ID: <alt@kazmail.kz>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: multipart/alternative; boundary="alt"\r\n\r\n' +
      part('plain', plain) +
      part('html', html) +
      '--alt--\r\n',
  );
}

function htmlOnly(html: string): Buffer {
  return Buffer.from(
    'From: Ринат <rinat.im@mail.ru>\r\nTo: ombudsman@ales.kz\r\nSubject: Photo\r\n' +
      'Message-ID: <img@mail.ru>\r\nMIME-Version: 1.0\r\n' +
      'Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n' +
      html.replace(/\n/g, '\r\n') +
      '\r\n',
  );
}

describe('parseMail headers', () => {
  it('keeps message ids and references for threading replies to our acknowledgement', async () => {
    const mail = await parseFixture('09-reply-re-obrashchenie-12.eml');
    expect(mail.inReplyTo).toBe('<appeal-12.ack.1731906900@senim.ales.kz>');
    expect(mail.references).toEqual([
      '<DB9PR02MB7212C1A5E3F0A1B2C3D4E5F6A7B8@DB9PR02MB7212.eurprd02.prod.outlook.com>',
      '<appeal-12.ack.1731906900@senim.ales.kz>',
    ]);
    expect(mail.to).toEqual(['ombudsman@ales.kz']);
  });

  it('strips encoded CR/LF from the subject and display names (header injection)', async () => {
    const mail = await parseFixture('28-header-injection.eml');
    for (const value of [mail.subject, mail.from?.name ?? '', mail.replyTo?.name ?? '']) {
      expect(value).not.toMatch(/[\r\n\u2028\u2029]/);
    }
    expect(mail.from?.address).toBe('sidorov@example.kz');
    expect(mail.problems).toContain('header-control-chars');
  });

  it('returns null for a missing Message-ID and a garbage Date instead of inventing them', async () => {
    const mail = await parseFixture('27-no-message-id-garbage-date.eml');
    expect(mail.messageId).toBeNull();
    expect(mail.date).toBeNull();
    expect(mail.problems).toEqual(expect.arrayContaining(['missing-message-id', 'bad-date']));
  });

  it('keeps only the classification headers, single-line', async () => {
    const mail = await parseFixture('37-bounce-postfix.eml');
    expect(mail.headers['return-path']).toEqual(['<>']);
    expect(mail.headers['content-type']?.[0]).toMatch(
      /^multipart\/report; report-type=delivery-status/,
    );
    expect(mail.headers['received']).toBeUndefined();
  });

  it('reduces names to one line without control or bidi characters', () => {
    expect(singleLine('a\r\nBcc: x\u202Eb\u0000')).toBe('a Bcc: x b');
  });
});

describe('parseMail attachments', () => {
  it('lists attachments with size and SHA-256 but not their content', async () => {
    const mail = await parseFixture('21-attachments-pdf-docx.eml');
    expect(mail.attachments.map((a) => a.filename)).toEqual([
      'protocol.pdf',
      'Жалоба.docx',
      'passwd',
    ]);
    const stub = mail.attachments[2]!;
    expect(stub.size).toBe(10);
    expect(stub.sha256).toBe(createHash('sha256').update('not really').digest('hex'));
    for (const attachment of mail.attachments) {
      expect(Object.keys(attachment).sort()).toEqual(['contentType', 'filename', 'sha256', 'size']);
    }
  });

  // Attachments of well-formed mail are hashed from their base64 without going through the
  // parser's decoder: what is listed must be what mailparser would have decoded.
  describe('hashed without the parser', () => {
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    const pdf = randomBytes(70_000);
    const photo = randomBytes(5_000);
    const b64lines = (b: Buffer, eol: string) =>
      (b.toString('base64').match(/.{1,76}/g) ?? []).join(eol);
    function letter(parts: string[][], eol = '\r\n'): Buffer {
      const lines = [
        'From: Айгуль <a@example.kz>',
        'To: ombudsman@ales.kz',
        'Subject: scan',
        'Message-ID: <att@example.kz>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="----=_b_1"',
        '',
        '------=_b_1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'See the scan.',
      ];
      for (const part of parts) lines.push('------=_b_1', ...part);
      lines.push('------=_b_1--', '');
      return Buffer.from(lines.join(eol), 'latin1');
    }
    const attachment = (name: string, body: string, extra: string[] = []) => [
      `Content-Type: application/octet-stream; name="${name}"`,
      `Content-Disposition: attachment; filename="${name}"`,
      'Content-Transfer-Encoding: base64',
      ...extra,
      '',
      body,
    ];

    it('lists size and SHA-256 of the decoded content, with CRLF or LF line ends', async () => {
      for (const eol of ['\r\n', '\n']) {
        const inline = [
          'Content-Type: image/png',
          'Content-Transfer-Encoding: base64',
          '',
          b64lines(photo, eol),
        ];
        const mail = await parseMail(
          letter([attachment('scan.pdf', b64lines(pdf, eol)), inline], eol),
        );
        expect(mail.text.trim()).toBe('See the scan.');
        expect(mail.attachments).toEqual([
          {
            filename: 'scan.pdf',
            // mailparser takes the type from the file name
            contentType: 'application/pdf',
            size: pdf.length,
            sha256: sha(pdf),
          },
          { filename: null, contentType: 'image/png', size: photo.length, sha256: sha(photo) },
        ]);
      }
    });

    it('decodes padding in the middle of the base64 as mailparser does', async () => {
      // two base64 runs glued together: Node's decoder would stop at the first '='
      const mail = await parseMail(letter([attachment('glued.bin', 'QQ==QQ==')]));
      expect(mail.attachments[0]).toMatchObject({ size: 2, sha256: sha(Buffer.from('AA')) });
    });

    // the check that lets such mail skip the repair pass reads bytes: a lone CR (a line end to
    // mailsplit, not to the check) must still send the message to the repair pass, wherever it is
    it('sends a message with a lone CR to the repair pass, in its text or in a base64 body', () => {
      const body = b64lines(pdf, '\r\n');
      const withText = (text: string, base64: string) =>
        letter([attachment('scan.pdf', base64)])
          .toString('latin1')
          .replace('See the scan.', text);
      const shape = (mail: string) => plainShape(Buffer.from(mail, 'latin1'));
      expect(shape(withText('See the scan.', body))?.attachmentBodies).toHaveLength(1);
      expect(shape(withText('See\rthe scan.', body))).toBeNull();
      expect(
        shape(withText('See the scan.', body.slice(0, 50_000) + '\r' + body.slice(50_000))),
      ).toBeNull();
      const lineEnd = body.slice(0, 50_000) + '\r\n' + body.slice(50_000);
      expect(shape(withText('See the scan.', lineEnd))).not.toBeNull();
    });

    it('is not misled by a part that carries the marker header itself', async () => {
      const mail = await parseMail(
        letter([
          attachment('a.bin', b64lines(pdf, '\r\n')),
          attachment('b.bin', b64lines(photo, '\r\n'), ['X-Senim-Hashed: 0']),
        ]),
      );
      expect(mail.attachments.map((a) => [a.filename, a.size, a.sha256])).toEqual([
        ['a.bin', pdf.length, sha(pdf)],
        ['b.bin', photo.length, sha(photo)],
      ]);
    });
  });

  it.each([
    ['calendar-request-outlook-ru.eml', 'REQUEST'],
    ['calendar-reply-google-en.eml', 'REPLY'],
    ['calendar-cancel-kk.eml', 'CANCEL'],
    ['appeal-with-ics-attachment.eml', null],
  ])(
    'reads the iMIP method of %s: %s, not that of a calendar file attached by hand',
    async (name, method) => {
      const raw = readFileSync(join(import.meta.dirname, 'fixtures', 'mail-automatic', name));
      const mail = await parseMail(raw, {});
      expect(mail.calendarMethod).toBe(method);
      expect(mail.attachments.some((a) => a.contentType === 'text/calendar')).toBe(true);
    },
  );

  it('sanitises file names: no path, control or bidi characters, no leading dots', () => {
    expect(sanitizeFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitizeFilename('C:\\Users\\x\\скан.pdf')).toBe('скан.pdf');
    expect(sanitizeFilename('invoice\u202Efdp.exe')).toBe('invoice fdp.exe');
    expect(sanitizeFilename('..\r\n.hidden')).toBe('hidden');
    expect(sanitizeFilename('')).toBeNull();
  });
});

describe('parseMail on broken input', () => {
  it('salvages the text of a multipart whose boundary never appears', async () => {
    const mail = await parseFixture('23-broken-boundary.eml');
    expect(mail.problems).toEqual(
      expect.arrayContaining(['broken-mime', 'broken-mime:boundary-not-found']),
    );
    expect(mail.text).not.toContain('Content-Type');
  });

  it('salvages the text of a multipart without a boundary parameter', async () => {
    const mail = await parseFixture('24-missing-boundary-param.eml');
    expect(mail.problems).toContain('broken-mime:missing-boundary');
  });

  it('drops non-base64 lines instead of shifting the rest of the text into garbage', async () => {
    const mail = await parseFixture('25-bad-base64.eml');
    expect(mail.problems).toContain('broken-mime:bad-base64');
    expect(mail.text).toContain('Дом по ул. Сатпаева, 90');
  });

  it('keeps what arrived of a truncated message', async () => {
    const mail = await parseFixture('26-truncated-multipart.eml');
    expect(mail.problems).toContain('broken-mime:unterminated-multipart');
    expect(mail.attachments).toHaveLength(1);
  });

  it('removes NUL bytes and notes them', async () => {
    const mail = await parseFixture('29-nul-bytes.eml');
    expect(mail.problems).toContain('nul-bytes');
  });

  it('parses a message with no headers at all', async () => {
    const mail = await parseFixture('30-missing-headers.eml');
    expect(mail.from).toBeNull();
    expect(mail.subject).toBe('');
    expect(mail.problems).toContain('missing-from');
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['NUL bytes only', Buffer.alloc(1000)],
    ['a line without a colon', Buffer.from('garbage without colon')],
    ['random bytes', randomBytes(64 * 1024)],
  ])('returns without throwing for %s', async (_label, raw) => {
    const mail = await parseMail(raw, {});
    expect(mail.problems).toContain('missing-from');
  });

  it('returns for a 20 MB single line, cut to maxTextChars', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: a@b.kz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n'),
      Buffer.alloc(20 * 1024 * 1024, 'я'),
    ]);
    const mail = await parseMail(raw, { maxTextChars: 1000 });
    expect(mail.text).toHaveLength(1000);
    expect(mail.problems).toContain('text-truncated');
  });

  it('returns the headers it can for a header block beyond the 1 MB limit', async () => {
    const raw = Buffer.from(`From: a@b.kz\r\nSubject: ${'x'.repeat(3_000_000)}\r\n\r\nbody\r\n`);
    const mail = await parseMail(raw, {});
    expect(mail.problems).toContain('unparseable');
    expect(mail.from?.address).toBe('a@b.kz');
    expect(mail.subject.length).toBeLessThan(10_000);
  });
});

/** A message wrapped `depth` times in multipart/mixed + message/rfc822. */
function nested(depth: number): Buffer {
  let message =
    'From: inner@example.kz\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nСамый глубокий текст.\r\n';
  for (let level = 1; level <= depth; level++) {
    message =
      `From: level${level}@example.kz\r\nMIME-Version: 1.0\r\n` +
      `Content-Type: multipart/mixed; boundary="b${level}"\r\n\r\n` +
      `--b${level}\r\nContent-Type: message/rfc822\r\n\r\n${message}\r\n--b${level}--\r\n`;
  }
  return Buffer.from(message);
}

describe('parseMail on deep nesting', () => {
  it('parses forwarded messages nested 50 deep and flags the depth', async () => {
    const mail = await parseMail(nested(50), {});
    expect(mail.text).toContain('Самый глубокий текст.');
    expect(mail.problems).toContain('deep-nesting');
  });

  it('returns quickly for 3000 levels, keeping embedded messages as attachments', async () => {
    const started = Date.now();
    const mail = await parseMail(nested(3000), {});
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(mail.problems).toContain('embedded-messages-not-parsed');
  });
});

describe('parseMail memory', () => {
  const ATTACHMENT = 30 * 1024 * 1024;

  function bigMessage(): Buffer {
    const base64 = randomBytes(ATTACHMENT).toString('base64').replace(/.{76}/g, '$&\r\n');
    return Buffer.from(
      'From: a@b.kz\r\nSubject: big\r\nMIME-Version: 1.0\r\n' +
        'Content-Type: multipart/mixed; boundary="BIG"\r\n\r\n' +
        '--BIG\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nСм. вложение.\r\n' +
        '--BIG\r\nContent-Type: application/pdf\r\n' +
        'Content-Disposition: attachment; filename="scan.pdf"\r\n' +
        `Content-Transfer-Encoding: base64\r\n\r\n${base64}\r\n--BIG--\r\n`,
    );
  }

  it('streams a 30 MB attachment into a hash, staying under 3x its size', async () => {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    const raw = bigMessage();
    // the generator's buffers are freed only after a GC cycle and their finalizers: without the
    // wait, their release during the parse hides the parse's own growth
    gc();
    await new Promise((resolve) => setTimeout(resolve, 50));
    gc();
    const used = () => {
      const m = process.memoryUsage();
      return { heap: m.heapUsed + m.external, rss: m.rss };
    };
    const base = used();
    let peak = base;
    let samples = 0;
    const timer = setInterval(() => {
      samples++;
      const now = used();
      peak = { heap: Math.max(peak.heap, now.heap), rss: Math.max(peak.rss, now.rss) };
    }, 2);
    const mail = await parseMail(raw, {});
    clearInterval(timer);
    const heapDelta = peak.heap - base.heap;
    const rssDelta = peak.rss - base.rss;
    console.info(
      `30 MB attachment (raw ${(raw.length / 2 ** 20).toFixed(1)} MB): ` +
        `peak heap+external +${(heapDelta / 2 ** 20).toFixed(1)} MB, ` +
        `peak RSS +${(rssDelta / 2 ** 20).toFixed(1)} MB, ${samples} samples`,
    );
    expect(mail.attachments).toEqual([
      expect.objectContaining({ filename: 'scan.pdf', size: ATTACHMENT }),
    ]);
    expect(mail.text).toBe('См. вложение.');
    expect(heapDelta).toBeLessThan(3 * ATTACHMENT);
  });
});
