/**
 * Logout only at the user's own request: a GET from another site (Fetch Metadata) is refused,
 * a POST must come from the app's origin with the session's CSRF token; a refusal is a 403
 * page, the session untouched and nothing revoked.
 */
import type { Token } from 'oauth2-session';
import {
  CSRF_FIELD,
  CSRF_HEADER,
  csrfToken,
  getField,
  logoutForm,
  type OAuthHandlers,
  type OAuthHandlersOptions,
  Session,
} from 'oauth2-session/web';
import { describe, expect, it } from 'vitest';
import type { CookieJar } from './helpers/cookie-jar.js';
import { loggedInJar, offlineHandlers, recordingFetch } from './helpers/logged-in.js';

const SECRET = 'logout-csrf-secret-0123456789-abcdefghij';
const APP = 'https://app.example';
const CSRF = 'c'.repeat(43);
const token: Token = { access_token: 'at-logout-csrf', token_type: 'Bearer' };

function setup(extra: Partial<OAuthHandlersOptions> = {}) {
  const revocations = recordingFetch(() => new Response(null, { status: 200 }));
  const handlers = offlineHandlers(revocations.fetch, {
    appUrl: APP,
    session: { secrets: SECRET },
    logger: { warn: () => {} },
    ...extra,
  });
  return { handlers, calls: revocations.calls };
}

const get = (jar: CookieJar, headers: Record<string, string> = {}) =>
  new Request(`${APP}/logout`, { headers: { cookie: jar.header(), ...headers } });

