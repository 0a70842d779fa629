/**
 * The rules of sealed cookies (`sealed-cookie.ts`) pinned from outside. The seal format is a
 * contract (a deployment must open the cookies the previous one sealed): these tests rebuild it
 * with Web Crypto from its description (`v1.<keyId>.<iv>.<ciphertext+tag>`, AES-256-GCM under an
 * HKDF-SHA256 key per secret, the key id from its own HKDF output, version, key id and cookie
 * name as additional data, `{ e, d }` inside) and check both directions. Then each refusal at its
 * edge: the secrets' shapes with their exact errors, the expiry second, and the seal's shape.
 */
import type { Sealer as SealerClass } from 'oauth2-session/web';
import { beforeAll, describe, expect, it } from 'vitest';

// Loaded by a hook of each suite rather than by an import statement: a change that stops the
// module from loading (a decoder label it refuses) then fails these tests, where it would only
// leave the file without tests (which a mutation run does not count).
let Sealer: typeof SealerClass;
let MIN_SECRET_LENGTH: number;
const loadWebEntry = () =>
  beforeAll(async () => {
    ({ Sealer, MIN_SECRET_LENGTH } = await import('oauth2-session/web'));
  });

const SECRET_A = `${'a'.repeat(32)}-first-secret-for-tests`;
const SECRET_B = `${'b'.repeat(32)}-second-secret-for-tests`;
const NOW_MS = 1_700_000_000_000;
const enc = new TextEncoder();

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
const fromB64url = (text: string) =>
  Uint8Array.from(atob(text.replaceAll('-', '+').replaceAll('_', '/')), (c) => c.charCodeAt(0));

/** The documented construction, independently of the library. */
async function keysOf(secret: string) {
  const material = await crypto.subtle.importKey('raw', enc.encode(secret), 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ]);
  const hkdf = (info: string) => ({
    name: 'HKDF',
    hash: 'SHA-256',
    salt: enc.encode('oauth2-session sealed-cookie'),
    info: enc.encode(info),
  });
  const aes = await crypto.subtle.deriveKey(
    hkdf('v1 aes-256-gcm'),
    material,
    { name: 'AES-GCM', length: 256 },
    false,
    ['encrypt', 'decrypt'],
  );
  const id = b64url(
    new Uint8Array(await crypto.subtle.deriveBits(hkdf('v1 key-id'), material, 48)),
  );
  return { aes, id };
}

async function craft(
  secret: string,
  name: string,
  plaintext: Uint8Array<ArrayBuffer>,
  keyId?: string,
) {
  const { aes, id } = await keysOf(secret);
  const kid = keyId ?? id;
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const ct = await crypto.subtle.encrypt(
    { name: 'AES-GCM', iv, additionalData: enc.encode(`v1.${kid}.${name}`) },
    aes,
    plaintext,
  );
  return `v1.${kid}.${b64url(iv)}.${b64url(new Uint8Array(ct))}`;
}
const craftJson = (secret: string, name: string, payload: unknown, keyId?: string) =>
  craft(secret, name, enc.encode(JSON.stringify(payload)), keyId);

describe('Sealer: the seal format', () => {
  loadWebEntry();

  it('Sealer.unseal: opens a seal made by the documented construction', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS });
    const sealed = await craftJson(SECRET_A, 'sid', { e: NOW_MS / 1000 + 60, d: { user: 'u' } });
    await expect(sealer.unseal('sid', sealed)).resolves.toEqual({
      status: 'ok',
      data: { user: 'u' },
      expiresAt: NOW_MS / 1000 + 60,
    });
  });

  it('Sealer.seal: makes a seal the documented construction opens, key id and expiry included', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS + 999 });
    const sealed = await sealer.seal('sid', { user: 'u' }, 60);
    const [version, kid, iv, ct] = sealed.split('.') as [string, string, string, string];
    const { aes, id } = await keysOf(SECRET_A);
    expect(version).toBe('v1');
    expect(kid).toBe(id);
    expect(kid).toHaveLength(8);
    expect(fromB64url(iv)).toHaveLength(12);
    const plain = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: fromB64url(iv), additionalData: enc.encode(`v1.${kid}.sid`) },
      aes,
      fromB64url(ct),
    );
    expect(JSON.parse(new TextDecoder().decode(plain))).toEqual({
      e: Math.floor(NOW_MS / 1000) + 60,
      d: { user: 'u' },
    });
  });

  it('Sealer.seal: a numbered map seals under the highest number, compared as numbers', async () => {
    const sealer = new Sealer({ secrets: { 2: SECRET_A, 10: SECRET_B } });
    const sealed = await sealer.seal('sid', {}, 60);
    expect(sealed.split('.')[1]).toBe('10');
    const twoAlone = await craftJson(SECRET_A, 'sid', { e: 4e9, d: 1 }, '2');
    expect(await sealer.unseal('sid', twoAlone)).toMatchObject({ status: 'ok', data: 1 });
  });

  it('Sealer.unseal: plaintext that is not UTF-8, not JSON, or not { e: number, d } is malformed', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS });
    const notUtf8 = (head: string, tail: string) =>
      new Uint8Array([...enc.encode(head), 0xff, ...enc.encode(tail)]);
    const payloads = [
      await craft(SECRET_A, 'sid', new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])),
      // Valid JSON once a lenient decoder replaces the byte: only a strict one refuses it.
      await craft(SECRET_A, 'sid', notUtf8('{"e":4000000000,"d":"', '"}')),
      await craft(SECRET_A, 'sid', enc.encode('{not json')),
      await craftJson(SECRET_A, 'sid', null),
      await craftJson(SECRET_A, 'sid', 'a string'),
      await craftJson(SECRET_A, 'sid', { e: 4e9 }),
      await craftJson(SECRET_A, 'sid', { e: '4000000000', d: 1 }),
      await craftJson(SECRET_A, 'sid', { d: 1 }),
    ];
    for (const sealed of payloads)
      expect((await sealer.unseal('sid', sealed)).status).toBe('malformed');
  });

  it('Sealer.unseal: a payload whose d is null or false is still a payload', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS });
    for (const d of [null, false, 0, '']) {
      const sealed = await craftJson(SECRET_A, 'sid', { e: 4e9, d });
      expect(await sealer.unseal('sid', sealed)).toEqual({ status: 'ok', data: d, expiresAt: 4e9 });
    }
  });
});

