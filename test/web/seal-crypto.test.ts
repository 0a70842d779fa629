/**
 * The Sealer's cryptography as a value: Web Crypto's HKDF and AES-256-GCM by default, and the
 * default a runtime's entry installs for Sealers built without a `crypto` option.
 */
import { describe, expect, it } from 'vitest';
import {
  defaultSealCrypto,
  installSealCrypto,
  type SealCrypto,
  webSealCrypto,
} from '../../src/web/seal-crypto.js';
import { Sealer } from '../../src/web/sealed-cookie.js';

const SECRET = 'seal-crypto-test-secret-0123456789abcdef';
const bytes = (text: string) => new TextEncoder().encode(text);
const input = { secret: bytes(SECRET), salt: bytes('salt'), info: bytes('info') };

describe('webSealCrypto', () => {
  it('derives as many HKDF bytes as asked, the same for the same input, others for another', async () => {
    const a = await webSealCrypto.deriveBytes(input, 32);
    expect(a).toHaveLength(32);
    expect(await webSealCrypto.deriveBytes(input, 32)).toEqual(a);
    expect(await webSealCrypto.deriveBytes(input, 16)).toEqual(a.slice(0, 16));
    expect(await webSealCrypto.deriveBytes({ ...input, info: bytes('other') }, 32)).not.toEqual(a);
  });

  it('seals with AES-256-GCM: opens with the same IV and data, refuses other data', async () => {
    const key = await webSealCrypto.deriveKey(input);
    const iv = new Uint8Array(12).fill(7);
    const sealed = await key.encrypt(iv, bytes('payload'), bytes('aad'));
    expect(sealed).toHaveLength('payload'.length + 16);
    expect(new TextDecoder().decode(await key.decrypt(iv, sealed, bytes('aad')))).toBe('payload');
    await expect(key.decrypt(iv, sealed, bytes('other'))).rejects.toThrow();
  });
});

describe('installSealCrypto', () => {
  it('makes the default of Sealers built afterwards, and only those', async () => {
    const before = defaultSealCrypto();
    const calls: string[] = [];
    const counting: SealCrypto = {
      deriveKey: async (i) => {
        calls.push('key');
        return webSealCrypto.deriveKey(i);
      },
      deriveBytes: async (i, n) => {
        calls.push('bytes');
        return webSealCrypto.deriveBytes(i, n);
      },
    };
    const earlier = new Sealer({ secrets: SECRET });
    installSealCrypto(counting);
    try {
      expect(defaultSealCrypto()).toBe(counting);
      await earlier.seal('sid', {}, 60);
      expect(calls).toEqual([]);
      await new Sealer({ secrets: SECRET }).seal('sid', {}, 60);
      expect(calls).toEqual(['bytes', 'key']);
    } finally {
      installSealCrypto(before);
    }
    expect(defaultSealCrypto()).toBe(before);
  });
});
