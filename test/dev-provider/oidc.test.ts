import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import {
  createDevProviderHandler,
  type DevIdTokenAlg,
  type DevProvider,
  startDevProvider,
} from 'oauth2-session/dev-provider';
import { afterEach, describe, expect, it } from 'vitest';
import {
  authorizeAndApprove,
  CLIENT,
  getAuthorize,
  pkcePair,
  postConsent,
  requestIdOf,
  tokenRequest,
} from './helpers.js';
import {
  ALICE,
  discovery,
  expectedAtHash,
  OIDC_CLIENT,
  oidcLogin,
  publishedJwks,
  testClock,
  verifyIdToken,
} from './oidc-helpers.js';

const started: DevProvider[] = [];

async function start(options: Parameters<typeof startDevProvider>[0] = {}): Promise<DevProvider> {
  const provider = await startDevProvider({
    clients: [OIDC_CLIENT],
    users: [ALICE],
    oidc: true,
    ...options,
  });
  started.push(provider);
  return provider;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((p) => p.close()));
});

describe('OIDC mode: discovery', () => {
  it('publishes the issuer (the origin, no trailing slash) and its endpoints', async () => {
    const provider = await start({ expiringTokens: true });
    const doc = await discovery(provider);
    const origin = provider.origin;
    expect(origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(doc).toEqual({
      issuer: origin,
      authorization_endpoint: provider.authorizeUrl,
      token_endpoint: provider.tokenUrl,
      userinfo_endpoint: `${origin}/userinfo`,
      jwks_uri: `${origin}/.well-known/jwks.json`,
      end_session_endpoint: `${origin}/logout`,
      revocation_endpoint: `${origin}/oauth/revoke`,
      scopes_supported: ['openid', 'profile', 'email'],
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: ['RS256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      revocation_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
      code_challenge_methods_supported: ['S256'],
      claims_supported: expect.arrayContaining([
        'sub',
        'iss',
        'auth_time',
        'nonce',
        'at_hash',
        'name',
        'preferred_username',
        'email',
        'email_verified',
        'picture',
      ]),
      authorization_response_iss_parameter_supported: true,
    });
    expect(provider.oidc).toEqual({
      issuer: origin,
      discoveryUrl: `${origin}/.well-known/openid-configuration`,
      jwksUrl: doc.jwks_uri,
      userinfoUrl: doc.userinfo_endpoint,
      endSessionUrl: doc.end_session_endpoint,
      revocationUrl: doc.revocation_endpoint,
    });
    expect(provider.counts).toMatchObject({ discovery: 1, jwks: 0, userinfo: 0, end_session: 0 });
  });

  it('names refresh_token among the grants only when refresh tokens are issued', async () => {
    const provider = await start();
    expect((await discovery(provider)).grant_types_supported).toEqual(['authorization_code']);
  });

  it.each<DevIdTokenAlg>(['ES256', 'EdDSA'])('names the configured algorithm, %s', async (alg) => {
    const provider = await start({ idTokenAlg: alg });
    expect((await discovery(provider)).id_token_signing_alg_values_supported).toEqual([alg]);
  });

  it('publishes one public signing key with a kid, and a new one on every start', async () => {
    const first = await publishedJwks(await start());
    const second = await publishedJwks(await start());
    expect(first.keys).toHaveLength(1);
    const key = first.keys[0]!;
    expect(key).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) });
    for (const secret of ['d', 'p', 'q', 'dp', 'dq', 'qi']) expect(key).not.toHaveProperty(secret);
    expect(second.keys[0]!.kid).not.toBe(key.kid);
  });

  it('refuses an unknown idTokenAlg or a bad idTokenTtlSeconds at start', async () => {
    await expect(start({ idTokenAlg: 'HS256' as DevIdTokenAlg })).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_INVALID_ARG_VALUE',
    });
    await expect(start({ idTokenTtlSeconds: 0 })).rejects.toThrow(TypeError);
  });
});

