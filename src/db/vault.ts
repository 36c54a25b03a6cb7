/**
 * Encryption at rest for personal data and raw mail (design: confidentiality). Envelope scheme:
 * every sealed value gets its own random data key, stored wrapped by the master key in `data_keys`,
 * so a single appeal can later be crypto-shredded by deleting its key (design: retention).
 * Format of a sealed value (version 2, written): 0x02 | iv (12) | AES-256-GCM ciphertext | tag (16).
 * The tag comes last so that a value can be sealed and sent piece by piece, never held whole as
 * ciphertext (a 30 MB message). Version 1 (0x01 | iv | tag | ciphertext) is still read.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { SenimError } from '../errors.js';
import type { Queryable } from './database.js';
import { dataKeys, secrets } from './schema.js';

const TAG_FIRST = 1;
const TAG_LAST = 2;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const OVERHEAD = 1 + IV_BYTES + TAG_BYTES;
/** Unwrapped data keys kept in memory; bounded so a long export does not grow without limit. */
const KEY_CACHE_SIZE = 20_000;

/** Random bytes drawn from the CSPRNG in blocks: a backlog asks for thousands of ivs and keys. */
const RANDOM_BLOCK = 4096;
let randomPool = Buffer.alloc(0);
let randomAt = 0;

function random(n: number): Buffer {
  if (randomAt + n > randomPool.length) {
    randomPool = randomBytes(Math.max(RANDOM_BLOCK, n));
    randomAt = 0;
  }
  // a copy: keys are kept (the cache) and must not pin or share the pool
  const out = Buffer.from(randomPool.subarray(randomAt, randomAt + n));
  randomAt += n;
  return out;
}

/**
 * A value sealed as it is read: `pieces` gives the sealed bytes in order (the head, the
 * ciphertext of each `size` bytes of plaintext, the tag), so no whole ciphertext is ever held.
 * The iv is drawn once: every reading gives the same bytes.
 */
export interface SealedStream {
  /** bytes of the sealed value */
  readonly length: number;
  pieces(size: number): Generator<Buffer>;
}

export function sealStream(key: Buffer, plaintext: Buffer): SealedStream {
  const iv = random(IV_BYTES);
  return {
    length: plaintext.length + OVERHEAD,
    *pieces(size: number) {
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      yield Buffer.concat([Buffer.from([TAG_LAST]), iv]);
      for (let at = 0; at < plaintext.length; at += size) {
        yield cipher.update(plaintext.subarray(at, at + size));
      }
      // GCM is a stream mode: final() gives no bytes
      cipher.final();
      yield cipher.getAuthTag();
    },
  };
}

export function encrypt(key: Buffer, plaintext: Buffer): Buffer {
  const sealed = sealStream(key, plaintext);
  return Buffer.concat([...sealed.pieces(Math.max(plaintext.length, 1))], sealed.length);
}

export function decrypt(key: Buffer, sealed: Buffer): Buffer {
  const version = sealed[0];
  if ((version !== TAG_FIRST && version !== TAG_LAST) || sealed.length < OVERHEAD) {
    throw new SenimError('vault-format', 'Encrypted value has an unknown format');
  }
  const iv = sealed.subarray(1, 1 + IV_BYTES);
  const [tag, body] =
    version === TAG_LAST
      ? [sealed.subarray(sealed.length - TAG_BYTES), sealed.subarray(1 + IV_BYTES, -TAG_BYTES)]
      : [sealed.subarray(1 + IV_BYTES, OVERHEAD), sealed.subarray(OVERHEAD)];
  const decipher = createDecipheriv('aes-256-gcm', key, iv);
  decipher.setAuthTag(tag);
  try {
    return Buffer.concat([decipher.update(body), decipher.final()]);
  } catch (error) {
    throw new SenimError(
      'vault-key',
      'Cannot decrypt: the encryption key does not match the one the data was written with',
      'operational',
      { cause: error },
    );
  }
}

export const KEY_FILE = 'encryption.key';

/**
 * The master key: from configuration, or (embedded mode only) generated once into the data
 * directory with owner-only permissions. Back this file up with the database (README).
 */
