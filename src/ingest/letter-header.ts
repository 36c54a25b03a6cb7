/**
 * The header block of a formal written complaint, the usual layout in Kazakhstan: addressee, then
 * the writer in the genitive (ru «от Иванова Ивана Ивановича, проживающего по адресу: …») or the
 * ablative (kk «… 21-пәтерде тұратын Сәрсенбаев Ерлан Маратұлынан»), before the title (ЖАЛОБА,
 * ЗАЯВЛЕНИЕ, АРЫЗ, ӨТІНІШ…). rules 4.14 c: column 3 holds the name as the journal writes it, so
 * the name is put back in the nominative. Pure: lines in, name and address out.
 */

export interface LetterHeader {
  name: string | null;
  address: string | null;
  /** the index of the first line after the header block, when it names the writer; else 0 */
  end: number;
}

/** The header block ends at the first of these: the document's title or the greeting. */
const HEADER_END =
  /^(?:жалоба|заявление|обращение|сообщение|претензия|арыз|өтініш|шағым|хабарлама|complaint|уважаем\p{L}*|құрметті|здравствуйте|сәлеметсіз)(?![\p{L}])/iu;
const MAX_HEADER_LINES = 10;

/** «от Иванова Ивана Ивановича,» — group 1: the words of the name, in the genitive. */
const RU_FROM =
  /^от\s+(\p{Lu}[\p{Ll}-]+(?:\s+\p{Lu}[\p{Ll}-]+){1,2}|\p{Lu}[\p{Ll}-]+\s+\p{Lu}\.\s?(?:\p{Lu}\.)?)\s*(?:,|$|\s+(?=прожива|зарегистр|тел))/u;
/** «проживающего по адресу: …», «проживающей: …», «зарегистрированного по адресу …» */
const RU_ADDRESS =
  /(?:прожива\p{L}*|зарегистрирован\p{L}*)(?:\s+по\s+адресу)?\s*[:\-–—]?\s*(.+?)\s*(?:,?\s*тел\.?.*)?$/iu;
/** «Сәрсенбаев Ерлан Маратұлынан» — group 1: the name, its last word in the ablative. */
const KK_FROM =
  /^(\p{Lu}[\p{Ll}-]+(?:\s+\p{Lu}[\p{Ll}-]+){1,2})(?:нан|нен|дан|ден|тан|тен)(?=\s*(?:,|$))/u;
/** «…, 21-пәтерде тұратын» — group 1: the address, its last word in the locative. */
const KK_ADDRESS = /^(.+?)(?:де|да|те|та)\s+тұратын\s*$/u;

export function readLetterHeader(lines: readonly string[]): LetterHeader {
  const head: string[] = [];
  let end = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line !== '' && (HEADER_END.test(line) || head.length >= MAX_HEADER_LINES)) break;
    end++;
    // a bilingual header puts both languages on one line: «…Маратқызынан / от … Маратовны»
    if (line !== '') head.push(...line.split(/\s+\/\s+/u));
  }
  let name: string | null = null;
  let address: string | null = null;
  for (const [i, line] of head.entries()) {
    const ru = RU_FROM.exec(line);
    if (ru?.[1] !== undefined) {
      name = nominativeRu(ru[1]);
      const rest = [line.slice(ru[0].length), head[i + 1] ?? ''].find((l) => RU_ADDRESS.test(l));
      address = rest !== undefined ? (RU_ADDRESS.exec(rest)?.[1] ?? null) : null;
      break;
    }
    const kk = KK_FROM.exec(line);
    if (kk?.[1] !== undefined) {
      name = kk[1];
      const before = (head[i - 1] ?? '').replace(/\s{2,}/gu, ' ');
      address = KK_ADDRESS.exec(before)?.[1] ?? null;
      break;
    }
  }
  return {
    name,
    address: address?.replace(/[\s,.;]+$/u, '') || null,
    end: name !== null ? end : 0,
  };
}

/** A writer named in the genitive after «от» in a subject: «Жалоба от Тлеубаева Б.С.». */
export function nameInSubject(subject: string): string | null {
  const m =
    /(?:^|\s)от\s+(\p{Lu}[\p{Ll}-]+(?:\s+\p{Lu}[\p{Ll}-]+){1,2}|\p{Lu}[\p{Ll}-]+\s+\p{Lu}\.\s?(?:\p{Lu}\.)?)\s*$/u.exec(
      subject.trim(),
    );
  return m?.[1] !== undefined ? nominativeRu(m[1]) : null;
}

/**
 * «Иванова Ивана Ивановича» → «Иванов Иван Иванович», «Нурпеисовой Айгуль Болатовны» →
 * «Нурпеисова Айгуль Болатовна». The patronymic (or the surname's ending) tells man from woman;
 * Kazakh patronymics (-ұлы, -қызы) and names that do not decline stay as written.
 */
export function nominativeRu(genitive: string): string {
  const words = genitive.trim().split(/\s+/u);
  const female = words.some((w) => /(?:вны|чны|овой|евой|ёвой|иной|ской)$/u.test(w));
  return words
    .map((word, i) => {
      if (/\./u.test(word)) return word; // an initial
      if (/(?:ович|евич)а$/u.test(word)) return word.slice(0, -1);
      if (/(?:овн|евн|ичн)ы$/u.test(word)) return `${word.slice(0, -1)}а`;
      if (i === 0) return surnameNominative(word, female);
      return firstNameNominative(word, female);
    })
    .join(' ');
}

function surnameNominative(word: string, female: boolean): string {
  if (female) {
    if (/(?:ов|ев|ёв|ин|ын)ой$/u.test(word)) return `${word.slice(0, -2)}а`;
    if (/ской$/u.test(word)) return `${word.slice(0, -2)}ая`;
    return word;
  }
  if (/(?:ов|ев|ёв|ин|ын)а$/u.test(word)) return word.slice(0, -1);
  if (/ского$/u.test(word)) return `${word.slice(0, -3)}ий`;
  return word;
}

function firstNameNominative(word: string, female: boolean): string {
  if (female) {
    if (/[жшчщк]и$/u.test(word)) return `${word.slice(0, -1)}а`;
    if (/ии$/u.test(word)) return `${word.slice(0, -1)}я`;
    if (/ы$/u.test(word)) return `${word.slice(0, -1)}а`;
    return word;
  }
  if (/[еи]я$/u.test(word)) return `${word.slice(0, -1)}й`;
  if (/[бвгджзклмнпрстфхцчшщ]а$/u.test(word)) return word.slice(0, -1);
  return word;
}
