/**
 * createOAuthHandlers with `openid: openidLogin()`: the nonce in the login transaction, the ID
 * token verified at the callback (a refused one sets no session), the claims accessor, refreshes
 * that bring a new ID token (claims updated; another `sub` ends the session), and logout through
 * the provider's end_session_endpoint. The provider is a fetch function (./helpers/openid-op.ts).
 */

import type { Token } from 'oauth2-session';
import { openidLogin } from 'oauth2-session/oidc';
import {
  claimsOf,
  createOAuthHandlers,
  type HandlerLogger,
  MemoryStore,
  type OAuthHandlers,
  type OAuthHandlersOptions,
  type OpenIDClaims,
  tokenOf,
} from 'oauth2-session/web';
import { beforeEach, describe, expect, it } from 'vitest';
import { CookieJar } from './helpers/cookie-jar.js';
import {
  CLIENT_ID,
  CLIENT_SECRET,
  FakeOp,
  type IdTokenOverride,
  ISSUER,
} from './helpers/openid-op.js';

const SECRET = 'openid-handlers-secret-0123456789-abcdef';
const APP = 'http://127.0.0.1:5990';
const LOGGED_OUT = `${APP}/logged-out`;

interface Setup {
  op: FakeOp;
  handlers: OAuthHandlers;
  store: MemoryStore | undefined;
  logs: string[];
  /** The clock both the handlers and the provider read; move it to expire tokens. */
  clock: { now: number };
}

async function setup(
  options: {
    store?: boolean | undefined;
    endSession?: boolean | undefined;
    revocation?: boolean | undefined;
    postLogout?: boolean | undefined;
    extra?: Partial<OAuthHandlersOptions> | undefined;
    /** Another process of the same app: its provider, store and clock. */
    sameAppAs?: Setup | undefined;
  } = {},
): Promise<Setup> {
  const other = options.sameAppAs;
  const op =
    other?.op ??
    (await FakeOp.start({ endSession: options.endSession, revocation: options.revocation }));
  const clock = other?.clock ?? { now: Date.now() };
  op.now = () => clock.now;
  const logs: string[] = [];
  const logger: HandlerLogger = { warn: (_fields, message) => void logs.push(message) };
  const store = other ? other.store : options.store ? new MemoryStore() : undefined;
  const handlers = createOAuthHandlers({
    clientId: CLIENT_ID,
    clientSecret: CLIENT_SECRET,
    server: op.server,
    redirectUri: `${APP}/callback`,
    scope: 'openid profile',
    session: { secrets: SECRET, store },
    fetch: op.fetch,
    clock: () => clock.now,
    logger,
    refresh: { pollIntervalMs: 10 },
    openid: openidLogin({
      postLogoutRedirectUri: options.postLogout === false ? undefined : LOGGED_OUT,
    }),
    ...options.extra,
  });
  return { op, handlers, store, logs, clock };
}

const request = (path: string, jar: CookieJar, init: RequestInit = {}) =>
  new Request(new URL(path, APP), { ...init, headers: { cookie: jar.header(), ...init.headers } });

/** The login redirect, applied to the jar; answers the provider's authorization URL. */
async function beginLogin(s: Setup, jar: CookieJar): Promise<URL> {
  const login = await s.handlers.login(request('/login', jar));
  expect(login.status).toBe(302);
  jar.applyResponse(login);
  return new URL(login.headers.get('location')!);
}

/** Logs in as `sub`; answers the callback Response (applied to the jar). */
async function logIn(s: Setup, jar: CookieJar, sub = 'alice'): Promise<Response> {
  const authorize = await beginLogin(s, jar);
  const callback = await s.handlers.callback(request(s.op.authorize(authorize.href, sub), jar));
  jar.applyResponse(callback);
  return callback;
}

/** A route that reads the provider's userinfo through the client and shows the claims. */
async function profile(s: Setup, jar: CookieJar): Promise<Response> {
  const response = await s.handlers.withClient(request('/profile', jar), async (client, ctx) => {
    const upstream = await client.get(`${ISSUER}/userinfo`);
    return Response.json({ userinfo: await upstream.json(), claims: ctx.claims });
  });
  jar.applyResponse(response);
  return response;
}

