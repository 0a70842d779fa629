/**
 * OpenIDSession against a misbehaving OP: the negative cases of OIDC Core section 3.1.3.7
 * (named after the OpenID Foundation's relying-party certification tests where one exists),
 * each through a whole login. A refused ID token is an IdTokenError naming its check, and the
 * session keeps nothing: no token, no claims, and userinfo is never asked.
 */
import { IdTokenError } from 'oauth2-session/oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type HostileOp, OP_CLIENT, startHostileOp } from '../harness/hostile-op.js';
import { expectRefused, login, nowSeconds } from './helpers.js';

let op: HostileOp;
beforeAll(async () => {
  op = await startHostileOp({ keysPerAlg: 2 });
});
afterAll(() => op?.close());
beforeEach(() => {
  op.misbehave();
  op.resetCounts();
});

describe('OpenIDSession.fetchToken: a login whose ID token breaks a rule is refused', () => {
  test('rp-id_token-bad-sig-rs256: a signature changed after signing is check "signature"', async () => {
    op.misbehave({ idToken: { breakSignature: true } });
    await expectRefused(op, await login(op), 'signature');
  });

  test('a token signed with a key the OP does not publish (its published kid) is check "signature"', async () => {
    op.misbehave({ idToken: { signWithUnpublishedKey: true } });
    await expectRefused(op, await login(op), 'signature');
  });

  test('rp-id_token-sig-none: an unsigned token (alg none) is check "alg"', async () => {
    op.misbehave({ idToken: { alg: 'none' } });
    await expectRefused(op, await login(op), 'alg');
  });

  test('alg none spelled another way (NONE, None) is check "alg"', async () => {
    for (const alg of ['NONE', 'None']) {
      op.misbehave({ idToken: { header: { alg } } });
      await expectRefused(op, await login(op), 'alg');
    }
  });

  test('rp-id_token-issuer-mismatch: another iss is check "iss"', async () => {
    op.misbehave({ idToken: { claims: { iss: 'https://impostor.example' } } });
    await expectRefused(op, await login(op), 'iss');
  });

  test('iss with a trailing slash the issuer does not have is check "iss"', async () => {
    op.misbehave({ idToken: { claims: { iss: `${op.issuer}/` } } });
    await expectRefused(op, await login(op), 'iss');
  });

  test('rp-id_token-aud: a token for another client is check "aud"', async () => {
    op.misbehave({ idToken: { claims: { aud: 'another-client' } } });
    await expectRefused(op, await login(op), 'aud');
  });

  test('rp-id_token-iat: a token without iat is check "iat"', async () => {
    op.misbehave({ idToken: { claims: { iat: undefined } } });
    await expectRefused(op, await login(op), 'iat');
  });

  test('a token issued an hour in the future is check "iat"', async () => {
    op.misbehave({ idToken: { claims: { iat: nowSeconds() + 3600 } } });
    await expectRefused(op, await login(op), 'iat');
  });

  test('rp-id_token-sub: a token without sub is check "sub"', async () => {
    op.misbehave({ idToken: { claims: { sub: undefined } } });
    await expectRefused(op, await login(op), 'sub');
  });

  test('an expired token is check "exp"', async () => {
    const now = nowSeconds();
    op.misbehave({ idToken: { claims: { exp: now - 3600, iat: now - 7200 } } });
    await expectRefused(op, await login(op), 'exp');
  });

  test('a token without exp is check "exp"', async () => {
    op.misbehave({ idToken: { claims: { exp: undefined } } });
    await expectRefused(op, await login(op), 'exp');
  });

  test('rp-nonce-invalid: another nonce is check "nonce"', async () => {
    op.misbehave({ idToken: { claims: { nonce: 'not-the-nonce-that-was-sent' } } });
    await expectRefused(op, await login(op), 'nonce');
  });

  test('rp-nonce-unless-code-flow: a login token without the nonce that was sent is check "nonce"', async () => {
    op.misbehave({ idToken: { claims: { nonce: undefined } } });
    await expectRefused(op, await login(op), 'nonce');
  });

  test('rp-id_token-kid-absent-multiple-jwks: no kid, several keys, none of them the signer: check "signature"', async () => {
    op.misbehave({ idToken: { header: { kid: undefined }, signWithUnpublishedKey: true } });
    await expectRefused(op, await login(op), 'signature');
  });

  test('a kid the JWK Set does not have (after its one refetch) is check "kid"', async () => {
    op.misbehave({ idToken: { header: { kid: 'no-such-key' } } });
    await expectRefused(op, await login(op), 'kid');
  });

  test('openid asked for and the token answer has no id_token: check "missing"', async () => {
    op.misbehave({ omitIdToken: true });
    await expectRefused(op, await login(op), 'missing');
  });

  test('an id_token that is not a string is check "format"', async () => {
    op.misbehave({ tokenResponse: { id_token: { alg: 'none' } } });
    await expectRefused(op, await login(op), 'format');
  });

  test('several audiences and no azp is check "azp"', async () => {
    op.misbehave({ idToken: { claims: { aud: [OP_CLIENT.clientId, 'another-client'] } } });
    await expectRefused(op, await login(op), 'azp');
  });

  test('several audiences and azp naming the other client is check "azp"', async () => {
    const aud = [OP_CLIENT.clientId, 'another-client'];
    op.misbehave({ idToken: { claims: { aud, azp: 'another-client' } } });
    await expectRefused(op, await login(op), 'azp');
  });

  test('an azp of another client with one audience is check "azp"', async () => {
    op.misbehave({ idToken: { claims: { azp: 'another-client' } } });
    await expectRefused(op, await login(op), 'azp');
  });

  test('at_hash that is not the access token hash is check "at_hash"', async () => {
    op.misbehave({ idToken: { claims: { at_hash: 'bm90LXRoZS1oYXNo' } } });
    await expectRefused(op, await login(op), 'at_hash');
  });

  test('auth_time older than max_age is check "auth_time" (max_age was sent)', async () => {
    op.misbehave({ idToken: { claims: { auth_time: nowSeconds() - 3600 } } });
    await expectRefused(op, await login(op, { maxAgeSeconds: 60 }), 'auth_time');
    expect(op.last.authorization?.get('max_age')).toBe('60');
  });

  test('max_age sent and no auth_time in the token is check "auth_time"', async () => {
    op.misbehave({ idToken: { claims: { auth_time: undefined } } });
    await expectRefused(op, await login(op, { maxAgeSeconds: 60 }), 'auth_time');
  });

  test('an HS256 token made with the client secret, when RS256 is expected, is check "alg"', async () => {
    op.misbehave({ idToken: { alg: 'HS256' } });
    await expectRefused(op, await login(op), 'alg');
  });

  test('an alg the client does not expect is refused even when correctly signed with a published key (ES256, PS256, EdDSA)', async () => {
    for (const alg of ['ES256', 'PS256', 'EdDSA'] as const) {
      op.misbehave({ idToken: { alg } });
      await expectRefused(op, await login(op), 'alg');
    }
  });

  test('a PS256 signature under an RS256 header: the PS256 kid is check "kid" (the key is pinned to its alg), an RS256 kid is check "signature"', async () => {
    op.misbehave({ idToken: { alg: 'PS256', header: { alg: 'RS256' } } });
    await expectRefused(op, await login(op), 'kid');
    const rsKid = op.kids().find((kid) => kid.startsWith('rs256-'));
    op.misbehave({ idToken: { alg: 'PS256', header: { alg: 'RS256', kid: rsKid } } });
    await expectRefused(op, await login(op), 'signature');
  });
});

