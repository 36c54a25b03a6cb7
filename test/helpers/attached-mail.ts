/**
 * Real-looking mail whose letter is in an attachment: a Notepad .txt in cp1251, a Word file, an
 * HTML page, Outlook's forward as attachment. Built here so that the tests show what they send.
 */
import { deflateRawSync } from 'node:zlib';
import iconv from 'iconv-lite';

const b64 = (bytes: Buffer) => (bytes.toString('base64').match(/.{1,76}/g) ?? []).join('\r\n');
const word = (text: string) => `=?utf-8?B?${Buffer.from(text).toString('base64')}?=`;

export interface Part {
  headers: string[];
  body: string;
}

let serial = 0;

/** A multipart/mixed letter: a plain body (maybe empty), then the parts. 7-bit, CRLF. */
export function mixed(spec: {
  from: string;
  subject: string;
  body: string;
  parts: Part[];
  date?: string;
}): Buffer {
  serial += 1;
  const boundary = `----=_NextPart_${serial}_att`;
  const lines = [
    `From: ${spec.from}`,
    'To: ombudsman@ales.kz',
    `Subject: ${word(spec.subject)}`,
    `Date: ${spec.date ?? 'Thu, 19 Nov 2026 09:46:11 +0500'}`,
    `Message-ID: <att${serial}.${Date.now()}@example.kz>`,
    'MIME-Version: 1.0',
    `Content-Type: multipart/mixed; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    'Content-Type: text/plain; charset="utf-8"',
    'Content-Transfer-Encoding: base64',
    '',
    b64(Buffer.from(spec.body)),
  ];
  for (const part of spec.parts) lines.push(`--${boundary}`, ...part.headers, '', part.body);
  lines.push(`--${boundary}--`, '');
  return Buffer.from(lines.join('\r\n'), 'latin1');
}

/** A file attached as Outlook and Thunderbird attach it: base64, the name as an encoded word. */
export function file(name: string, type: string, bytes: Buffer): Part {
  return {
    headers: [
      `Content-Type: ${type}; name="${word(name)}"`,
      'Content-Transfer-Encoding: base64',
      `Content-Disposition: attachment; filename="${word(name)}"`,
    ],
    body: b64(bytes),
  };
}

/** A .txt saved by Notepad on a Russian Windows: cp1251, the charset declared or not. */
export function cp1251Txt(name: string, text: string, declared: boolean): Part {
  const type = declared ? 'text/plain; charset=windows-1251' : 'text/plain';
  return file(name, type, iconv.encode(text.replace(/\n/g, '\r\n'), 'windows-1251'));
}

/** Outlook's "Forward as attachment": the whole letter, raw, as a message/rfc822 part. */
export function attachedMessage(raw: Buffer, name = 'letter.eml'): Part {
  return {
    headers: [
      'Content-Type: message/rfc822',
      `Content-Disposition: attachment; filename="${name}"`,
    ],
    body: raw.toString('latin1'),
  };
}

/** A one-part plain letter, as the resident sent it. */
export function plainLetter(spec: { from: string; subject: string; text: string; date?: string }) {
  serial += 1;
  return Buffer.from(
    [
      `From: ${spec.from}`,
      'To: kense@ales.kz',
      `Subject: ${word(spec.subject)}`,
      `Date: ${spec.date ?? 'Tue, 17 Nov 2026 12:46:11 +0500'}`,
      `Message-ID: <inner${serial}@mail.example.kz>`,
      'MIME-Version: 1.0',
      'Content-Type: text/plain; charset="utf-8"',
      'Content-Transfer-Encoding: base64',
      '',
      b64(Buffer.from(spec.text)),
      '',
    ].join('\r\n'),
    'latin1',
  );
}

export const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** The smallest .docx Word and mammoth accept: content types, the package's rels, one document. */
export function docx(paragraphs: string[]): Buffer {
  const escape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const body = paragraphs.map((p) => `<w:p><w:r><w:t>${escape(p)}</w:t></w:r></w:p>`).join('');
  return zip([
    [
      '[Content_Types].xml',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>',
    ],
    [
      '_rels/.rels',
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>',
    ],
    [
      'word/document.xml',
      `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>${body}</w:body></w:document>`,
    ],
  ]);
}

/** A zip of deflated entries; `declare` overrides the uncompressed size written (a lying bomb). */
export function zip(entries: [name: string, content: string | Buffer, declare?: number][]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content, declare] of entries) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    const packed = deflateRawSync(data);
    const nameBytes = Buffer.from(name);
    const size = declare ?? data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc32(data), 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc32(data), 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, packed);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** 0 for a large entry: JSZip does not check it, and computing it here would be slow. */
function crc32(data: Buffer): number {
  if (data.length > 1024 * 1024) return 0;
  let crc = 0xffffffff;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}
