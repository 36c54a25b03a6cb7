/**
 * Follow-up mail: a reply to our acknowledgement carries the appeal's registration number
 * (rules 4.14 a) in its subject, e.g. «Re: Обращение № 12 зарегистрировано», "[Senim #12]".
 * Only a number in a recognisable appeal-number pattern counts: dates, amounts and other
 * documents' numbers («договор № 45/2») do not.
 */

/** A number that is a whole registration number: not part of 45/2, 12-3, 12.03 or 1 500. */
const NUM = String.raw`(\d{1,9})(?![\d/\\.,-]*\d)(?!\s\d{3}(?!\d))`;
const SIGN = String.raw`(?:№|N[o°]?\.?|#|nr\.?|number|нөмір(?:і)?)`;

/** Patterns for subjects; the first group is the number. */
const SUBJECT_PATTERNS: readonly RegExp[] = [
  new RegExp(String.raw`\[\s*senim\s*#?\s*${NUM}\s*\]`, 'iu'),
  // «Обращение № 12», "Appeal No. 12", "appeal #12", «Өтініш № 12», «хабарлама №12»
  new RegExp(
    String.raw`(?<![\p{L}])(?:обращени[еяюй]|жалоб[аыеу]|өтініш(?:іңіз)?|отиниш|хабарлама|appeal|report|case)\s*${SIGN}\s*${NUM}`,
    'iu',
  ),
  // «Дополнение к обращению 12», "Re: appeal 12": with no sign only where the number ends the
  // subject or a clause, so that «Обращение 12 марта» or "appeal 2 weeks ago" stays a date or count
  new RegExp(
    String.raw`(?<![\p{L}])(?:обращени[еяюй]|жалоб[аыеу]|өтініш(?:іңіз|ке|ті)?|appeal)\s+${NUM}\s*(?:$|[,;:.!?)\]])`,
    'iu',
  ),
  // «№ 12 өтініш тіркелді», "No. 12 appeal"
  new RegExp(
    String.raw`${SIGN}\s*${NUM}\s+(?:өтініш|отиниш|обращени[еяю]|appeal)(?![\p{L}])`,
    'iu',
  ),
];

/** Stricter patterns for a body (quoted acknowledgement text): a registration wording is needed. */
const TEXT_PATTERNS: readonly RegExp[] = [
  SUBJECT_PATTERNS[0]!,
  new RegExp(
    String.raw`(?:обращение|appeal)\s*${SIGN}\s*${NUM}\s+(?:зарегистрировано|registered|тіркелді)`,
    'iu',
  ),
  new RegExp(
    String.raw`(?:зарегистрирован[оа]?\s+под|registered\s+(?:as|under)|регистрационный\s+номер|registration\s+number|тіркеу\s+нөмірі)\s*[:\-]?\s*${SIGN}?\s*${NUM}`,
    'iu',
  ),
  new RegExp(String.raw`${SIGN}\s*${NUM}\s+өтініш\s+тіркелді`, 'iu'),
  // our own acknowledgement's wording (templates/*/acknowledgement.text.hbs), quoted in a reply
  // whose subject the writer changed: «зарегистрировано в журнале обращений под № 12»,
  // "registered in the journal of appeals under No. 12", «журналында № 12 болып тіркелді»
  new RegExp(
    String.raw`(?:зарегистрирован[оа]?\s+в\s+журнале\s+обращений\s+под|registered\s+in\s+the\s+journal\s+of\s+appeals\s+under)\s*${SIGN}\s*${NUM}`,
    'iu',
  ),
  new RegExp(String.raw`журналында\s*${SIGN}\s*${NUM}\s+болып\s+тіркелді`, 'iu'),
];

function firstNumber(patterns: readonly RegExp[], s: string): number | null {
  for (const re of patterns) {
    const m = re.exec(s);
    if (m?.[1] === undefined) continue;
    const n = Number(m[1]);
    if (Number.isSafeInteger(n) && n > 0) return n;
  }
  return null;
}

/** The registration number a follow-up refers to, or null. */
export function findFollowUpNumber(subject: string | null, text?: string | null): number | null {
  const fromSubject = subject ? firstNumber(SUBJECT_PATTERNS, subject) : null;
  if (fromSubject !== null) return fromSubject;
  return text ? firstNumber(TEXT_PATTERNS, text) : null;
}
