import {
  AccessDeniedError,
  InvalidClientError,
  MismatchingStateError,
  MissingCodeError,
  OAuth2Error,
  OAuth2Session,
  ServerError,
} from 'oauth2-session';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Reply, startServer, type TestServer, tokenReply } from './helpers/server.js';

let server: TestServer;
let reply: Reply;
beforeEach(async () => {
  reply = tokenReply({ refresh_token: 'rt-1', scope: 'a b' });
  server = await startServer(() => reply);
});
afterEach(() => server.close());

const STATE = 'expected-state-value';
const VERIFIER = 'v'.repeat(43);
const tokenUrl = () => `${server.url}/token`;
const cb = (query: string) => `https://app.example/callback?${query}`;
const session = (extra = {}) =>
  new OAuth2Session({
    clientId: 'client',
    state: STATE,
    codeVerifier: VERIFIER,
    scope: ['a', 'b'],
    ...extra,
  });

describe('OAuth2Session.fetchToken: callback checks happen before any network call', () => {
  const cases: [string, string, new (...a: never[]) => OAuth2Error][] = [
    ['missing state', 'code=c', MismatchingStateError],
    ['wrong state', 'code=c&state=other', MismatchingStateError],
    ['duplicated state', `code=c&state=${STATE}&state=${STATE}`, MismatchingStateError],
    ['duplicated code', `code=c&code=d&state=${STATE}`, MismatchingStateError],
    ['wrong state with an error', 'error=access_denied&state=x', MismatchingStateError],
    ['access_denied', `error=access_denied&error_description=no&state=${STATE}`, AccessDeniedError],
    ['server_error', `error=server_error&state=${STATE}`, ServerError],
    ['missing code', `state=${STATE}`, MissingCodeError],
  ];
  for (const [name, query, Class] of cases) {
    it(`${name}: ${Class.name}, no request sent`, async () => {
      const e = await session()
        .fetchToken(tokenUrl(), { authorizationResponse: cb(query) })
        .catch((x) => x);
      expect(e).toBeInstanceOf(Class);
      expect(e.message).not.toContain(STATE);
      expect(server.count()).toBe(0);
    });
  }

  it('an unknown callback error keeps its code on a generic OAuth2Error', async () => {
    const e = await session()
      .fetchToken(tokenUrl(), { authorizationResponse: cb(`error=weird_thing&state=${STATE}`) })
      .catch((x) => x);
    expect(e.constructor).toBe(OAuth2Error);
    expect(e.error).toBe('weird_thing');
    expect(server.count()).toBe(0);
  });

  it('without a known state: TypeError, no request', async () => {
    const s = new OAuth2Session({ clientId: 'c', codeVerifier: VERIFIER });
    await expect(
      s.fetchToken(tokenUrl(), { authorizationResponse: cb('code=c&state=x') }),
    ).rejects.toMatchObject({ code: 'ERR_MISSING_OPTION' });
    expect(server.count()).toBe(0);
  });

  it('with PKCE on but no verifier: TypeError, no request', async () => {
    const s = new OAuth2Session({ clientId: 'c', state: STATE });
    await expect(
      s.fetchToken(tokenUrl(), { authorizationResponse: cb(`code=c&state=${STATE}`) }),
    ).rejects.toMatchObject({ code: 'ERR_MISSING_OPTION' });
    expect(server.count()).toBe(0);
  });

  it('ignores an access_token / id_token smuggled into the callback', async () => {
    const t = await session().fetchToken(tokenUrl(), {
      authorizationResponse: cb(`code=c&state=${STATE}&access_token=evil&id_token=evil`),
    });
    expect(t.access_token).toBe('at-1');
    expect(server.requests[0]!.body).not.toContain('evil');
  });
});

