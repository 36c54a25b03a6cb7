import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { prepareMail, type PrepareConfig } from '../src/ingest/prepare.js';

const CONFIG: PrepareConfig = {
  maxMessageBytes: 25 * 1024 * 1024,
  ownAddresses: ['ombudsman@ales.kz'],
  spamHeaders: true,
  dmarcFailBlocks: true,
};

function letter(subject: string, text: string): Buffer {
  return Buffer.from(
    [
      'From: Ерлан Сапаров <erlan@example.kz>',
      'To: ombudsman@ales.kz',
      `Subject: =?UTF-8?B?${Buffer.from(subject).toString('base64')}?=`,
      'Message-ID: <prepare-test@example.kz>',
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset=utf-8',
      'Content-Transfer-Encoding: base64',
      '',
      Buffer.from(text).toString('base64'),
      '',
    ].join('\r\n'),
  );
}

const BILLING = 'Счёт за электроэнергию завышен, прошу пересчитать тариф за свет.';

// rules 4.10: triage reads the writer's own words; a quoted or forwarded mail is not the appeal
describe('prepareMail triage', () => {
  it('decides from the writer’s own words, not from the letter they quote', async () => {
    const text = [
      'Прошу разобраться: мастер участка грубит посетителям.',
      '',
      '-----Original Message-----',
      'From: Абонентский отдел <billing@example.kz>',
      'Sent: Monday, November 23, 2026 10:00 AM',
      'Subject: Счёт',
      '',
      BILLING,
    ].join('\n');
    const prepared = await prepareMail(letter('Жалоба', text), CONFIG);
    expect(prepared.decision).toMatchObject({ scope: 'in', category: 'conduct_other' });
    expect(prepared.decision!.evidence.join(' ')).not.toMatch(/billing|tariffs/);
  });

  it('reads the forwarded letter of a bare forward, as column 5 does', async () => {
    const text = [
      '---------- Forwarded message ---------',
      'From: Соседка <neighbour@example.kz>',
      'Subject: Счёт',
      '',
      BILLING,
    ].join('\n');
    const prepared = await prepareMail(letter('Fwd: Счёт', text), CONFIG);
    expect(prepared.extracted!.content).toBe(BILLING);
    expect(prepared.decision).toMatchObject({ scope: 'out', category: 'tariffs' });
  });
});

/** A letter as an old mailer writes it: headers and an 8-bit body in `charset`. */
function oldMailerLetter(headers: string[], body: string, charset: string): Buffer {
  return Buffer.concat([
    Buffer.from(
      [
        ...headers,
        'To: ombudsman@ales.kz',
        'Date: Thu, 26 Nov 2026 14:30:49 +0500',
        'MIME-Version: 1.0',
        `Content-Type: text/plain; charset="${charset}"`,
        'Content-Transfer-Encoding: 8bit',
        '',
        '',
      ].join('\r\n'),
    ),
    iconv.encode(body, iconv.encodingExists(charset) ? charset : 'cp1251'),
  ]);
}

const qWord = (text: string, charset: string, label: string) =>
  `=?${label}?Q?${[...iconv.encode(text, charset)]
    .map((byte) =>
      byte < 0x80 ? String.fromCharCode(byte) : `=${byte.toString(16).toUpperCase()}`,
    )
    .join('')
    .replace(/ /g, '=20')}?=`;
const bWord = (text: string, charset: string, label: string) =>
  `=?${label}?B?${iconv.encode(text, charset).toString('base64')}?=`;

