/**
 * Charset detection for bytes whose charset was not declared (old clients: The Bat!, Outlook
 * Express) or was declared wrongly, and the aliases mail uses for the Kazakh code page.
 *
 * Only the charsets Kazakhstan mail actually comes in are candidates: UTF-8 first (it validates),
 * then windows-1251, KOI8-R and KZ-1048. chardet was tried and rejected for this: on short strings
 * (a name, a subject: the raw 8-bit header case) it answers Shift_JIS or Big5.
 */
import { isUtf8 } from 'node:buffer';
import iconv from 'iconv-lite';

export type DetectedCharset = 'utf-8' | 'windows-1251' | 'koi8-r' | 'rk1048';

const CYRILLIC_CANDIDATES: readonly DetectedCharset[] = ['windows-1251', 'koi8-r', 'rk1048'];

/**
 * KZ-1048 (STRK1048-2002) is the Kazakh variant of cp1251. iconv-lite knows it as 'rk1048' only;
 * mailparser falls back to UTF-8 (mojibake) for the names mail clients write.
 */
const CHARSET_ALIASES: Readonly<Record<string, string>> = {
  kz1048: 'rk1048',
  strk10482002: 'rk1048',
  cp1048: 'rk1048',
  windows1048: 'rk1048',
  xcp1251: 'windows-1251',
  xmaccyrillic: 'maccyrillic',
};

