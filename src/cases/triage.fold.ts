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

/**
 * Lower case, ё→е, Kazakh letters to plain Cyrillic (people often type Kazakh without them), and a
 * Latin i typed inside a Cyrillic word (a common stand-in for і) to и.
 */
export function foldText(text: string): string {
  return text
    .toLowerCase()
    .replace(/[\u00ad\u200b-\u200d]/g, '')
    .replace(/[ёәғқңөұүһі]/g, (ch) => KK_FOLD[ch] ?? ch)
    .replace(/(?<=[а-я])i|i(?=[а-я])/g, 'и');
}
