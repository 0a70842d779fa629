/**
 * One server description (RFC 8414 names): every method's URL defaults from `server` (or a
 * provider preset's), explicit arguments still win, `issuer` / `requireIssuer` and the
 * auto-refresh endpoint come from it, and an insecure endpoint is refused when the session is
 * built, not on its first use.
 */
import {
  type AuthorizationServer,
  InsecureTransportError,
  MismatchingIssuerError,
  OAuth2Session,
  type OAuth2SessionOptions,
} from 'oauth2-session';
import { definePreset } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Reply, startServer, type TestServer, tokenReply } from './helpers/server.js';

const NOW = 1_700_000_000_000;
const VERIFIER = 'v'.repeat(43);

const answer = (path: string): Reply =>
  path.endsWith('/revoke')
    ? { status: 200 }
    : path.endsWith('/token')
      ? tokenReply({ refresh_token: 'rt-2' })
      : { body: { ok: true } };

let as: TestServer;
let other: TestServer;
beforeEach(async () => {
  as = await startServer((req) => answer(req.path));
  other = await startServer((req) => answer(req.path));
});
afterEach(async () => {
  await as.close();
  await other.close();
});

const metadata = (base: string, extra: Partial<AuthorizationServer> = {}): AuthorizationServer => ({
  issuer: 'https://as.example',
  authorization_endpoint: `${base}/authorize?tenant=t1`,
  token_endpoint: `${base}/token`,
  revocation_endpoint: `${base}/revoke`,
  ...extra,
});

const token = { access_token: 'at-0', token_type: 'Bearer', refresh_token: 'rt-1' };

const session = (extra: Partial<OAuth2SessionOptions> = {}) =>
  new OAuth2Session({
    clientId: 'client',
    clientSecret: 'secret',
    codeVerifier: VERIFIER,
    state: 'st',
    server: metadata(as.url),
    ...extra,
  });

const paths = (s: TestServer) => s.requests.map((r) => r.path);

describe('OAuth2Session methods default their URL from server', () => {
  it('authorizationUrl(): at authorization_endpoint, keeping its own query', async () => {
    const { url } = await session().authorizationUrl();
    const u = new URL(url);
    expect(`${u.origin}${u.pathname}`).toBe(`${as.url}/authorize`);
    expect(u.searchParams.get('tenant')).toBe('t1');
    expect(u.searchParams.get('client_id')).toBe('client');
    expect(u.searchParams.get('state')).toBe('st');
    expect(as.count()).toBe(0);
  });

  it('fetchToken({ code }): POST to token_endpoint', async () => {
    const t = await session().fetchToken({ code: 'the-code' });
    expect(t.access_token).toBe('at-1');
    expect(paths(as)).toEqual(['/token']);
    expect(as.requests[0]!.method).toBe('POST');
    expect(as.requests[0]!.form.get('grant_type')).toBe('authorization_code');
    expect(as.requests[0]!.form.get('code')).toBe('the-code');
    expect(as.requests[0]!.form.get('code_verifier')).toBe(VERIFIER);
  });

  it('fetchClientCredentialsToken({ scope }): POST to token_endpoint', async () => {
    await session().fetchClientCredentialsToken({ scope: ['jobs'] });
    expect(paths(as)).toEqual(['/token']);
    expect(Object.fromEntries(as.requests[0]!.form)).toEqual({
      grant_type: 'client_credentials',
      scope: 'jobs',
    });
  });

  it('fetchPasswordToken(undefined, ...): POST to token_endpoint', async () => {
    await session().fetchPasswordToken(undefined, { username: 'u', password: 'p' });
    expect(paths(as)).toEqual(['/token']);
    expect(as.requests[0]!.form.get('grant_type')).toBe('password');
  });

  it('refreshToken(): POST to token_endpoint without autoRefreshUrl', async () => {
    const t = await session({ token }).refreshToken();
    expect(t.refresh_token).toBe('rt-2');
    expect(paths(as)).toEqual(['/token']);
    expect(as.requests[0]!.form.get('refresh_token')).toBe('rt-1');
  });

  it('fetch(): an expired token is refreshed at token_endpoint (the default autoRefreshUrl) first', async () => {
    const s = session({ token: { ...token, expires_at: NOW / 1000 - 10 }, clock: () => NOW });
    const res = await s.get(`${as.url}/api`);
    expect(res.status).toBe(200);
    expect(paths(as)).toEqual(['/token', '/api']);
    expect(as.requests[1]!.headers.authorization).toBe('Bearer at-1');
  });

  it('revokeToken(): POST to revocation_endpoint, then the session has no token', async () => {
    const s = session({ token });
    await s.revokeToken();
    expect(paths(as)).toEqual(['/revoke']);
    expect(as.requests[0]!.form.get('token')).toBe('rt-1');
    expect(s.token).toBeUndefined();
  });

  it('a provider preset: its server gives every URL', async () => {
    const acme = definePreset({ id: 'acme', server: metadata(as.url) });
    const s = new OAuth2Session({ clientId: 'client', codeVerifier: VERIFIER, provider: acme });
    expect(new URL((await s.authorizationUrl()).url).pathname).toBe('/authorize');
    await s.fetchToken({ code: 'c' });
    await s.refreshToken();
    await s.revokeToken();
    expect(paths(as)).toEqual(['/token', '/token', '/revoke']);
  });

  it('the server option wins over the provider preset server', async () => {
    const acme = definePreset({ id: 'acme', server: metadata(other.url) });
    const s = session({ provider: acme, token });
    await s.fetchToken({ code: 'c' });
    await s.revokeToken();
    expect(paths(as)).toEqual(['/token', '/revoke']);
    expect(other.count()).toBe(0);
  });
});

