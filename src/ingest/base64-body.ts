/**
 * A base64 body of a raw message read in pieces, never as one string: a 2 MB attachment turned
 * into a string lands in V8's old generation and brings the next full collection closer, and a
 * 30 MB one would be held twice more. Each piece is a short-lived string of PIECE bytes.
 */
import { createHash } from 'node:crypto';

const PIECE = 64 * 1024;
/** what `\s` matches in ASCII (the caller has checked the message is ASCII) */
const WHITESPACE = /[\t\n\v\f\r ]+/g;
const NOT_BASE64 = /[^A-Za-z0-9+/=]/;
/** after the first '=', Node's decoder reads nothing more: only padding and line breaks may follow */
const NOT_PADDING = /[^=\r\n \t]/;

export interface Base64Body {
  /** every byte is base64 or whitespace */
  clean: boolean;
  /** '=' appears only at the end (Node's decoder stops at the first '=', mailparser's does not) */
  paddedAtEnd: boolean;
}

export interface Base64Digest {
  size: number;
  sha256: string;
}

/**
 * Checks the body in [start, end) of `raw`; with `digest`, also the size and SHA-256 of what
 * Node's decoder makes of it (meaningful only when the body is clean and padded at the end).
 */
export function readBase64Body(
  raw: Buffer,
  start: number,
  end: number,
  digest: true,
): Base64Body & Base64Digest;
export function readBase64Body(raw: Buffer, start: number, end: number): Base64Body;
export function readBase64Body(
  raw: Buffer,
  start: number,
  end: number,
  digest = false,
): Base64Body & Partial<Base64Digest> {
  const hash = digest ? createHash('sha256') : null;
  let size = 0;
  // characters of a 4-character group cut by a piece boundary
  let carry = '';
  let padded = false;
  let paddedAtEnd = true;
  const decode = (text: string) => {
    const bytes = Buffer.from(text, 'base64');
    hash?.update(bytes);
    size += bytes.length;
  };
  for (let at = start; at < end; at += PIECE) {
    const piece = raw.toString('latin1', at, Math.min(end, at + PIECE));
    const pad = padded ? 0 : piece.indexOf('=');
    if (pad >= 0) {
      padded = true;
      if (NOT_PADDING.test(piece.slice(pad))) paddedAtEnd = false;
    }
    const chars = piece.replace(WHITESPACE, '');
    if (NOT_BASE64.test(chars)) return { clean: false, paddedAtEnd };
    if (!hash || !paddedAtEnd) continue;
    // the group cut at the last piece's end is completed first: no copy of this piece's text
    let from = 0;
    if (carry) {
      from = Math.min(chars.length, 4 - carry.length);
      carry += chars.slice(0, from);
      if (carry.length < 4) continue;
      decode(carry);
    }
    const whole = chars.length - ((chars.length - from) % 4);
    decode(chars.slice(from, whole));
    carry = chars.slice(whole);
  }
  if (!hash) return { clean: true, paddedAtEnd };
  if (carry) decode(carry);
  return { clean: true, paddedAtEnd, size, sha256: hash.digest('hex') };
}
