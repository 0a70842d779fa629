/**
 * Defects of `oauth2-session/oidc` found by the hostile-OP tests; each test is named after the
 * defect it pins.
 */
import { UnsupportedTokenTypeError } from 'oauth2-session';
import {
  checkMetadata,
  IdTokenError,
  JwksError,
  RemoteJwks,
  validateIdToken,
} from 'oauth2-session/oidc';
import { afterAll, beforeAll, beforeEach, describe, expect, test } from 'vitest';
import { type HostileOp, OP_CLIENT, startHostileOp } from '../harness/hostile-op.js';
import { login } from './helpers.js';

let op: HostileOp;
let hs: HostileOp;
beforeAll(async () => {
  op = await startHostileOp();
  hs = await startHostileOp({ alg: 'HS256' });
});
afterAll(async () => {
  await op?.close();
  await hs?.close();
});
beforeEach(() => {
  op.misbehave();
  op.resetCounts();
});

describe('regression: claims of a refused token answer', () => {
  test('regression: a valid ID token in a token answer refused afterwards (token_type mac) left its claims on the session; now no token and no claims', async () => {
    op.misbehave({ tokenResponse: { token_type: 'mac' } });
    const { session, error } = await login(op);
    expect(error).toBeInstanceOf(UnsupportedTokenTypeError);
    expect(session.token).toBeUndefined();
    expect(session.idTokenClaims).toBeUndefined();
    await expect(session.userinfo()).rejects.toMatchObject({ code: 'ERR_NO_TOKEN' });
    expect(op.counts.userinfo).toBe(0);
  });

  test('regression: a refresh answer refused after its ID token verified replaced the claims of the kept token; now the login claims stay', async () => {
    const { session } = await login(op);
    const token = session.token;
    const claims = session.idTokenClaims;
    op.misbehave({ tokenResponse: { expires_in: 'soon' } });
    await expect(session.refreshToken()).rejects.toMatchObject({ code: 'OAUTH_INVALID_RESPONSE' });
    expect(session.token).toBe(token);
    expect(session.idTokenClaims).toBe(claims);
    // A later refresh without an ID token keeps the login claims too, not the refused ones.
    op.misbehave({ omitIdToken: true });
    await session.refreshToken();
    expect(session.idTokenClaims).toBe(claims);
  });
});