describe('OIDC mode: the ID token of an authorization code + PKCE flow', () => {
  it.each<[DevIdTokenAlg, string, number]>([
    ['RS256', 'RSA', 22],
    ['ES256', 'EC', 22],
    ['EdDSA', 'OKP', 43],
  ])('%s: signed with the published key, every claim right', async (alg, kty, atHashLength) => {
    const clock = testClock();
    const provider = await start({ idTokenAlg: alg, clock: clock.read });
    const approvedAt = clock.now;
    const { verifier, challenge } = pkcePair();
    const callback = await authorizeAndApprove(provider, {
      client_id: CLIENT.clientId,
      response_type: 'code',
      scope: 'openid profile email',
      state: 'st-1',
      nonce: 'n-0S6_WzA2Mj',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    clock.now += 90_000; // the token request comes later than the approval
    const { fields } = await tokenRequest(
      provider,
      {
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        code_verifier: verifier,
      },
      { json: true },
    );
    const idToken = fields.id_token as string;
    const { payload, header } = await verifyIdToken(provider, idToken, clock.now);
    const jwks = await publishedJwks(provider);
    expect(jwks.keys[0]).toMatchObject({ kty, alg });
    expect(header).toEqual({ alg, kid: jwks.keys[0]!.kid, typ: 'JWT' });
    const iat = Math.floor(clock.now / 1000);
    expect(payload).toEqual({
      iss: provider.origin,
      sub: '7',
      aud: CLIENT.clientId,
      iat,
      exp: iat + 3600,
      auth_time: Math.floor(approvedAt / 1000),
      nonce: 'n-0S6_WzA2Mj',
      at_hash: expectedAtHash(fields.access_token as string, alg),
      name: 'Alice Liddell',
      preferred_username: 'alice',
      picture: 'https://example.test/alice.png',
      email: 'alice@example.test',
      email_verified: true,
    });
    expect(payload.at_hash).toHaveLength(atHashLength);
    // The access token and the rest of the answer are the GitHub-shaped ones.
    expect(fields).toMatchObject({
      access_token: expect.stringMatching(/^gho_/),
      scope: 'openid,profile,email',
      token_type: 'bearer',
    });
  });

  it('the ID token does not verify with the key of another provider', async () => {
    const provider = await start();
    const other = await start();
    const { fields } = await oidcLogin(provider);
    const keys = createLocalJWKSet(await publishedJwks(other));
    await expect(jwtVerify(fields.id_token as string, keys)).rejects.toThrow();
  });

  it('has no nonce when the request carried none, and only the claims the scope releases', async () => {
    const provider = await start();
    const { fields } = await oidcLogin(provider, { scope: 'openid' });
    const { payload } = await verifyIdToken(provider, fields.id_token as string, Date.now());
    expect(Object.keys(payload).sort()).toEqual(
      ['at_hash', 'aud', 'auth_time', 'exp', 'iat', 'iss', 'sub'].sort(),
    );
    const email = await oidcLogin(provider, { scope: 'openid email' });
    const claims = (await verifyIdToken(provider, email.fields.id_token as string, Date.now()))
      .payload;
    expect(claims).toMatchObject({ email: 'alice@example.test', email_verified: true });
    expect(claims).not.toHaveProperty('name');
  });

  it('issues no ID token when openid was not granted', async () => {
    const provider = await start();
    const asked = await oidcLogin(provider, { scope: 'profile read:user' });
    expect(asked.fields.access_token).toMatch(/^gho_/);
    expect(asked.fields).not.toHaveProperty('id_token');
    const narrowed = await start({ grantScopes: (scopes) => scopes.filter((s) => s !== 'openid') });
    expect((await oidcLogin(narrowed)).fields).not.toHaveProperty('id_token');
  });

  it('puts the ID token in form-encoded answers too', async () => {
    const provider = await start();
    const { verifier, challenge } = pkcePair();
    const callback = await authorizeAndApprove(provider, {
      client_id: CLIENT.clientId,
      scope: 'openid',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    const res = await tokenRequest(provider, {
      code: callback.searchParams.get('code')!,
      code_verifier: verifier,
    });
    expect(res.type).toMatch(/^application\/x-www-form-urlencoded/);
    const { payload } = await verifyIdToken(provider, res.fields.id_token as string, Date.now());
    expect(payload.sub).toBe('7');
  });

  it('follows idTokenTtlSeconds', async () => {
    const provider = await start({ idTokenTtlSeconds: 120 });
    const { fields } = await oidcLogin(provider);
    const { payload } = await verifyIdToken(provider, fields.id_token as string, Date.now());
    expect(payload.exp! - payload.iat!).toBe(120);
  });

  it('uses the numeric id as sub, for the user picked on the consent page', async () => {
    const provider = await start({ users: [ALICE, { login: 'bob', id: 99, name: 'Bob' }] });
    const { fields } = await oidcLogin(provider, {}, 'bob');
    const { payload } = await verifyIdToken(provider, fields.id_token as string, Date.now());
    expect(payload).toMatchObject({ sub: '99', preferred_username: 'bob', name: 'Bob' });
    expect(payload).not.toHaveProperty('email'); // Bob has none
  });
});

describe('OIDC mode: refresh', () => {
  it('gives a new ID token with the same sub and auth_time, no nonce, a new at_hash', async () => {
    const clock = testClock();
    const provider = await start({ expiringTokens: true, clock: clock.read });
    const approvedAt = Math.floor(clock.now / 1000);
    const first = await oidcLogin(provider, { nonce: 'abc' });
    const firstClaims = (await verifyIdToken(provider, first.fields.id_token as string, clock.now))
      .payload;
    expect(firstClaims.nonce).toBe('abc');
    clock.now += 600_000;
    const refreshed = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: first.fields.refresh_token as string },
      { json: true },
    );
    expect(refreshed.fields.refresh_token).toMatch(/^ghr_/);
    expect(refreshed.fields.refresh_token).not.toBe(first.fields.refresh_token);
    const idToken = refreshed.fields.id_token as string;
    expect(idToken).not.toBe(first.fields.id_token);
    const { payload } = await verifyIdToken(provider, idToken, clock.now);
    expect(payload).not.toHaveProperty('nonce');
    expect(payload).toMatchObject({
      sub: firstClaims.sub,
      aud: CLIENT.clientId,
      auth_time: approvedAt,
      iat: Math.floor(clock.now / 1000),
      at_hash: expectedAtHash(refreshed.fields.access_token as string, 'RS256'),
      name: 'Alice Liddell',
    });
    expect(provider.counts.refresh).toBe(1);
  });
});

describe('OIDC mode: the authorization response carries iss (RFC 9207)', () => {
  it('on success', async () => {
    const provider = await start();
    const { callback } = await oidcLogin(provider);
    expect(callback.origin + callback.pathname).toBe(CLIENT.redirectUris[0]);
    expect(callback.searchParams.get('iss')).toBe(provider.origin);
    expect(callback.searchParams.get('state')).toBe('st-1');
  });

  it('on a denial and on a refused request', async () => {
    const provider = await start();
    const page = await getAuthorize(provider, {
      client_id: CLIENT.clientId,
      scope: 'openid',
      state: 'd',
    });
    const denied = await postConsent(provider, {
      request_id: requestIdOf(await page.text()),
      authorize: '0',
    });
    const deniedTo = new URL(denied.headers.get('location')!);
    expect(deniedTo.searchParams.get('error')).toBe('access_denied');
    expect(deniedTo.searchParams.get('iss')).toBe(provider.origin);
    const plain = await getAuthorize(provider, {
      client_id: CLIENT.clientId,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'plain',
    });
    const plainTo = new URL(plain.headers.get('location')!);
    expect(plainTo.searchParams.get('error')).toBe('invalid_request');
    expect(plainTo.searchParams.get('iss')).toBe(provider.origin);
  });

  it('prompt=none is login_required without autoApprove, a code with it', async () => {
    const provider = await start();
    const res = await getAuthorize(provider, {
      client_id: CLIENT.clientId,
      scope: 'openid',
      prompt: 'none',
      state: 'p',
    });
    expect(res.status).toBe(302);
    const to = new URL(res.headers.get('location')!);
    expect(to.searchParams.get('error')).toBe('login_required');
    expect(to.searchParams.get('state')).toBe('p');
    expect(to.searchParams.get('iss')).toBe(provider.origin);
    const auto = await start({ autoApprove: true });
    const approved = await getAuthorize(auto, {
      client_id: CLIENT.clientId,
      scope: 'openid',
      prompt: 'none',
    });
    expect(new URL(approved.headers.get('location')!).searchParams.get('code')).toMatch(
      /^[0-9a-f]{20}$/,
    );
  });
});

describe('OIDC mode: RFC 7009 revocation at revocation_endpoint', () => {
  function revoke(provider: DevProvider, token: string, auth = true): Promise<Response> {
    const headers: Record<string, string> = {
      'content-type': 'application/x-www-form-urlencoded',
    };
    if (auth)
      headers.authorization = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;
    return fetch(provider.oidc!.revocationUrl, {
      method: 'POST',
      headers,
      body: new URLSearchParams({ token }),
    });
  }

  it('revoking the refresh token ends the grant; unknown tokens are 200 too', async () => {
    const provider = await start({ expiringTokens: true });
    const { fields } = await oidcLogin(provider);
    const refreshToken = fields.refresh_token as string;
    expect((await revoke(provider, refreshToken)).status).toBe(200);
    const refused = await tokenRequest(
      provider,
      { grant_type: 'refresh_token', refresh_token: refreshToken },
      { json: true },
    );
    expect(refused.fields.error).toBe('bad_refresh_token');
    const userinfo = await fetch(provider.oidc!.userinfoUrl, {
      headers: { authorization: `Bearer ${fields.access_token as string}` },
    });
    expect(userinfo.status).toBe(401);
    expect((await revoke(provider, 'ghr_unknown')).status).toBe(200);
    expect(provider.counts.revoke).toBe(2);
  });

  it('refuses an unauthenticated client with 401 invalid_client and keeps the token', async () => {
    const provider = await start();
    const { fields } = await oidcLogin(provider);
    const res = await revoke(provider, fields.access_token as string, false);
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'invalid_client' });
    const userinfo = await fetch(provider.oidc!.userinfoUrl, {
      headers: { authorization: `Bearer ${fields.access_token as string}` },
    });
    expect(userinfo.status).toBe(200);
  });
});

