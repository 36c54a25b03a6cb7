/**
 * Where a letter's quoted history starts: «-----Original Message-----», a «… пишет:» line, an
 * Outlook From:/Sent: block. Pure and on the rules alone, so that classification (main thread)
 * reads it without loading extraction.
 */
import {
  HEADER_FROM,
  HEADER_NEXT,
  HISTORY_START,
  HISTORY_START_COLON,
  WROTE_CONTINUATION,
  WROTE_OPENING,
} from './extract.rules.js';

/** The index of the first line of quoted history; the number of lines when there is none. */
export function findHistoryStart(lines: readonly string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    const next = (lines[i + 1] ?? '').trim();
    if (HISTORY_START.some((re) => re.test(line))) return i;
    if (line.endsWith(':') && HISTORY_START_COLON.some((re) => re.test(line))) return i;
    if (WROTE_OPENING.test(line) && WROTE_CONTINUATION.test(next)) return i;
    if (HEADER_FROM.test(line)) {
      const following = lines.slice(i + 1, i + 5).map((l) => l.trim());
      if (following.some((l) => HEADER_NEXT.test(l))) return i;
    }
  }
  return lines.length;
}
