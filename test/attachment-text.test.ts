import { describe, expect, it } from 'vitest';
import { pointsToAttachment } from '../src/ingest/attachment-text.js';
import { checkZip } from '../src/ingest/docx-text.js';
import { plainShape } from '../src/ingest/mime-repair.js';
import { parseMail } from '../src/ingest/parse.js';
import { prepareMail, type PrepareConfig } from '../src/ingest/prepare.js';
import {
  DOCX_TYPE,
  attachedMessage,
  cp1251Txt,
  docx,
  file,
  mixed,
  plainLetter,
  zip,
} from './helpers/attached-mail.js';

const config: PrepareConfig = {
  maxMessageBytes: 25_000_000,
  ownAddresses: ['ombudsman@ales.kz'],
  spamHeaders: true,
  dmarcFailBlocks: true,
};

const COMPLAINT = [
  'Омбудсмену АО «АлЭС»',
  'от Сулейменова Арыстана Кайратовича,',
  'тел. 8 701 412 33 90',
  '',
  'ЖАЛОБА',
  '',
  'Прошу принять меры в отношении инспектора службы безопасности ТЭЦ-2 Рахимова Е., который',
  'потребовал у меня 30 000 тенге за оформление пропуска для проведения ремонтных работ.',
].join('\n');

const RESIDENT = {
  from: '=?utf-8?B?0JbQsNC90L3QsCDQntC80LDRgNC+0LLQsA==?= <zh.omarova@gmail.com>', // Жанна Омарова
  subject: 'Взятка при подключении',
  text:
    'Добрый день. Сотрудник отдела технических условий потребовал 200 000 тенге, чтобы ускорить ' +
    'выдачу техусловий на подключение моего дома к теплосети.\nОмарова Жанна, +7 705 320 44 11\n',
};

describe('the letter in a document attached under an empty or pointing body', () => {
  it('reads a cp1251 .txt with no charset declared under an empty body', async () => {
    const raw = mixed({
      from: 'Арыстан <arystan.s@mail.ru>',
      subject: 'Жалоба',
      body: '',
      parts: [cp1251Txt('жалоба.txt', COMPLAINT, false)],
    });
    const mail = await parseMail(raw);
    expect(mail.text).toContain('потребовал у меня 30 000 тенге');
    expect(mail.attachments).toHaveLength(1);
    const prepared = await prepareMail(raw, config);
    expect(prepared.extracted?.appellant.phone).toBe('+77014123390');
    expect(prepared.extracted?.content).toContain('Рахимова Е.');
  });

  it('reads a .docx under «См. вложение.», its own words replacing the pointer', async () => {
    const raw = mixed({
      from: '=?utf-8?B?0JbQsNC60YHRi9C70YvQutC+0LIg0JXRgNC70LDQvQ==?= <info@alatau-energo.kz>',
      subject: 'Обращение',
      body: 'См. вложение.\r\n\r\nС уважением,\r\nЕрлан\r\n',
      parts: [
        file(
          'Обращение_исх17.docx',
          DOCX_TYPE,
          docx([
            'Омбудсмену АО «Алматинские электрические станции»',
            'Настоящим сообщаем, что начальник отдела закупок Нурланов Б. требовал от нашей компании вознаграждение в размере 3% от суммы договора.',
            'Директор Жаксылыков Ерлан Маратович, тел. +7 727 390 12 12',
          ]),
        ),
      ],
    });
    const mail = await parseMail(raw);
    expect(mail.text).toContain('требовал от нашей компании вознаграждение');
    expect(mail.text).not.toContain('См. вложение');
    expect(mail.problems).toEqual([]);
    const prepared = await prepareMail(raw, config);
    expect(prepared.extracted?.appellant.phone).toBe('+77273901212');
    expect(prepared.extracted?.content).toContain('Нурланов Б.');
  });

  it('reads an .html attachment under a blank body as the body HTML is read', async () => {
    const html =
      '<html><body><h3>Жалоба участника закупки</h3><p>Текст: член тендерной комиссии ' +
      'Садвакасов предложил «помочь» с победой за 2% от суммы лота.</p>' +
      '<p>Контакт: Ли Артур, +7 701 630 63 63</p><script>x()</script></body></html>';
    const raw = mixed({
      from: 'Портал закупок <zakup-portal@samruk-energy.kz>',
      subject: 'Жалоба участника закупки',
      body: ' \r\n',
      parts: [file('complaint.html', 'text/html; charset=utf-8', Buffer.from(html))],
    });
    const mail = await parseMail(raw);
    expect(mail.text).toContain('Садвакасов предложил «помочь»');
    expect(mail.text).not.toMatch(/<p>|x\(\)/);
    const prepared = await prepareMail(raw, config);
    expect(prepared.extracted?.appellant.phone).toBe('+77016306363');
  });

  it('keeps a long body its own words: the attached document is evidence beside it', async () => {
    const body =
      'Здравствуйте. Пишу о том, что мастер участка требует деньги за подключение. ' +
      'Прикладываю свою переписку с ним, в ней видно, что он просил перевести 50 000 тенге ' +
      'на карту его жены. Прошу разобраться и наказать виновных, это продолжается полгода. ' +
      'Мои соседи готовы подтвердить сказанное, их телефоны я могу сообщить по запросу. ' +
      'Нурлан Абенов';
    const raw = mixed({
      from: 'Нурлан <n.abenov@mail.ru>',
      subject: 'Жалоба',
      body,
      parts: [cp1251Txt('переписка.txt', 'Переведи 50 000 на карту жены.', true)],
    });
    const mail = await parseMail(raw);
    expect(mail.text).toBe(body);
  });

  it('tells a body that points at its attachment from one that says something', () => {
    for (const pointing of [
      '',
      'См. вложение.',
      'Жалоба во вложении.\n\nС уважением,\nЕрлан',
      'Please see attached.',
      'Өтінішім тіркемеде.',
    ]) {
      expect(pointsToAttachment(pointing), pointing).toBe(true);
    }
    expect(pointsToAttachment('Прошу проверить счёт за ноябрь.')).toBe(false);
    expect(pointsToAttachment(`Прикладываю файл. ${'Подробно о деле. '.repeat(30)}`)).toBe(false);
  });
});

