/**
 * createOAuthHandlers' options: the core client options forwarded whole, the server taken from a
 * `server`, a preset or the deprecated loose URLs, and every configured URL held to the https
 * rule when the handlers are built.
 */

import { type FetchLike, InsecureTransportError } from 'oauth2-session';
import { definePreset, githubProvider } from 'oauth2-session/providers';
import { createOAuthHandlers, type OAuthHandlersOptions } from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';

const SECRET = 'handler-options-secret-0123456789-abcdef';
const APP = 'https://app.example';
const SERVER = {
  authorization_endpoint: 'https://idp.example/authorize',
  token_endpoint: 'https://idp.example/token',
};

/** A fetch that answers every token request with a fresh token and records each request. */
function tokenEndpoint(): { fetch: FetchLike; requests: Request[] } {
  const requests: Request[] = [];
  const fetch: FetchLike = async (input, init) => {
    requests.push(new Request(input, init));
    return Response.json({ access_token: `at-${requests.length}`, token_type: 'bearer' });
  };
  return { fetch, requests };
}

/** Logs in with a made-up code; answers the callback Response. */
async function logIn(handlers: ReturnType<typeof createOAuthHandlers>): Promise<Response> {
  const jar = new CookieJar();
  const login = await handlers.login(new Request(`${APP}/login`));
  jar.applyResponse(login);
  const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
  const url = `${APP}/callback?code=code-1&state=${encodeURIComponent(state)}`;
  return handlers.callback(new Request(url, { headers: { cookie: jar.header() } }));
}

const build = (options: Partial<OAuthHandlersOptions>) =>
  createOAuthHandlers({ clientId: 'app', session: { secrets: SECRET }, ...options });

describe('createOAuthHandlers client options', () => {
  it("createOAuthHandlers: clientAuth 'client_secret_post' reaches the token request", async () => {
    const idp = tokenEndpoint();
    const handlers = build({
      clientSecret: 'app-secret-value',
      clientAuth: 'client_secret_post',
      server: SERVER,
      fetch: idp.fetch,
    });
    expect((await logIn(handlers)).status).toBe(302);
    expect(idp.requests).toHaveLength(1);
    const [request] = idp.requests;
    expect(request!.url).toBe(SERVER.token_endpoint);
    expect(request!.headers.get('authorization')).toBeNull();
    const body = new URLSearchParams(await request!.text());
    expect(body.get('client_id')).toBe('app');
    expect(body.get('client_secret')).toBe('app-secret-value');
  });

  it('createOAuthHandlers: a preset’s clientAuth applies unless the options set one', async () => {
    const idp = tokenEndpoint();
    const preset = definePreset({
      id: 'post-only',
      server: SERVER,
      clientAuth: 'client_secret_post',
    });
    await logIn(build({ clientSecret: 'preset-secret', provider: preset, fetch: idp.fetch }));
    expect(idp.requests[0]!.headers.get('authorization')).toBeNull();
    expect(new URLSearchParams(await idp.requests[0]!.text()).get('client_secret')).toBe(
      'preset-secret',
    );
  });

  it('createOAuthHandlers: a bad core option is refused when the handlers are built', () => {
    expect(() => build({ server: SERVER, timeoutMs: -1 })).toThrow(TypeError);
    expect(() => build({ server: SERVER, clientAuth: 'private_key_jwt' as never })).toThrow(
      TypeError,
    );
  });
});

describe('createOAuthHandlers server description', () => {
  it('createOAuthHandlers: a server alone is enough; login goes to its authorization endpoint', async () => {
    const login = await build({ server: SERVER }).login(new Request(`${APP}/login`));
    const location = new URL(login.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(SERVER.authorization_endpoint);
  });

  it('createOAuthHandlers: server replaces the preset’s server description', async () => {
    const handlers = build({ provider: githubProvider(), server: SERVER });
    const login = await handlers.login(new Request(`${APP}/login`));
    expect(login.headers.get('location')).toMatch(/^https:\/\/idp\.example\/authorize\?/);
  });

  it('createOAuthHandlers: the deprecated authorizeUrl and tokenUrl override the preset’s', async () => {
    const idp = tokenEndpoint();
    const handlers = build({
      provider: githubProvider(),
      authorizeUrl: 'https://other.example/authorize',
      tokenUrl: 'https://other.example/token',
      fetch: idp.fetch,
    });
    const callback = await logIn(handlers);
    expect(callback.status).toBe(302);
    expect(idp.requests[0]!.url).toBe('https://other.example/token');
  });

  it('createOAuthHandlers: a server without a token endpoint is refused with ERR_MISSING_OPTION', () => {
    expect(() =>
      build({ server: { authorization_endpoint: SERVER.authorization_endpoint } }),
    ).toThrow(expect.objectContaining({ code: 'ERR_MISSING_OPTION' }));
  });
});

describe('createOAuthHandlers https rule', () => {
  const insecure = 'http://idp.example';

  it.each([
    ['authorization_endpoint', { ...SERVER, authorization_endpoint: `${insecure}/authorize` }],
    ['token_endpoint', { ...SERVER, token_endpoint: `${insecure}/token` }],
    ['revocation_endpoint', { ...SERVER, revocation_endpoint: `${insecure}/revoke` }],
    ['userinfo_endpoint', { ...SERVER, userinfo_endpoint: `${insecure}/userinfo` }],
  ])('createOAuthHandlers: a plain-http %s is refused at start-up', (_field, server) => {
    expect(() => build({ server })).toThrow(InsecureTransportError);
    expect(() => build({ server, allowInsecureTransport: true })).not.toThrow();
  });

  it('createOAuthHandlers: a preset whose user endpoint is plain http is refused at start-up', () => {
    const preset = definePreset({ id: 'x', server: SERVER, user: { url: `${insecure}/me` } });
    expect(() => build({ provider: preset })).toThrow(InsecureTransportError);
  });

  it('createOAuthHandlers: a GitHub preset on another host over plain http is refused; loopback is not', () => {
    const remote = githubProvider({ baseUrl: 'https://github.example', apiUrl: insecure });
    expect(() => build({ provider: remote })).toThrow(InsecureTransportError);
    const local = githubProvider({ baseUrl: 'http://127.0.0.1:9', apiUrl: 'http://127.0.0.1:9' });
    expect(() => build({ provider: local })).not.toThrow();
  });
});