export function loadMasterKey(configured: Buffer | null, dataDir: string): Buffer {
  if (configured) return configured;
  const file = path.join(dataDir, KEY_FILE);
  if (existsSync(file)) {
    const key = Buffer.from(readFileSync(file, 'utf8').trim(), 'base64');
    if (key.length !== 32) {
      throw new SenimError('vault-key', `${file} does not hold a 32-byte base64 key`);
    }
    return key;
  }
  const key = randomBytes(32);
  writeFileSync(file, key.toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

export interface Sealed {
  keyId: number;
  ciphertext: Buffer;
}

export class Vault {
  private readonly unwrapped = new Map<number, Buffer>();
  private readonly indexKey: Buffer;

  constructor(private readonly master: Buffer) {
    this.indexKey = createHmac('sha256', master).update('senim:blind-index').digest();
  }

  /** Seals a value under a fresh data key (one key per appeal/message: shreddable alone). */
  async seal(q: Queryable, plaintext: Buffer | string): Promise<Sealed> {
    const [sealed] = await this.sealMany(q, [plaintext]);
    return sealed!;
  }

  /**
   * Seals each value under a fresh data key of its own, storing all the keys in one round trip
   * (a group of registrations). Same result as calling seal() for each, in order.
   */
  async sealMany(q: Queryable, plaintexts: readonly (Buffer | string)[]): Promise<Sealed[]> {
    const keyIds = await this.newKeys(q, plaintexts.length);
    return Promise.all(
      plaintexts.map(async (plaintext, i) => ({
        keyId: keyIds[i]!,
        ciphertext: await this.sealWith(q, keyIds[i]!, plaintext),
      })),
    );
  }

  /** Stores `count` fresh data keys in one round trip; their ids, in order. */
  async newKeys(q: Queryable, count: number): Promise<number[]> {
    if (count === 0) return [];
    const keys = Array.from({ length: count }, () => random(32));
    const wrapped = keys.map((k) => encrypt(this.master, k));
    const inserted = await q
      .insert(dataKeys)
      .values(wrapped.map((w) => ({ wrapped: w })))
      .returning({ id: dataKeys.id, wrapped: dataKeys.wrapped });
    // RETURNING order is not promised: match each row by its (random, unique) wrapped key
    const idOf = new Map(inserted.map((row) => [row.wrapped.toString('base64'), row.id]));
    return keys.map((key, i) => {
      const keyId = idOf.get(wrapped[i]!.toString('base64'));
      if (keyId === undefined) throw new SenimError('vault-key', 'Could not store a data key');
      this.remember(keyId, key);
      return keyId;
    });
  }

  /** Seals under an existing data key (several values of one appeal share its key). */
  async sealWith(q: Queryable, keyId: number, plaintext: Buffer | string): Promise<Buffer> {
    const bytes = typeof plaintext === 'string' ? Buffer.from(plaintext) : plaintext;
    return encrypt(await this.dataKey(q, keyId), bytes);
  }

  /** Seals under an existing data key as the value is read (see SealedStream). */
  async sealStreamWith(q: Queryable, keyId: number, plaintext: Buffer): Promise<SealedStream> {
    return sealStream(await this.dataKey(q, keyId), plaintext);
  }

  async open(q: Queryable, keyId: number, ciphertext: Buffer): Promise<Buffer> {
    return decrypt(await this.dataKey(q, keyId), ciphertext);
  }

  async openJson<T>(q: Queryable, keyId: number, ciphertext: Buffer): Promise<T> {
    return JSON.parse((await this.open(q, keyId, ciphertext)).toString('utf8')) as T;
  }

  /** Loads many data keys in one round trip (exports). Missing (shredded) keys are skipped. */
  async preload(q: Queryable, keyIds: number[]): Promise<void> {
    const wanted = [...new Set(keyIds)].filter((id) => !this.unwrapped.has(id));
    for (let i = 0; i < wanted.length; i += 1000) {
      const found = await q
        .select()
        .from(dataKeys)
        .where(inArray(dataKeys.id, wanted.slice(i, i + 1000)));
      for (const row of found) this.remember(row.id, decrypt(this.master, row.wrapped));
    }
  }

  /** Keyed hash of a value (e.g. a recipient address) for lookups without storing it in clear. */
  blindIndex(value: string): string {
    return createHmac('sha256', this.indexKey).update(value.trim().toLowerCase()).digest('hex');
  }

  /**
   * Checks that the master key is the one this database was written with, recording a check value
   * on first use. A wrong key is found at start-up, not when an appeal is opened.
   */
  async checkMasterKey(q: Queryable): Promise<void> {
    const check = Buffer.from('senim-master-key-check');
    const [row] = await q.select().from(secrets).where(eq(secrets.name, 'master-key-check'));
    if (!row) {
      await q
        .insert(secrets)
        .values({
          name: 'master-key-check',
          value: encrypt(this.master, check),
          keyId: 0,
          updatedAt: new Date(),
        })
        .onConflictDoNothing();
      return;
    }
    try {
      decrypt(this.master, row.value);
    } catch (error) {
      throw new SenimError(
        'vault-key',
        'The encryption key (SENIM_ENCRYPTION_KEY or the data directory key file) is not the key this journal was written with',
        'operational',
        { cause: error },
      );
    }
  }

  private async dataKey(q: Queryable, keyId: number): Promise<Buffer> {
    const cached = this.unwrapped.get(keyId);
    if (cached) return cached;
    const [row] = await q.select().from(dataKeys).where(eq(dataKeys.id, keyId));
    if (!row)
      throw new SenimError('vault-shredded', `Data key ${keyId} no longer exists (shredded)`);
    const key = decrypt(this.master, row.wrapped);
    this.remember(keyId, key);
    return key;
  }

  private remember(keyId: number, key: Buffer): void {
    if (this.unwrapped.size >= KEY_CACHE_SIZE) this.unwrapped.clear();
    this.unwrapped.set(keyId, key);
  }
}
