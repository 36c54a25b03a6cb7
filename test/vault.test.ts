import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decrypt, encrypt, pieceSealer } from '../src/db/vault.js';

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

  it('seals piece by piece to the very bytes a whole-value seal opens', () => {
    const plain = randomBytes(3 * 1024 + 17);
    const sealer = pieceSealer(key);
    const body = [0, 1024, 2048, 3072].map((at) => sealer.update(plain.subarray(at, at + 1024)));
    const sealed = Buffer.concat([sealer.final(), ...body]);
    expect(decrypt(key, sealed).equals(plain)).toBe(true);
  });
});
