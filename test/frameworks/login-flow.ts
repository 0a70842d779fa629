/**
 * One suite for every framework example that uses the Web handlers directly (a route takes the
 * framework's Request and returns the handlers' Response): login -> provider -> callback ->
 * profile -> logout against the dev provider, driven over HTTP with a cookie jar, on the app
 * as the framework built and serves it.
 */
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { CSRF_FIELD, getField, SessionManager } from 'oauth2-session/web';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../harness/ports.js';
import { CookieJar } from '../web/helpers/cookie-jar.js';
import type { RunningApp } from './built-app.js';

const SECRET = 'framework-example-secret-0123456789abcdef';
const SESSION_COOKIE = 'oauth2_session';
const TX_PREFIX = 'oauth2_tx_';

/** How a framework's example is built (once) and served on `origin`. */
export interface FrameworkExample {
  /** Builds the app; answers how long it took, in milliseconds. */
  build(): Promise<number>;
  /** Starts the built app's server on `port`, with `env` (the app's configuration). */
  start(port: number, env: Record<string, string>): Promise<RunningApp>;
}

async function get(url: string, jar: CookieJar, init: RequestInit = {}) {
  const response = await fetch(url, {
    redirect: 'manual',
    ...init,
    headers: { cookie: jar.header(), ...(init.headers as Record<string, string>) },
  });
  jar.applyResponse(response);
  return response;
}

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

const locationOf = (response: Response, base: string): string =>
  new URL(response.headers.get('location')!, base).href;

export function frameworkFlow(name: string, example: FrameworkExample): void {
  describe(`${name} example: the Web handlers as route handlers`, () => {
    let provider: DevProvider;
    let app: RunningApp;
    let tokenCount = 0;
    const sessions = new SessionManager({ secrets: [SECRET] });

    beforeAll(async () => {
      const built = await example.build();
      provider = await startDevProvider({ autoApprove: true });
      const port = await freePort();
      const started = performance.now();
      app = await example.start(port, {
        APP_URL: `http://127.0.0.1:${port}`,
        OAUTH_CLIENT_ID: 'dev-client-id',
        OAUTH_CLIENT_SECRET: 'dev-client-secret',
        OAUTH_AUTHORIZE_URL: provider.authorizeUrl,
        OAUTH_TOKEN_URL: provider.tokenUrl,
        OAUTH_USER_URL: provider.userUrl,
        SESSION_SECRET: SECRET,
      });
      const serving = performance.now() - started;
      console.info(`${name}: build ${seconds(built)}, start ${seconds(serving)}`);
    }, 240_000);
    afterAll(async () => {
      await app?.close();
      await provider?.close();
    });
    beforeEach(() => {
      tokenCount = provider.counts.token;
    });

    /** /login -> provider -> the callback URL (not yet requested). */
    async function startLogin(jar: CookieJar, query = ''): Promise<string> {
      const login = await get(`${app.origin}/login${query}`, jar);
      expect(login.status).toBe(302);
      expect(jar.names(TX_PREFIX)).toHaveLength(1);
      const authorize = await get(locationOf(login, app.origin), jar);
      expect(authorize.status).toBe(302);
      return locationOf(authorize, provider.origin);
    }

    async function csrfOf(jar: CookieJar): Promise<string> {
      const session = await sessions.load(
        new Request(app.origin, { headers: { cookie: jar.header() } }),
      );
      return getField(session, 'csrf')!;
    }

    it(`${name}: login -> provider -> callback -> profile answers the user JSON`, async () => {
      const jar = new CookieJar();
      const callbackUrl = await startLogin(jar, '?return_to=%2Fprofile');
      expect(callbackUrl.startsWith(`${app.origin}/callback?`)).toBe(true);
      const callback = await get(callbackUrl, jar);
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/profile');
      // The session cookie and the transaction cookie's deletion: two Set-Cookie lines kept apart.
      expect(callback.headers.getSetCookie().length).toBeGreaterThanOrEqual(2);
      expect(jar.names(TX_PREFIX)).toEqual([]);
      expect(jar.names(SESSION_COOKIE)).toEqual([SESSION_COOKIE]);
      expect(provider.counts.token).toBe(tokenCount + 1);
      const profile = await get(`${app.origin}/profile`, jar);
      expect(profile.status).toBe(200);
      expect(await profile.json()).toMatchObject({ login: 'octocat' });
    });

    it(`${name}: profile without a session: login redirect for pages, 401 for JSON`, async () => {
      const page = await get(`${app.origin}/profile?x=1`, new CookieJar());
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/login?return_to=%2Fprofile%3Fx%3D1');
      const api = await get(`${app.origin}/profile`, new CookieJar(), {
        headers: { accept: 'application/json' },
      });
      expect(api.status).toBe(401);
    });

    it(`${name}: a callback with a wrong state is a 400 page, no token asked, no session`, async () => {
      const jar = new CookieJar();
      const url = new URL(await startLogin(jar));
      url.searchParams.set('state', 'attacker-chosen-state');
      const callback = await get(url.href, jar);
      expect(callback.status).toBe(400);
      expect(callback.headers.get('content-type')).toMatch(/text\/html/);
      expect(jar.names(SESSION_COOKIE)).toEqual([]);
      expect(provider.counts.token).toBe(tokenCount);
    });

    it(`${name}: the logout form (POST with the CSRF token) ends the session`, async () => {
      const jar = new CookieJar();
      await get(await startLogin(jar), jar);
      const csrf = await csrfOf(jar);
      const logout = await get(`${app.origin}/logout`, jar, {
        method: 'POST',
        body: `${CSRF_FIELD}=${encodeURIComponent(csrf)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.origin },
      });
      expect(logout.status).toBe(302);
      expect(jar.names(SESSION_COOKIE)).toEqual([]);
      expect((await get(`${app.origin}/profile`, jar)).status).toBe(302);
    });

    it(`${name}: a logout POST without the token is refused, the session kept`, async () => {
      const jar = new CookieJar();
      await get(await startLogin(jar), jar);
      const logout = await get(`${app.origin}/logout`, jar, {
        method: 'POST',
        body: `${CSRF_FIELD}=${'x'.repeat(43)}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded', origin: app.origin },
      });
      expect(logout.status).toBe(403);
      expect((await get(`${app.origin}/profile`, jar)).status).toBe(200);
    });

    it(`${name}: GET /logout from the app itself ends the session`, async () => {
      const jar = new CookieJar();
      await get(await startLogin(jar), jar);
      const logout = await get(`${app.origin}/logout`, jar, {
        headers: { 'sec-fetch-site': 'same-origin' },
      });
      expect(logout.status).toBe(302);
      expect(logout.headers.get('location')).toBe('/');
      expect(jar.names(SESSION_COOKIE)).toEqual([]);
    });
  });
}
