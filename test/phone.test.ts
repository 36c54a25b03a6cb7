import { describe, expect, it } from 'vitest';
import { phoneAppealInput } from '../src/cases/phone.usecases.js';
import { findPhones, normalisePhone, normalisePhones } from '../src/cases/phone.js';
import { InputError } from '../src/errors.js';

// rules 4.14 c: column 4 holds the appellant's phone, stored as E.164
describe('normalisePhones (senim phone --phone)', () => {
  it.each([
    ['87011234567, 87771234567', '+77011234567, +77771234567'],
    ['8 701 123 45 67 и 8 777 123 45 67', '+77011234567, +77771234567'],
    ['+7 701 123 45 67 (моб)', '+77011234567'],
    ['8 701 123 45 67 моб.', '+77011234567'],
    ['тел. 8 (727) 227 70 80', '+77272277080'],
    ['87011234567; 8 701 123 45 67', '+77011234567'],
  ])('reads %j as %j', (input, expected) => {
    expect(normalisePhones(input)).toBe(expected);
  });

  it.each(['87011234567, x', '8 701', 'моб.'])('rejects %j as bad input', (input) => {
    expect(() => normalisePhones(input)).toThrow(InputError);
  });
});

describe('normalisePhone', () => {
  it.each([
    ['8 701 123 45 67', '+77011234567'],
    ['+7 (727) 227 70 80', '+77272277080'],
    ['87011234567', '+77011234567'],
    ['8(727)2277080', '+77272277080'],
    ['+7 701 123-45-67', '+77011234567'],
    ['7011234567', '+77011234567'],
    ['  8-701-123-45-67 ', '+77011234567'],
    ['+44 20 7946 0958', '+442079460958'],
    ['+1 212 555 0199', '+12125550199'],
  ])('reads %s as %s', (input, expected) => {
    expect(normalisePhone(input)).toBe(expected);
  });

  it.each([
    '',
    '12345',
    'not a phone',
    '990101300123',
    '+7 701 123',
    '8 701 123 45 67 ext 5',
    'call 87011234567',
  ])('rejects %j as bad input', (input) => {
    expect(() => normalisePhone(input)).toThrow(InputError);
  });

  it('does not echo the rejected number in the error message', () => {
    try {
      normalisePhone('+7 701 123');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      expect((e as InputError).code).toBe('bad-phone');
      expect((e as Error).message).not.toMatch(/701|123/);
    }
  });
});

describe('findPhones', () => {
  it('finds Kazakh numbers in every usual spelling, normalised and without repeats', () => {
    const text =
      'Звоните: 8 701 123 45 67 или +7 (727) 227-70-80, также 87011234567 и 8(727)2277080.';
    expect(findPhones(text)).toEqual(['+77011234567', '+77272277080']);
  });

  it('finds a foreign number written with +', () => {
    expect(findPhones('Call me on +44 20 7946 0958, please.')).toEqual(['+442079460958']);
  });

  it('ignores dates, IINs, BINs, postal codes, amounts and document numbers', () => {
    const text = [
      'ИИН 870112345678, БИН 050140000123.',
      'Договор № 7011234567 от 12.03.2024, 2024-03-12 10:15.',
      'Сумма 87011234567 тенге, индекс 050010, г. Алматы.',
      'Счёт KZ12345678901234567890.',
    ].join('\n');
    expect(findPhones(text)).toEqual([]);
  });

  it('returns nothing for text without numbers', () => {
    expect(findPhones('Сәлеметсіз бе!')).toEqual([]);
  });
});

// rules 4.14: what the Ombudsman types for a phone appeal
describe('phoneAppealInput', () => {
  const NOW = new Date('2026-11-26T06:00:00Z');

  it('refuses personal data beside --anonymous, naming the flags, but keeps a reply address', () => {
    expect(() =>
      phoneAppealInput(
        {
          content: 'Мастер берёт деньги',
          anonymous: true,
          name: 'Иванов Иван',
          phone: '87011234567',
        },
        NOW,
      ),
    ).toThrow(/--anonymous stores no personal data: drop --name, --phone/);
    const input = phoneAppealInput(
      { content: 'Мастер берёт деньги', anonymous: true, replyAddress: 'a@mail.kz' },
      NOW,
    );
    expect(input).toMatchObject({ anonymous: true, answerAddress: 'a@mail.kz' });
    expect(input.appellant.fullName).toBeNull();
  });

  it('turns control characters into spaces, so no terminal sequence reaches the journal', () => {
    const input = phoneAppealInput(
      { content: 'ab\u0001\u001b[31mRED\u001b[0m', name: '\u001b]0;pwned\u0007Name' },
      NOW,
    );
    expect(input.content).toBe('ab [31mRED [0m');
    expect(input.appellant.fullName).toBe(']0;pwned Name');
  });

  it('refuses a content longer than a brief content', () => {
    expect(() => phoneAppealInput({ content: 'ж'.repeat(2001) }, NOW)).toThrow(
      /at most 2000 characters \(got 2001\)/,
    );
    expect(phoneAppealInput({ content: 'ж'.repeat(2000) }, NOW).content).toHaveLength(2000);
  });
});
