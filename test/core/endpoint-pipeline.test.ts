/**
 * The endpoint pipeline, seen from a session: client authentication, then `*.request` hooks,
 * one send, `*.response` hooks, a bounded read, `*.parsed` hooks, then the error rules; the
 * first hook names are aliases that run only for their grant.
 */
import {
  type HookContext,
  InsecureTransportError,
  InvalidGrantError,
  OAuth2Error,
  OAuth2Session,
  type OAuth2SessionOptions,
  type ParsedContext,
} from 'oauth2-session';
import { definePreset } from 'oauth2-session/providers';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Recorded, type Reply, startServer, type TestServer } from './helpers/server.js';

let server: TestServer;
let reply: (req: Recorded) => Reply;
beforeEach(async () => {
  reply = () => ({
    body: { access_token: 'at-1', token_type: 'Bearer', expires_in: 3600, refresh_token: 'rt-2' },
  });
  server = await startServer((req) => reply(req));
});
afterEach(() => server.close());

const token = { access_token: 'at-0', token_type: 'Bearer', refresh_token: 'rt-1' };
const session = (extra: Partial<OAuth2SessionOptions> = {}) =>
  new OAuth2Session({
    clientId: 'client',
    clientSecret: 'secret',
    pkce: false,
    server: { token_endpoint: `${server.url}/token`, revocation_endpoint: `${server.url}/revoke` },
    ...extra,
  });

