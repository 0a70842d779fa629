/**
 * createOAuthHandlers over Web Request/Response directly (no framework): server-side sessions,
 * session id rotation, store outages, auto refresh written back, refresh coordination across
 * two "processes" sharing one store, and invalid_grant ending the session once.
 */

import type { Token } from 'oauth2-session';
import { githubProvider } from 'oauth2-session/providers';
import {
  createOAuthHandlers,
  MemoryStore,
  type OAuthHandlers,
  type OAuthHandlersOptions,
  type SessionData,
  type SessionStore,
  SessionStoreUnavailableError,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';
import { sharedDevProvider } from './helpers/dev-provider.js';

const SECRET = 'handlers-test-secret-0123456789-abcdef';
const APP = 'http://127.0.0.1:5999';
const CLIENT = { clientId: 'web-app', clientSecret: 'web-app-secret' };

const dev = sharedDevProvider(CLIENT, APP, { expiringTokens: true });

function handlersFor(session: OAuthHandlersOptions['session']): OAuthHandlers {
  return createOAuthHandlers({
    ...CLIENT,
    provider: githubProvider({ baseUrl: dev.provider.origin, apiUrl: dev.provider.origin }),
    redirectUri: `${APP}/callback`,
    session,
    refresh: { pollIntervalMs: 10 },
  });
}

const request = (path: string, jar: CookieJar, init: RequestInit = {}) =>
  new Request(new URL(path, APP), { ...init, headers: { cookie: jar.header(), ...init.headers } });

/** Logs in through login -> provider -> callback; answers the callback Response. */
async function logIn(handlers: OAuthHandlers, jar: CookieJar): Promise<Response> {
  const login = await handlers.login(request('/login', jar));
  jar.applyResponse(login);
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  const callback = await handlers.callback(request(authorize.headers.get('location')!, jar));
  jar.applyResponse(callback);
  return callback;
}

/** A route reading the provider's /user through the authenticated client. */
const profile = (handlers: OAuthHandlers, jar: CookieJar) =>
  handlers.withClient(request('/profile', jar), async (client) => {
    const upstream = await client.get(dev.provider.userUrl);
    return Response.json(await upstream.json(), { status: upstream.status });
  });

/** The single session in a store, with its id. */
async function onlySession(store: MemoryStore, id: string): Promise<SessionData> {
  expect(store.size).toBe(1);
  return (await store.get(id))!;
}

/** Marks the stored token expired, as if hours had passed. */
async function expireStoredToken(store: SessionStore, id: string): Promise<Token> {
  const data = (await store.get(id))!;
  const token = { ...(data['token'] as Token), expires_at: Math.floor(Date.now() / 1000) - 10 };
  await store.set(id, { ...data, token }, 3600);
  return token;
}

/** The store id behind the jar's session cookie. */
async function sessionId(handlers: OAuthHandlers, jar: CookieJar): Promise<string> {
  return (await handlers.sessions.load(request('/', jar))).loadedId!;
}

describe('createOAuthHandlers with a server-side store', () => {
  it('callback: stores the token server-side; the cookie holds only a sealed id', async () => {
    const store = new MemoryStore();
    const handlers = handlersFor({ secrets: SECRET, store });
    const jar = new CookieJar();
    expect((await logIn(handlers, jar)).status).toBe(302);
    const cookie = jar.cookies.get('oauth2_session')!;
    expect(cookie.length).toBeLessThan(200);
    const data = await onlySession(store, await sessionId(handlers, jar));
    expect((data['token'] as Token).access_token).toMatch(/^ghu_/);
    expect(cookie).not.toContain((data['token'] as Token).access_token);
  });

  it('callback: a new session id at login, the pre-login one deleted', async () => {
    const store = new MemoryStore();
    const handlers = handlersFor({ secrets: SECRET, store });
    const jar = new CookieJar();
    await logIn(handlers, jar);
    const before = await sessionId(handlers, jar);
    await logIn(handlers, jar);
    const after = await sessionId(handlers, jar);
    expect(after).not.toBe(before);
    expect(await store.get(before)).toBeUndefined();
    expect(store.size).toBe(1);
  });

  it('logout: deletes the stored session and calls onLogout with the token', async () => {
    const store = new MemoryStore();
    const seen: string[] = [];
    const handlers = createOAuthHandlers({
      ...CLIENT,
      authorizeUrl: dev.provider.authorizeUrl,
      tokenUrl: dev.provider.tokenUrl,
      session: { secrets: SECRET, store },
      onLogout: (token) => {
        seen.push(token.access_token);
        throw new Error('revocation failed');
      },
    });
    const jar = new CookieJar();
    await logIn(handlers, jar);
    const logout = await handlers.logout(request('/logout', jar));
    expect(logout.status).toBe(302);
    expect(store.size).toBe(0);
    expect(seen).toHaveLength(1);
  });

  it('a store outage answers 503 and writes nothing (callback, logout, withClient)', async () => {
    const failing = (): never => {
      throw new SessionStoreUnavailableError('down');
    };
    const down: SessionStore = {
      get: async () => failing(),
      set: async () => failing(),
      delete: async () => failing(),
    };
    const handlers = handlersFor({ secrets: SECRET, store: down });
    const callback = await logIn(handlers, new CookieJar());
    expect(callback.status).toBe(503);
    expect(callback.headers.getSetCookie()).toEqual([]);
    // A cookie holding a valid sealed id, so that the handlers do reach the store.
    const jar = new CookieJar();
    await logIn(handlersFor({ secrets: SECRET, store: new MemoryStore() }), jar);
    const route = (r: Request) => handlers.withClient(r, async () => new Response('reached'));
    for (const handler of [handlers.logout, route]) {
      const response = await handler(request('/', jar));
      expect(response.status).toBe(503);
      expect(response.headers.getSetCookie()).toEqual([]);
      expect(await response.text()).not.toMatch(/down|reached/);
    }
  });

  it('withClient: an expired token is refreshed and written back to the store', async () => {
    const store = new MemoryStore();
    const handlers = handlersFor({ secrets: SECRET, store });
    const jar = new CookieJar();
    await logIn(handlers, jar);
    const id = await sessionId(handlers, jar);
    const stale = await expireStoredToken(store, id);
    const refreshes = dev.provider.counts.refresh;
    const response = await profile(handlers, jar);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ login: 'octocat' });
    expect(dev.provider.counts.refresh).toBe(refreshes + 1);
    const fresh = (await store.get(id))!['token'] as Token;
    expect(fresh.access_token).not.toBe(stale.access_token);
    expect(fresh.refresh_token).not.toBe(stale.refresh_token);
  });

  it('withClient: two processes, twelve concurrent requests, one refresh', async () => {
    const store = new MemoryStore();
    const processA = handlersFor({ secrets: SECRET, store });
    const processB = handlersFor({ secrets: SECRET, store });
    const jar = new CookieJar();
    await logIn(processA, jar);
    await expireStoredToken(store, await sessionId(processA, jar));
    const refreshes = dev.provider.counts.refresh;
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => profile(i % 2 ? processA : processB, jar)),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(200));
    expect(dev.provider.counts.refresh).toBe(refreshes + 1);
  });

  it('withClient: a refused refresh ends the session once and redirects to login', async () => {
    const store = new MemoryStore();
    const processA = handlersFor({ secrets: SECRET, store });
    const processB = handlersFor({ secrets: SECRET, store });
    const jar = new CookieJar();
    await logIn(processA, jar);
    await expireStoredToken(store, await sessionId(processA, jar));
    dev.provider.revokeAll();
    const refreshes = dev.provider.counts.refresh;
    const responses = await Promise.all(
      Array.from({ length: 6 }, (_, i) => profile(i % 2 ? processA : processB, jar)),
    );
    for (const response of responses) {
      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/login?return_to=%2Fprofile');
    }
    expect(dev.provider.counts.refresh).toBe(refreshes + 1);
    expect(store.size).toBe(0);
  });
});