describe('a letter forwarded as an attachment (Outlook’s default)', () => {
  it('gives a bare forward the columns of the attached letter, the answer going to the sender', async () => {
    const raw = mixed({
      from: 'Info ALES <info@ales.kz>',
      subject: 'FW: Взятка при подключении',
      body: '',
      parts: [attachedMessage(plainLetter(RESIDENT))],
    });
    const mail = await parseMail(raw);
    expect(mail.text).toMatch(/^---------- Forwarded message ---------\nFrom: Жанна Омарова/u);
    const prepared = await prepareMail(raw, config);
    expect(prepared.extracted).toMatchObject({
      appellant: { fullName: 'Омарова Жанна', phone: '+77053204411' },
      answerAddress: 'info@ales.kz',
    });
    expect(prepared.extracted?.content).toContain('потребовал 200 000 тенге');
  });

  it('keeps a cover note as the content, the attached letter in the text after it', async () => {
    const raw = mixed({
      from: 'Сауле Кожахметова <s.kozhakhmetova@ales.kz>',
      subject: 'FW: Взятка при подключении',
      body: 'Добрый день! Направляю обращение, поступившее в канцелярию, для рассмотрения.\r\n',
      parts: [attachedMessage(plainLetter(RESIDENT))],
    });
    const mail = await parseMail(raw);
    expect(mail.text).toContain('Subject: Взятка при подключении');
    expect(mail.text).toContain('потребовал 200 000 тенге');
    const prepared = await prepareMail(raw, config);
    expect(prepared.extracted?.content).toBe(
      'Добрый день! Направляю обращение, поступившее в канцелярию, для рассмотрения.',
    );
  });

  it('reads a letter forwarded as an attachment of a letter forwarded as an attachment', async () => {
    const relay = mixed({
      from: 'Акимат <kense@almaty.gov.kz>',
      subject: 'Направляем по принадлежности',
      body: '',
      parts: [attachedMessage(plainLetter(RESIDENT), 'obrashenie.eml')],
    });
    const raw = mixed({
      from: 'Info ALES <info@ales.kz>',
      subject: 'FW: Направляем по принадлежности',
      body: '',
      parts: [attachedMessage(relay, 'fw.eml')],
    });
    const prepared = await prepareMail(raw, config);
    expect(prepared.parsed.text.match(/Forwarded message/g)).toHaveLength(2);
    expect(prepared.extracted?.appellant.phone).toBe('+77053204411');
    expect(prepared.extracted?.answerAddress).toBe('info@ales.kz');
  });
});

describe('attachments that are not read, noted and never thrown', () => {
  it('stops at MAX_EMBEDDED_DEPTH attached messages deep', async () => {
    let raw: Buffer = plainLetter(RESIDENT);
    for (let i = 0; i < 6; i++) {
      raw = mixed({ from: 'a@example.kz', subject: 'FW', body: '', parts: [attachedMessage(raw)] });
    }
    const mail = await parseMail(raw);
    expect(mail.problems).toContain('attachment-unread:too-deep');
    expect(mail.text).not.toContain('200 000');
  });

  it('notes a Word file that is no zip, and one whose parts inflate past the bound', async () => {
    const bomb = zip([
      ['[Content_Types].xml', '<Types/>'],
      // 9 MB of zeros deflate to 9 KB; the directory says 100 bytes
      ['word/document.xml', Buffer.alloc(9 * 1024 * 1024), 100],
    ]);
    expect(() => checkZip(bomb)).toThrow(/too-big/);
    for (const [bytes, problem] of [
      [Buffer.from('not a zip at all'), 'attachment-unread:corrupt'],
      [bomb, 'attachment-unread:too-big'],
    ] as const) {
      const raw = mixed({
        from: 'a@example.kz',
        subject: 'Жалоба',
        body: 'См. вложение',
        parts: [file('жалоба.docx', DOCX_TYPE, bytes)],
      });
      const mail = await parseMail(raw);
      expect(mail.problems).toContain(problem);
      expect(mail.text).toBe('См. вложение');
    }
  });

  it('hashes a .txt over 1 MB without reading it; the fast path leaves only small ones to the parser', async () => {
    const big = Buffer.alloc(1_200_000, 'жалоба ');
    const raw = mixed({
      from: 'a@example.kz',
      subject: 'Жалоба',
      body: '',
      parts: [
        file('big.txt', 'text/plain; charset=utf-8', big),
        file('small.txt', 'text/plain; charset=utf-8', Buffer.from('Короткая жалоба.')),
        file('scan.pdf', 'application/pdf', Buffer.alloc(2000, 1)),
      ],
    });
    // the big .txt and the PDF are hashed before the parser; the small .txt is parsed
    expect(plainShape(raw)?.attachmentBodies.map((b) => b.size)).toEqual([big.length, 2000]);
    const mail = await parseMail(raw);
    expect(mail.problems).toContain('attachment-unread:too-big');
    expect(mail.text).toBe('Короткая жалоба.');
    const small = Buffer.byteLength('Короткая жалоба.');
    expect(mail.attachments.map((a) => a.size).sort()).toEqual([big.length, small, 2000].sort());
  });
});