describe('Sealer.unseal: expiry', () => {
  loadWebEntry();

  it('Sealer.unseal: a seal is expired at its expiry second itself, open the millisecond before', async () => {
    let now = NOW_MS;
    const sealer = new Sealer({ secrets: SECRET_A, now: () => now });
    const sealed = await craftJson(SECRET_A, 'sid', { e: NOW_MS / 1000, d: 1 });
    now = NOW_MS - 1;
    expect((await sealer.unseal('sid', sealed)).status).toBe('ok');
    now = NOW_MS;
    expect((await sealer.unseal('sid', sealed)).status).toBe('expired');
    now = NOW_MS - 1;
    expect((await sealer.unseal('sid', sealed)).status).toBe('ok');
  });

  it('Sealer.seal: the expiry is the clock plus ttlSeconds, rounded down to the second', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS + 999 });
    const opened = await sealer.unseal('sid', await sealer.seal('sid', 1, 10));
    expect(opened).toMatchObject({ status: 'ok', expiresAt: NOW_MS / 1000 + 10 });
  });

  it('Sealer.unseal: a seal that expired while remembered is expired, and stays so', async () => {
    let now = NOW_MS;
    const sealer = new Sealer({ secrets: SECRET_A, now: () => now });
    const sealed = await sealer.seal('sid', 1, 10);
    expect((await sealer.unseal('sid', sealed)).status).toBe('ok');
    now += 10_000;
    expect((await sealer.unseal('sid', sealed)).status).toBe('expired');
    expect((await sealer.unseal('sid', sealed)).status).toBe('expired');
  });
});