describe('regression: an unusable key in the JWK Set', () => {
  const verify = async (keys: unknown[]) => {
    op.misbehave({ answer: { jwks: { body: JSON.stringify({ keys }) } } });
    const jwt = await op.idToken();
    const jwks = new RemoteJwks(op.metadata.jwks_uri);
    return validateIdToken(jwt, { issuer: op.issuer, clientId: OP_CLIENT.clientId, keys: jwks });
  };
  const kid = () => op.kids()[0]!;

  test('regression: an RSA key without its modulus escaped validateIdToken as a raw DOMException; now a JwksError', async () => {
    const error = await verify([{ kty: 'RSA', kid: kid(), alg: 'RS256' }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JwksError);
    expect(error).toMatchObject({ code: 'OAUTH_INVALID_JWKS' });
  });

  test("regression: a private key published in the JWK Set escaped as jose's own JWKSInvalid; now a JwksError", async () => {
    const { generateKeyPair, exportJWK } = await import('jose');
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const jwk = { ...(await exportJWK(privateKey)), kid: kid(), alg: 'RS256' };
    const error = await verify([jwk]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(JwksError);
  });

  test('regression: an RSA key under 2048 bits (which jose will not verify with) escaped validateIdToken as a raw TypeError; now check "signature"', async () => {
    const { generateKeyPairSync, sign } = await import('node:crypto');
    const weak = generateKeyPairSync('rsa', { modulusLength: 1024 });
    const jwk = { ...weak.publicKey.export({ format: 'jwk' }), kid: 'weak', alg: 'RS256' };
    op.misbehave({ answer: { jwks: { body: JSON.stringify({ keys: [jwk] }) } } });
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const now = Math.floor(Date.now() / 1000);
    const claims = { iss: op.issuer, aud: OP_CLIENT.clientId, sub: 'u', exp: now + 60, iat: now };
    const input = `${b64({ alg: 'RS256', kid: 'weak' })}.${b64(claims)}`;
    const jwt = `${input}.${sign('sha256', Buffer.from(input), weak.privateKey).toString('base64url')}`;
    const keys = new RemoteJwks(op.metadata.jwks_uri);
    const error = await validateIdToken(jwt, {
      issuer: op.issuer,
      clientId: OP_CLIENT.clientId,
      keys,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(IdTokenError);
    expect(error).toMatchObject({ check: 'signature' });
  });

  test('an unusable key that no token names is never imported: the usable one still verifies', async () => {
    op.misbehave();
    const good = await (await fetch(op.metadata.jwks_uri)).json();
    const keys = [{ kty: 'RSA', kid: 'broken', alg: 'RS256' }, ...good.keys];
    await expect(verify(keys)).resolves.toMatchObject({ sub: OP_CLIENT.subject });
  });

  test('several keys matching and one of them unusable: the usable one is tried', async () => {
    op.misbehave();
    const good = await (await fetch(op.metadata.jwks_uri)).json();
    const rs = good.keys.filter((k: { alg: string }) => k.alg === 'RS256');
    const keys = [
      { kty: 'RSA', alg: 'RS256' },
      ...rs.map((k: object) => ({ ...k, kid: undefined })),
    ];
    op.misbehave({ answer: { jwks: { body: JSON.stringify({ keys }) } } });
    const jwt = await op.idToken({ header: { kid: undefined } });
    const jwks = new RemoteJwks(op.metadata.jwks_uri);
    const claims = await validateIdToken(jwt, {
      issuer: op.issuer,
      clientId: OP_CLIENT.clientId,
      keys: jwks,
    });
    expect(claims.sub).toBe(OP_CLIENT.subject);
  });

  test('the token is never trusted: an unusable key is not an IdTokenError that a caller might skip', async () => {
    const error = await verify([{ kty: 'EC', kid: kid(), alg: 'RS256' }]).catch((e: unknown) => e);
    // An EC key pinned to RS256 matches no RS256 token: that is the token's "kid" check.
    expect(error).toBeInstanceOf(IdTokenError);
    expect(error).toMatchObject({ check: 'kid' });
  });
});

describe('regression: signed userinfo of an HS256 client', () => {
  test('regression: a signed userinfo answer (HS256, the default for an HS256 client) was refused as "an algorithm that is not accepted"; it is now verified with the client secret', async () => {
    const { session, error } = await login(hs, { idTokenSignedResponseAlg: 'HS256' });
    expect(error).toBeUndefined();
    hs.misbehave({ userinfo: { signed: true } });
    expect(await session.userinfo()).toMatchObject({ sub: OP_CLIENT.subject, iss: hs.issuer });
  });

  test('a signed HS256 answer made with another secret is check "signature"', async () => {
    const { session } = await login(hs, { idTokenSignedResponseAlg: 'HS256' });
    const { CompactSign } = await import('jose');
    const claims = { sub: OP_CLIENT.subject, iss: hs.issuer, aud: OP_CLIENT.clientId };
    const secret = new TextEncoder().encode('another-secret-0123456789-abcdefghijklmnopq');
    const body = await new CompactSign(new TextEncoder().encode(JSON.stringify(claims)))
      .setProtectedHeader({ alg: 'HS256' })
      .sign(secret);
    hs.misbehave({ answer: { userinfo: { body, contentType: 'application/jwt' } } });
    try {
      await expect(session.userinfo()).rejects.toMatchObject({ check: 'signature' });
    } finally {
      hs.misbehave();
    }
  });
});

describe('regression: values the parsers took for valid', () => {
  test('regression: an ID token whose exp is 1e400 (JSON.parse reads Infinity) never expired and was accepted; now check "exp"', async () => {
    const { CompactSign, generateKeyPair } = await import('jose');
    const { publicKey, privateKey } = await generateKeyPair('RS256');
    const now = Math.floor(Date.now() / 1000);
    const payload = `{"iss":"https://op.example","aud":"rp","sub":"u","exp":1e400,"iat":${now}}`;
    const jwt = await new CompactSign(new TextEncoder().encode(payload))
      .setProtectedHeader({ alg: 'RS256' })
      .sign(privateKey);
    const keys = { getKey: async () => publicKey as CryptoKey };
    await expect(
      validateIdToken(jwt, { issuer: 'https://op.example', clientId: 'rp', keys }),
    ).rejects.toMatchObject({ name: 'IdTokenError', check: 'exp' });
  });

  test('regression: a discovery document with a javascript: or unparsable endpoint was a misuse TypeError (the caller blamed for the provider data); now DiscoveryError "required"', () => {
    const base = {
      issuer: 'https://op.example',
      token_endpoint: 'https://op.example/token',
      response_types_supported: ['code'],
    };
    for (const bad of ['javascript:alert(1)', 'not a url', 'ftp://op.example/authorize']) {
      expect(() =>
        checkMetadata(
          { ...base, authorization_endpoint: bad },
          'https://op.example',
          'oauth-authorization-server',
        ),
      ).toThrow(expect.objectContaining({ name: 'DiscoveryError', check: 'required' }));
    }
  });
});
