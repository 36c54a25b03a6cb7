import { describe, expect, it } from 'vitest';
import { extractAppeal } from '../src/ingest/extract.js';
import { nominativeRu, readLetterHeader } from '../src/ingest/letter-header.js';

// rules 4.14 c: the writer of a formal complaint names themself in its header block
describe('nominativeRu', () => {
  it.each([
    ['Иванова Ивана Ивановича', 'Иванов Иван Иванович'],
    ['Нурпеисовой Айгуль Болатовны', 'Нурпеисова Айгуль Болатовна'],
    ['Петровой Светланы Викторовны', 'Петрова Светлана Викторовна'],
    ['Смирновой Марии Ильиничны', 'Смирнова Мария Ильинична'],
    ['Сергеева Алексея Петровича', 'Сергеев Алексей Петрович'],
    ['Жаксыбековой Сауле Маратовны', 'Жаксыбекова Сауле Маратовна'],
    ['Ким Олега Викторовича', 'Ким Олег Викторович'],
    ['Иванова И.И.', 'Иванов И.И.'],
  ])('%s → %s', (genitive, nominative) => {
    expect(nominativeRu(genitive)).toBe(nominative);
  });
});

describe('readLetterHeader', () => {
  it('reads a Russian header: «от …», «проживающего по адресу: …»', () => {
    const lines = [
      'Председателю Правления',
      'АО «Алматинские электрические станции»',
      '',
      'от Иванова Ивана Ивановича,',
      'проживающего по адресу: г. Алматы, мкр. Аксай-4, д. 12, кв. 34,',
      'тел. 8 701 234 56 78',
      '',
      'ЖАЛОБА',
      'Прошу проверить.',
    ];
    expect(readLetterHeader(lines)).toEqual({
      name: 'Иванов Иван Иванович',
      address: 'г. Алматы, мкр. Аксай-4, д. 12, кв. 34',
      end: 7,
    });
  });

  it('reads a Kazakh header: the address in the locative, the name in the ablative', () => {
    const lines = [
      '«Алматы электр станциялары» АҚ Басқарма Төрағасына',
      'Алматы қаласы, Жандосов көшесі 58, 21-пәтерде тұратын',
      'Сәрсенбаев Ерлан Маратұлынан',
      'АРЫЗ',
    ];
    expect(readLetterHeader(lines)).toMatchObject({
      name: 'Сәрсенбаев Ерлан Маратұлы',
      address: 'Алматы қаласы, Жандосов көшесі 58, 21-пәтер',
    });
  });

  it('finds nothing in an ordinary letter, and keeps its first line', () => {
    expect(readLetterHeader(['Здравствуйте!', 'Мастер берет взятки от рабочих.'])).toEqual({
      name: null,
      address: null,
      end: 0,
    });
    expect(readLetterHeader(['Мастер берет взятки от Иванова.', 'Иванов Иван']).name).toBeNull();
  });
});

describe('extractAppeal: a formal complaint', () => {
  it('takes the writer from the header block and starts the content under it', () => {
    const r = extractAppeal({
      text: [
        'В АО «АлЭС»',
        '050000, г. Алматы, пр. Достык, 7',
        'от Нурпеисовой Айгуль Болатовны',
        'проживающей: г. Алматы, мкр. Орбита-3, д. 21, кв. 60',
        'тел. 8 701 765 43 21',
        '',
        'ЗАЯВЛЕНИЕ',
        'Прошу провести проверку в отношении начальника смены ТЭЦ-1, который берет деньги.',
      ].join('\n'),
      subject: 'Заявление',
      from: { address: 'n.nurpeisova@mail.ru', name: null },
      replyTo: null,
    });
    expect(r.appellant).toMatchObject({
      fullName: 'Нурпеисова Айгуль Болатовна',
      address: 'г. Алматы, мкр. Орбита-3, д. 21, кв. 60',
      phone: '+77017654321',
    });
    expect(r.content).toBe(
      'ЗАЯВЛЕНИЕ Прошу провести проверку в отношении начальника смены ТЭЦ-1, который берет деньги.',
    );
  });
});

describe('extractAppeal: the writer named elsewhere than a signature', () => {
  const mail = (text: string, subject: string | null = null) => ({
    text,
    subject,
    from: { address: 'w@mail.kz', name: null },
    replyTo: null,
  });

  it('takes «Жалоба от Тлеубаева Б.С.» in the subject, in the nominative', () => {
    expect(
      extractAppeal(mail('Мастер берет деньги.', 'Жалоба от Тлеубаева Б.С.')).appellant.fullName,
    ).toBe('Тлеубаев Б.С.');
    expect(
      extractAppeal(mail('Мастер берет деньги.', 'Жалоба от жителей')).appellant.fullName,
    ).toBeNull();
  });

  it('reads the name in slashes on a signature line «Подпись: ____ /Исмаилов К.Т./»', () => {
    expect(
      extractAppeal(mail('Мастер берет деньги.\nПодпись: ________ /Исмаилов К.Т./')).appellant
        .fullName,
    ).toBe('Исмаилов К.Т.');
  });
});
