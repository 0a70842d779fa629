/**
 * Mix-up (RFC 9700 section 4.4) defended by RFC 9207 issuer identification: a callback that
 * carries another authorization server's `iss` is refused with no token request and no session
 * written. The example app behind the oracle has no issuer setting, so this runs at handler
 * level, against two dev providers: the honest one the app is configured for, and the attacker's.
 */
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { githubProvider } from 'oauth2-session/providers';
import { createOAuthHandlers, MemoryStore, type OAuthHandlers } from 'oauth2-session/web';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { CookieJar } from '../web/helpers/cookie-jar.js';
import { isSessionCookie, isTransactionCookie, parseSetCookie } from './oracle.js';

const SECRET = 'mix-up-test-session-secret-0123456789-abcdef';
const APP = 'http://127.0.0.1:5998';
const CLIENT = { clientId: 'mix-up-app', clientSecret: 'mix-up-app-secret-0123456789' };

let honest: DevProvider;
let attacker: DevProvider;
beforeAll(async () => {
  const clients = [{ ...CLIENT, redirectUris: [`${APP}/callback`] }];
  honest = await startDevProvider({ autoApprove: true, clients });
  attacker = await startDevProvider({ autoApprove: true, clients });
});
afterAll(async () => {
  await honest?.close();
  await attacker?.close();
});

/** The dev provider does not publish an issuer; its origin stands in for one. */
const issuerOf = (p: DevProvider) => p.origin;

function app(extra: { requireIssuer?: boolean | undefined } = {}) {
  const store = new MemoryStore();
  const handlers: OAuthHandlers = createOAuthHandlers({
    ...CLIENT,
    provider: githubProvider({ baseUrl: honest.origin, apiUrl: honest.origin }),
    redirectUri: `${APP}/callback`,
    session: { secrets: SECRET, store },
    issuer: issuerOf(honest),
    ...extra,
  });
  return { handlers, store };
}

const request = (path: string, jar: CookieJar) =>
  new Request(new URL(path, APP), { headers: { cookie: jar.header() } });

/** Starts a login and plays the user at the honest provider: answers the callback URL. */
async function honestCallback(handlers: OAuthHandlers, jar: CookieJar): Promise<URL> {
  const login = await handlers.login(request('/login', jar));
  jar.applyResponse(login);
  const authorize = await fetch(login.headers.get('location')!, { redirect: 'manual' });
  return new URL(authorize.headers.get('location')!);
}

const tokenCalls = () => honest.counts.token + attacker.counts.token;

/** The oracle's assertions, at handler level: a 400 error page, no token call, nothing stored. */
async function expectRefused(
  handlers: OAuthHandlers,
  store: MemoryStore,
  jar: CookieJar,
  url: URL,
) {
  const before = tokenCalls();
  const response = await handlers.callback(request(url.pathname + url.search, jar));
  const body = await response.text();
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(body).toContain('Login failed');
  expect(body).toContain('OAUTH_ISSUER_MISMATCH');
  expect(body).not.toContain(issuerOf(attacker));
  expect(tokenCalls() - before, 'token requests caused by the attack').toBe(0);
  for (const line of response.headers.getSetCookie()) {
    const cookie = parseSetCookie(line);
    if (isSessionCookie(cookie.name) || isTransactionCookie(cookie.name)) {
      expect(cookie.deletes, `${cookie.name} written by the attack`).toBe(true);
    }
  }
  expect(store.size, 'session store entries written by the attack').toBe(0);
}

describe('mix-up: the callback names another authorization server', () => {
  test("a valid code and state with the attacker's iss: refused, no token request, no session", async () => {
    const { handlers, store } = app();
    const jar = new CookieJar();
    const url = await honestCallback(handlers, jar);
    url.searchParams.set('iss', issuerOf(attacker));
    await expectRefused(handlers, store, jar, url);
  });

  test("a forged error response with the attacker's iss is not believed (issuer checked first)", async () => {
    const { handlers, store } = app();
    const jar = new CookieJar();
    const honestUrl = await honestCallback(handlers, jar);
    const url = new URL('/callback', APP);
    url.searchParams.set('error', 'access_denied');
    url.searchParams.set('state', honestUrl.searchParams.get('state')!);
    url.searchParams.set('iss', issuerOf(attacker));
    await expectRefused(handlers, store, jar, url);
  });

  test('a duplicated iss (honest and attacker): refused', async () => {
    const { handlers, store } = app();
    const jar = new CookieJar();
    const url = await honestCallback(handlers, jar);
    url.searchParams.append('iss', issuerOf(honest));
    url.searchParams.append('iss', issuerOf(attacker));
    await expectRefused(handlers, store, jar, url);
  });

  test('requireIssuer: a callback without iss is refused', async () => {
    const { handlers, store } = app({ requireIssuer: true });
    const jar = new CookieJar();
    await expectRefused(handlers, store, jar, await honestCallback(handlers, jar));
  });

  test("the honest server's iss is accepted: one token request, a session", async () => {
    const { handlers, store } = app({ requireIssuer: true });
    const jar = new CookieJar();
    const url = await honestCallback(handlers, jar);
    url.searchParams.set('iss', issuerOf(honest));
    const before = honest.counts.token;
    const response = await handlers.callback(request(url.pathname + url.search, jar));
    expect(response.status).toBe(302);
    expect(honest.counts.token - before).toBe(1);
    expect(store.size).toBe(1);
  });
});

describe('createOAuthHandlers issuer options', () => {
  test('requireIssuer without issuer is refused at start-up', () => {
    expect(() =>
      createOAuthHandlers({
        ...CLIENT,
        provider: githubProvider({ baseUrl: honest.origin, apiUrl: honest.origin }),
        session: { secrets: SECRET },
        requireIssuer: true,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_MISSING_OPTION' }));
  });
});
