/**
 * validateIdToken on its own: the clock tolerance at its exact boundaries (an injected clock),
 * HS256 without a secret, the format rules, c_hash, and the refresh rules of section 12.2.
 */
import {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  type IdTokenClaims,
  IdTokenError,
  type IdTokenExpectations,
  RemoteJwks,
  validateIdToken,
} from 'oauth2-session/oidc';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type HostileOp, OP_CLIENT, startHostileOp } from '../harness/hostile-op.js';

const T = 1_800_000_000; // the OP's "now", in seconds
let op: HostileOp;
let hs: HostileOp;
let keys: RemoteJwks;
beforeAll(async () => {
  op = await startHostileOp({ clock: () => T * 1000 });
  hs = await startHostileOp({ alg: 'HS256', clock: () => T * 1000 });
  keys = new RemoteJwks(op.metadata.jwks_uri);
});
afterAll(async () => {
  await op?.close();
  await hs?.close();
});

/** The expectations of a login at `op`, the verifier's clock at `nowSeconds` (+ `ms`). */
function expected(nowSeconds: number, extra: Partial<IdTokenExpectations> = {}) {
  return {
    issuer: op.issuer,
    clientId: OP_CLIENT.clientId,
    keys,
    clock: () => nowSeconds * 1000,
    ...extra,
  };
}

const check = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: unknown) => (e instanceof IdTokenError ? e.check : e),
  );

describe('validateIdToken: clock tolerance boundaries (default 30 s)', () => {
  const tol = DEFAULT_CLOCK_TOLERANCE_SECONDS;

  test('exp: accepted until exp + tolerance, refused from that second on', async () => {
    const jwt = await op.idToken({ claims: { exp: T } });
    expect(await check(validateIdToken(jwt, expected(T + tol - 1)))).toBe('accepted');
    expect(await check(validateIdToken(jwt, expected(T + tol)))).toBe('exp');
  });

  test('exp: the last millisecond before the boundary still counts as the second before', async () => {
    const jwt = await op.idToken({ claims: { exp: T } });
    const clock = () => (T + tol) * 1000 - 1;
    expect(await check(validateIdToken(jwt, { ...expected(0), clock }))).toBe('accepted');
  });

  test('iat: a token issued up to tolerance seconds in the future is accepted, one more second is not', async () => {
    const jwt = await op.idToken({ claims: { iat: T + tol, exp: T + 600 } });
    expect(await check(validateIdToken(jwt, expected(T)))).toBe('accepted');
    expect(await check(validateIdToken(jwt, expected(T - 1)))).toBe('iat');
  });

  test('auth_time: no older than max_age + tolerance', async () => {
    const jwt = await op.idToken({ claims: { auth_time: T - 100, exp: T + 600 } });
    const maxAge = (now: number) => expected(now, { maxAgeSeconds: 60 });
    expect(await check(validateIdToken(jwt, maxAge(T - 100 + 60 + tol)))).toBe('accepted');
    expect(await check(validateIdToken(jwt, maxAge(T - 100 + 60 + tol + 1)))).toBe('auth_time');
  });

  test('clockToleranceSeconds 0: exp refused at exp itself', async () => {
    const jwt = await op.idToken({ claims: { exp: T, iat: T - 60 } });
    const strict = (now: number) => expected(now, { clockToleranceSeconds: 0 });
    expect(await check(validateIdToken(jwt, strict(T - 1)))).toBe('accepted');
    expect(await check(validateIdToken(jwt, strict(T)))).toBe('exp');
  });

  test('a non-number auth_time is check "auth_time" even without max_age', async () => {
    const jwt = await op.idToken({ claims: { auth_time: '1800000000' } });
    expect(await check(validateIdToken(jwt, expected(T)))).toBe('auth_time');
  });
});