describe('createOAuthHandlers with sealed-cookie sessions', () => {
  it('withClient: concurrent requests with the same expired token share one refresh', async () => {
    const handlers = handlersFor({ secrets: SECRET });
    const jar = new CookieJar();
    await logIn(handlers, jar);
    const session = await handlers.sessions.load(request('/', jar));
    const token = session.get<Token>('token')!;
    session.set('token', { ...token, expires_at: Math.floor(Date.now() / 1000) - 10 });
    jar.apply(await handlers.sessions.commit(session));
    const refreshes = dev.provider.counts.refresh;
    const responses = await Promise.all(Array.from({ length: 5 }, () => profile(handlers, jar)));
    expect(responses.map((r) => r.status)).toEqual(Array(5).fill(200));
    expect(dev.provider.counts.refresh).toBe(refreshes + 1);
    const written = responses[0]!.headers.getSetCookie();
    expect(written.some((c) => c.startsWith('oauth2_session='))).toBe(true);
  });

  it('createOAuthHandlers: missing options are TypeErrors with a code', () => {
    expect(() =>
      createOAuthHandlers({ clientId: 'x', tokenUrl: 'http://t', session: { secrets: SECRET } }),
    ).toThrow(expect.objectContaining({ code: 'ERR_MISSING_OPTION' }));
    expect(() =>
      createOAuthHandlers({
        clientId: 'x',
        authorizeUrl: 'https://a.example/authorize',
        tokenUrl: 'https://a.example/token',
        session: { secrets: 'short' },
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_SECRET_TOO_SHORT' }));
  });

  it('secure: an https redirectUri gives __Host- Secure cookies', async () => {
    const handlers = createOAuthHandlers({
      ...CLIENT,
      authorizeUrl: dev.provider.authorizeUrl,
      tokenUrl: dev.provider.tokenUrl,
      redirectUri: 'https://app.example/callback',
      session: { secrets: SECRET },
    });
    const login = await handlers.login(new Request('https://app.example/login'));
    const [cookie] = login.headers.getSetCookie();
    expect(cookie).toMatch(/^__Host-oauth2_tx_/);
    expect(cookie).toMatch(/; Secure/);
    expect(handlers.sessions.cookieName).toBe('__Host-oauth2_session');
  });
});
