import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { plainShape } from '../src/ingest/mime-repair.js';

// plainShape lets well-formed mail skip the repair pass; a lone CR (a line end to mailsplit, not to
// the scan) must send the message to the repair pass wherever it is, in a base64 body or not.
describe('plainShape and lone CRs', () => {
  const body = (
    randomBytes(150_000)
      .toString('base64')
      .match(/.{1,76}/g) ?? []
  ).join('\r\n');
  function letter(attachment: string, text = 'See the scan.'): Buffer {
    return Buffer.from(
      [
        'From: a@example.kz',
        'To: ombudsman@ales.kz',
        'Subject: scan',
        'Message-ID: <cr@example.kz>',
        'MIME-Version: 1.0',
        'Content-Type: multipart/mixed; boundary="b1"',
        '',
        '--b1',
        'Content-Type: text/plain; charset=utf-8',
        '',
        text,
        '--b1',
        'Content-Type: application/pdf; name="a.pdf"',
        'Content-Disposition: attachment; filename="a.pdf"',
        'Content-Transfer-Encoding: base64',
        '',
        attachment,
        '--b1--',
        '',
      ].join('\r\n'),
      'latin1',
    );
  }

  it('takes a message whose every CR ends a line', () => {
    expect(plainShape(letter(body))?.attachmentBodies).toHaveLength(1);
  });

  it('refuses a lone CR in the text or in a base64 body', () => {
    expect(plainShape(letter(body, 'See\rthe scan.'))).toBeNull();
    const lone = body.slice(0, 100_000) + '\r' + body.slice(100_000);
    expect(plainShape(letter(lone))).toBeNull();
    const lineEnd = body.slice(0, 100_000) + '\r\n' + body.slice(100_000);
    expect(plainShape(letter(lineEnd))).not.toBeNull();
  });
});