const post = (jar: CookieJar, body: string, headers: Record<string, string> = {}) =>
  new Request(`${APP}/logout`, {
    method: 'POST',
    body,
    headers: {
      cookie: jar.header(),
      'content-type': 'application/x-www-form-urlencoded',
      origin: APP,
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
  });

async function expectRefusedLogout(handlers: OAuthHandlers, request: Request, calls: unknown[]) {
  const response = await handlers.logout(request);
  expect(response.status).toBe(403);
  expect(response.headers.get('content-type')).toMatch(/^text\/html/);
  expect(response.headers.getSetCookie()).toEqual([]);
  expect(await response.text()).toContain('Logout refused');
  expect(calls).toEqual([]);
}

async function stillLoggedIn(handlers: OAuthHandlers, jar: CookieJar) {
  const session = await handlers.sessions.load(get(jar));
  expect(getField(session, 'token')).toEqual(token);
}

describe('createOAuthHandlers logout: GET and Fetch Metadata', () => {
  it.each(['cross-site', 'same-site', 'something-new'])(
    'createOAuthHandlers logout: a GET with Sec-Fetch-Site: %s is a 403 page, the session untouched, nothing revoked',
    async (site) => {
      const { handlers, calls } = setup();
      const jar = await loggedInJar(handlers, token, CSRF);
      await expectRefusedLogout(handlers, get(jar, { 'sec-fetch-site': site }), calls);
      await stillLoggedIn(handlers, jar);
    },
  );

  it.each([
    ['same-origin', { 'sec-fetch-site': 'same-origin' }],
    ['none (a typed URL)', { 'sec-fetch-site': 'none' }],
    ['no header (a client that is not a browser)', {}],
  ])('createOAuthHandlers logout: a GET with %s logs out and revokes', async (_, headers) => {
    const { handlers, calls } = setup();
    const jar = await loggedInJar(handlers, token, CSRF);
    const response = await handlers.logout(get(jar, headers));
    expect(response.status).toBe(302);
    expect(response.headers.getSetCookie().join()).toMatch(/Max-Age=0/);
    expect(calls).toHaveLength(1);
  });

  it('createOAuthHandlers logout: the refusal page links back to the logout path (a same-origin click logs out)', async () => {
    const { handlers } = setup();
    const jar = await loggedInJar(handlers, token, CSRF);
    const page = await handlers.logout(get(jar, { 'sec-fetch-site': 'cross-site' }));
    const html = await page.text();
    expect(html).toContain('href="/logout"');
    expect(html).not.toContain(CSRF);
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });
});

describe('createOAuthHandlers logout: POST with a CSRF token', () => {
  it('createOAuthHandlers logout: a POST from the app with the session’s token logs out', async () => {
    const { handlers, calls } = setup();
    const jar = await loggedInJar(handlers, token, CSRF);
    const response = await handlers.logout(post(jar, `${CSRF_FIELD}=${CSRF}`));
    expect(response.status).toBe(302);
    expect(calls).toHaveLength(1);
  });

  it('createOAuthHandlers logout: the token in the x-csrf-token header works too', async () => {
    const { handlers, calls } = setup();
    const jar = await loggedInJar(handlers, token, CSRF);
    const response = await handlers.logout(post(jar, '', { [CSRF_HEADER]: CSRF }));
    expect(response.status).toBe(302);
    expect(calls).toHaveLength(1);
  });

  it.each([
    ['no token', ''],
    ['a wrong token', `${CSRF_FIELD}=${'d'.repeat(43)}`],
    ['a token one character short', `${CSRF_FIELD}=${CSRF.slice(1)}`],
    ['an empty token', `${CSRF_FIELD}=`],
  ])('createOAuthHandlers logout: a POST with %s is refused', async (_, body) => {
    const { handlers, calls } = setup();
    const jar = await loggedInJar(handlers, token, CSRF);
    await expectRefusedLogout(handlers, post(jar, body), calls);
    await stillLoggedIn(handlers, jar);
  });

  it.each([
    ['another origin', { origin: 'https://evil.example' }],
    ['an opaque origin', { origin: 'null' }],
    ['the http twin of the app', { origin: 'http://app.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
  ])(
    'createOAuthHandlers logout: a POST from %s is refused even with the right token',
    async (_, headers) => {
      const { handlers, calls } = setup();
      const jar = await loggedInJar(handlers, token, CSRF);
      await expectRefusedLogout(handlers, post(jar, `${CSRF_FIELD}=${CSRF}`, headers), calls);
      await stillLoggedIn(handlers, jar);
    },
  );

  it('createOAuthHandlers logout: a session without a CSRF token (an older cookie) cannot be ended by POST', async () => {
    const { handlers, calls } = setup();
    const jar = await loggedInJar(handlers, token);
    await expectRefusedLogout(handlers, post(jar, `${CSRF_FIELD}=`), calls);
  });

  it('createOAuthHandlers logout: a form body over 4 KB is not read (refused)', async () => {
    const { handlers, calls } = setup();
    const jar = await loggedInJar(handlers, token, CSRF);
    const body = `${CSRF_FIELD}=${CSRF}&pad=${'x'.repeat(5000)}`;
    await expectRefusedLogout(handlers, post(jar, body), calls);
  });

  it('createOAuthHandlers logout: a POST with no session is a redirect (nothing to end)', async () => {
    const { handlers, calls } = setup();
    const response = await handlers.logout(
      new Request(`${APP}/logout`, { method: 'POST', headers: { origin: APP } }),
    );
    expect(response.status).toBe(302);
    expect(calls).toEqual([]);
  });

  it('createOAuthHandlers logout: without appUrl the POST origin is the request URL’s (the adapter’s baseUrl)', async () => {
    const { handlers, calls } = setup({ appUrl: undefined });
    const jar = await loggedInJar(handlers, token, CSRF);
    await expectRefusedLogout(
      handlers,
      post(jar, `${CSRF_FIELD}=${CSRF}`, { origin: 'https://other.example' }),
      calls,
    );
    const ok = await handlers.logout(post(jar, `${CSRF_FIELD}=${CSRF}`));
    expect(ok.status).toBe(302);
  });
});

describe('csrfToken and logoutForm', () => {
  it('csrfToken: a session without one (an older cookie) gets one, kept in the session on commit', async () => {
    const { handlers } = setup();
    const jar = await loggedInJar(handlers, token);
    const session = await handlers.sessions.load(get(jar));
    expect(getField(session, 'csrf')).toBeUndefined();
    const made = csrfToken(session);
    expect(made).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(csrfToken(session)).toBe(made);
    const reloaded = await handlers.sessions.load(
      new Request(APP, {
        headers: {
          cookie: (await handlers.sessions.commit(session)).map((c) => c.split(';')[0]).join('; '),
        },
      }),
    );
    expect(getField(reloaded, 'csrf')).toBe(made);
  });

  it('logoutForm: a POST form to /logout with the session’s token, escaped', () => {
    const session = new Session({ csrf: 'a"b<c' }, undefined, new Map());
    const html = logoutForm(session, { action: '/sign-out?x="1"', label: '<Leave>' });
    expect(html).toContain('method="post"');
    expect(html).toContain('action="/sign-out?x=&quot;1&quot;"');
    expect(html).toContain(`name="${CSRF_FIELD}" value="a&quot;b&lt;c"`);
    expect(html).toContain('&lt;Leave&gt;');
    expect(logoutForm(session)).toContain('action="/logout"');
  });
});
