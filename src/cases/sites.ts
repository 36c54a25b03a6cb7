/**
 * The Company's sites (rules 4.3): Head Office and the production sites where the trust line is
 * announced. An appeal may concern a site; the digest counts appeals by site.
 */
import type { Language } from './appeal.models.js';
import { foldText } from './triage.js';

export const SITES = [
  'head_office',
  'chp1',
  'chp2',
  'chp3',
  'kapshagay_hpp',
  'cascade_hpp',
  'energorepair',
  'bzhk',
  'okto',
] as const;
export type SiteId = (typeof SITES)[number];

export const SITE_LABELS: Readonly<Record<SiteId, Readonly<Record<Language, string>>>> = {
  head_office: {
    kk: 'Бас кеңсе (Достық даңғылы, 7)',
    ru: 'Головной офис (пр. Достык, 7)',
    en: 'Head Office (7 Dostyk Ave.)',
  },
  chp1: { kk: '1-ЖЭО', ru: 'ТЭЦ-1', en: 'CHP-1' },
  chp2: { kk: '2-ЖЭО', ru: 'ТЭЦ-2', en: 'CHP-2' },
  chp3: { kk: '3-ЖЭО', ru: 'ТЭЦ-3', en: 'CHP-3' },
  kapshagay_hpp: {
    kk: 'Ш. Шөкин атындағы Қапшағай ГЭС',
    ru: 'Капшагайская ГЭС им. Ш. Чокина',
    en: 'Kapshagay HPP',
  },
  cascade_hpp: { kk: 'Каскад ГЭС', ru: 'Каскад ГЭС', en: 'Cascade HPPs' },
  energorepair: { kk: '«Энергожөндеу» ӨЖК', ru: '«Энергоремонт»', en: 'Energorepair' },
  bzhk: { kk: 'БЖК', ru: 'БЖК', en: 'BZhK' },
  okto: { kk: 'ОҚТО', ru: 'ОҚТО', en: 'OKTO' },
};

// Patterns run on folded text (lower case, Kazakh letters to plain Cyrillic: «Қапшағай» → «капшагай»).
const L = 'a-z\\u00c0-\\u024f\\u0400-\\u04ff';
const START = `(?<![${L}0-9])`;
const END = `(?![${L}0-9])`;
/** ТЭЦ / ЖЭО (kk) / CHP / TPP, and Latin transliterations */
const PLANT = `(?:тэц|тец|жэо|жэц|chp|tets|tpp)`;
const NUMBER_WORDS: Readonly<Record<string, '1' | '2' | '3'>> = {
  перв: '1',
  втор: '2',
  трет: '3',
  биринши: '1',
  екинши: '2',
  ушинши: '3',
  first: '1',
  second: '2',
  third: '3',
  i: '1',
  ii: '2',
  iii: '3',
};

interface SitePattern {
  regex: RegExp;
  site: (match: RegExpExecArray) => SiteId | null;
}

const chp = (n: string | undefined): SiteId | null =>
  n === '1' ? 'chp1' : n === '2' ? 'chp2' : n === '3' ? 'chp3' : null;
const fixed = (site: SiteId) => (): SiteId => site;

const SITE_PATTERNS: readonly SitePattern[] = [
  // ТЭЦ-2, ТЭЦ 2, ТЭЦ2, ТЭЦ №2, CHP-2, CHP No. 2, ЖЭО-2-дегі
  {
    regex: new RegExp(`${START}${PLANT}\\s*[-–—]?\\s*(?:№|no\\.?|n)?\\s*([123])(?!\\d)`, 'g'),
    site: (m) => chp(m[1]),
  },
  // 2-ЖЭО, 2-ші ЖЭО, 3-я ТЭЦ, 2nd CHP
  {
    regex: new RegExp(
      `(?<!\\d)([123])\\s*[-–]?\\s*(?:ші|ши|шы|ая|я|ой|й|st|nd|rd)?\\s*[-–]?\\s*${PLANT}${END}`,
      'g',
    ),
    site: (m) => chp(m[1]),
  },
  // второй ТЭЦ, третья ТЭЦ, екінші ЖЭО, second CHP
  {
    regex: new RegExp(
      `${START}(перв|втор|трет|биринши|екинши|ушинши|first|second|third)[${L}]*\\s+${PLANT}${END}`,
      'g',
    ),
    site: (m) => chp(NUMBER_WORDS[m[1] ?? '']),
  },
  // ТЭЦ-II
  {
    regex: new RegExp(`${START}${PLANT}\\s*[-–]?\\s*(iii|ii|i)${END}`, 'g'),
    site: (m) => chp(NUMBER_WORDS[m[1] ?? '']),
  },
  {
    regex: new RegExp(
      `${START}(?:бк${END}|головн[${L}]*\\s+офис|центральн[${L}]*\\s+офис|бас\\s+кенсе|head\\s+office|headquarters)`,
      'g',
    ),
    site: fixed('head_office'),
  },
  // Dostyk ave. 7 / пр. Достык, 7 / Достық даңғылы, 7
  {
    regex: new RegExp(`${START}(?:достык|dostyk|dostyq)[^0-9]{0,25}7(?!\\d)`, 'g'),
    site: fixed('head_office'),
  },
  {
    regex: new RegExp(`${START}(?:капшага|капчага|kapshag|kapchag|qapshag|шокин|чокин)`, 'g'),
    site: fixed('kapshagay_hpp'),
  },
  { regex: new RegExp(`${START}(?:каскад|cascade|kaskad)`, 'g'), site: fixed('cascade_hpp') },
  {
    regex: new RegExp(`${START}(?:энергоремонт|энергожондеу|energorepair|energoremont)`, 'g'),
    site: fixed('energorepair'),
  },
  { regex: new RegExp(`${START}(?:бжк|bzhk)${END}`, 'g'), site: fixed('bzhk') },
  { regex: new RegExp(`${START}(?:окто|okto)${END}`, 'g'), site: fixed('okto') },
];

/** Every site the text mentions, in the order of first mention. */
export function detectSites(text: string): SiteId[] {
  const folded = foldText(text);
  const found = new Map<SiteId, number>();
  for (const { regex, site } of SITE_PATTERNS) {
    regex.lastIndex = 0;
    for (let m = regex.exec(folded); m !== null; m = regex.exec(folded)) {
      const id = site(m);
      const earlier = id === null ? undefined : found.get(id);
      if (id !== null && (earlier === undefined || m.index < earlier)) found.set(id, m.index);
    }
  }
  return [...found.entries()].sort((a, b) => a[1] - b[1]).map(([id]) => id);
}

/** rules 4.3: the site an appeal concerns — the first one it mentions — or null. */
export function detectSite(text: string): SiteId | null {
  return detectSites(text)[0] ?? null;
}
