/**
 * Encryption at rest for personal data and raw mail (design: confidentiality). Envelope scheme:
 * every sealed value gets its own random data key, stored wrapped by the master key in `data_keys`,
 * so a single appeal can later be crypto-shredded by deleting its key (design: retention).
 * Format of a sealed value: 0x01 | iv (12) | tag (16) | AES-256-GCM ciphertext.
 */
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray } from 'drizzle-orm';
import { SenimError } from '../errors.js';
import type { Queryable } from './database.js';
import { dataKeys, secrets } from './schema.js';

const VERSION = 1;
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

export function encrypt(key: Buffer, plaintext: Buffer): Buffer {
  const iv = random(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  const body = cipher.update(plaintext);
  // GCM is a stream mode: final() gives no bytes, so the body is not copied again to append them
  const rest = cipher.final();
  return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag(), body, rest]);
}

export function decrypt(key: Buffer, sealed: Buffer): Buffer {
  if (sealed[0] !== VERSION || sealed.length < 29) {
    throw new SenimError('vault-format', 'Encrypted value has an unknown format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, sealed.subarray(1, 13));
  decipher.setAuthTag(sealed.subarray(13, 29));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(29)), decipher.final()]);
  } catch (error) {
    throw new SenimError(
      'vault-key',
      'Cannot decrypt: the encryption key does not match the one the data was written with',
      'operational',
      { cause: error },
    );
  }
}

/**
 * Sealing piece by piece, for values too large to hold twice (a 30 MB message): `update` gives
 * the ciphertext of each piece, `final` the head (version, iv, tag) that goes before them. Head
 * then pieces, concatenated, are byte for byte what encrypt() gives.
 */
export interface PieceSealer {
  update(piece: Buffer): Buffer;
  final(): Buffer;
}

export function pieceSealer(key: Buffer): PieceSealer {
  const iv = random(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  return {
    update: (piece) => cipher.update(piece),
    final: () => {
      const rest = cipher.final();
      if (rest.length > 0) throw new SenimError('vault-format', 'GCM left bytes at the end');
      return Buffer.concat([Buffer.from([VERSION]), iv, cipher.getAuthTag()]);
    },
  };
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
    const dataKey = random(32);
    const [row] = await q
      .insert(dataKeys)
      .values({ wrapped: encrypt(this.master, dataKey) })
      .returning({ id: dataKeys.id });
    if (!row) throw new SenimError('vault-key', 'Could not store a data key');
    this.remember(row.id, dataKey);
    return { keyId: row.id, ciphertext: encrypt(dataKey, Buffer.from(plaintext)) };
  }

  /**
   * Seals each value under a fresh data key of its own, storing all the keys in one round trip
   * (a group of registrations). Same result as calling seal() for each, in order.
   */
  async sealMany(q: Queryable, plaintexts: readonly (Buffer | string)[]): Promise<Sealed[]> {
    if (plaintexts.length === 0) return [];
    const keys = plaintexts.map(() => random(32));
    const wrapped = keys.map((k) => encrypt(this.master, k));
    const inserted = await q
      .insert(dataKeys)
      .values(wrapped.map((w) => ({ wrapped: w })))
      .returning({ id: dataKeys.id, wrapped: dataKeys.wrapped });
    // RETURNING order is not promised: match each row by its (random, unique) wrapped key
    const idOf = new Map(inserted.map((row) => [row.wrapped.toString('base64'), row.id]));
    return plaintexts.map((plaintext, i) => {
      const keyId = idOf.get(wrapped[i]!.toString('base64'));
      if (keyId === undefined) throw new SenimError('vault-key', 'Could not store a data key');
      this.remember(keyId, keys[i]!);
      return { keyId, ciphertext: encrypt(keys[i]!, Buffer.from(plaintext)) };
    });
  }

  /** Seals under an existing data key (several values of one appeal share its key). */
  async sealWith(q: Queryable, keyId: number, plaintext: Buffer | string): Promise<Buffer> {
    return encrypt(await this.dataKey(q, keyId), Buffer.from(plaintext));
  }

  /** A piece-by-piece sealer under an existing data key (see PieceSealer). */
  async pieceSealer(q: Queryable, keyId: number): Promise<PieceSealer> {
    return pieceSealer(await this.dataKey(q, keyId));
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
