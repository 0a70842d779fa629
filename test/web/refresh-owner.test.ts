/**
 * The handlers' one refresh owner: a refresh of a stored session is written to the store once
 * (by the coordinator), however many requests share it; sealed-cookie sessions share one
 * refresh and each response carries the new cookie.
 */

import type { Token } from 'oauth2-session';
import { githubProvider } from 'oauth2-session/providers';
import {
  createOAuthHandlers,
  MemoryStore,
  type OAuthHandlers,
  type SessionData,
  type SessionStore,
  TOKEN_KEY,
  tokenOf,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';
import { sharedDevProvider } from './helpers/dev-provider.js';

const SECRET = 'refresh-owner-test-secret-0123456789-abcdef';
const APP = 'http://127.0.0.1:5998';
const CLIENT = { clientId: 'owner-app', clientSecret: 'owner-app-secret' };

const dev = sharedDevProvider(CLIENT, APP, { expiringTokens: true });

/** A MemoryStore that counts its writes (set and replace), with or without its lock. */
class CountingStore implements SessionStore {
  readonly inner = new MemoryStore();
  writes = 0;
  readonly refreshLock: SessionStore['refreshLock'];
  constructor(withLock: boolean) {
    this.refreshLock = withLock ? this.inner.refreshLock : undefined;
  }
  get(id: string) {
    return this.inner.get(id);
  }
  set(id: string, data: SessionData, ttlSeconds: number) {
    this.writes += 1;
    return this.inner.set(id, data, ttlSeconds);
  }
  replace(id: string, data: SessionData, ttlSeconds: number) {
    this.writes += 1;
    return this.inner.replace(id, data, ttlSeconds);
  }
  delete(id: string) {
    return this.inner.delete(id);
  }
}

function handlersFor(store?: SessionStore): OAuthHandlers {
  return createOAuthHandlers({
    ...CLIENT,
    provider: githubProvider({ baseUrl: dev.provider.origin, apiUrl: dev.provider.origin }),
    redirectUri: `${APP}/callback`,
    session: { secrets: SECRET, store },
    refresh: { pollIntervalMs: 10 },
  });
}

const request = (path: string, jar: CookieJar) =>
  new Request(new URL(path, APP), { headers: { cookie: jar.header() } });

async function logIn(handlers: OAuthHandlers, jar: CookieJar): Promise<void> {
  const login = await handlers.login(request('/login', jar));
  jar.applyResponse(login);
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  jar.applyResponse(await handlers.callback(request(authorize.headers.get('location')!, jar)));
}

const profile = (handlers: OAuthHandlers, jar: CookieJar) =>
  handlers.withClient(request('/profile', jar), async (client) => {
    const upstream = await client.get(dev.provider.userUrl);
    return new Response(await upstream.text(), { status: upstream.status });
  });

/** Logs in and marks the stored token expired; answers the session id and the stale token. */
async function loggedInExpired(handlers: OAuthHandlers, store: CountingStore, jar: CookieJar) {
  await logIn(handlers, jar);
  const id = (await handlers.sessions.load(request('/', jar))).loadedId!;
  const data = (await store.inner.get(id))!;
  const stale = { ...tokenOf(data)!, expires_at: Math.floor(Date.now() / 1000) - 10 };
  await store.inner.set(id, { ...data, [TOKEN_KEY]: stale }, 3600);
  return { id, stale };
}

describe('createOAuthHandlers refresh owner', () => {
  it.each([
    ['with a refresh lock', true],
    ['without a refresh lock', false],
  ])(
    'withClient: one refresh of a stored session (%s) writes the store exactly once',
    async (_, lock) => {
      const store = new CountingStore(lock);
      const handlers = handlersFor(store);
      const jar = new CookieJar();
      const { id, stale } = await loggedInExpired(handlers, store, jar);
      const refreshes = dev.provider.counts.refresh;
      store.writes = 0;
      const response = await profile(handlers, jar);
      expect(response.status).toBe(200);
      expect(dev.provider.counts.refresh).toBe(refreshes + 1);
      expect(store.writes).toBe(1);
      const fresh = tokenOf(await store.get(id))!;
      expect(fresh.access_token).not.toBe(stale.access_token);
    },
  );

  it('withClient: eight concurrent requests share one refresh and one store write', async () => {
    const store = new CountingStore(true);
    const handlers = handlersFor(store);
    const jar = new CookieJar();
    await loggedInExpired(handlers, store, jar);
    const refreshes = dev.provider.counts.refresh;
    store.writes = 0;
    const responses = await Promise.all(Array.from({ length: 8 }, () => profile(handlers, jar)));
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(dev.provider.counts.refresh).toBe(refreshes + 1);
    expect(store.writes).toBe(1);
  });

  it('withClient: a route that changes the session after a refresh writes it once more, token included', async () => {
    const store = new CountingStore(true);
    const handlers = handlersFor(store);
    const jar = new CookieJar();
    const { id } = await loggedInExpired(handlers, store, jar);
    store.writes = 0;
    await handlers.withClient(request('/profile', jar), async (client, { session }) => {
      await (await client.get(dev.provider.userUrl)).text();
      session.set('theme', 'dark');
      return new Response('ok');
    });
    expect(store.writes).toBe(2);
    const data = (await store.get(id))!;
    expect(data['theme']).toBe('dark');
    expect(tokenOf(data)!.access_token).toMatch(/^ghu_/);
  });

  it('withClient: sealed-cookie sessions share one refresh; every response carries the new token', async () => {
    const handlers = handlersFor();
    const jar = new CookieJar();
    await logIn(handlers, jar);
    const session = await handlers.sessions.load(request('/', jar));
    const token = session.get<Token>(TOKEN_KEY)!;
    session.set(TOKEN_KEY, { ...token, expires_at: Math.floor(Date.now() / 1000) - 10 });
    jar.apply(await handlers.sessions.commit(session));
    const refreshes = dev.provider.counts.refresh;
    const responses = await Promise.all(Array.from({ length: 4 }, () => profile(handlers, jar)));
    expect(dev.provider.counts.refresh).toBe(refreshes + 1);
    const tokens = new Set<string>();
    for (const response of responses) {
      const next = new CookieJar().apply(response.headers.getSetCookie());
      const loaded = await handlers.sessions.load(request('/', next));
      tokens.add(tokenOf(loaded.data)!.access_token);
    }
    expect(tokens.size).toBe(1);
    expect(tokens.has(token.access_token)).toBe(false);
  });
});
