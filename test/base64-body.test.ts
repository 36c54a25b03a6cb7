import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readBase64Body } from '../src/ingest/base64-body.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const lines = (data: Buffer, width: number, eol: string) =>
  (data.toString('base64').match(new RegExp(`.{1,${width}}`, 'g')) ?? []).join(eol);

/** What Node's decoder makes of the body read as one string (what the pieces must add up to). */
function wholeDecode(body: string) {
  const bytes = Buffer.from(body, 'base64');
  return { size: bytes.length, sha256: sha(bytes) };
}

/** The body placed inside other bytes, as it sits in a message. */
function inMessage(body: string) {
  const before = 'Content-Transfer-Encoding: base64\r\n\r\n';
  const raw = Buffer.from(`${before}${body}\r\n--b--\r\n`, 'latin1');
  return { raw, start: before.length, end: before.length + body.length };
}

describe('readBase64Body', () => {
  // bodies of several 64 KB pieces, so that 4-character groups and padding are cut between them
  it.each([
    ['76-character CRLF lines', 76, '\r\n'],
    ['LF lines', 76, '\n'],
    ['75-character lines (groups cross line ends)', 75, '\r\n'],
    ['one long line', 1_000_000, '\r\n'],
    ['lines broken by spaces and tabs', 61, ' \t\r\n'],
  ])('decodes %s in pieces exactly as in one string', (_name, width, eol) => {
    for (const size of [200_000, 200_001, 200_002, 196_608]) {
      const body = lines(randomBytes(size), width, eol);
      const { raw, start, end } = inMessage(body);
      expect(readBase64Body(raw, start, end, true)).toEqual({
        clean: true,
        paddedAtEnd: true,
        ...wholeDecode(body),
      });
    }
  });

  it('finds a byte that is not base64 in any piece', () => {
    const body = lines(randomBytes(300_000), 76, '\r\n');
    for (const at of [10, 70_000, body.length - 3]) {
      const bad = body.slice(0, at) + '*' + body.slice(at + 1);
      const { raw, start, end } = inMessage(bad);
      expect(readBase64Body(raw, start, end).clean).toBe(false);
    }
  });

  it('tells padding in the middle from padding at the end, across pieces', () => {
    const data = lines(randomBytes(100_000), 76, '\r\n');
    const glued = inMessage(`${data}QQ==\r\n${data}`);
    expect(readBase64Body(glued.raw, glued.start, glued.end).paddedAtEnd).toBe(false);
    const padded = inMessage(lines(randomBytes(100_001), 76, '\r\n') + '\r\n=\r\n');
    expect(readBase64Body(padded.raw, padded.start, padded.end).paddedAtEnd).toBe(true);
  });

  it('reads only its range of the message', () => {
    // ': base64' before the body, '--' after it
    const body = lines(randomBytes(1000), 76, '\r\n');
    const { raw, start, end } = inMessage(body);
    expect(readBase64Body(raw, start - 12, end).clean).toBe(false);
    expect(readBase64Body(raw, start, end + 3).clean).toBe(false);
  });
});
