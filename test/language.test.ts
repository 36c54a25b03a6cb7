import { describe, expect, it } from 'vitest';
import { detectLanguage } from '../src/cases/language.js';

// rules 4.9: the acknowledgement answers in the appellant's language (kk + ru when unsure)
describe('detectLanguage', () => {
  it('recognises Kazakh written with its own letters', () => {
    const r = detectLanguage('Сәлеметсіз бе! ЖЭО-2 қызметкерлері пара талап етті. Көмектесіңіз.');
    expect(r).toMatchObject({ language: 'kk', mixed: false });
    expect(r.confidence).toBeGreaterThan(0.5);
  });

  it('recognises Kazakh typed without its special letters', () => {
    const r = detectLanguage(
      'Салеметсиз бе! Мен ЖЭО-2 де жумыс истеймин. Бизге жалакы толемеди, бастыгымыз ештене истемейди.',
    );
    expect(r).toMatchObject({ language: 'kk', mixed: false });
  });

  it('recognises Kazakh by function words alone', () => {
    expect(detectLanguage('бул маселе бойынша жауап керек емес пе').language).toBe('kk');
    expect(detectLanguage('Осы туралы сиз мен биз жане олар').language).toBe('kk');
  });

  it.each([
    ['Salemetsiz be. Men JEO-2 de jumys isteimin. Bizdin bolim bastygy para suraidy.', 'kk'],
    ['Salem! JEO-1 degi sheber jumysshylardan aqsha jinaidy. Tekserip beriniz.', 'kk'],
    ['Sälemetsız be! Jūmysta bastyq para alady. Tekserıñızşı.', 'kk'],
    ['Zdravstvuyte, hochu soobshit chto na TETs-1 nachalnik smeny beret dengi s rabochih.', 'ru'],
    [
      'Privet. Na TEC-2 master vymogaet dengi, kto ne platit togo uvolnyayut. Pomogite pozhaluista.',
      'ru',
    ],
  ])('recognises %j, typed in Latin letters', (text, language) => {
    expect(detectLanguage(text)).toMatchObject({ language, mixed: false });
  });

  it('keeps English with a Latin Kazakh-looking word English', () => {
    expect(detectLanguage('The men at the station take bribes, please check.').language).toBe('en');
  });

  it('recognises Russian', () => {
    const r = detectLanguage(
      'Здравствуйте! Прошу рассмотреть мою жалобу на сотрудника ТЭЦ-2, который требует деньги.',
    );
    expect(r).toMatchObject({ language: 'ru', mixed: false });
    expect(r.confidence).toBeGreaterThan(0.8);
  });

  it('recognises English', () => {
    const r = detectLanguage(
      'Dear Ombudsman, I would like to report a conflict of interest at the Kapshagay HPP.',
    );
    expect(r).toMatchObject({ language: 'en', mixed: false });
  });

  it('takes a long Russian letter with a Kazakh greeting as Russian, not mixed', () => {
    const r = detectLanguage(
      'Сәлеметсіз бе! Прошу рассмотреть мою жалобу на мастера участка, который третий месяц не ' +
        'выплачивает премию и угрожает увольнением всем, кто пожалуется.',
    );
    expect(r).toMatchObject({ language: 'ru', mixed: false });
  });

  it('marks a short Russian letter with a Kazakh greeting as mixed', () => {
    expect(detectLanguage('Сәлеметсіз бе! Прошу помочь с оплатой.')).toMatchObject({
      language: 'ru',
      mixed: true,
    });
  });

  it('marks a letter half in Kazakh and half in Russian as mixed', () => {
    const r = detectLanguage(
      'Мен сізге бір мәселе бойынша жазып отырмын. Прошу разобраться, сотрудники цеха грубят.',
    );
    expect(r.mixed).toBe(true);
  });

  it('does not let Kazakh names make a Russian letter Kazakh', () => {
    const r = detectLanguage(
      'Прошу проверить действия мастера Серікбаева Нұрлана на Қапшағай ГЭС, он требует деньги за смены.',
    );
    expect(r.language).toBe('ru');
  });

  it('marks text in none of the three languages as mixed, with a best guess', () => {
    for (const text of [
      'Sehr geehrte Damen und Herren, ich möchte eine Beschwerde einreichen.',
      '你好，我想投诉。',
    ]) {
      const r = detectLanguage(text);
      expect(r.mixed).toBe(true);
      expect(['kk', 'ru', 'en']).toContain(r.language);
    }
  });

  it('marks Cyrillic without any telling word as mixed (kk or ru cannot be told)', () => {
    expect(detectLanguage('Помогите')).toMatchObject({ language: 'ru', mixed: true });
  });

  it('answers for empty text with a low-confidence guess', () => {
    expect(detectLanguage('')).toEqual({ language: 'ru', mixed: true, confidence: 0 });
  });

  it('ignores e-mail addresses and links when deciding', () => {
    const r = detectLanguage(
      'Прошу ответить на ivan.petrov@example.com, см. https://example.com/the/report',
    );
    expect(r.language).toBe('ru');
  });
});
