/**
 * The text of a Word (.docx) file, read by mammoth, after a check of the zip that mammoth (JSZip)
 * does not make: JSZip inflates a part whole, whatever it becomes, and compares the size only
 * afterwards, so a 1 MB "document" could inflate to gigabytes in the worker. Every part is
 * inflated here first with a bounded output, and dropped; only a zip that stays within the
 * bounds reaches mammoth. mammoth is imported on the first .docx: most mail has none.
 */
import { inflateRawSync } from 'node:zlib';

/** All parts together, inflated. A letter's document.xml is tens of KB; a report's, a few MB. */
export const MAX_DOCX_INFLATED = 8 * 1024 * 1024;
/** The XML mammoth builds a DOM of (several times the bytes in memory). */
export const MAX_DOCX_XML = 3 * 1024 * 1024;
const MAX_PARTS = 1000;

export type DocxProblem = 'corrupt' | 'too-big';

export class DocxUnreadable extends Error {
  constructor(readonly reason: DocxProblem) {
    super(`docx unreadable: ${reason}`);
    this.name = 'DocxUnreadable';
  }
}

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export async function docxText(bytes: Buffer): Promise<string> {
  checkZip(bytes);
  const { default: mammoth } = await import('mammoth');
  let value: string;
  try {
    ({ value } = await mammoth.extractRawText({ buffer: bytes }));
  } catch {
    throw new DocxUnreadable('corrupt');
  }
  return value.replace(/\n{3,}/g, '\n\n').trim();
}

interface Part {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/** Throws DocxUnreadable unless every part inflates to its declared size within the bounds. */
export function checkZip(bytes: Buffer): void {
  const parts = centralDirectory(bytes);
  let declared = 0;
  let xml = 0;
  for (const part of parts) {
    declared += part.size;
    if (/\.(?:xml|rels)$/i.test(part.name)) xml += part.size;
  }
  if (declared > MAX_DOCX_INFLATED || xml > MAX_DOCX_XML) throw new DocxUnreadable('too-big');
  // the declared sizes may lie: what the parts really inflate to is checked, within the bound
  let inflated = 0;
  for (const part of parts) {
    const size = inflatedSize(bytes, part, MAX_DOCX_INFLATED - inflated);
    if (size !== part.size) throw new DocxUnreadable('corrupt');
    inflated += size;
  }
}

function centralDirectory(bytes: Buffer): Part[] {
  const end = findEndOfCentralDirectory(bytes);
  if (end < 0) throw new DocxUnreadable('corrupt');
  const count = bytes.readUInt16LE(end + 10);
  let at = bytes.readUInt32LE(end + 16);
  // ZIP64 (0xFFFF parts, 4 GB offsets) is never a letter
  if (count === 0 || count > MAX_PARTS) throw new DocxUnreadable(count ? 'too-big' : 'corrupt');
  const parts: Part[] = [];
  for (let i = 0; i < count; i++) {
    if (at + 46 > bytes.length || bytes.readUInt32LE(at) !== CENTRAL) {
      throw new DocxUnreadable('corrupt');
    }
    const nameLength = bytes.readUInt16LE(at + 28);
    parts.push({
      method: bytes.readUInt16LE(at + 10),
      compressedSize: bytes.readUInt32LE(at + 20),
      size: bytes.readUInt32LE(at + 24),
      name: bytes.toString('latin1', at + 46, at + 46 + nameLength),
      localOffset: bytes.readUInt32LE(at + 42),
    });
    at += 46 + nameLength + bytes.readUInt16LE(at + 30) + bytes.readUInt16LE(at + 32);
  }
  return parts;
}

/** The End of Central Directory record: the last 22 bytes, or up to a 64 KB comment before. */
function findEndOfCentralDirectory(bytes: Buffer): number {
  const lowest = Math.max(0, bytes.length - 22 - 0xffff);
  for (let at = bytes.length - 22; at >= lowest; at--) {
    if (bytes.readUInt32LE(at) === EOCD) return at;
  }
  return -1;
}

function inflatedSize(bytes: Buffer, part: Part, budget: number): number {
  const at = part.localOffset;
  if (at + 30 > bytes.length || bytes.readUInt32LE(at) !== LOCAL) {
    throw new DocxUnreadable('corrupt');
  }
  const start = at + 30 + bytes.readUInt16LE(at + 26) + bytes.readUInt16LE(at + 28);
  const data = bytes.subarray(start, start + part.compressedSize);
  if (data.length !== part.compressedSize) throw new DocxUnreadable('corrupt');
  if (part.method === 0) return data.length;
  if (part.method !== 8) throw new DocxUnreadable('corrupt');
  try {
    return inflateRawSync(data, { maxOutputLength: Math.max(1, budget) }).length;
  } catch (err) {
    const tooBig =
      err instanceof RangeError || (err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
    throw new DocxUnreadable(tooBig ? 'too-big' : 'corrupt');
  }
}
