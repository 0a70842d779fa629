import { installNodeCrypto, nodeSealCrypto, nodeSha256 } from 'oauth2-session/node';
import { Sealer } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { codeChallengeS256 } from '../../src/pkce.js';
import { installSha256, webSha256 } from '../../src/sha256.js';
import {
  defaultSealCrypto,
  installSealCrypto,
  type SealCrypto,
  webSealCrypto,
} from '../../src/web/seal-crypto.js';

const SECRET = `${'n'.repeat(32)}-node-crypto-secret`;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const input = (info: string) => ({
  secret: encoder.encode(SECRET),
  salt: encoder.encode('salt'),
  info: encoder.encode(info),
});
const SUITES: Record<string, SealCrypto> = { web: webSealCrypto, node: nodeSealCrypto };

describe('oauth2-session/node crypto', () => {
  it('loading the entry installs node:crypto as the default of Sealers and PKCE', () => {
    expect(defaultSealCrypto()).toBe(nodeSealCrypto);
  });

  it('nodeSha256 gives the bytes Web Crypto gives', async () => {
    for (const text of ['', 'a', 'x'.repeat(1000), '\u00e9\u{1f600}']) {
      const data = encoder.encode(text);
      expect(nodeSha256(data)).toEqual(await webSha256(data));
    }
  });

  it('codeChallengeS256 with node:crypto: RFC 7636 appendix B', async () => {
    installSha256(nodeSha256);
    await expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    installSha256(webSha256);
    await expect(codeChallengeS256('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).resolves.toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
    installNodeCrypto();
  });

  it('nodeSealCrypto derives the bytes Web Crypto derives', async () => {
    for (const bytes of [1, 6, 32]) {
      const ours = await nodeSealCrypto.deriveBytes(input('id'), bytes);
      expect(ours).toHaveLength(bytes);
      expect(ours).toEqual(await webSealCrypto.deriveBytes(input('id'), bytes));
    }
    expect(await nodeSealCrypto.deriveBytes(input('other'), 6)).not.toEqual(
      await nodeSealCrypto.deriveBytes(input('id'), 6),
    );
  });

  it('one key, both suites: the same ciphertext and tag, each opens the other', async () => {
    const web = await webSealCrypto.deriveKey(input('key'));
    const node = await nodeSealCrypto.deriveKey(input('key'));
    const iv = new Uint8Array(12).fill(7);
    const aad = encoder.encode('v1.k.sid');
    for (const text of ['', 'hello', 'y'.repeat(5000)]) {
      const plain = encoder.encode(text);
      const a = await web.encrypt(iv, plain, aad);
      const b = await node.encrypt(iv, plain, aad);
      expect(b).toEqual(a);
      expect(b).toHaveLength(plain.length + 16);
      expect(decoder.decode(await node.decrypt(iv, a, aad))).toBe(text);
      expect(decoder.decode(await web.decrypt(iv, b, aad))).toBe(text);
    }
  });

  it.each(Object.keys(SUITES))(
    '%s decrypt throws on another aad, iv, key, a flipped or short tag',
    async (name) => {
      const suite = SUITES[name]!;
      const key = await suite.deriveKey(input('key'));
      const other = await suite.deriveKey(input('other key'));
      const iv = new Uint8Array(12).fill(1);
      const aad = encoder.encode('v1.k.sid');
      const sealed = await key.encrypt(iv, encoder.encode('payload'), aad);
      const flipped = sealed.slice();
      flipped[flipped.length - 1]! ^= 1;
      const attempts = [
        () => key.decrypt(iv, sealed, encoder.encode('v1.k.other')),
        () => key.decrypt(new Uint8Array(12).fill(2), sealed, aad),
        () => other.decrypt(iv, sealed, aad),
        () => key.decrypt(iv, flipped, aad),
        () => key.decrypt(iv, sealed.subarray(0, sealed.length - 1), aad),
        () => key.decrypt(iv, sealed.subarray(0, 15), aad),
        () => key.decrypt(iv, new Uint8Array(0), aad),
      ];
      for (const attempt of attempts) await expect((async () => attempt())()).rejects.toThrow();
      expect(decoder.decode(await key.decrypt(iv, sealed, aad))).toBe('payload');
    },
  );

  it('Sealer: a seal made on node:crypto opens on Web Crypto and back, same key ids', async () => {
    const now = () => 1_700_000_000_000;
    const onNode = new Sealer({ secrets: [SECRET], now, crypto: nodeSealCrypto });
    const onWeb = new Sealer({ secrets: [SECRET], now, crypto: webSealCrypto });
    const a = await onNode.seal('sid', { user: 'octocat' }, 60);
    const b = await onWeb.seal('sid', { user: 'hubot' }, 60);
    expect(a.split('.')[1]).toBe(b.split('.')[1]);
    await expect(onWeb.unseal('sid', a)).resolves.toMatchObject({
      status: 'ok',
      data: { user: 'octocat' },
    });
    await expect(onNode.unseal('sid', b)).resolves.toMatchObject({
      status: 'ok',
      data: { user: 'hubot' },
    });
    // Bound to its cookie name on either side.
    expect((await onWeb.unseal('other', a)).status).toBe('tampered');
    expect((await onNode.unseal('other', b)).status).toBe('tampered');
  });

  it('Sealer on node:crypto: every single-character change is refused', async () => {
    const sealer = new Sealer({ secrets: SECRET, crypto: nodeSealCrypto });
    const fresh = new Sealer({ secrets: SECRET, crypto: nodeSealCrypto });
    const sealed = await sealer.seal('sid', { a: 1 }, 60);
    for (let i = 0; i < sealed.length; i++) {
      const variant =
        sealed.slice(0, i) + String.fromCharCode(sealed.charCodeAt(i) ^ 1) + sealed.slice(i + 1);
      expect((await fresh.unseal('sid', variant)).status, `position ${i}`).not.toBe('ok');
    }
    expect((await fresh.unseal('sid', sealed)).status).toBe('ok');
  });

  it('Sealer: every seal has its own 12-byte IV, however many are made at once', async () => {
    const sealer = new Sealer({ secrets: SECRET, crypto: nodeSealCrypto });
    const seals = await Promise.all(Array.from({ length: 300 }, () => sealer.seal('sid', {}, 60)));
    const ivs = seals.map((sealed) => sealed.split('.')[2]!);
    expect(new Set(ivs).size).toBe(seals.length);
    for (const iv of ivs) expect(iv).toMatch(/^[A-Za-z0-9_-]{16}$/);
    for (const sealed of seals) expect((await sealer.unseal('sid', sealed)).status).toBe('ok');
  });

  it('installNodeCrypto puts node:crypto back as the default after another suite was installed', () => {
    // The install mechanism itself is tested in test/web/seal-crypto.test.ts.
    installSealCrypto(webSealCrypto);
    try {
      expect(defaultSealCrypto()).toBe(webSealCrypto);
    } finally {
      installNodeCrypto();
    }
    expect(defaultSealCrypto()).toBe(nodeSealCrypto);
  });
});