// The journal's name column and column 5 come from these headers (sweep 3, mail4 and mail/24).
describe('prepareMail on encoded words whose label hides the charset', () => {
  it('names the writer of a The Bat! letter whose From says ISO-8859-1 over cp1251', async () => {
    const raw = oldMailerLetter(
      [
        `From: ${qWord('Иванов Петр Сергеевич', 'cp1251', 'iso-8859-1')} <ivanov.petr@mail.ru>`,
        `Subject: ${qWord('Жалоба', 'cp1251', 'iso-8859-1')}`,
        'Message-ID: <ew-91@mail.ru>',
        'X-Mailer: The Bat! (v4.0.24) Professional',
      ],
      'Здравствуйте. Мастер ЖЭО-2 требует с рабочих деньги за выход в праздники.\r\n',
      'windows-1251',
    );
    const prepared = await prepareMail(raw, CONFIG);
    expect(prepared.extracted!.appellant.fullName).toBe('Иванов Петр Сергеевич');
    expect(prepared.notes).toContain('encoded-word-charset:from:windows-1251');
    expect(prepared.notes).toContain('encoded-word-charset:subject:windows-1251');
  });

  it('takes column 5 from an unknown-8bit subject when the letter is only an attachment', async () => {
    const raw = Buffer.from(
      [
        `From: ${bWord('Шолпан Касенова', 'cp1251', 'unknown-8bit')} <sholpan.k@nursat.kz>`,
        'To: ombudsman@ales.kz',
        `Subject: ${bWord('Жалоба на мастера ЖЭО-2', 'cp1251', 'unknown-8bit')}`,
        'Message-ID: <ew-92@nursat.kz>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="----=_NextPart_795b9a9a80fd"',
        '',
        '------=_NextPart_795b9a9a80fd',
        'Content-Type: text/plain; charset="utf-8"',
        'Content-Transfer-Encoding: 7bit',
        '',
        '',
        '------=_NextPart_795b9a9a80fd',
        'Content-Type: application/pdf; name="zhaloba.pdf"',
        'Content-Transfer-Encoding: base64',
        'Content-Disposition: attachment; filename="zhaloba.pdf"',
        '',
        Buffer.from('%PDF-1.4 not really').toString('base64'),
        '------=_NextPart_795b9a9a80fd--',
        '',
      ].join('\r\n'),
    );
    const prepared = await prepareMail(raw, CONFIG);
    expect(prepared.extracted).toMatchObject({
      appellant: { fullName: 'Шолпан Касенова' },
      content: 'Жалоба на мастера ЖЭО-2',
    });
    expect(prepared.notes).toContain('encoded-word-charset:subject:windows-1251');
  });

  it('names the writer of a PHP form whose headers say us-ascii over cp1251', async () => {
    const raw = oldMailerLetter(
      [
        `From: ${qWord('Данияр Омаров', 'cp1251', 'us-ascii')} <daniyar.om@portal.kz>`,
        `Subject: ${qWord('Обращение', 'cp1251', 'us-ascii')}`,
        'Message-ID: <ew-93@portal.kz>',
        'X-PHP-Originating-Script: 33:mail.php',
      ],
      'Прошу проверить начальника смены ТЭЦ-1, он берет деньги за отгулы.\r\n',
      'windows-1251',
    );
    const prepared = await prepareMail(raw, CONFIG);
    expect(prepared.extracted!.appellant.fullName).toBe('Данияр Омаров');
    expect(prepared.parsed.subject).toBe('Обращение');
    expect(prepared.notes).toContain('encoded-word-charset:from:windows-1251');
  });

  it('reads headers under a charset name no one knows, as the body under it', async () => {
    const raw = oldMailerLetter(
      [
        `From: ${bWord('Нурмагамбетов Серик', 'cp1251', 'windows-1251x')} <s.nurmagambetov@kaztransinfo.kz>`,
        `Subject: ${qWord('Обращение', 'cp1251', 'unknown-8bit')}`,
        'Message-ID: <ew-24@kaztransinfo.kz>',
      ],
      'Добрый день. Начальник смены ТЭЦ-3 Абдрахманов продает уголь налево.\r\n',
      'windows-1251x',
    );
    const prepared = await prepareMail(raw, CONFIG);
    expect(prepared.parsed.from?.name).toBe('Нурмагамбетов Серик');
    expect(prepared.parsed.subject).toBe('Обращение');
    expect(prepared.extracted!.appellant.fullName).toBe('Нурмагамбетов Серик');
    expect(prepared.notes).toEqual(
      expect.arrayContaining([
        'encoded-word-charset:from:windows-1251',
        'encoded-word-charset:subject:windows-1251',
        'unknown-charset:windows-1251x',
      ]),
    );
  });
});
