/**
 * What a preset adds to the authorization URL (`authorizationParams`, `scopeSeparator`), and a
 * JSON `null` request body for endpoints that take a call without arguments.
 */
import { buildAuthorizationUrl, OAuth2Session } from 'oauth2-session';
import { definePreset, userRequest } from 'oauth2-session/providers';
import { afterEach, describe, expect, it } from 'vitest';
import { type Recorded, startServer, type TestServer } from './helpers/server.js';

const preset = (extra: Record<string, unknown> = {}) =>
  definePreset({
    id: 'acme',
    server: {
      authorization_endpoint: 'https://acme.example/authorize?tenant=1',
      token_endpoint: 'https://acme.example/token',
    },
    ...extra,
  });

const query = async (session: OAuth2Session, extraParams?: Record<string, string>) =>
  new URL((await session.authorizationUrl(undefined, extraParams)).url).searchParams;

describe('OAuth2Session.authorizationUrl with a preset', () => {
  it('authorizationParams: sent with every URL, after the library parameters and the endpoint query', async () => {
    const provider = preset({ authorizationParams: { access_type: 'offline', prompt: 'consent' } });
    const q = await query(new OAuth2Session({ clientId: 'c', provider }));
    expect(q.get('tenant')).toBe('1');
    expect(q.get('access_type')).toBe('offline');
    expect(q.get('prompt')).toBe('consent');
    expect([...q.keys()].slice(0, 2)).toEqual(['tenant', 'response_type']);
  });

  it("authorizationParams: a call's extraParams win over the preset's", async () => {
    const provider = preset({ authorizationParams: { access_type: 'offline' } });
    const q = await query(new OAuth2Session({ clientId: 'c', provider }), {
      access_type: 'online',
    });
    expect(q.getAll('access_type')).toEqual(['online']);
  });

  it('authorizationParams: a preset may not replace a parameter the library sets', async () => {
    for (const name of ['state', 'redirect_uri', 'scope', 'code_challenge_method']) {
      const provider = preset({ authorizationParams: { [name]: 'x' } });
      await expect(
        new OAuth2Session({ clientId: 'c', provider }).authorizationUrl(),
      ).rejects.toMatchObject({ name: 'TypeError', message: `extraParams may not set ${name}` });
    }
  });

  it('scopeSeparator: joins the scopes of the URL (Strava and Linear use commas)', async () => {
    const provider = preset({ scopeSeparator: ',', scope: ['read', 'activity:read'] });
    expect((await query(new OAuth2Session({ clientId: 'c', provider }))).get('scope')).toBe(
      'read,activity:read',
    );
    const own = new OAuth2Session({ clientId: 'c', provider, scope: 'a b c' });
    expect((await query(own)).get('scope')).toBe('a,b,c');
  });

  it('without a preset: scopes are space-separated and nothing else is added', async () => {
    const s = new OAuth2Session({ clientId: 'c', scope: ['a', 'b'] });
    const q = new URL((await s.authorizationUrl('https://acme.example/authorize')).url)
      .searchParams;
    expect(q.get('scope')).toBe('a b');
    expect([...q.keys()]).toEqual([
      'response_type',
      'client_id',
      'scope',
      'state',
      'code_challenge',
      'code_challenge_method',
    ]);
  });
});

describe('buildAuthorizationUrl(endpoint, request, preset)', () => {
  it('takes the preset as an optional third argument', () => {
    const endpoint = new URL('https://www.strava.com/oauth/authorize');
    const request = { clientId: 'c', state: 's', scope: ['read', 'activity:read'] };
    const url = buildAuthorizationUrl(endpoint, request, {
      scopeSeparator: ',',
      authorizationParams: { approval_prompt: 'auto' },
    });
    expect(url.searchParams.get('scope')).toBe('read,activity:read');
    expect(url.searchParams.get('approval_prompt')).toBe('auto');
    expect(buildAuthorizationUrl(endpoint, request).searchParams.get('scope')).toBe(
      'read activity:read',
    );
    expect(url.searchParams.has('code_challenge_method')).toBe(false);
  });
});

describe('EndpointRequest.json = null', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('revocation.request: json null is sent as the JSON null with its content type', async () => {
    const seen: Recorded[] = [];
    server = await startServer((req) => {
      seen.push(req);
      return { body: 'null', headers: { 'content-type': 'application/json' } };
    });
    const session = new OAuth2Session({
      clientId: 'c',
      token: { access_token: 'at-1', token_type: 'Bearer' },
      server: { revocation_endpoint: `${server.url}/revoke` },
      hooks: {
        'revocation.request': (request) => {
          request.json = null;
        },
      },
    });
    await session.revokeToken();
    expect(seen[0]?.body).toBe('null');
    expect(seen[0]?.headers['content-type']).toBe('application/json');
  });
});

describe('definePreset({ scopeSeparator }) and userRequest({ user.body })', () => {
  let server: TestServer;
  afterEach(() => server.close());

  it('token.request: the scope of a token request is written with the separator, before the preset hooks', async () => {
    const seen: Recorded[] = [];
    server = await startServer((req) => {
      seen.push(req);
      return { body: { access_token: 'at-1', token_type: 'Bearer' } };
    });
    const order: string[] = [];
    const provider = definePreset({
      id: 'acme',
      scopeSeparator: ',',
      server: { token_endpoint: `${server.url}/token` },
      hooks: { 'token.request': ({ body }) => void order.push(body.get('scope') ?? '') },
    });
    const s = new OAuth2Session({ clientId: 'c', clientSecret: 's', provider });
    await s.fetchClientCredentialsToken({ scope: ['a', 'b'] });
    expect(seen[0]?.form.get('scope')).toBe('a,b');
    expect(order).toEqual(['a,b']);
  });

  it('userRequest: a body and its headers are sent as the preset gives them', () => {
    const provider = definePreset({
      id: 'acme',
      server: {},
      user: {
        url: 'https://api.acme.example/graphql',
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"query":"{ viewer { id } }"}',
      },
    });
    const [url, init] = userRequest(provider);
    expect(url).toBe('https://api.acme.example/graphql');
    expect(init).toEqual({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":"{ viewer { id } }"}',
    });
  });
});