describe('OAuth2Session methods: explicit URL arguments win over server', () => {
  it('authorizationUrl(url)', async () => {
    const { url } = await session().authorizationUrl(`${other.url}/authz`);
    expect(url.startsWith(`${other.url}/authz?`)).toBe(true);
    expect(new URL(url).searchParams.has('tenant')).toBe(false);
  });

  it('fetchToken(url, options), fetchClientCredentialsToken(url), refreshToken(url), revokeToken(url)', async () => {
    const s = session({ token });
    await s.fetchToken(`${other.url}/token`, { code: 'c' });
    await s.fetchClientCredentialsToken(`${other.url}/token`);
    await s.refreshToken(`${other.url}/token`);
    await s.revokeToken(`${other.url}/revoke`);
    expect(paths(other)).toEqual(['/token', '/token', '/token', '/revoke']);
    expect(other.requests.map((r) => r.form.get('grant_type'))).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
      null,
    ]);
    expect(as.count()).toBe(0);
  });

  it('fetch(): autoRefreshUrl wins over token_endpoint', async () => {
    const s = session({
      token: { ...token, expires_at: NOW / 1000 - 10 },
      clock: () => NOW,
      autoRefreshUrl: `${other.url}/token`,
    });
    await s.get(`${as.url}/api`);
    expect(paths(other)).toEqual(['/token']);
    expect(paths(as)).toEqual(['/api']);
  });

  it('refreshToken(): autoRefreshUrl wins over token_endpoint', async () => {
    await session({ token, autoRefreshUrl: `${other.url}/token` }).refreshToken();
    expect(paths(other)).toEqual(['/token']);
    expect(as.count()).toBe(0);
  });
});

describe('OAuth2Session methods without a URL from either place', () => {
  it('authorizationUrl(), fetchToken(), revokeToken(): ERR_MISSING_OPTION, nothing sent', async () => {
    const bare = session({ server: { issuer: 'https://as.example' }, token });
    await expect(bare.authorizationUrl()).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_MISSING_OPTION',
    });
    await expect(bare.fetchToken({ code: 'c' })).rejects.toMatchObject({
      code: 'ERR_MISSING_OPTION',
    });
    await expect(bare.fetchClientCredentialsToken()).rejects.toMatchObject({
      code: 'ERR_MISSING_OPTION',
    });
    await expect(bare.revokeToken()).rejects.toMatchObject({ code: 'ERR_MISSING_OPTION' });
    expect(bare.token).toEqual(token);
    expect(as.count() + other.count()).toBe(0);
  });
});

