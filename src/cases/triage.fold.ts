/** Text folding shared by the keyword rules and the classifier of triage (rules 4.10). */
const KK_FOLD: Readonly<Record<string, string>> = {
  ё: 'е',
  ә: 'а',
  ғ: 'г',
  қ: 'к',
  ң: 'н',
  ө: 'о',
  ұ: 'у',
  ү: 'у',
  һ: 'х',
  і: 'и',
};

/** Triage and the site detection fold the same text one after the other: the last fold is kept. */
let last = { text: '', folded: '' };

/**
 * Lower case, ё→е, Kazakh letters to plain Cyrillic (people often type Kazakh without them), and a
 * Latin i typed inside a Cyrillic word (a common stand-in for і) to и.
 */
export function foldText(text: string): string {
  if (text === last.text) return last.folded;
  const folded = text
    .toLowerCase()
    .replace(/[\u00ad\u200b-\u200d]/g, '')
    .replace(/[ёәғқңөұүһі]/g, (ch) => KK_FOLD[ch] ?? ch)
    // (an `i` first in both alternatives lets the engine skip to the next `i`)
    .replace(/i(?<=[а-я]i)|i(?=[а-я])/g, 'и');
  last = { text, folded };
  return folded;
}
