/**
 * RemoteJwks: the provider's keys cached (one request for many verifications), one refetch for
 * an unknown kid, a flood of unknown kids held to the cooldown, key rotation followed once the
 * cooldown has passed, and a broken or dead `jwks_uri` answered with a typed error.
 */
import { OAuth2Error } from 'oauth2-session';
import {
  IdTokenError,
  JwksError,
  parseJwks,
  RemoteJwks,
  type RemoteJwksOptions,
  validateIdToken,
} from 'oauth2-session/oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type HostileOp, OP_CLIENT, startHostileOp } from '../harness/hostile-op.js';
import { manualClock } from './helpers.js';

let op: HostileOp;
beforeAll(async () => {
  op = await startHostileOp();
});
afterAll(() => op?.close());
beforeEach(() => {
  op.misbehave();
  op.resetCounts();
});

const jwksOf = (options: RemoteJwksOptions = {}) => new RemoteJwks(op.metadata.jwks_uri, options);
const verify = (jwt: string, keys: RemoteJwks) =>
  validateIdToken(jwt, { issuer: op.issuer, clientId: OP_CLIENT.clientId, keys });
const outcome = (promise: Promise<unknown>) =>
  promise.then(
    () => 'accepted',
    (e: unknown) => (e instanceof IdTokenError ? e.check : e),
  );

describe('RemoteJwks: caching and the refetch cooldown', () => {
  test('one JWKS request for many verifications (sequential and concurrent)', async () => {
    const keys = jwksOf();
    const tokens = await Promise.all(Array.from({ length: 20 }, () => op.idToken()));
    await verify(tokens[0]!, keys);
    await Promise.all(tokens.map((jwt) => verify(jwt, keys)));
    expect(op.counts.jwks).toBe(1);
  });

  test('concurrent first verifications share one JWKS request', async () => {
    const keys = jwksOf();
    const tokens = await Promise.all(Array.from({ length: 10 }, () => op.idToken()));
    await Promise.all(tokens.map((jwt) => verify(jwt, keys)));
    expect(op.counts.jwks).toBe(1);
  });

  test('an unknown kid after the cooldown makes exactly one refetch, then is check "kid"', async () => {
    const clock = manualClock();
    const keys = jwksOf({ clock: clock.now });
    await verify(await op.idToken(), keys);
    clock.advance(30_000);
    const unknown = await op.idToken({ header: { kid: 'unknown-kid' } });
    expect(await outcome(verify(unknown, keys))).toBe('kid');
    expect(op.counts.jwks).toBe(2);
  });

  test('a flood of 100 tokens with unknown kids within the cooldown: at most 1 extra JWKS request', async () => {
    const keys = jwksOf();
    await verify(await op.idToken(), keys);
    const flood = await Promise.all(
      Array.from({ length: 100 }, (_, i) => op.idToken({ header: { kid: `unknown-${i}` } })),
    );
    const checks = await Promise.all(flood.map((jwt) => outcome(verify(jwt, keys))));
    expect(new Set(checks)).toEqual(new Set(['kid']));
    expect(op.counts.jwks).toBeLessThanOrEqual(2);
  });

  test('a flood of unknown kids after the cooldown, concurrent: one refetch for all of them', async () => {
    const clock = manualClock();
    const keys = jwksOf({ clock: clock.now });
    await verify(await op.idToken(), keys);
    clock.advance(60_000);
    const flood = await Promise.all(
      Array.from({ length: 100 }, (_, i) => op.idToken({ header: { kid: `unknown-${i}` } })),
    );
    await Promise.all(flood.map((jwt) => outcome(verify(jwt, keys))));
    expect(op.counts.jwks).toBe(2);
  });

  test('after rotateKeys(), a token with the new key is check "kid" within the cooldown and verifies once it has passed', async () => {
    const clock = manualClock();
    const keys = jwksOf({ clock: clock.now, cooldownMs: 5_000 });
    await verify(await op.idToken(), keys);
    const before = op.kids();
    await op.rotateKeys();
    expect(op.kids()).not.toEqual(before);
    const rotated = await op.idToken();
    clock.advance(4_999);
    expect(await outcome(verify(rotated, keys))).toBe('kid');
    expect(op.counts.jwks).toBe(1);
    clock.advance(1);
    expect(await outcome(verify(rotated, keys))).toBe('accepted');
    expect(op.counts.jwks).toBe(2);
  });

  test('cooldownMs 0 with the real clock: a rotated key verifies at once, with one refetch', async () => {
    const keys = jwksOf({ cooldownMs: 0 });
    await verify(await op.idToken(), keys);
    await op.rotateKeys();
    expect(await outcome(verify(await op.idToken(), keys))).toBe('accepted');
    expect(op.counts.jwks).toBe(2);
  });

  test('maxAgeMs: a set older than it is fetched again before use', async () => {
    const clock = manualClock();
    const keys = jwksOf({ clock: clock.now, maxAgeMs: 60_000 });
    const jwt = await op.idToken();
    await verify(jwt, keys);
    clock.advance(59_999);
    await verify(jwt, keys);
    expect(op.counts.jwks).toBe(1);
    clock.advance(1);
    await verify(jwt, keys);
    expect(op.counts.jwks).toBe(2);
  });
});