describe('Sealer.unseal: the shape of a seal', () => {
  loadWebEntry();

  it('Sealer.unseal: a seal longer than 64 KiB is malformed without being opened', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS });
    const big = await sealer.seal('sid', 'x'.repeat(48_000), 60);
    expect(big.length).toBeLessThanOrEqual(64 * 1024);
    expect((await sealer.unseal('sid', big)).status).toBe('ok');
    const huge = await craftJson(SECRET_A, 'sid', { e: 4e9, d: 'x'.repeat(50_000) });
    expect(huge.length).toBeGreaterThan(64 * 1024);
    expect((await sealer.unseal('sid', huge)).status).toBe('malformed');
  });

  it('Sealer.unseal: a seal of exactly 64 KiB is opened; one character more is malformed', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS });
    // v1.<8>.<16>.<ciphertext> is 29 characters around the ciphertext; 49 091 characters of d
    // make 49 114 bytes of JSON, 49 130 with the tag, 65 507 in base64url: 65 536 in all.
    const exact = await craftJson(SECRET_A, 'sid', { e: 4e9, d: 'x'.repeat(49_091) });
    expect(exact).toHaveLength(64 * 1024);
    expect((await sealer.unseal('sid', exact)).status).toBe('ok');
    const over = await craftJson(SECRET_A, 'sid', { e: 4e9, d: 'x'.repeat(49_092) });
    expect(over).toHaveLength(64 * 1024 + 1);
    expect((await sealer.unseal('sid', over)).status).toBe('malformed');
  });

  it('Sealer.unseal: an empty key id, a missing part or an IV of another length is malformed', async () => {
    const sealer = new Sealer({ secrets: SECRET_A });
    const [v, kid, iv, ct] = (await sealer.seal('sid', 1, 60)).split('.') as string[];
    const shortIv = b64url(new Uint8Array(11));
    const longIv = b64url(new Uint8Array(13));
    for (const sealed of [
      `${v}..${iv}.${ct}`,
      `${v}.${kid}.${iv}`,
      `${v}.${kid}`,
      `${v}.${kid}.${shortIv}.${ct}`,
      `${v}.${kid}.${longIv}.${ct}`,
      `${v}.${kid}.${iv}.`,
    ])
      expect((await sealer.unseal('sid', sealed)).status, sealed).toBe('malformed');
  });

  it('Sealer.unseal: a ciphertext shorter than the 16-byte tag is malformed; 16 bytes is tampered', async () => {
    const sealer = new Sealer({ secrets: SECRET_A });
    const [v, kid, iv] = (await sealer.seal('sid', 1, 60)).split('.') as string[];
    const ct15 = b64url(new Uint8Array(15));
    const ct16 = b64url(new Uint8Array(16));
    expect((await sealer.unseal('sid', `${v}.${kid}.${iv}.${ct15}`)).status).toBe('malformed');
    expect((await sealer.unseal('sid', `${v}.${kid}.${iv}.${ct16}`)).status).toBe('tampered');
  });

  it('Sealer.unseal: a value that is not a string is malformed, never thrown', async () => {
    const sealer = new Sealer({ secrets: SECRET_A });
    for (const value of [undefined, null, 42, {}])
      expect((await sealer.unseal('sid', value as unknown as string)).status).toBe('malformed');
  });

  it('Sealer.unseal: an object that reads as a seal this Sealer made is malformed, not opened', async () => {
    const sealer = new Sealer({ secrets: SECRET_A, now: () => NOW_MS });
    const sealed = await sealer.seal('sid', { user: 'octocat' }, 60);
    // Both stringify to the seal, which the Sealer remembers from sealing it.
    const lookalikes = [new String(sealed), { toString: () => sealed }];
    for (const value of lookalikes)
      expect((await sealer.unseal('sid', value as unknown as string)).status).toBe('malformed');
    expect((await sealer.unseal('sid', sealed)).status).toBe('ok');
  });
});

describe('new Sealer: the secrets', () => {
  loadWebEntry();

  const short = 'each session secret must be a string of at least 32 characters';

  it('new Sealer: a secret of exactly MIN_SECRET_LENGTH (32) characters is accepted; 31 is too short', () => {
    expect(MIN_SECRET_LENGTH).toBe(32);
    expect(() => new Sealer({ secrets: 'x'.repeat(32) })).not.toThrow();
    expect(() => new Sealer({ secrets: 'x'.repeat(31) })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_SECRET_TOO_SHORT', message: short }),
    );
  });

  it('new Sealer: a secret in a list or map that is not a string is ERR_INVALID_ARG_TYPE', () => {
    for (const secrets of [[SECRET_A, 42], { 1: SECRET_A, 2: null }])
      expect(() => new Sealer({ secrets: secrets as never })).toThrow(
        expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE', message: short }),
      );
  });

  it('new Sealer: secrets of another type, none, or an empty list or map, are refused with their message', () => {
    for (const secrets of [42, null, true])
      expect(() => new Sealer({ secrets: secrets as never })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_TYPE',
          message: 'secrets must be a string, a list or a numbered map',
        }),
      );
    expect(() => new Sealer({ secrets: undefined as never })).toThrow(
      expect.objectContaining({ code: 'ERR_MISSING_OPTION', message: 'secrets is required' }),
    );
    for (const secrets of [[], {}])
      expect(() => new Sealer({ secrets })).toThrow(
        expect.objectContaining({
          code: 'ERR_MISSING_OPTION',
          message: 'secrets must not be empty',
        }),
      );
  });

  it('new Sealer: map keys are positive integers of at most 9 digits, written without a leading 0', () => {
    for (const key of ['0', '01', '1234567890', '-1', '1.5', 'a'])
      expect(() => new Sealer({ secrets: { [key]: SECRET_A } as never })).toThrow(
        expect.objectContaining({
          code: 'ERR_INVALID_ARG_VALUE',
          message: 'secret map keys must be positive integers',
        }),
      );
    for (const key of ['1', '9', '123456789'])
      expect(() => new Sealer({ secrets: { [key]: SECRET_A } as never })).not.toThrow();
  });

  it('new Sealer: with a list the first secret seals, and every one opens', async () => {
    const sealer = new Sealer({ secrets: [SECRET_B, SECRET_A], now: () => NOW_MS });
    const sealed = await sealer.seal('sid', 1, 60);
    expect(sealed.split('.')[1]).toBe((await keysOf(SECRET_B)).id);
    const older = await craftJson(SECRET_A, 'sid', { e: 4e9, d: 2 });
    expect(await sealer.unseal('sid', older)).toMatchObject({ status: 'ok', data: 2 });
  });
});