describe('OpenIDSession: tokens that a strict RP still accepts', () => {
  test('rp-id_token-kid-absent-single-jwks and -multiple-jwks: no kid, the signer among the keys: accepted (each key tried)', async () => {
    op.misbehave({ idToken: { header: { kid: undefined } } });
    const { session, error } = await login(op);
    expect(error).toBeUndefined();
    expect(session.idTokenClaims?.sub).toBe(OP_CLIENT.subject);
  });

  test('several audiences with azp naming this client: accepted', async () => {
    const aud = [OP_CLIENT.clientId, 'another-client'];
    op.misbehave({ idToken: { claims: { aud, azp: OP_CLIENT.clientId } } });
    const { session, error } = await login(op);
    expect(error).toBeUndefined();
    expect(session.idTokenClaims?.aud).toEqual(aud);
  });

  test('auth_time within max_age: accepted', async () => {
    op.misbehave({ idToken: { claims: { auth_time: nowSeconds() - 30 } } });
    const { error } = await login(op, { maxAgeSeconds: 60 });
    expect(error).toBeUndefined();
  });
});

describe('OpenIDSession.refreshToken: section 12.2', () => {
  test('a refreshed ID token with another sub is check "refresh"; the session keeps its token and claims', async () => {
    const { session, error } = await login(op);
    expect(error).toBeUndefined();
    const before = session.token;
    op.misbehave({ idToken: { claims: { sub: 'someone-else' } } });
    const refused = await session.refreshToken().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(IdTokenError);
    expect((refused as IdTokenError).check).toBe('refresh');
    expect(session.token).toBe(before);
    expect(session.idTokenClaims?.sub).toBe(OP_CLIENT.subject);
  });

  test('a refreshed ID token with another iss is check "iss" (it is checked first)', async () => {
    const { session } = await login(op);
    op.misbehave({ idToken: { claims: { iss: 'https://impostor.example' } } });
    await expect(session.refreshToken()).rejects.toMatchObject({ check: 'iss' });
  });

  test('a refreshed ID token that changes auth_time is check "refresh"', async () => {
    const { session } = await login(op);
    op.misbehave({ idToken: { claims: { auth_time: nowSeconds() - 5 } } });
    await expect(session.refreshToken()).rejects.toMatchObject({ check: 'refresh' });
  });

  test('a refreshed ID token with a broken signature is check "signature"', async () => {
    const { session } = await login(op);
    op.misbehave({ idToken: { breakSignature: true } });
    await expect(session.refreshToken()).rejects.toMatchObject({ check: 'signature' });
  });

  test('a refresh answer without id_token keeps the login claims (section 12.2 makes it optional)', async () => {
    const { session } = await login(op);
    const claims = session.idTokenClaims;
    op.misbehave({ omitIdToken: true });
    const token = await session.refreshToken();
    expect(token.id_token).toBeUndefined();
    expect(session.idTokenClaims).toBe(claims);
  });

  test('a good refreshed ID token replaces the claims, same sub', async () => {
    const { session } = await login(op);
    const claims = session.idTokenClaims;
    await session.refreshToken();
    expect(session.idTokenClaims).not.toBe(claims);
    expect(session.idTokenClaims?.sub).toBe(OP_CLIENT.subject);
  });
});
