/**
 * validateIdToken's rules (`id-token.ts`) on tokens made here, each refusal with its check and
 * its exact message: the algorithm and the secret of HS*, the payload's shape, every claim rule
 * of OIDC Core section 3.1.3.7 at its edge, the refresh rules of section 12.2, and at_hash /
 * c_hash with the hash each algorithm implies (section 3.1.3.6: SHA-512 for EdDSA / Ed25519).
 * HS256 needs no key pair, so most cases are signed with the client secret.
 */
import { CompactSign, generateKeyPair, SignJWT } from 'jose';
import {
  type IdTokenClaims,
  IdTokenError,
  type IdTokenExpectations,
  type KeySource,
  validateIdToken,
} from 'oauth2-session/oidc';
import { beforeAll, describe, expect, it } from 'vitest';

const T = 1_800_000_000; // the verifier's clock, in seconds
const ISSUER = 'https://op.example';
const CLIENT = 'client-1';
const SECRET = 'id-token-rules-client-secret-0123456789abcdef';
const secretKey = new TextEncoder().encode(SECRET);
const noKeys: KeySource = { getKey: async () => expect.unreachable('no key lookup for HS256') };

const claims = (extra: Record<string, unknown> = {}) => ({
  iss: ISSUER,
  aud: CLIENT,
  sub: 'alice',
  exp: T + 600,
  iat: T,
  ...extra,
});
const hs256 = (payload: Record<string, unknown>, alg = 'HS256') =>
  new SignJWT(payload).setProtectedHeader({ alg }).sign(secretKey);
const expected = (extra: Partial<IdTokenExpectations> = {}): IdTokenExpectations => ({
  issuer: ISSUER,
  clientId: CLIENT,
  keys: noKeys,
  algorithms: ['HS256'],
  clientSecret: SECRET,
  clock: () => T * 1000,
  ...extra,
});
/** The check and message of a refusal, or 'accepted'. */
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: unknown) => (e instanceof IdTokenError ? `${e.check}: ${e.message}` : e),
  );
const validate = async (extra: Record<string, unknown>, e: Partial<IdTokenExpectations> = {}) =>
  outcome(validateIdToken(await hs256(claims(extra)), expected(e)));
/** base64url(left half of hash(value)), the at_hash / c_hash of section 3.1.3.6. */
async function leftHalf(value: string, hash: string) {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(value)));
  return btoa(String.fromCharCode(...digest.subarray(0, digest.length / 2)))
    .replaceAll('+', '-')
    .replaceAll('/', '_')
    .replace(/=+$/, '');
}

describe('validateIdToken: algorithm and format', () => {
  it('validateIdToken: a token signed with an algorithm not expected is check alg, naming the expected ones', async () => {
    const jwt = await hs256(claims());
    expect(await outcome(validateIdToken(jwt, expected({ algorithms: undefined })))).toBe(
      'alg: id token: signed with another algorithm than RS256',
    );
    expect(await outcome(validateIdToken(jwt, expected({ algorithms: ['RS256', 'ES256'] })))).toBe(
      'alg: id token: signed with another algorithm than RS256 or ES256',
    );
  });

  it('validateIdToken: HS256 without a client secret is check alg, whatever the signature', async () => {
    for (const clientSecret of [undefined, '']) {
      expect(await validate({}, { clientSecret })).toBe(
        'alg: id token: HS256 needs the client secret, and none is configured',
      );
    }
  });

  it('validateIdToken: a value that is not a string is check format', async () => {
    expect(await outcome(validateIdToken(42 as unknown as string, expected()))).toBe(
      'format: id token: not a compact JWS',
    );
  });

  it('validateIdToken: a signed payload that is not a JSON object is check format', async () => {
    for (const payload of ['[]', '"alice"', '42', 'null']) {
      const jwt = await new CompactSign(new TextEncoder().encode(payload))
        .setProtectedHeader({ alg: 'HS256' })
        .sign(secretKey);
      expect(await outcome(validateIdToken(jwt, expected()))).toBe(
        'format: id token: the payload is not a JSON object',
      );
    }
  });
});

