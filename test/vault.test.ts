import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createCipheriv } from 'node:crypto';
import { decrypt, encrypt, sealStream } from '../src/db/vault.js';

// design: confidentiality — AES-256-GCM with a fresh iv for every sealed value
describe('the vault', () => {
  const key = randomBytes(32);

  it('never reuses an iv, across refills of its random pool', () => {
    const ivs = new Set<string>();
    for (let i = 0; i < 5_000; i++) {
      ivs.add(encrypt(key, Buffer.from('x')).subarray(1, 13).toString('hex'));
    }
    expect(ivs.size).toBe(5_000);
  });

  it('opens what it sealed, and refuses a changed byte', () => {
    const sealed = encrypt(key, Buffer.from('Серикова Айгуль, +77011234567'));
    expect(decrypt(key, sealed).toString()).toBe('Серикова Айгуль, +77011234567');
    sealed[sealed.length - 1]! ^= 1;
    expect(() => decrypt(key, sealed)).toThrow(/encryption key/);
  });

  it('seals piece by piece to bytes that open as the whole value, whatever the piece size', () => {
    const plain = randomBytes(3 * 1024 + 17);
    const sealed = sealStream(key, plain);
    const small = Buffer.concat([...sealed.pieces(1024)]);
    expect(small.length).toBe(sealed.length);
    expect(decrypt(key, small).equals(plain)).toBe(true);
    // the iv is drawn once: every reading gives the same bytes
    expect(Buffer.concat([...sealed.pieces(100_000)]).equals(small)).toBe(true);
    expect(decrypt(key, encrypt(key, Buffer.alloc(0))).length).toBe(0);
  });

  it('still opens values sealed in the first format (tag before the ciphertext)', () => {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    const body = Buffer.concat([cipher.update('Бекова Айжан'), cipher.final()]);
    const v1 = Buffer.concat([Buffer.from([1]), iv, cipher.getAuthTag(), body]);
    expect(decrypt(key, v1).toString()).toBe('Бекова Айжан');
    v1[0] = 3;
    expect(() => decrypt(key, v1)).toThrow(/unknown format/);
  });
});