describe('OAuth2Session issuer checks from server', () => {
  const callback = (query: Record<string, string>) =>
    `https://app.example/cb?${new URLSearchParams({ state: 'st', code: 'c', ...query })}`;

  it('fetchToken: an iss other than server.issuer is refused before any network call', async () => {
    const e = await session()
      .fetchToken({ authorizationResponse: callback({ iss: 'https://evil.example' }) })
      .catch((x) => x);
    expect(e).toBeInstanceOf(MismatchingIssuerError);
    expect(as.count()).toBe(0);
    await session().fetchToken({ authorizationResponse: callback({ iss: 'https://as.example' }) });
    expect(paths(as)).toEqual(['/token']);
  });

  it('fetchToken: the issuer option wins over server.issuer', async () => {
    const s = session({ issuer: 'https://tenant.example' });
    const e = await s
      .fetchToken({ authorizationResponse: callback({ iss: 'https://as.example' }) })
      .catch((x) => x);
    expect(e).toBeInstanceOf(MismatchingIssuerError);
    await s.fetchToken({ authorizationResponse: callback({ iss: 'https://tenant.example' }) });
    expect(as.count()).toBe(1);
  });

  it('fetchToken: authorization_response_iss_parameter_supported requires iss; requireIssuer: false lifts it', async () => {
    const server = metadata(as.url, { authorization_response_iss_parameter_supported: true });
    const e = await session({ server })
      .fetchToken({ authorizationResponse: callback({}) })
      .catch((x) => x);
    expect(e).toBeInstanceOf(MismatchingIssuerError);
    expect(as.count()).toBe(0);
    await session({ server, requireIssuer: false }).fetchToken({
      authorizationResponse: callback({}),
    });
    expect(as.count()).toBe(1);
  });

  it('fetchToken: without server.issuer an iss is ignored', async () => {
    const server = metadata(as.url, { issuer: undefined });
    await session({ server }).fetchToken({
      authorizationResponse: callback({ iss: 'https://anyone.example' }),
    });
    expect(as.count()).toBe(1);
  });
});

describe('new OAuth2Session refuses an insecure server description', () => {
  const fields = [
    'authorization_endpoint',
    'token_endpoint',
    'revocation_endpoint',
    'introspection_endpoint',
    'userinfo_endpoint',
    'end_session_endpoint',
    'device_authorization_endpoint',
    'pushed_authorization_request_endpoint',
    'jwks_uri',
  ];

  it.each(fields)(
    'new OAuth2Session: plain http %s to a non-loopback host is InsecureTransportError',
    (field) => {
      const build = () =>
        new OAuth2Session({
          clientId: 'client',
          allowInsecureTransport: false,
          server: { [field]: 'http://as.example/endpoint' },
        });
      expect(build).toThrow(InsecureTransportError);
      expect(build).toThrow(field);
    },
  );

  it('new OAuth2Session: a preset with an insecure endpoint is refused too', () => {
    const preset = definePreset({
      id: 'plain',
      server: {
        authorization_endpoint: 'https://as.example/authorize',
        token_endpoint: 'http://as.example/token',
      },
    });
    expect(
      () =>
        new OAuth2Session({ clientId: 'client', provider: preset, allowInsecureTransport: false }),
    ).toThrow(InsecureTransportError);
  });

  it('new OAuth2Session: https, loopback http, and allowInsecureTransport are accepted', () => {
    const build = (server: AuthorizationServer, allowInsecureTransport = false) =>
      new OAuth2Session({ clientId: 'client', server, allowInsecureTransport });
    expect(() => build({ token_endpoint: 'https://as.example/token' })).not.toThrow();
    expect(() => build({ token_endpoint: 'http://127.0.0.1:9/token' })).not.toThrow();
    expect(() => build({ token_endpoint: 'http://localhost:9/token' })).not.toThrow();
    expect(() => build({ token_endpoint: 'http://[::1]:9/token' })).not.toThrow();
    expect(() => build({ token_endpoint: 'http://as.example/token' }, true)).not.toThrow();
  });

  it('new OAuth2Session: an endpoint that does not parse, or another scheme, is a TypeError', () => {
    for (const bad of ['not a url', 'ftp://as.example/token', 'javascript:alert(1)']) {
      expect(
        () => new OAuth2Session({ clientId: 'client', server: { token_endpoint: bad } }),
      ).toThrow(TypeError);
    }
  });

  it('new OAuth2Session: fields that are not endpoints (issuer) are not transport-checked', () => {
    expect(
      () =>
        new OAuth2Session({
          clientId: 'client',
          allowInsecureTransport: false,
          server: { issuer: 'http://as.example', token_endpoint: 'https://as.example/token' },
        }),
    ).not.toThrow();
  });
});