describe('validateIdToken: claims', () => {
  it('validateIdToken: iss other than the issuer is check iss', async () => {
    for (const iss of [`${ISSUER}/`, 'https://evil.example', undefined])
      expect(await validate({ iss })).toBe('iss: id token: issued by another issuer');
  });

  it('validateIdToken: aud without this client is check aud; several audiences need azp', async () => {
    expect(await validate({ aud: 'other' })).toBe('aud: id token: not issued to this client');
    expect(await validate({ aud: ['other', 'third'] })).toBe(
      'aud: id token: not issued to this client',
    );
    expect(await validate({ aud: [CLIENT, 'other'] })).toBe(
      'azp: id token: azp is not this client',
    );
    expect(await validate({ aud: [CLIENT], azp: 'other' })).toBe(
      'azp: id token: azp is not this client',
    );
    expect(await validate({ aud: [CLIENT, 'other'], azp: CLIENT })).toBe('accepted');
    expect(await validate({ aud: [CLIENT] })).toBe('accepted');
  });

  it('validateIdToken: sub missing, empty or not a string is check sub', async () => {
    for (const sub of [undefined, '', 42])
      expect(await validate({ sub })).toBe('sub: id token: sub is missing');
  });

  it('validateIdToken: exp that is not a finite number is missing; exp + tolerance reached is expired', async () => {
    for (const exp of [undefined, '1800000600'])
      expect(await validate({ exp })).toBe('exp: id token: exp is missing');
    expect(await validate({ exp: T - 30 })).toBe('exp: id token: expired');
    expect(await validate({ exp: T - 29 })).toBe('accepted');
    expect(await validate({ exp: T }, { clockToleranceSeconds: 0 })).toBe('exp: id token: expired');
  });

  it('validateIdToken: iat that is not a finite number is missing; beyond now + tolerance is in the future', async () => {
    for (const iat of [undefined, '1800000000'])
      expect(await validate({ iat })).toBe('iat: id token: iat is missing');
    expect(await validate({ iat: T + 31 })).toBe('iat: id token: issued in the future');
    expect(await validate({ iat: T + 30 })).toBe('accepted');
  });

  it('validateIdToken: with a nonce expected, one missing or different is check nonce; without, none is asked', async () => {
    expect(await validate({}, { nonce: 'n-1' })).toBe('nonce: id token: nonce is missing');
    expect(await validate({ nonce: 42 }, { nonce: 'n-1' })).toBe(
      'nonce: id token: nonce is missing',
    );
    expect(await validate({ nonce: 'n-2' }, { nonce: 'n-1' })).toBe(
      'nonce: id token: nonce does not match',
    );
    expect(await validate({ nonce: 'n-1' }, { nonce: 'n-1' })).toBe('accepted');
    expect(await validate({ nonce: 'anything' })).toBe('accepted');
  });

  it('validateIdToken: auth_time of the wrong type, missing with max_age, or older than max_age + tolerance', async () => {
    expect(await validate({ auth_time: '1800000000' })).toBe(
      'auth_time: id token: auth_time is not a number',
    );
    expect(await validate({}, { maxAgeSeconds: 60 })).toBe(
      'auth_time: id token: auth_time is missing',
    );
    expect(await validate({ auth_time: T - 91 }, { maxAgeSeconds: 60 })).toBe(
      'auth_time: id token: the authentication is older than max_age',
    );
    expect(await validate({ auth_time: T - 90 }, { maxAgeSeconds: 60 })).toBe('accepted');
    expect(await validate({ auth_time: T - 100_000 })).toBe('accepted');
  });
});

