import iconv from 'iconv-lite';
import { describe, expect, it } from 'vitest';
import { encodedWordCharset, relabelEncodedWords } from '../src/ingest/charset.js';

/** An RFC 2047 Q word of `text` written in `charset` and labelled `label`, as mailers write it. */
function qWord(text: string, charset: string, label: string): string {
  const encoded = [...iconv.encode(text, charset)]
    .map((b) =>
      b === 0x20
        ? '_'
        : b < 0x80 && !'=?_'.includes(String.fromCharCode(b))
          ? String.fromCharCode(b)
          : `=${b.toString(16).toUpperCase().padStart(2, '0')}`,
    )
    .join('');
  return `=?${label}?Q?${encoded}?=`;
}

function bWord(text: string, charset: string, label: string): string {
  return `=?${label}?B?${iconv.encode(text, charset).toString('base64')}?=`;
}

describe('encoded words whose charset label cannot be trusted', () => {
  it.each([
    ['unknown-8bit', 'cp1251', 'Жалоба на мастера ЖЭО-2', 'windows-1251'],
    ['x-unknown', 'koi8-r', 'Неверные начисления за свет', 'koi8-r'],
    ['x-user-defined', 'utf-8', 'Үйде жылу жоқ', 'utf-8'],
    ['unknown-8bit', 'rk1048', 'Жұмысқа қабылдау үшін ақша', 'rk1048'],
    ['windows-1251x', 'cp1251', 'Нурмагамбетов Серик', 'windows-1251'],
    ['us-ascii', 'cp1251', 'Данияр Омаров', 'windows-1251'],
  ])('reads a subject labelled %s by its bytes (%s)', (label, charset, text, actual) => {
    const header = `Subject: ${bWord(text, charset, label)}`;
    expect(relabelEncodedWords(header)).toEqual({
      header: `Subject: ${bWord(text, charset, actual)}`,
      charsets: [actual],
    });
  });

  it('reads a The Bat! From name labelled ISO-8859-1 as the cp1251 it is', () => {
    const header = `From: ${qWord('Иванов Петр Сергеевич', 'cp1251', 'iso-8859-1')} <ivanov@mail.ru>`;
    const { header: relabelled, charsets } = relabelEncodedWords(header);
    expect(charsets).toEqual(['windows-1251']);
    expect(relabelled).toBe(
      `From: ${qWord('Иванов Петр Сергеевич', 'cp1251', 'windows-1251')} <ivanov@mail.ru>`,
    );
  });

  it('reads UTF-8 labelled windows-1252 as UTF-8', () => {
    const bytes = Buffer.from('Обращение по ТЭЦ-2');
    expect(encodedWordCharset('windows-1252', bytes)).toBe('utf-8');
  });

  it.each([
    ['iso-8859-1', 'Hélène Dupré-Lefèvre'],
    ['iso-8859-1', 'François Gaëtan Bézier'],
    ['ISO-8859-1', 'Jürgen Müller-Lüdenscheidt'],
    ['windows-1252', 'Groß, Äpfel und Öl'],
    ['iso-8859-15', 'Señora Muñoz - réclamation'],
  ])('leaves a Western name labelled %s as it is: %s', (label, text) => {
    const header = `From: ${qWord(text, 'latin1', label)} <x@example.fr>`;
    expect(relabelEncodedWords(header)).toEqual({ header, charsets: [] });
  });

  it('reads a Western name under unknown-8bit as windows-1252, not as Cyrillic', () => {
    const bytes = iconv.encode('Jürgen Müller', 'latin1');
    expect(encodedWordCharset('unknown-8bit', bytes)).toBe('windows-1252');
  });

  it('judges the words under one label together: a UTF-8 letter split between two words', () => {
    const bytes = Buffer.from('Шолпан Касенова');
    const header = `From: =?unknown-8bit?B?${bytes.subarray(0, 5).toString('base64')}?= =?unknown-8bit?B?${bytes.subarray(5).toString('base64')}?= <s@nursat.kz>`;
    const { header: relabelled, charsets } = relabelEncodedWords(header);
    expect(charsets).toEqual(['utf-8']);
    expect(relabelled).not.toContain('unknown-8bit');
    expect(relabelled.match(/=\?utf-8\?B\?/g)).toHaveLength(2);
  });

  it('keeps an RFC 2231 language tag and leaves the other words alone', () => {
    const cp1251 = qWord('Обращение', 'cp1251', 'us-ascii*ru').slice('=?us-ascii*ru'.length);
    const header = `Subject: Re: =?us-ascii*ru${cp1251} =?utf-8?B?${Buffer.from('№ 12').toString('base64')}?=`;
    const { header: relabelled } = relabelEncodedWords(header);
    expect(relabelled).toBe(
      `Subject: Re: =?windows-1251*ru${cp1251} =?utf-8?B?${Buffer.from('№ 12').toString('base64')}?=`,
    );
  });

  it('trusts a declared Cyrillic or UTF-8 label, and any label over ASCII bytes', () => {
    for (const header of [
      `Subject: ${qWord('Жалоба', 'cp1251', 'windows-1251')}`,
      `Subject: ${qWord('Жалоба', 'koi8-r', 'koi8-r')}`,
      `Subject: ${bWord('Жалоба', 'utf-8', 'UTF-8')}`,
      'Subject: =?us-ascii?Q?Complaint_about_TETs-2?=',
      'Subject: =?unknown-8bit?B?SGVsbG8=?=',
      'Subject: =?iso-2022-jp?B?GyRCJDMkcyRLJEEkTxsoQg==?=',
      'Subject: no encoded words at all',
    ]) {
      expect(relabelEncodedWords(header)).toEqual({ header, charsets: [] });
    }
  });
});