describe('OAuth2Session token calls: hook stages', () => {
  it('fetchToken: client auth, token.request, send, token.response, token.parsed, in that order', async () => {
    const seen: string[] = [];
    const s = session({
      clientAuth: async (request) => {
        seen.push('auth');
        request.headers.set('authorization', 'Basic custom');
      },
      hooks: {
        'token.request': (request) => {
          seen.push(`request:${request.headers.get('authorization')}:${server.count()}`);
        },
        'token.response': (response) => {
          seen.push(`response:${response.status}:${server.count()}`);
          return response;
        },
        'token.parsed': (fields, context) => {
          seen.push(`parsed:${fields['access_token']}:${context.status}`);
        },
      },
    });
    await s.fetchToken({ code: 'c' });
    expect(seen).toEqual(['auth', 'request:Basic custom:0', 'response:200:1', 'parsed:at-1:200']);
  });

  it('fetchToken: hooks see the endpoint, client and grant in their context', async () => {
    const contexts: HookContext[] = [];
    const parsed: ParsedContext[] = [];
    const s = session({
      hooks: {
        'token.request': (_r, c) => void contexts.push(c),
        'token.parsed': (_f, c) => void parsed.push(c),
      },
    });
    await s.fetchToken({ code: 'c' });
    await s.refreshToken();
    expect(contexts).toMatchObject([
      { endpoint: 'token', clientId: 'client', grantType: 'authorization_code' },
      { endpoint: 'token', clientId: 'client', grantType: 'refresh_token' },
    ]);
    expect(parsed.map((c) => c.status)).toEqual([200, 200]);
  });

  it('fetchToken: a token.request hook may change the url, headers and body it sends', async () => {
    const s = session({
      hooks: {
        'token.request': (request) => {
          request.url = new URL(`${server.url}/other-token?tenant=t`);
          request.headers.set('x-api-version', '2');
          request.body.set('audience', 'api');
        },
      },
    });
    await s.fetchToken({ code: 'c' });
    const [req] = server.requests;
    expect(req!.path).toBe('/other-token');
    expect(req!.headers['x-api-version']).toBe('2');
    expect(req!.form.get('audience')).toBe('api');
    expect(req!.form.get('code')).toBe('c');
  });

  it('fetchToken: a url a token.request hook sets is held to the https rule again', async () => {
    const s = session({
      allowInsecureTransport: false,
      hooks: {
        'token.request': (request) => {
          request.url = new URL('http://as.example/token');
        },
      },
    });
    await expect(s.fetchToken({ code: 'c' })).rejects.toBeInstanceOf(InsecureTransportError);
    expect(server.count()).toBe(0);
  });

  it('fetchToken: a token.response hook answers the Response that is read', async () => {
    reply = () => ({ status: 500, body: 'upstream exploded' });
    const s = session({
      hooks: {
        'token.response': () =>
          Response.json({ access_token: 'from-hook', token_type: 'Bearer' }, { status: 200 }),
      },
    });
    expect((await s.fetchToken({ code: 'c' })).access_token).toBe('from-hook');
  });

  it('fetchToken: token.parsed fixes a field without reading the body again', async () => {
    reply = () => ({ body: { token: 'at-x', token_type: 'Bearer', expires_in: 'an hour' } });
    let response: Response | undefined;
    const s = session({
      hooks: {
        'token.response': (r) => {
          response = r;
          return r;
        },
        'token.parsed': (fields) => {
          expect(response?.bodyUsed).toBe(true);
          fields['access_token'] = fields['token'];
          fields['expires_in'] = 3600;
        },
      },
      clock: () => 1_000_000,
    });
    const t = await s.fetchToken({ code: 'c' });
    expect(t.access_token).toBe('at-x');
    expect(t.expires_at).toBe(1000 + 3600);
  });

  it('fetchToken: token.parsed may answer new fields, merged over the parsed ones', async () => {
    reply = () => ({ body: { access_token: 'at-1', token_type: 'Bearer', scope: 'a,b' } });
    const s = session({ hooks: { 'token.parsed': () => ({ scope: 'read' }) } });
    const t = await s.fetchToken({ code: 'c' });
    expect(t.access_token).toBe('at-1');
    expect(t.scope).toEqual(['read']);
  });

  it('fetchToken: token.parsed sees error answers too, before they become typed errors', async () => {
    reply = () => ({ body: { error: 'expired_code', error_description: 'too late' } });
    const s = session({
      hooks: {
        'token.parsed': (fields) => {
          if (fields['error'] === 'expired_code') fields['error'] = 'invalid_grant';
        },
      },
    });
    const e = await s.fetchToken({ code: 'c' }).catch((x) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect(e.errorDescription).toBe('too late');
    expect(e.status).toBe(200);
  });

  it('registerComplianceHook: hooks run in order, preset first, then options, then registered', async () => {
    const order: string[] = [];
    const preset = definePreset({
      id: 'acme',
      server: { token_endpoint: `${server.url}/token` },
      hooks: { 'token.request': () => void order.push('preset') },
    });
    const s = session({
      server: undefined,
      provider: preset,
      hooks: {
        'token.request': [() => void order.push('option 1'), () => void order.push('option 2')],
      },
    });
    s.registerComplianceHook('token.request', () => void order.push('registered'));
    await s.fetchToken({ code: 'c' });
    expect(order).toEqual(['preset', 'option 1', 'option 2', 'registered']);
  });

  it('registerComplianceHook: an unknown stage or a non-function is a TypeError', () => {
    const s = session();
    expect(() => s.registerComplianceHook('token.sent' as never, (() => {}) as never)).toThrow(
      TypeError,
    );
    expect(() => s.registerComplianceHook('token.request', 'no' as never)).toThrow(TypeError);
  });
});

describe('OAuth2Session token calls: alias hook names', () => {
  it('accessTokenRequest runs for the code and client credentials grants, not for a refresh', async () => {
    const grants: (string | null)[] = [];
    const s = session({
      hooks: { accessTokenRequest: ({ body }) => void grants.push(body.get('grant_type')) },
    });
    await s.fetchToken({ code: 'c' });
    await s.fetchClientCredentialsToken();
    await s.refreshToken();
    expect(grants).toEqual(['authorization_code', 'client_credentials']);
    expect(server.requests.map((r) => r.form.get('grant_type'))).toEqual([
      'authorization_code',
      'client_credentials',
      'refresh_token',
    ]);
  });

  it('refreshTokenRequest runs for a refresh only, automatic ones included', async () => {
    const grants: (string | null)[] = [];
    const s = session({
      token: { ...token, expires_at: 1 },
      hooks: { refreshTokenRequest: ({ body }) => void grants.push(body.get('grant_type')) },
    });
    await s.get(`${server.url}/api`);
    await s.fetchToken({ code: 'c' });
    expect(grants).toEqual(['refresh_token']);
  });

  it('accessTokenResponse and refreshTokenResponse each see only their grant', async () => {
    const seen: string[] = [];
    const s = session({
      hooks: {
        accessTokenResponse: (r) => {
          seen.push('access');
          return r;
        },
        refreshTokenResponse: (r) => {
          seen.push('refresh');
          return r;
        },
      },
    });
    await s.fetchToken({ code: 'c' });
    await s.refreshToken();
    await s.fetchClientCredentialsToken();
    expect(seen).toEqual(['access', 'refresh', 'access']);
  });

  it('an alias and its stage both run, in registration order', async () => {
    const order: string[] = [];
    const s = session({
      hooks: {
        'token.request': () => void order.push('stage'),
        accessTokenRequest: () => void order.push('alias'),
      },
    });
    await s.fetchToken({ code: 'c' });
    expect(order).toEqual(['stage', 'alias']);
  });

  it('accessTokenRequest answering new parts replaces the headers and url it names', async () => {
    const s = session({
      hooks: {
        accessTokenRequest: ({ url, body }) => ({
          url: new URL('/alias-token', url),
          headers: new Headers({ 'x-from': 'alias', accept: 'application/json' }),
          body,
        }),
      },
    });
    await s.fetchToken({ code: 'c' });
    expect(server.requests[0]!.path).toBe('/alias-token');
    expect(server.requests[0]!.headers['x-from']).toBe('alias');
  });
});

describe('OAuth2Session.revokeToken: revocation stages', () => {
  it('revocation.request sees the token in its context and may reshape the request', async () => {
    reply = () => ({ status: 204 });
    const contexts: HookContext[] = [];
    const s = session({
      token,
      hooks: {
        'revocation.request': (request, context) => {
          contexts.push(context);
          request.method = 'DELETE';
          request.json = { token: context.token?.access_token };
        },
      },
    });
    await s.revokeToken();
    const [req] = server.requests;
    expect(req!.method).toBe('DELETE');
    expect(req!.headers['content-type']).toBe('application/json');
    expect(JSON.parse(req!.body)).toEqual({ token: 'at-0' });
    expect(contexts).toMatchObject([{ endpoint: 'revocation', clientId: 'client', token }]);
  });

  it('revocation.response and revocation.parsed run; token.* hooks do not', async () => {
    reply = () => ({ status: 400, body: { error: 'weird_error' } });
    const seen: string[] = [];
    const s = session({
      token,
      hooks: {
        'token.request': () => void seen.push('token.request'),
        'revocation.response': (r) => {
          seen.push(`revocation.response:${r.status}`);
          return r;
        },
        'revocation.parsed': (fields, context) => {
          seen.push(`revocation.parsed:${fields['error']}:${context.status}`);
          return { error: 'unsupported_token_type' };
        },
      },
    });
    const e = await s.revokeToken().catch((x) => x);
    expect(e).toBeInstanceOf(OAuth2Error);
    expect(e.error).toBe('unsupported_token_type');
    expect(seen).toEqual(['revocation.response:400', 'revocation.parsed:weird_error:400']);
    expect(s.token).toEqual(token);
  });
});

describe('OAuth2Session.fetch: resource.request stage', () => {
  it('resource.request sees the attached token and the body; answered headers are added', async () => {
    reply = () => ({ body: { ok: true } });
    const seen: { auth: string | null; body: unknown; method: string }[] = [];
    const s = session({
      token,
      hooks: {
        'resource.request': (request, context) => {
          seen.push({
            auth: request.headers.get('authorization'),
            body: request.body,
            method: request.method,
          });
          expect(context).toMatchObject({ endpoint: 'resource', token });
          return { ...request, headers: new Headers({ 'x-signed': 'yes' }) };
        },
      },
    });
    await s.post(`${server.url}/api`, { body: 'payload' });
    expect(seen).toEqual([{ auth: 'Bearer at-0', body: 'payload', method: 'POST' }]);
    expect(server.requests[0]!.headers.authorization).toBe('Bearer at-0');
    expect(server.requests[0]!.headers['x-signed']).toBe('yes');
    expect(server.requests[0]!.body).toBe('payload');
  });

  it('protectedRequest (alias) runs for resource requests, not for token requests', async () => {
    reply = () => ({ body: { access_token: 'at-1', token_type: 'Bearer' } });
    const urls: string[] = [];
    const s = session({
      token,
      hooks: {
        protectedRequest: ({ url, headers }) =>
          void urls.push(`${url} ${headers.has('authorization')}`),
      },
    });
    await s.get(`${server.url}/api`);
    await s.fetchToken({ code: 'c' });
    expect(urls).toEqual([`${server.url}/api true`]);
  });
});

describe('OAuth2Session token calls: bounded read and error rules', () => {
  it('fetchToken: an answer over maxResponseBytes is OAUTH_RESPONSE_TOO_LARGE, and no hook sees its fields', async () => {
    reply = () => ({
      body: { access_token: 'at-1', token_type: 'Bearer', padding: 'x'.repeat(5000) },
    });
    let parsed = 0;
    const s = session({ maxResponseBytes: 1000, hooks: { 'token.parsed': () => void parsed++ } });
    const e = await s.fetchToken({ code: 'c' }).catch((x) => x);
    expect(e).toBeInstanceOf(OAuth2Error);
    expect(e.code).toBe('OAUTH_RESPONSE_TOO_LARGE');
    expect(parsed).toBe(0);
    expect(s.token).toBeUndefined();
  });

  it('fetchToken: a redirect answer is OAUTH_UNEXPECTED_REDIRECT and is not followed', async () => {
    reply = (req) =>
      req.path === '/token'
        ? { status: 302, headers: { location: `${server.url}/elsewhere` } }
        : { body: { access_token: 'stolen', token_type: 'Bearer' } };
    const e = await session()
      .fetchToken({ code: 'c' })
      .catch((x) => x);
    expect(e.code).toBe('OAUTH_UNEXPECTED_REDIRECT');
    expect(e.status).toBe(302);
    expect(server.requests.map((r) => r.path)).toEqual(['/token']);
  });

  it('fetchToken: a non-2xx answer without an error field is OAUTH_HTTP_ERROR with a redacted excerpt', async () => {
    reply = () => ({ status: 502, body: 'bad gateway, token=abcdefghijklmnopqrstuvwxyz' });
    const e = await session()
      .fetchToken({ code: 'c' })
      .catch((x) => x);
    expect(e.code).toBe('OAUTH_HTTP_ERROR');
    expect(e.status).toBe(502);
    expect(e.excerpt).toContain('bad gateway');
    expect(e.excerpt).not.toContain('abcdefghijklmnop');
  });

  it('fetchToken: an error field with HTTP 200 is the typed error', async () => {
    reply = () => ({ body: { error: 'invalid_grant', error_description: 'spent' } });
    const e = await session()
      .fetchToken({ code: 'c' })
      .catch((x) => x);
    expect(e).toBeInstanceOf(InvalidGrantError);
    expect(e.status).toBe(200);
  });
});