describe('validateIdToken: a refreshed ID token (section 12.2)', () => {
  const previous = claims({ auth_time: T - 100 }) as IdTokenClaims;

  it('validateIdToken: another sub, or an issuer other than the previous one, is check refresh', async () => {
    expect(await validate({ sub: 'bob', auth_time: T - 100 }, { previous })).toBe(
      'refresh: id token: the refreshed token names another issuer or subject',
    );
    const fromElsewhere = { ...previous, iss: 'https://old-op.example' };
    expect(await validate({ auth_time: T - 100 }, { previous: fromElsewhere })).toBe(
      'refresh: id token: the refreshed token names another issuer or subject',
    );
  });

  it('validateIdToken: a changed auth_time is check refresh; the same one, or one absent on either side, is not', async () => {
    expect(await validate({ auth_time: T - 50 }, { previous })).toBe(
      'refresh: id token: the refreshed token changes auth_time',
    );
    expect(await validate({ auth_time: T - 100 }, { previous })).toBe('accepted');
    expect(await validate({}, { previous })).toBe('accepted');
    const withoutAuthTime = claims() as IdTokenClaims;
    expect(await validate({ auth_time: T - 50 }, { previous: withoutAuthTime })).toBe('accepted');
  });
});

describe('validateIdToken: at_hash and c_hash (section 3.1.3.6)', () => {
  let ed: CryptoKeyPair;
  beforeAll(async () => {
    ed = (await generateKeyPair('EdDSA', { crv: 'Ed25519' })) as CryptoKeyPair;
  });
  const signedBy = async (alg: string, payload: Record<string, unknown>) =>
    new SignJWT(payload).setProtectedHeader({ alg }).sign(ed.privateKey);
  const edExpected = (alg: string, extra: Partial<IdTokenExpectations> = {}) =>
    expected({ algorithms: [alg], keys: { getKey: async () => ed.publicKey }, ...extra });

  it('validateIdToken: at_hash and c_hash of HS256, HS384 and HS512 are the left half of SHA-256, -384, -512', async () => {
    for (const [alg, hash] of [
      ['HS256', 'SHA-256'],
      ['HS384', 'SHA-384'],
      ['HS512', 'SHA-512'],
    ] as const) {
      const jwt = await hs256(
        claims({ at_hash: await leftHalf('at-1', hash), c_hash: await leftHalf('code-1', hash) }),
        alg,
      );
      const e = expected({ algorithms: [alg], accessToken: 'at-1', code: 'code-1' });
      expect(await outcome(validateIdToken(jwt, e)), alg).toBe('accepted');
      const other = alg === 'HS256' ? 'SHA-512' : 'SHA-256';
      const wrong = await hs256(claims({ at_hash: await leftHalf('at-1', other) }), alg);
      expect(await outcome(validateIdToken(wrong, e)), alg).toBe(
        'at_hash: id token: at_hash does not match',
      );
    }
  });

  it('validateIdToken: at_hash of EdDSA and Ed25519 is the left half of SHA-512', async () => {
    for (const alg of ['EdDSA', 'Ed25519']) {
      const e = edExpected(alg, { accessToken: 'at-1' });
      const good = await signedBy(alg, claims({ at_hash: await leftHalf('at-1', 'SHA-512') }));
      expect(await outcome(validateIdToken(good, e)), alg).toBe('accepted');
      const sha256 = await signedBy(alg, claims({ at_hash: await leftHalf('at-1', 'SHA-256') }));
      expect(await outcome(validateIdToken(sha256, e)), alg).toBe(
        'at_hash: id token: at_hash does not match',
      );
    }
  });

  it('validateIdToken: a c_hash of another code is check c_hash', async () => {
    const jwt = await hs256(claims({ c_hash: await leftHalf('code-2', 'SHA-256') }));
    expect(await outcome(validateIdToken(jwt, expected({ code: 'code-1' })))).toBe(
      'c_hash: id token: c_hash does not match',
    );
  });

  it('validateIdToken: at_hash is checked only with an access token to check it against', async () => {
    expect(await validate({ at_hash: 'anything' })).toBe('accepted');
    expect(await validate({ c_hash: 'anything' })).toBe('accepted');
    expect(await validate({}, { accessToken: 'at-1', code: 'code-1' })).toBe('accepted');
  });

  it('validateIdToken: an at_hash that is not a string is check at_hash, even spelled out as a list', async () => {
    const right = await leftHalf('at-1', 'SHA-256');
    for (const at_hash of [42, [...right], { length: right.length }])
      expect(await validate({ at_hash }, { accessToken: 'at-1' })).toBe(
        'at_hash: id token: at_hash does not match',
      );
  });
});