describe('RemoteJwks: options', () => {
  test('cooldownMs above 60000 is refused with a TypeError', () => {
    expect(() => jwksOf({ cooldownMs: 60_001 })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_INVALID_ARG_VALUE' }),
    );
    expect(() => jwksOf({ cooldownMs: -1 })).toThrow(TypeError);
    expect(() => jwksOf({ cooldownMs: 60_000 })).not.toThrow();
  });

  test('a jwks_uri on plain http to a non-loopback host is refused when built', () => {
    expect(() => new RemoteJwks('http://op.example/jwks')).toThrow(
      expect.objectContaining({ code: 'OAUTH_INSECURE_TRANSPORT' }),
    );
  });
});

describe('RemoteJwks: a broken jwks_uri', () => {
  const malformed = [
    '{"keys":"not-a-list"}',
    '{"keys":[{"kid":"no-kty"}]}',
    '[]',
    'null',
    '<html>',
  ];
  for (const body of malformed) {
    test(`${body} is a JwksError, and nothing is verified`, async () => {
      op.misbehave({ answer: { jwks: { body } } });
      const error = await verify(await op.idToken(), jwksOf()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(JwksError);
      expect(error).toMatchObject({ code: 'OAUTH_INVALID_JWKS' });
    });
  }

  test('a 500 answer is a JwksError with the status', async () => {
    op.misbehave({ answer: { jwks: { status: 500, body: '{"keys":[]}' } } });
    const error = await verify(await op.idToken(), jwksOf()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JwksError);
    expect(error).toMatchObject({ status: 500 });
  });

  test('a dead jwks endpoint is OAuth2Error OAUTH_NETWORK_ERROR, never a raw TypeError', async () => {
    op.misbehave({ dead: ['jwks'] });
    const error = await verify(await op.idToken(), jwksOf()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OAuth2Error);
    expect(error).toMatchObject({ code: 'OAUTH_NETWORK_ERROR' });
  });

  test('a slow jwks endpoint is OAUTH_TIMEOUT at the transport deadline', async () => {
    op.misbehave({ delayMs: { jwks: 2_000 } });
    const error = await verify(await op.idToken(), jwksOf({ timeoutMs: 200 })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OAuth2Error);
    expect(error).toMatchObject({ code: 'OAUTH_TIMEOUT' });
  });

  test('a JWK Set over maxResponseBytes is OAUTH_RESPONSE_TOO_LARGE', async () => {
    const error = await verify(await op.idToken(), jwksOf({ maxResponseBytes: 100 })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'OAUTH_RESPONSE_TOO_LARGE' });
  });

  test('a failed fetch is tried again on the next verification', async () => {
    const keys = jwksOf();
    op.misbehave({ dead: ['jwks'] });
    await expect(verify(await op.idToken(), keys)).rejects.toMatchObject({
      code: 'OAUTH_NETWORK_ERROR',
    });
    op.misbehave();
    expect(await outcome(verify(await op.idToken(), keys))).toBe('accepted');
  });
});

describe('parseJwks', () => {
  test('a set of keys with a string kty each is answered as a set', () => {
    expect(parseJwks('{"keys":[{"kty":"RSA"},{"kty":"EC","x":1}]}').keys).toHaveLength(2);
    expect(parseJwks('{"keys":[]}').keys).toEqual([]);
  });

  test('anything else is a JwksError', () => {
    for (const text of ['', '{', '{}', '{"keys":{}}', '{"keys":[null]}', '{"keys":[{"kty":1}]}'])
      expect(() => parseJwks(text)).toThrow(JwksError);
  });
});
