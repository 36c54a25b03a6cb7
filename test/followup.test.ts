import { describe, expect, it } from 'vitest';
import { findFollowUpNumber } from '../src/ingest/followup.js';

// rules 4.14 a: a follow-up is attached to the appeal whose registration number it quotes
describe('findFollowUpNumber', () => {
  it.each([
    ['Re: Обращение № 12 зарегистрировано', 12],
    ['RE: Appeal No. 12 registered', 12],
    ['Жауап: № 12 өтініш тіркелді', 12],
    ['Fwd: Re: Обращение № 12 зарегистрировано', 12],
    ['обращение №12', 12],
    ['appeal #12', 12],
    ['[Senim #12]', 12],
    ['Re: [Senim #305] вопрос', 305],
    ['Re: Өтініш № 7 тіркелді', 7],
    ['RE: Appeal no 9', 9],
    ['Дополнение к обращению 5', 5],
    ['Re: appeal 14.', 14],
    ['Жалоба 8, повторно', 8],
    ['Өтінішке 3', 3],
  ])('reads the number in %j', (subject, expected) => {
    expect(findFollowUpNumber(subject)).toBe(expected);
  });

  it.each([
    'Re: договор № 45/2',
    'Обращение № 45/2',
    'appeal #12-3',
    'Жалоба от 12.03.2024',
    'Оплата 15 000 тенге',
    'Re: счёт № 12',
    'Обращение 12 марта',
    'Re: заявка 12',
    'Обращение 2 раза',
    'appeal 2 weeks ago',
    'Жалоба 5 000 тенге',
    'Обращение № 1 500 тенге',
    'Re: вопрос',
    '',
  ])('finds no appeal number in %j', (subject) => {
    expect(findFollowUpNumber(subject)).toBeNull();
  });

  it('accepts a null subject', () => {
    expect(findFollowUpNumber(null)).toBeNull();
  });

  it('reads the number from the quoted acknowledgement when the subject was changed', () => {
    const text = 'Добавляю фото.\n> Ваше обращение № 34 зарегистрировано 12.03.2024';
    expect(findFollowUpNumber('вопрос', text)).toBe(34);
  });

  it('does not take any number in the body as an appeal number', () => {
    expect(findFollowUpNumber('вопрос', 'по договору № 5 и обращению 7 марта')).toBeNull();
  });

  it('prefers the subject over the body', () => {
    expect(findFollowUpNumber('Re: [Senim #3]', '[Senim #4]')).toBe(3);
  });
});