describe('validateIdToken: algorithms and keys', () => {
  test('HS256 expected and no client secret configured: check "alg", whatever the token', async () => {
    const jwt = await hs.idToken();
    const e = { ...expected(T), issuer: hs.issuer, algorithms: ['HS256'] };
    expect(await check(validateIdToken(jwt, e))).toBe('alg');
    expect(await check(validateIdToken(jwt, { ...e, clientSecret: OP_CLIENT.clientSecret }))).toBe(
      'accepted',
    );
  });

  test('HS256 with another secret: check "signature"', async () => {
    const jwt = await hs.idToken();
    const e = { ...expected(T), issuer: hs.issuer, algorithms: ['HS256'] };
    const wrong = { ...e, clientSecret: 'another-secret-0123456789-abcdefghijklmnopq' };
    expect(await check(validateIdToken(jwt, wrong))).toBe('signature');
  });

  test('alg none is refused even when the caller lists it', async () => {
    const jwt = await op.idToken({ alg: 'none' });
    expect(await check(validateIdToken(jwt, expected(T, { algorithms: ['none', 'RS256'] })))).toBe(
      'alg',
    );
  });

  test('the default algorithm is RS256 only', async () => {
    const jwt = await op.idToken({ alg: 'ES256' });
    expect(await check(validateIdToken(jwt, expected(T)))).toBe('alg');
    expect(await check(validateIdToken(jwt, expected(T, { algorithms: ['ES256'] })))).toBe(
      'accepted',
    );
  });
});

describe('validateIdToken: format', () => {
  const strings = ['', 'a', 'a.b', 'a.b.c.d', '..', 'bm9wZQ.e30.x', '.e30.', 'W10.e30.x'];
  for (const jwt of strings) {
    test(`${JSON.stringify(jwt)} is check "format"`, async () => {
      expect(await check(validateIdToken(jwt, expected(T)))).toBe('format');
    });
  }

  test('a header without alg ({}) is check "format" (alg is required in every JWS header, RFC 7515 section 4.1.1)', async () => {
    expect(await check(validateIdToken('e30.e30.', expected(T)))).toBe('format');
  });

  test('a value that is not a string is check "format"', async () => {
    expect(await check(validateIdToken(42 as unknown as string, expected(T)))).toBe('format');
  });

  test('a signed payload that is a JSON array is check "format"', async () => {
    const jwt = await op.idToken({ claims: () => [] as unknown as Record<string, unknown> });
    expect(await check(validateIdToken(jwt, expected(T)))).toBe('format');
  });
});

describe('validateIdToken: c_hash and nonce', () => {
  test('c_hash of another code is check "c_hash"; of this code accepted', async () => {
    const { createHash } = await import('node:crypto');
    const half = createHash('sha256').update('the-code').digest().subarray(0, 16);
    const jwt = await op.idToken({ claims: { c_hash: half.toString('base64url') } });
    expect(await check(validateIdToken(jwt, expected(T, { code: 'the-code' })))).toBe('accepted');
    expect(await check(validateIdToken(jwt, expected(T, { code: 'other' })))).toBe('c_hash');
  });

  test('a nonce that is a prefix of the expected one is check "nonce"', async () => {
    const jwt = await op.idToken({ nonce: 'abc' });
    expect(await check(validateIdToken(jwt, expected(T, { nonce: 'abcd' })))).toBe('nonce');
    expect(await check(validateIdToken(jwt, expected(T, { nonce: 'abc' })))).toBe('accepted');
  });
});

describe('validateIdToken: section 12.2 (previous claims)', () => {
  const previous = (extra: Partial<IdTokenClaims> = {}): IdTokenClaims => ({
    iss: op.issuer,
    sub: OP_CLIENT.subject,
    aud: OP_CLIENT.clientId,
    exp: T,
    iat: T - 60,
    ...extra,
  });

  test('same iss and sub: accepted; another sub: check "refresh"', async () => {
    const jwt = await op.idToken();
    expect(await check(validateIdToken(jwt, expected(T, { previous: previous() })))).toBe(
      'accepted',
    );
    const other = previous({ sub: 'someone-else' });
    expect(await check(validateIdToken(jwt, expected(T, { previous: other })))).toBe('refresh');
  });

  test('auth_time changed: check "refresh"', async () => {
    const jwt = await op.idToken({ claims: { auth_time: T - 10 } });
    const before = previous({ auth_time: T - 20 });
    expect(await check(validateIdToken(jwt, expected(T, { previous: before })))).toBe('refresh');
  });
});