function charsetKey(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** The name iconv-lite understands for a declared charset, or `null` when it knows none. */
export function normalizeCharset(declared: string): string | null {
  const trimmed = declared.trim().replace(/^["']|["']$/g, '');
  if (!trimmed) return null;
  const alias = CHARSET_ALIASES[charsetKey(trimmed)];
  if (alias) return alias;
  return iconv.encodingExists(trimmed) ? trimmed.toLowerCase() : null;
}

/** True for the charset names that mean "UTF-8 or its ASCII subset". */
export function isUtf8Family(charset: string): boolean {
  return ['utf8', 'usascii', 'ascii', 'utf8mb4'].includes(charsetKey(charset));
}

export function hasHighBytes(bytes: Uint8Array): boolean {
  for (const byte of bytes) if (byte >= 0x80) return true;
  return false;
}

// Russian letter frequency order; the first ten score double, the rare tail half.
const FREQUENT = new Set('оеаинтсрвл');
const COMMON = new Set('кмдпуяыьгзбчйхжшюц');
const KAZAKH = new Set('әғқңөұүһі');
// letters of cp1251's 0x80–0xBF range that Kazakh (or Russian) text never has: their presence
// means the bytes were KZ-1048 (or not windows-1251 at all)
const FOREIGN_CYRILLIC = new Set('ђѓљњќћџўјѕЂЃЉЊЌЋЏЎЈЅ');

function letterWeight(lower: string): number {
  if (FREQUENT.has(lower)) return 2;
  if (COMMON.has(lower) || KAZAKH.has(lower)) return 1;
  return 0.5;
}

function isCyrillicLetter(ch: string): boolean {
  const code = ch.codePointAt(0) ?? 0;
  return code >= 0x0400 && code <= 0x04ff;
}

/**
 * How much a decoded string looks like Russian/Kazakh prose. Exported for tests. The case pattern
 * is what tells KOI8-R from cp1251 (their lower- and uppercase halves are swapped): real text is
 * mostly lowercase, with capitals only at word starts.
 */
export function cyrillicScore(text: string): number {
  let score = 0;
  let previous = '';
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (FOREIGN_CYRILLIC.has(ch)) {
      score -= 3;
    } else if (isCyrillicLetter(ch)) {
      const lower = ch.toLowerCase();
      const upper = ch !== lower;
      score += letterWeight(lower);
      const previousLower = isCyrillicLetter(previous) && previous === previous.toLowerCase();
      if (upper && previousLower) score -= 4;
    } else if (code >= 0x2500 && code <= 0x25ff) {
      // box drawing: KOI8-R's 0x80–0xBF, never in a letter
      score -= 3;
    } else if (code >= 0x80 && code < 0xa0) {
      score -= 3;
    }
    previous = ch;
  }
  return score;
}

/**
 * Valid UTF-8, or UTF-8 with a few damaged sequences (a truncated or corrupted part): at most one
 * replacement per 20 non-ASCII characters. cp1251/KOI8-R read as UTF-8 is almost all replacements.
 */
export function looksLikeUtf8(bytes: Uint8Array): boolean {
  if (isUtf8(bytes)) return true;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let replaced = 0;
  let nonAscii = 0;
  for (const ch of text) {
    if (ch === '\uFFFD') replaced++;
    else if (ch.charCodeAt(0) >= 0x80) nonAscii++;
  }
  return nonAscii >= 20 * replaced;
}

/** Western single-byte charsets: old servers and web forms label everything with them. */
const WESTERN = new Set([
  'iso88591',
  'latin1',
  'l1',
  'cp819',
  'windows1252',
  'cp1252',
  'iso885915',
]);
/** ISO-8859-1 and its kin: the labels under which Cyrillic bytes arrive mislabelled. */
export function isWesternSingleByte(charset: string): boolean {
  return WESTERN.has(charsetKey(charset));
}

/** UTF-8 must show at least this many multi-byte characters to overrule a declaration. */
const MIN_UTF8_CHARACTERS = 3;
/** Share of a text's letters that must be Cyrillic for Western-labelled bytes to be Cyrillic. */
const CYRILLIC_SHARE = 0.6;

/**
 * The charset of text declared in a single-byte charset when its bytes say otherwise, or null when
 * the declaration stands: valid UTF-8 (a form that sends UTF-8 and says windows-1251), or Russian
 * and Kazakh text labelled ISO-8859-1 or windows-1252. Western text labelled so is left alone: its
 * letters are mostly ASCII.
 */
export function mislabelledSingleByte(
  declared: string,
  bytes: Uint8Array,
  hint?: string | null,
): DetectedCharset | null {
  if (!hasHighBytes(bytes)) return null;
  if (looksLikeUtf8(bytes) && utf8Characters(bytes) >= MIN_UTF8_CHARACTERS) return 'utf-8';
  if (!isWesternSingleByte(declared)) return null;
  return cyrillicReading(bytes, hint);
}

/** The Cyrillic code page that reads 8-bit bytes as Russian or Kazakh letters, or null. */
function cyrillicReading(bytes: Uint8Array, hint?: string | null): DetectedCharset | null {
  const detected = detectCharset(bytes, hint);
  if (detected === null || detected === 'utf-8') return null;
  const text = iconv.decode(
    Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength),
    detected,
  );
  return cyrillicShare(text) >= CYRILLIC_SHARE && cyrillicScore(text) > 0 ? detected : null;
}

function utf8Characters(bytes: Uint8Array): number {
  let count = 0;
  for (const byte of bytes) if (byte >= 0xc2 && byte <= 0xf4) count++;
  return count;
}

function cyrillicShare(text: string): number {
  let letters = 0;
  let cyrillic = 0;
  for (const ch of text) {
    if (!/\p{L}/u.test(ch)) continue;
    letters++;
    if (isCyrillicLetter(ch)) cyrillic++;
  }
  return letters === 0 ? 0 : cyrillic / letters;
}

/**
 * The most likely charset of bytes that carry no declaration. `hint` (a charset declared elsewhere
 * in the same message) wins ties. Returns `null` for pure ASCII.
 */
export function detectCharset(bytes: Uint8Array, hint?: string | null): DetectedCharset | null {
  if (!hasHighBytes(bytes)) return null;
  if (looksLikeUtf8(bytes)) return 'utf-8';
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hinted = hint ? normalizeCharset(hint) : null;
  let best: DetectedCharset = 'windows-1251';
  let bestScore = -Infinity;
  for (const candidate of CYRILLIC_CANDIDATES) {
    const bonus = candidate === hinted ? 1 : 0;
    const score = cyrillicScore(iconv.decode(buffer, candidate)) + bonus;
    if (score > bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}

/** Rewrites `=?charset?` of RFC 2047 encoded words to the name iconv-lite knows (KZ-1048). */
export function normalizeEncodedWordCharsets(line: string): string {
  return line.replace(
    /=\?([^?*\s]+)((?:\*[^?]*)?\?[bBqQ]\?)/g,
    (word, charset: string, rest: string) => {
      const alias = CHARSET_ALIASES[charsetKey(charset)];
      return alias ? `=?${alias}${rest}` : word;
    },
  );
}

/**
 * Labels that say nothing about an encoded word's 8-bit bytes: placeholders written by mailers
 * that did not know the charset (Mutt's unknown-8bit), and US-ASCII, which has no 8-bit bytes at
 * all (PHP's mail() forms). A label iconv-lite does not know counts too (encodedWordCharset).
 */
const UNSPECIFIC_LABELS = new Set([
  'unknown8bit',
  'xunknown',
  'unknown',
  'xuserdefined',
  'usascii',
  'ascii',
  'ansix341968',
  'binary',
]);

export type WordCharset = DetectedCharset | 'windows-1252';

/**
 * The charset an RFC 2047 encoded word's bytes are in when its label cannot be trusted, or null
 * when the label stands. Under an unspecific or unknown label: UTF-8 when the bytes are UTF-8,
 * else the Cyrillic code page that reads them as Russian or Kazakh, else windows-1252 (a Western
 * name from a mailer that did not know its charset). Under a Western label: the bodies' check
 * (mislabelledSingleByte), so that a French or German name stays as it is.
 */
export function encodedWordCharset(
  label: string,
  bytes: Uint8Array,
  hint?: string | null,
): WordCharset | null {
  if (!hasHighBytes(bytes) || !labelInDoubt(label)) return null;
  if (isWesternSingleByte(label)) return mislabelledSingleByte(label, bytes, hint);
  if (looksLikeUtf8(bytes)) return 'utf-8';
  return cyrillicReading(bytes, hint) ?? 'windows-1252';
}

/** Western, unspecific or unknown: a label whose words' bytes are checked. */
function labelInDoubt(label: string): boolean {
  const key = charsetKey(label);
  // the label of nearly all mail, answered without a lookup
  if (key === 'utf8') return false;
  return WESTERN.has(key) || UNSPECIFIC_LABELS.has(key) || normalizeCharset(label) === null;
}

/** libmime's pattern, the label as normalizeEncodedWordCharsets reads it. */
const ENCODED_WORD = /=\?([^?*\s]+)((?:\*[^?]*)?\?([bBqQ])\?([^?]*)\?=)/g;

/** The bytes an encoded word's text stands for (loosely: only for charset detection). */
function encodedWordBytes(encoding: string, text: string): Buffer {
  if (encoding === 'B' || encoding === 'b') return Buffer.from(text, 'base64');
  const binary = text
    .replace(/_/g, ' ')
    .replace(/=([0-9A-Fa-f]{2})/g, (_m, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(binary, 'latin1');
}

/**
 * A header's encoded words relabelled with the charset their bytes are in where the label cannot
 * be trusted (encodedWordCharset), and the charsets given; the header itself when none was. The
 * words under one label are judged together: a name split over several words may split a UTF-8
 * character between them, and a code page is told better from more letters.
 */
export function relabelEncodedWords(
  header: string,
  hint?: string | null,
): { header: string; charsets: WordCharset[] } {
  if (!header.includes('=?')) return { header, charsets: [] };
  const byLabel = new Map<string, { label: string; pieces: Buffer[] }>();
  for (const [, label = '', , encoding = '', text = ''] of header.matchAll(ENCODED_WORD)) {
    if (!labelInDoubt(label)) continue;
    const key = charsetKey(label);
    const group = byLabel.get(key) ?? { label, pieces: [] };
    group.pieces.push(encodedWordBytes(encoding, text));
    byLabel.set(key, group);
  }
  const chosen = new Map<string, WordCharset>();
  for (const [key, { label, pieces }] of byLabel) {
    const charset = encodedWordCharset(label, Buffer.concat(pieces), hint);
    if (charset) chosen.set(key, charset);
  }
  if (chosen.size === 0) return { header, charsets: [] };
  const relabelled = header.replace(ENCODED_WORD, (word, label: string, rest: string) => {
    const charset = chosen.get(charsetKey(label));
    return charset ? `=?${charset}${rest}` : word;
  });
  return { header: relabelled, charsets: [...new Set(chosen.values())] };
}

/** Decodes bytes in a charset iconv-lite knows (callers normalise first); UTF-8 otherwise. */
export function decodeBytes(bytes: Buffer, charset: string): string {
  const name = normalizeCharset(charset) ?? 'utf-8';
  return iconv.decode(bytes, name);
}
