/**
 * The hash chain of the journal (rules 4.14: numbered, laced pages). Each row's hash covers its
 * stored fields (personal data as ciphertext, so the chain verifies without the key) and the
 * previous row's hash. Pure functions: the verifier and the writer share them.
 */
import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

export interface ChainedEntryFields {
  number: number;
  receivedAt: Date;
  registeredAt: Date;
  channel: string;
  anonymous: boolean;
  personal: Buffer | null;
  keyId: number | null;
  content: string;
  language: string;
  mixedLanguage: boolean;
  scope: string;
  category: string | null;
  evidence: string[];
  site: string | null;
  dueDate: string;
  backlog: boolean;
  prevHash: string;
}

export interface ChainedEventFields {
  seq: number;
  entryNumber: number;
  kind: string;
  payload: Record<string, unknown>;
  createdAt: Date;
  prevHash: string;
}

function sha256(parts: unknown[]): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/** Object keys sorted recursively, so a JSONB round trip (which reorders keys) hashes the same. */
function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

export function entryHash(e: ChainedEntryFields): string {
  return sha256([
    'entry/1',
    e.number,
    e.receivedAt.toISOString(),
    e.registeredAt.toISOString(),
    e.channel,
    e.anonymous,
    e.personal ? e.personal.toString('base64') : null,
    e.keyId,
    e.content,
    e.language,
    e.mixedLanguage,
    e.scope,
    e.category,
    e.evidence,
    e.site,
    e.dueDate,
    e.backlog,
    e.prevHash,
  ]);
}

export function eventHash(e: ChainedEventFields): string {
  return sha256([
    'event/1',
    e.seq,
    e.entryNumber,
    e.kind,
    canonical(e.payload),
    e.createdAt.toISOString(),
    e.prevHash,
  ]);
}

export interface ChainLink {
  number: number;
  prevHash: string;
  hash: string;
  /** the hash recomputed from the row's fields */
  computed: string;
}

export type ChainFinding =
  { ok: true; count: number; lastHash: string } | { ok: false; firstBad: number; problem: string };

/**
 * Walks links in order. Finds the first number that is missing, duplicated, out of order, edited
 * (stored hash ≠ recomputed) or not linked to its predecessor. Stateful so it can run over pages.
 */
export class ChainWalker {
  private expected = 1;
  private prev = GENESIS_HASH;
  private failure: { firstBad: number; problem: string } | null = null;

  constructor(private readonly noun: string) {}

  /** Returns false once a problem is found (the walk can stop). */
  push(link: ChainLink): boolean {
    if (this.failure) return false;
    if (link.number !== this.expected) {
      this.failure =
        link.number > this.expected
          ? { firstBad: this.expected, problem: `${this.noun} ${this.expected} is missing` }
          : { firstBad: link.number, problem: `${this.noun} ${link.number} is out of order` };
    } else if (link.computed !== link.hash) {
      this.failure = { firstBad: link.number, problem: `${this.noun} ${link.number} was altered` };
    } else if (link.prevHash !== this.prev) {
      this.failure = {
        firstBad: link.number,
        problem: `${this.noun} ${link.number} is not linked to ${this.noun} ${link.number - 1}`,
      };
    }
    if (this.failure) return false;
    this.prev = link.hash;
    this.expected++;
    return true;
  }

  result(): ChainFinding {
    if (this.failure) return { ok: false, ...this.failure };
    return { ok: true, count: this.expected - 1, lastHash: this.prev };
  }
}