describe('OAuth2Session.fetchToken: the token request', () => {
  it('public client: grant_type, code, code_verifier, client_id; Accept json; no redirect_uri unless set', async () => {
    const onToken: unknown[] = [];
    const s = session({ onToken: (t: unknown) => void onToken.push(t) });
    const token = await s.fetchToken(tokenUrl(), {
      authorizationResponse: cb(`code=the%20code&state=${STATE}`),
    });
    const req = server.requests[0]!;
    expect(req.method).toBe('POST');
    expect(Object.fromEntries(req.form)).toEqual({
      grant_type: 'authorization_code',
      code: 'the code',
      code_verifier: VERIFIER,
      client_id: 'client',
    });
    expect(req.headers.accept).toBe('application/json');
    expect(req.headers.authorization).toBeUndefined();
    expect(token).toMatchObject({ access_token: 'at-1', refresh_token: 'rt-1', scope: ['a', 'b'] });
    expect(s.token).toBe(token);
    expect(s.authorized).toBe(true);
    expect(s.accessToken).toBe('at-1');
    expect(onToken).toEqual([token]);
  });

  it('client_secret_basic (default with a secret): id and secret form-urlencoded before base64', async () => {
    const s = session({ clientId: 'id:with space', redirectUri: 'https://app/cb' });
    await s.fetchToken(tokenUrl(), { code: 'c', clientSecret: 's&cr t%' });
    const req = server.requests[0]!;
    const decoded = Buffer.from(
      req.headers.authorization!.replace('Basic ', ''),
      'base64',
    ).toString();
    expect(decoded).toBe('id%3Awith+space:s%26cr+t%25');
    expect(req.form.has('client_secret')).toBe(false);
    expect(req.form.has('client_id')).toBe(false);
    expect(req.form.get('redirect_uri')).toBe('https://app/cb');
  });

  it('client_secret_post sends id and secret in the body', async () => {
    const s = session({ clientSecret: 'sec', clientAuth: 'client_secret_post' });
    await s.fetchToken(tokenUrl(), { code: 'c' });
    const req = server.requests[0]!;
    expect(req.form.get('client_id')).toBe('client');
    expect(req.form.get('client_secret')).toBe('sec');
    expect(req.headers.authorization).toBeUndefined();
  });

  it('reports a granted scope that differs from the requested one, without throwing', async () => {
    reply = tokenReply({ scope: 'a' });
    const changes: unknown[] = [];
    const s = session({ onScopeChanged: (c: unknown) => void changes.push(c) });
    const t = await s.fetchToken(tokenUrl(), { code: 'c' });
    expect(t.scope).toEqual(['a']);
    expect(changes).toMatchObject([{ requested: ['a', 'b'], granted: ['a'] }]);
  });

  it('invalid_client with 401: InvalidClientError carrying status', async () => {
    reply = { status: 401, body: { error: 'invalid_client', error_description: 'bad secret' } };
    const e = await session()
      .fetchToken(tokenUrl(), { code: 'c', clientSecret: 'wrong-secret-value' })
      .catch((x) => x);
    expect(e).toBeInstanceOf(InvalidClientError);
    expect(e.status).toBe(401);
    expect(e.message).toBe('token request failed: invalid_client');
    expect(JSON.stringify(e)).not.toContain('wrong-secret-value');
  });

  it('does not follow a redirect from the token endpoint', async () => {
    reply = { status: 307, headers: { location: `${server.url}/elsewhere` } };
    const e = await session()
      .fetchToken(tokenUrl(), { code: 'c' })
      .catch((x) => x);
    expect(e.code).toBe('OAUTH_UNEXPECTED_REDIRECT');
    expect(server.count('/elsewhere')).toBe(0);
  });

  it('accessTokenRequest / accessTokenResponse hooks can adjust both sides', async () => {
    reply = { body: { token: 'odd-shape' } };
    const s = session({
      hooks: {
        accessTokenRequest: ({ headers, body }: { headers: Headers; body: URLSearchParams }) => {
          headers.set('x-extra', '1');
          body.set('resource', 'r');
        },
        accessTokenResponse: async (r: Response) => {
          const b = await r.json();
          return Response.json({ access_token: b.token, token_type: 'Bearer' });
        },
      },
    });
    const t = await s.fetchToken(tokenUrl(), { code: 'c' });
    expect(t.access_token).toBe('odd-shape');
    expect(server.requests[0]!.headers['x-extra']).toBe('1');
    expect(server.requests[0]!.form.get('resource')).toBe('r');
  });

  it('fetchToken without code or callback: TypeError', async () => {
    await expect(session().fetchToken(tokenUrl())).rejects.toMatchObject({
      name: 'TypeError',
      code: 'ERR_MISSING_OPTION',
    });
    expect(server.count()).toBe(0);
  });
});