describe('OIDC mode off (the default)', () => {
  it('serves no discovery, JWKS, userinfo, logout or RFC 7009 endpoint', async () => {
    const provider = await start({ oidc: false });
    expect(provider.oidc).toBeUndefined();
    for (const path of [
      '/.well-known/openid-configuration',
      '/.well-known/jwks.json',
      '/userinfo',
      '/logout',
    ]) {
      const res = await fetch(provider.origin + path);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toMatchObject({ message: 'Not Found' });
    }
    const revoke = await fetch(`${provider.origin}/oauth/revoke`, { method: 'POST' });
    expect(revoke.status).toBe(404);
  });

  it('answers no id_token and no iss for the openid scope, and counts no OIDC endpoint', async () => {
    const provider = await startDevProvider({ clients: [CLIENT], users: [ALICE] });
    started.push(provider);
    const { callback, fields } = await oidcLogin(provider, { nonce: 'n' });
    expect(callback.searchParams.has('iss')).toBe(false);
    expect(fields.access_token).toMatch(/^gho_/);
    expect(fields).not.toHaveProperty('id_token');
    expect(Object.keys(provider.counts).sort()).toEqual([
      'authorize',
      'consent',
      'refresh',
      'revoke',
      'token',
      'user',
    ]);
    const prompt = await getAuthorize(provider, { client_id: CLIENT.clientId, prompt: 'none' });
    expect(prompt.status).toBe(200); // prompt means nothing to the GitHub-shaped provider
  });
});

describe('createDevProviderHandler({ oidc: true })', () => {
  it('uses the configured origin as the issuer, whatever the Host header', async () => {
    const issuer = 'http://dev-provider.localhost:4000';
    const handler = createDevProviderHandler({ oidc: true, origin: issuer, idTokenAlg: 'ES256' });
    await handler.ready();
    const server = createServer(handler).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const doc = (await (await fetch(`${origin}/.well-known/openid-configuration`)).json()) as {
        issuer: string;
        jwks_uri: string;
      };
      expect(doc.issuer).toBe(issuer);
      expect(doc.jwks_uri).toBe(`${issuer}/.well-known/jwks.json`);
      const jwks = (await (await fetch(`${origin}/.well-known/jwks.json`)).json()) as {
        keys: { kid: string; alg: string }[];
      };
      expect(jwks.keys[0]!.alg).toBe('ES256');
      expect(handler.counts).toMatchObject({ discovery: 1, jwks: 1 });
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('signs with the alg of the header it publishes', async () => {
    const provider = await start({ idTokenAlg: 'EdDSA' });
    const { fields } = await oidcLogin(provider);
    expect(decodeProtectedHeader(fields.id_token as string).alg).toBe('EdDSA');
  });
});
