/**
 * Case 14 of issue 5: refresh failures (RFC 6749 section 6; RFC 9700 section 4.14 on refresh
 * token protection). A refused refresh (`invalid_grant`) ends the session once and sends the
 * user to log in, with no retry loop; a refresh that fails for a transient reason (5xx, timeout)
 * is not retried blindly, and the session keeps working until the access token really expires.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { OAuth2Session } from 'oauth2-session';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Browser,
  expectRefused,
  isSessionCookie,
  login,
  MATRIX,
  parseSetCookie,
  startTarget,
  type Target,
} from './oracle.js';

/** Access tokens that live 30 s: inside the 60 s refresh leeway, so every use refreshes first. */
const SHORT_TTL = 30;

describe.each(MATRIX)('$name', (options) => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget({
      ...options,
      expiringTokens: true,
      accessTokenTtlSeconds: SHORT_TTL,
      oidcAccessTokenTtl: SHORT_TTL,
      tokenProxy: true,
    });
  });
  afterAll(async () => {
    await target?.close();
  });

  async function loggedIn(): Promise<Browser> {
    target.proxy!.refreshMode = 'pass';
    const browser = new Browser(target);
    await login(browser);
    return browser;
  }

  /** Makes the provider refuse the session's refresh token from now on. */
  async function spendRefreshToken(browser: Browser): Promise<void> {
    if (target.dev) {
      target.dev.revokeAll();
      return;
    }
    // node-oidc-provider rotates refresh tokens: using it once elsewhere spends it.
    const token = await target.sessionToken(browser);
    const basic = Buffer.from(`${target.client.id}:${target.client.secret}`).toString('base64');
    const rotated = await fetch(target.oidc!.tokenUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${basic}`,
      },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: String(token?.['refresh_token']),
      }),
    });
    expect(rotated.status).toBe(200); // spent: the app's copy is now refused
    await rotated.body?.cancel();
  }

  test(`case 14, invalid_grant clears the session once and sends the user to log in`, async () => {
    const browser = await loggedIn();
    await spendRefreshToken(browser);
    const before = target.counts();
    const entries = await target.storeEntries();
    const first = await browser.request('/profile');
    await first.body?.cancel();
    expect(first.status).toBe(302);
    expect(first.headers.get('location')).toMatch(/^\/(\?|$)/);
    const cleared = first.headers
      .getSetCookie()
      .map(parseSetCookie)
      .filter((c) => isSessionCookie(c.name));
    expect(cleared.length).toBeGreaterThan(0);
    expect(cleared.every((c) => c.deletes)).toBe(true);
    expect(browser.sessionCookie()).toBeUndefined();
    const after = target.counts();
    expect(after.refresh - before.refresh).toBe(1); // tried once, not again
    expect(after.user - before.user).toBe(0);
    if (options.store === 'redis') expect(await target.storeEntries()).toBe(entries - 1);
    // No loop: the next visit goes to login without touching the token endpoint.
    await expectRefused(target, () => browser.request('/profile'), { loginRedirect: true });
    target.secrets.expectNoneIn(target.logs.text());
  });

  test('case 14: a refresh answered with 503 is tried once per request; the still-valid session keeps working', async () => {
    const browser = await loggedIn();
    const cookie = browser.sessionCookie();
    target.proxy!.refreshMode = '503';
    const tried = target.proxy!.refreshes;
    const before = target.counts();
    const profile = await browser.request('/profile', { headers: { accept: 'application/json' } });
    await profile.body?.cancel();
    expect(profile.status).toBe(200); // the access token is still valid for ~30 s: used as is
    expect(target.proxy!.refreshes - tried).toBe(1);
    expect(target.counts().refresh - before.refresh).toBe(0); // the provider never saw it
    expect(browser.sessionCookie()).toEqual(cookie); // session kept, unchanged
    target.proxy!.refreshMode = 'pass';
    target.secrets.expectNoneIn(target.logs.text());
  });
});

describe('case 14 (library): transient refresh failures', () => {
  let server: Server;
  let url: string;
  let refreshes = 0;
  let mode: 'hang' | '500' = 'hang';
  beforeAll(async () => {
    server = createServer((req, res) => {
      req.resume();
      if (req.url === '/token') {
        refreshes++;
        if (mode === '500') res.writeHead(500).end('oops');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  const client = (expiresInSeconds: number) =>
    new OAuth2Session({
      clientId: 'c',
      clientSecret: 's',
      token: {
        access_token: 'still-valid',
        token_type: 'Bearer',
        refresh_token: 'rt',
        expires_at: Math.floor(Date.now() / 1000) + expiresInSeconds,
      },
      autoRefreshUrl: `${url}/token`,
      timeoutMs: 200,
    });

  for (const failure of ['hang', '500'] as const) {
    test(`OAuth2Session.fetch: a refresh that ${failure === 'hang' ? 'times out' : 'gets 500'} is tried once; the valid token is used`, async () => {
      mode = failure;
      const before = refreshes;
      const response = await client(30).get(`${url}/resource`);
      expect(response.status).toBe(200);
      expect(refreshes - before).toBe(1);
    });
  }

  test('OAuth2Session.fetch: once the token has expired, the failed refresh is the error', async () => {
    mode = '500';
    const before = refreshes;
    const error = await client(-5)
      .get(`${url}/resource`)
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'OAUTH_HTTP_ERROR', status: 500 });
    expect(refreshes - before).toBe(1);
  });
});