const sessionCookie = (jar: CookieJar) => jar.cookies.get('oauth2_session');
const HOUR_MS = 3_600_000;

describe('createOAuthHandlers({ openid }) login and callback', () => {
  let s: Setup;
  beforeEach(async () => {
    s = await setup();
  });

  it('login: the authorization URL carries a nonce (with state and PKCE), scope has openid', async () => {
    const url = await beginLogin(s, new CookieJar());
    const params = url.searchParams;
    expect(params.get('nonce')).toMatch(/^[\w-]{43}$/);
    expect(params.get('state')).toMatch(/^[\w-]{43}$/);
    expect(params.get('code_challenge_method')).toBe('S256');
    expect(params.get('scope')?.split(' ')).toEqual(['openid', 'profile']);
    const other = await beginLogin(s, new CookieJar());
    expect(other.searchParams.get('nonce')).not.toBe(params.get('nonce'));
  });

  it('login: the nonce is kept in the sealed transaction cookie, not in clear', async () => {
    const jar = new CookieJar();
    const url = await beginLogin(s, jar);
    const [name] = jar.names('oauth2_tx_');
    expect(jar.cookies.get(name!)).not.toContain(url.searchParams.get('nonce'));
  });

  it('callback: the verified claims are stored beside the token; claims() answers them', async () => {
    const jar = new CookieJar();
    const callback = await logIn(s, jar);
    expect(callback.status).toBe(302);
    const claims = await s.handlers.claims(request('/', jar));
    expect(claims).toMatchObject({ iss: ISSUER, sub: 'alice', aud: CLIENT_ID, name: 'Alice' });
    expect(typeof claims?.nonce).toBe('string');
    const session = await s.handlers.sessions.load(request('/', jar));
    expect(tokenOf(session.data)?.id_token).toMatch(/^ey/);
    expect(claimsOf(session.data)).toEqual(claims);
  });

  it('claims(): undefined without a session, or after logout', async () => {
    const jar = new CookieJar();
    expect(await s.handlers.claims(request('/', jar))).toBeUndefined();
    await logIn(s, jar);
    jar.applyResponse(await s.handlers.logout(request('/logout', jar)));
    expect(await s.handlers.claims(request('/', jar))).toBeUndefined();
  });

  it('withClient: the route context carries the claims; the client reads userinfo', async () => {
    const jar = new CookieJar();
    await logIn(s, jar);
    const response = await profile(s, jar);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { userinfo: unknown; claims: OpenIDClaims };
    expect(body.userinfo).toEqual({ sub: 'alice', email: 'alice@op.test' });
    expect(body.claims).toMatchObject({ sub: 'alice', iss: ISSUER });
  });

  it('withClient: the client is an OpenIDSession (userinfo() with its sub check)', async () => {
    const jar = new CookieJar();
    await logIn(s, jar);
    const response = await s.handlers.withClient(request('/me', jar), async (client) => {
      const rp = client as unknown as { userinfo(): Promise<unknown> };
      return Response.json(await rp.userinfo());
    });
    expect(await response.json()).toEqual({ sub: 'alice', email: 'alice@op.test' });
  });

  it('callback: a tampered transaction cookie is refused (400), no token request', async () => {
    const jar = new CookieJar();
    const authorize = await beginLogin(s, jar);
    const [name] = jar.names('oauth2_tx_');
    const value = jar.cookies.get(name!)!;
    const flipped = value.slice(0, 40) + (value[40] === 'A' ? 'B' : 'A') + value.slice(41);
    jar.cookies.set(name!, flipped);
    const callback = await s.handlers.callback(request(s.op.authorize(authorize.href), jar));
    expect(callback.status).toBe(400);
    expect(await callback.text()).toContain('transaction_invalid');
    expect(s.op.counts['token'] ?? 0).toBe(0);
    expect(callback.headers.getSetCookie().some((c) => c.startsWith('oauth2_session='))).toBe(
      false,
    );
  });

  it("callback: another login's transaction (its nonce) under this login's cookie is refused", async () => {
    const jar = new CookieJar();
    const first = await beginLogin(s, jar);
    const [firstName] = jar.names('oauth2_tx_');
    const firstValue = jar.cookies.get(firstName!)!;
    const second = await beginLogin(s, jar);
    const secondName = jar.names('oauth2_tx_').find((n) => n !== firstName)!;
    // The attacker's sealed transaction (its own state, verifier and nonce) renamed as the
    // victim's: the name is part of the seal, so it does not open.
    jar.cookies.set(secondName, firstValue);
    jar.cookies.delete(firstName!);
    const callback = await s.handlers.callback(request(s.op.authorize(second.href), jar));
    expect(callback.status).toBe(400);
    expect(s.op.counts['token'] ?? 0).toBe(0);
    expect(first.searchParams.get('nonce')).not.toBe(second.searchParams.get('nonce'));
  });

  /** A token of the right shape from `op`'s clock, for the raw (forged) cases. */
  const rightClaims = (op: FakeOp) => {
    const now = Math.floor(op.now() / 1000);
    return { iss: ISSUER, sub: 'alice', aud: CLIENT_ID, iat: now, exp: now + 60 };
  };
  const part = (v: object) => Buffer.from(JSON.stringify(v)).toString('base64url');
  type Arrange = (op: FakeOp) => IdTokenOverride | Promise<IdTokenOverride>;
  const refused: [string, Arrange, string][] = [
    ['another nonce', () => ({ claims: { nonce: 'x'.repeat(43) } }), 'nonce'],
    ['no nonce', () => ({ claims: { nonce: undefined } }), 'nonce'],
    ['another issuer', () => ({ claims: { iss: 'https://evil.test' } }), 'iss'],
    ['another audience', () => ({ claims: { aud: 'other-app' } }), 'aud'],
    ['expired', () => ({ claims: { exp: 1_000_000 } }), 'exp'],
    [
      'a signature by another key',
      async (op) => ({ raw: await op.idToken(rightClaims(op), true) }),
      'signature',
    ],
    ['alg none', (op) => ({ raw: `${part({ alg: 'none' })}.${part(rightClaims(op))}.` }), 'alg'],
  ];

  for (const [what, arrange, check] of refused) {
    it(`callback: an ID token with ${what} is an error page (400), no session, no userinfo call; the log names "${check}"`, async () => {
      const jar = new CookieJar();
      const authorize = await beginLogin(s, jar);
      s.op.nextIdToken = await arrange(s.op);
      const callback = await s.handlers.callback(request(s.op.authorize(authorize.href), jar));
      jar.applyResponse(callback);
      expect(callback.status).toBe(400);
      const page = await callback.text();
      expect(page).toContain('could not be verified');
      // No JWT of any kind on the page; the CSP nonce is random base64 and may read like one.
      expect(page.replace(/nonce="[^"]*"/g, '')).not.toMatch(/ey[\w-]{10,}/);
      expect(page).not.toContain('alice');
      expect(sessionCookie(jar)).toBeUndefined();
      expect(jar.names('oauth2_tx_')).toEqual([]); // the transaction is spent
      expect(s.op.counts['token:authorization_code']).toBe(1);
      expect(s.op.counts['userinfo'] ?? 0).toBe(0);
      expect(s.logs).toEqual([`id token refused at login: ${check}`]);
      expect(await s.handlers.claims(request('/', jar))).toBeUndefined();
      const next = await profile(s, jar);
      expect(next.status).toBe(302);
      expect(next.headers.get('location')).toBe('/login?return_to=%2Fprofile');
    });
  }

  it('withClient: a session with a token and no claims (from before openid) is not signed in', async () => {
    const plain = createOAuthHandlers({
      clientId: CLIENT_ID,
      clientSecret: CLIENT_SECRET,
      server: s.op.server,
      redirectUri: `${APP}/callback`,
      session: { secrets: SECRET },
      fetch: s.op.fetch,
    });
    const session = await plain.sessions.load(request('/', new CookieJar()));
    session.set('token', { access_token: 'at-x', token_type: 'Bearer' } satisfies Token);
    const jar = new CookieJar().apply(await plain.sessions.commit(session));
    const response = await profile(s, jar);
    expect(response.status).toBe(302);
    expect(await s.handlers.claims(request('/', jar))).toBeUndefined();
  });
});

describe('createOAuthHandlers({ openid }) refresh', () => {
  for (const kind of ['cookie', 'store'] as const) {
    describe(`${kind} sessions`, () => {
      let s: Setup;
      beforeEach(async () => {
        s = await setup({ store: kind === 'store' });
      });

      /** The stored session data behind the jar (the store's, or the sealed cookie's). */
      const stored = async (jar: CookieJar) =>
        (await s.handlers.sessions.load(request('/', jar))).data;

      it('a refresh with a new ID token (same iss and sub) updates the stored claims', async () => {
        const jar = new CookieJar();
        await logIn(s, jar);
        const before = await stored(jar);
        s.clock.now += 2 * HOUR_MS; // the access token (1 hour) has expired
        s.op.extraClaims = { name: 'Alice Renamed' };
        const response = await profile(s, jar);
        expect(response.status).toBe(200);
        expect(s.op.counts['token:refresh_token']).toBe(1);
        const body = (await response.json()) as { claims: OpenIDClaims };
        expect(body.claims).toMatchObject({ sub: 'alice', name: 'Alice Renamed' });
        const after = await stored(jar);
        expect(tokenOf(after)?.access_token).not.toBe(tokenOf(before)?.access_token);
        expect(claimsOf(after)).toMatchObject({ sub: 'alice', name: 'Alice Renamed' });
        expect(claimsOf(after)?.iat).toBeGreaterThan(claimsOf(before)!.iat);
        expect(await s.handlers.claims(request('/', jar))).toEqual(claimsOf(after));
      });

      it('a refresh without an ID token keeps the claims of the login', async () => {
        const jar = new CookieJar();
        await logIn(s, jar);
        const before = claimsOf(await stored(jar));
        s.clock.now += 2 * HOUR_MS;
        s.op.omitIdTokenOnRefresh = true;
        expect((await profile(s, jar)).status).toBe(200);
        expect(s.op.counts['token:refresh_token']).toBe(1);
        expect(claimsOf(await stored(jar))).toEqual(before);
      });

      it('concurrent requests share one refresh, and each keeps the new claims', async () => {
        const jar = new CookieJar();
        await logIn(s, jar);
        s.clock.now += 2 * HOUR_MS;
        s.op.extraClaims = { name: 'Alice Shared' };
        const responses = await Promise.all(
          Array.from({ length: 5 }, () => profile(s, jar.clone())),
        );
        expect(s.op.counts['token:refresh_token']).toBe(1);
        for (const response of responses) {
          const body = (await response.json()) as { claims: OpenIDClaims };
          expect(body.claims.name).toBe('Alice Shared');
        }
      });

      it('a refreshed ID token naming another sub ends the session: login redirect, nothing of it kept (no session hijack)', async () => {
        const jar = new CookieJar();
        await logIn(s, jar);
        const before = await stored(jar);
        s.clock.now += 2 * HOUR_MS;
        s.op.nextIdToken = { claims: { sub: 'mallory' } };
        const session = await s.handlers.sessions.load(request('/', jar));
        const response = await profile(s, jar);
        expect(response.status).toBe(302);
        expect(response.headers.get('location')).toBe('/login?return_to=%2Fprofile');
        expect(s.op.counts['token:refresh_token']).toBe(1);
        expect(s.op.counts['userinfo'] ?? 0).toBe(0); // the route never got the token
        expect(sessionCookie(jar)).toBeUndefined();
        expect(await s.handlers.claims(request('/', jar))).toBeUndefined();
        expect(s.logs).toEqual(['id token refused at refresh: refresh']);
        if (s.store) {
          expect(s.store.size).toBe(0);
          expect(await s.store.get(session.loadedId!)).toBeUndefined();
        }
        expect(claimsOf(before)?.sub).toBe('alice');
      });
    });
  }

  it('two processes sharing a store: one refresh, the new claims written with the token', async () => {
    const a = await setup({ store: true });
    const b = await setup({ sameAppAs: a });
    const jar = new CookieJar();
    await logIn(a, jar);
    a.clock.now += 2 * HOUR_MS;
    a.op.extraClaims = { name: 'Alice Everywhere' };
    const responses = await Promise.all(
      Array.from({ length: 8 }, (_, i) => profile(i % 2 ? a : b, jar.clone())),
    );
    expect(responses.map((r) => r.status)).toEqual(Array(8).fill(200));
    expect(a.op.counts['token:refresh_token']).toBe(1);
    for (const response of responses) {
      const body = (await response.json()) as { claims: OpenIDClaims };
      expect(body.claims.name).toBe('Alice Everywhere');
    }
    const id = (await a.handlers.sessions.load(request('/', jar))).loadedId!;
    expect(claimsOf(await a.store!.get(id))?.name).toBe('Alice Everywhere');
  });

  it('a refresh without an ID token keeps the last one for the logout (id_token_hint)', async () => {
    const s = await setup();
    const jar = new CookieJar();
    await logIn(s, jar);
    const first = tokenOf((await s.handlers.sessions.load(request('/', jar))).data);
    s.clock.now += 2 * HOUR_MS;
    s.op.omitIdTokenOnRefresh = true;
    expect((await profile(s, jar)).status).toBe(200);
    const refreshed = tokenOf((await s.handlers.sessions.load(request('/', jar))).data);
    expect(refreshed?.access_token).not.toBe(first?.access_token);
    expect(refreshed?.id_token).toBe(first?.id_token);
    const logout = await s.handlers.logout(request('/logout', jar));
    const hint = new URL(logout.headers.get('location')!).searchParams.get('id_token_hint');
    expect(hint).toBe(first?.id_token);
  });

  it('a refreshed ID token from another issuer or with a bad signature ends the session too', async () => {
    const arranged: ((op: FakeOp) => Promise<IdTokenOverride> | IdTokenOverride)[] = [
      () => ({ claims: { iss: 'https://evil.test' } }),
      async (op) => {
        const now = Math.floor(op.now() / 1000);
        const claims = { iss: ISSUER, sub: 'alice', aud: CLIENT_ID, iat: now, exp: now + 60 };
        return { raw: await op.idToken(claims, true) };
      },
    ];
    for (const arrange of arranged) {
      const s = await setup();
      const jar = new CookieJar();
      await logIn(s, jar);
      s.clock.now += 2 * HOUR_MS;
      s.op.nextIdToken = await arrange(s.op);
      const response = await profile(s, jar);
      expect(response.status).toBe(302);
      expect(sessionCookie(jar)).toBeUndefined();
      expect(s.op.counts['userinfo'] ?? 0).toBe(0);
    }
  });
});

describe('createOAuthHandlers({ openid }) logout', () => {
  it('logout: the app session ends, then a redirect to end_session with id_token_hint, post_logout_redirect_uri and a fresh state', async () => {
    const s = await setup({ revocation: true });
    const jar = new CookieJar();
    await logIn(s, jar);
    const idToken = tokenOf((await s.handlers.sessions.load(request('/', jar))).data)?.id_token;
    const logout = await s.handlers.logout(request('/logout', jar));
    jar.applyResponse(logout);
    expect(logout.status).toBe(302);
    const location = new URL(logout.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(`${ISSUER}/logout`);
    expect(location.searchParams.get('id_token_hint')).toBe(idToken);
    expect(location.searchParams.get('post_logout_redirect_uri')).toBe(LOGGED_OUT);
    expect(location.searchParams.get('client_id')).toBe(CLIENT_ID);
    const state = location.searchParams.get('state');
    expect(state).toMatch(/^[\w-]{43}$/);
    expect(sessionCookie(jar)).toBeUndefined();
    expect(s.op.counts['revoke']).toBe(2); // refresh token, then access token: as before
    // A second login and logout: another state.
    await logIn(s, jar);
    const again = await s.handlers.logout(request('/logout', jar));
    expect(new URL(again.headers.get('location')!).searchParams.get('state')).not.toBe(state);
  });

  it('logout: without postLogoutRedirectUri, id_token_hint only (no state)', async () => {
    const s = await setup({ postLogout: false });
    const jar = new CookieJar();
    await logIn(s, jar);
    const location = new URL(
      (await s.handlers.logout(request('/logout', jar))).headers.get('location')!,
    );
    expect(location.pathname).toBe('/logout');
    expect(location.searchParams.has('id_token_hint')).toBe(true);
    expect(location.searchParams.has('post_logout_redirect_uri')).toBe(false);
    expect(location.searchParams.has('state')).toBe(false);
  });

  it('logout: a server without end_session_endpoint lands on afterLogoutPath', async () => {
    const s = await setup({ endSession: false, extra: { afterLogoutPath: '/bye' } });
    const jar = new CookieJar();
    await logIn(s, jar);
    const logout = await s.handlers.logout(request('/logout', jar));
    expect(logout.headers.get('location')).toBe('/bye');
  });

  it('logout: with no session, no trip to the provider', async () => {
    const s = await setup();
    const logout = await s.handlers.logout(request('/logout', new CookieJar()));
    expect(logout.headers.get('location')).toBe('/');
  });

  it('logout: a refused request (another site) changes nothing and sends nobody to the provider', async () => {
    const s = await setup();
    const jar = new CookieJar();
    await logIn(s, jar);
    const logout = await s.handlers.logout(
      request('/logout', jar, { headers: { 'sec-fetch-site': 'cross-site' } }),
    );
    expect(logout.status).toBe(403);
    expect(logout.headers.get('location')).toBeNull();
    expect(await s.handlers.claims(request('/', jar))).toBeDefined();
  });
});

describe('createOAuthHandlers({ openid }) start-up checks', () => {
  it('a server without jwks_uri or issuer is refused at start-up', async () => {
    const op = await FakeOp.start();
    const base = {
      clientId: CLIENT_ID,
      session: { secrets: SECRET },
      redirectUri: `${APP}/callback`,
      openid: openidLogin(),
    };
    const { jwks_uri: _j, ...noJwks } = op.server;
    expect(() => createOAuthHandlers({ ...base, server: noJwks })).toThrow(
      expect.objectContaining({ name: 'TypeError', code: 'ERR_MISSING_OPTION' }),
    );
    const { issuer: _i, ...noIssuer } = op.server;
    expect(() => createOAuthHandlers({ ...base, server: noIssuer })).toThrow(
      expect.objectContaining({ name: 'TypeError' }),
    );
  });

  it('a postLogoutRedirectUri that is not an absolute http(s) URL is refused at start-up', async () => {
    const op = await FakeOp.start();
    for (const bad of ['/logged-out', 'javascript:alert(1)']) {
      expect(() =>
        createOAuthHandlers({
          clientId: CLIENT_ID,
          server: op.server,
          session: { secrets: SECRET },
          openid: openidLogin({ postLogoutRedirectUri: bad }),
        }),
      ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_VALUE' }));
    }
  });

  it('openid that is not an openidLogin() value is refused', () => {
    expect(() =>
      createOAuthHandlers({
        clientId: CLIENT_ID,
        server: { authorization_endpoint: `${ISSUER}/a`, token_endpoint: `${ISSUER}/t` },
        session: { secrets: SECRET },
        openid: {} as never,
      }),
    ).toThrow(expect.objectContaining({ code: 'ERR_INVALID_ARG_TYPE' }));
  });

  it('one key set per handlers: the JWK Set is fetched once for many logins', async () => {
    const s = await setup();
    for (let i = 0; i < 3; i++) await logIn(s, new CookieJar(), `user-${i}`);
    expect(s.op.counts['jwks']).toBe(1);
  });
});
