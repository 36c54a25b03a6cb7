import { describe, expect, it } from 'vitest';
import { LANGUAGES } from '../src/cases/appeal.models.js';
import { SITES, SITE_LABELS, detectSite, detectSites } from '../src/cases/sites.js';

describe('detectSite (rules 4.3)', () => {
  it.each([
    ['ТЭЦ2', 'chp2'],
    ['на ТЭЦ-2 в котельном цехе', 'chp2'],
    ['ТЭЦ 2', 'chp2'],
    ['тэц №2', 'chp2'],
    ['ЖЭО-2-дегі цех бастығы', 'chp2'],
    ['2-ЖЭО', 'chp2'],
    ['2-ші ЖЭО', 'chp2'],
    ['CHP-2', 'chp2'],
    ['at CHP 2', 'chp2'],
    ['second CHP', 'chp2'],
    ['на второй ТЭЦ', 'chp2'],
    ['екінші ЖЭО', 'chp2'],
    ['ТЭЦ-II', 'chp2'],
    ['ТЭЦ-1', 'chp1'],
    ['CHP No. 1', 'chp1'],
    ['1-ЖЭО, Сейфуллин даңғылы', 'chp1'],
    ['3-я ТЭЦ', 'chp3'],
    ['ЖЭО-3', 'chp3'],
    ['Капчагайская ГЭС', 'kapshagay_hpp'],
    ['Капшагайской ГЭС', 'kapshagay_hpp'],
    ['Қапшағай ГЭС-інде', 'kapshagay_hpp'],
    ['Капшагай ГЭС', 'kapshagay_hpp'],
    ['Kapshagay HPP', 'kapshagay_hpp'],
    ['на каскаде ГЭС', 'cascade_hpp'],
    ['Каскад ГЭС', 'cascade_hpp'],
    ['the Cascade HPPs', 'cascade_hpp'],
    ['Энергоремонт', 'energorepair'],
    ['«Энергожөндеу» ӨЖК', 'energorepair'],
    ['Energorepair', 'energorepair'],
    ['в БЖК', 'bzhk'],
    ['ОҚТО', 'okto'],
    ['ОКТО', 'okto'],
    ['в головном офисе', 'head_office'],
    ['Бас кеңсе', 'head_office'],
    ['БК', 'head_office'],
    ['head office', 'head_office'],
    ['пр. Достык, 7', 'head_office'],
    ['Достық даңғылы, 7', 'head_office'],
    ['Dostyk ave. 7', 'head_office'],
  ] as const)('%s → %s', (text, site) => {
    expect(detectSite(text)).toBe(site);
  });

  it.each([
    '',
    'нет света на улице',
    'в 2023 году ТЭЦ работала',
    'ТЭЦ 2023',
    'Достык 17',
    'бкк',
    'окток',
  ])('finds no site in %j', (text) => {
    expect(detectSite(text)).toBeNull();
  });

  it('returns the site mentioned first, and detectSites lists each once in order', () => {
    expect(detectSite('Перевели с ТЭЦ-3 на ТЭЦ-1, а на ТЭЦ-3 остался долг')).toBe('chp3');
    expect(detectSites('Перевели с ТЭЦ-3 на ТЭЦ-1, а на ТЭЦ-3 остался долг')).toEqual([
      'chp3',
      'chp1',
    ]);
  });

  it('every site has a label in kk, ru and en', () => {
    for (const site of SITES) {
      for (const language of LANGUAGES)
        expect(SITE_LABELS[site][language].length).toBeGreaterThan(0);
    }
  });
});
