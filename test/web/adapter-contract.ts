/**
 * One contract suite that every framework adapter must pass: the whole login flow
 * over real HTTP against the dev provider, and the negative callbacks, each of which must make
 * no token request and write no session.
 */
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type AppFactory, startApp, type TestApp } from './helpers/apps.js';
import { CookieJar } from './helpers/cookie-jar.js';

const SECRET = 'adapter-contract-secret-0123456789abcdef';
const SESSION_COOKIE = 'oauth2_session';
const TX_PREFIX = 'oauth2_tx_';

/** GET without following redirects, with and into a cookie jar. */
async function get(url: string, jar: CookieJar, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    redirect: 'manual',
    headers: { cookie: jar.header(), ...headers },
  });
  jar.applyResponse(response);
  return response;
}

/** Absolute Location of a redirect. */
const locationOf = (response: Response, base: string): string =>
  new URL(response.headers.get('location')!, base).href;

/** Whether a response writes a non-empty session cookie. */
const writesSession = (response: Response): boolean =>
  response.headers
    .getSetCookie()
    .some((c) => c.startsWith(SESSION_COOKIE) && !/max-age=0/i.test(c));

export function adapterContract(name: string, factory: AppFactory): void {
  describe(`${name} adapter contract`, () => {
    let provider: DevProvider;
    let app: TestApp;

    beforeAll(async () => {
      provider = await startDevProvider({ autoApprove: true });
      app = await startApp(
        factory,
        {
          clientId: 'dev-client-id',
          clientSecret: 'dev-client-secret',
          authorizeUrl: provider.authorizeUrl,
          tokenUrl: provider.tokenUrl,
          scope: ['read:user'],
          session: { secrets: SECRET },
          loginPath: '/login',
        },
        provider.userUrl,
      );
    });
    afterAll(async () => {
      await app?.close();
      await provider?.close();
    });

    let tokenCount: number;
    beforeEach(() => {
      tokenCount = provider.counts.token;
    });

    /** /login -> provider -> callback URL (not yet requested). */
    async function startLogin(jar: CookieJar, query = ''): Promise<string> {
      const login = await get(`${app.origin}/login${query}`, jar);
      expect(login.status).toBe(302);
      const authorize = await get(locationOf(login, app.origin), jar);
      expect(authorize.status).toBe(302);
      return locationOf(authorize, provider.origin);
    }

    it('login -> provider -> callback -> profile answers the user JSON', async () => {
      const jar = new CookieJar();
      const callbackUrl = await startLogin(jar, '?return_to=%2Fprofile');
      expect(callbackUrl.startsWith(`${app.origin}/callback?`)).toBe(true);
      expect(jar.names(TX_PREFIX)).toHaveLength(1);
      const callback = await get(callbackUrl, jar);
      expect(callback.status).toBe(302);
      expect(callback.headers.get('location')).toBe('/profile');
      expect(callback.headers.get('referrer-policy')).toBe('no-referrer');
      expect(callback.headers.get('cache-control')).toBe('no-store');
      expect(jar.names(TX_PREFIX)).toEqual([]);
      expect(jar.names(SESSION_COOKIE)).toEqual([SESSION_COOKIE]);
      expect(provider.counts.token).toBe(tokenCount + 1);
      const profile = await get(`${app.origin}/profile`, jar);
      expect(profile.status).toBe(200);
      expect(await profile.json()).toMatchObject({ login: 'octocat' });
    });

    it('login sets an HttpOnly, SameSite=Lax transaction cookie and sends PKCE S256', async () => {
      const jar = new CookieJar();
      const login = await get(`${app.origin}/login`, jar);
      const [cookie] = login.headers.getSetCookie();
      expect(cookie).toMatch(/^oauth2_tx_[A-Za-z0-9_-]{22}=v1\./);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Lax/);
      expect(cookie).toMatch(/Max-Age=600/);
      const authorize = new URL(login.headers.get('location')!);
      expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.origin}/callback`);
    });

    it('a POSTed callback reaches the callback handler through the router (form_post route)', async () => {
      const jar = new CookieJar();
      const callbackUrl = new URL(await startLogin(jar));
      const posted = await fetch(`${app.origin}/callback`, {
        method: 'POST',
        redirect: 'manual',
        headers: {
          cookie: jar.header(),
          'content-type': 'application/x-www-form-urlencoded',
          origin: 'null',
        },
        body: callbackUrl.searchParams.toString(),
      });
      // This login did not ask for form_post, so the handler (not a 404) refuses the form.
      expect(posted.status).toBe(400);
      expect(await posted.text()).toContain('callback_method_refused');
      expect(writesSession(posted)).toBe(false);
      expect(provider.counts.token).toBe(tokenCount);
    });

    it('a return_to that leaves the origin falls back to /', async () => {
      const jar = new CookieJar();
      const callback = await get(await startLogin(jar, '?return_to=%2F%2Fevil.example'), jar);
      expect(callback.headers.get('location')).toBe('/');
    });

    it('several tabs can log in at once', async () => {
      const jar = new CookieJar();
      const first = await startLogin(jar, '?return_to=%2Fa');
      const second = await startLogin(jar, '?return_to=%2Fb');
      expect(jar.names(TX_PREFIX)).toHaveLength(2);
      const b = await get(second, jar);
      expect(b.headers.get('location')).toBe('/b');
      const a = await get(first, jar);
      expect(a.headers.get('location')).toBe('/a');
      expect(jar.names(TX_PREFIX)).toEqual([]);
      expect(provider.counts.token).toBe(tokenCount + 2);
    });

    it('profile without a session: login redirect for pages, 401 for JSON', async () => {
      const page = await get(`${app.origin}/profile?x=1`, new CookieJar());
      expect(page.status).toBe(302);
      expect(page.headers.get('location')).toBe('/login?return_to=%2Fprofile%3Fx%3D1');
      const api = await get(`${app.origin}/profile`, new CookieJar(), {
        accept: 'application/json',
      });
      expect(api.status).toBe(401);
    });

    it('logout clears the session', async () => {
      const jar = new CookieJar();
      await get(await startLogin(jar), jar);
      expect(jar.names(SESSION_COOKIE)).toHaveLength(1);
      const logout = await get(`${app.origin}/logout`, jar);
      expect(logout.status).toBe(302);
      expect(logout.headers.get('location')).toBe('/');
      expect(jar.names(SESSION_COOKIE)).toEqual([]);
      expect((await get(`${app.origin}/profile`, jar)).status).toBe(302);
    });

    it('a Host or X-Forwarded-Host header does not change the redirect URI', async () => {
      const login = await get(`${app.origin}/login`, new CookieJar(), {
        'x-forwarded-host': 'evil.example',
      });
      const authorize = new URL(login.headers.get('location')!);
      expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.origin}/callback`);
    });

    describe('negative callbacks: no token request, no session written', () => {
      /** Asserts the callback failed with `status`, asked no token, wrote no session. */
      async function expectRefused(response: Response, status: number) {
        expect(response.status).toBe(status);
        expect(response.headers.get('content-type')).toMatch(/text\/html/);
        expect(writesSession(response)).toBe(false);
        expect(provider.counts.token).toBe(tokenCount);
      }

      it('without state', async () => {
        const jar = new CookieJar();
        const url = new URL(await startLogin(jar));
        url.searchParams.delete('state');
        await expectRefused(await get(url.href, jar), 400);
      });

      it('with a wrong state', async () => {
        const jar = new CookieJar();
        const url = new URL(await startLogin(jar));
        url.searchParams.set('state', 'attacker-chosen-state');
        await expectRefused(await get(url.href, jar), 400);
      });

      it('replayed with the same transaction cookie', async () => {
        const jar = new CookieJar();
        const url = await startLogin(jar);
        const before = jar.clone();
        expect((await get(url, jar)).status).toBe(302);
        tokenCount = provider.counts.token;
        const replay = await get(url, before);
        await expectRefused(replay, 400);
        expect(await replay.text()).toContain('already used');
      });

      it('replayed after the cookie was deleted', async () => {
        const jar = new CookieJar();
        const url = await startLogin(jar);
        await get(url, jar);
        tokenCount = provider.counts.token;
        const { cookies } = jar;
        for (const n of [...cookies.keys()]) cookies.delete(n);
        await expectRefused(await get(url, jar), 400);
      });

      it('without the transaction cookie', async () => {
        const url = await startLogin(new CookieJar());
        await expectRefused(await get(url, new CookieJar()), 400);
      });

      it('with error=access_denied: 403, transaction cookie deleted', async () => {
        const jar = new CookieJar();
        const url = new URL(await startLogin(jar));
        url.searchParams.delete('code');
        url.searchParams.set('error', 'access_denied');
        url.searchParams.set('error_description', '<script>alert(1)</script>');
        const response = await get(url.href, jar);
        await expectRefused(response, 403);
        const html = await response.text();
        expect(html).toContain('access_denied');
        expect(html).not.toContain('<script>');
        expect(jar.names(TX_PREFIX)).toEqual([]);
      });

      it('with a tampered transaction cookie', async () => {
        const jar = new CookieJar();
        const url = await startLogin(jar);
        const [txName] = jar.names(TX_PREFIX);
        const value = jar.cookies.get(txName!)!;
        jar.cookies.set(txName!, `${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`);
        await expectRefused(await get(url, jar), 400);
      });

      it('with a tampered session cookie, profile is logged out and asks nothing', async () => {
        const jar = new CookieJar();
        await get(await startLogin(jar), jar);
        tokenCount = provider.counts.token;
        const users = provider.counts.user;
        const value = jar.cookies.get(SESSION_COOKIE)!;
        jar.cookies.set(
          SESSION_COOKIE,
          `${value.slice(0, -2)}${value.endsWith('AA') ? 'BB' : 'AA'}`,
        );
        const profile = await get(`${app.origin}/profile`, jar);
        expect(profile.status).toBe(302);
        expect(writesSession(profile)).toBe(false);
        expect(provider.counts.user).toBe(users);
        expect(provider.counts.token).toBe(tokenCount);
      });
    });
  });
}
