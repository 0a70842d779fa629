/**
 * The `logger` and `onEvent` options: logins that succeed and fail (with the code), refreshes
 * that renew and that are refused, a wait for another process's refresh, store outages (Redis
 * names host and port), failed revocations, a 503; the same events reach `onEvent`; a pino
 * instance fits as the logger; and no token, code, state, verifier, secret, cookie value or
 * session id appears in any message or field of anything logged along the way.
 */
import { Writable } from 'node:stream';
import { OAuth2Session, type Token } from 'oauth2-session';
import { githubProvider } from 'oauth2-session/providers';
import { RedisStore } from 'oauth2-session/redis';
import {
  consoleLogger,
  createOAuthHandlers,
  type HandlerLogger,
  type Logger,
  MemoryStore,
  type OAuthEvent,
  type OAuthHandlers,
  type SessionStore,
  SessionStoreUnavailableError,
} from 'oauth2-session/web';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { freePort } from '../harness/ports.js';
import { redisAvailable, startRedis } from '../harness/redis.js';
import { CookieJar } from './helpers/cookie-jar.js';
import { sharedDevProvider } from './helpers/dev-provider.js';

const SESSION_SECRET = 'logging-test-session-secret-0123456789-abcdef';
const APP = 'http://127.0.0.1:5998';
const CLIENT = { clientId: 'logging-app', clientSecret: 'logging-app-client-secret-0123' };

const dev = sharedDevProvider(CLIENT, APP, { expiringTokens: true });

afterEach(() => {
  vi.restoreAllMocks();
});

interface Line {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: Record<string, unknown>;
  message: string;
}

/** A logger keeping every line at every level, and the values a test must never see in them. */
function recorder() {
  const lines: Line[] = [];
  const events: OAuthEvent[] = [];
  const at =
    (level: Line['level']) =>
    (fields: Record<string, unknown>, message: string): void =>
      void lines.push({ level, fields: structuredClone(fields), message });
  const logger: Required<Logger> = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
  };
  const secrets = new Set<string>([SESSION_SECRET, CLIENT.clientSecret]);
  return {
    lines,
    events,
    logger,
    onEvent: (event: OAuthEvent) => void events.push(event),
    secrets,
    /** Everything logged and every event, serialized whole. */
    dump: () => JSON.stringify({ lines, events }),
    of: (event: string) => lines.filter((line) => line.fields['event'] === event),
  };
}

type Recorder = ReturnType<typeof recorder>;

/** The secret parameters of token requests and answers (grant_type and the like are not). */
const SECRET_PARAMS = new Set([
  'code',
  'code_verifier',
  'client_secret',
  'refresh_token',
  'access_token',
  'id_token',
]);

/** A fetch that keeps every secret sent to or answered by the provider. */
function secretKeepingFetch(secrets: Set<string>): typeof fetch {
  const keep = (name: string, value: unknown) => {
    if (SECRET_PARAMS.has(name) && typeof value === 'string') secrets.add(value);
  };
  return async (input, init) => {
    if (typeof init?.body === 'string' || init?.body instanceof URLSearchParams) {
      for (const [name, value] of new URLSearchParams(String(init.body))) keep(name, value);
    }
    const authorization = new Headers(init?.headers).get('authorization');
    if (authorization) secrets.add(authorization.replace(/^\S+ /, ''));
    const response = await fetch(input, init);
    const text = await response.clone().text();
    try {
      for (const [name, value] of Object.entries(JSON.parse(text) as Record<string, unknown>))
        keep(name, value);
    } catch {
      for (const [name, value] of new URLSearchParams(text)) keep(name, value);
    }
    return response;
  };
}

async function closedUrl(path: string): Promise<string> {
  return `http://127.0.0.1:${await freePort()}${path}`;
}

async function handlersFor(
  rec: Recorder,
  store: SessionStore | undefined,
  extra: { revocation?: string; maxWaitMs?: number } = {},
): Promise<OAuthHandlers> {
  const preset = githubProvider({ baseUrl: dev.provider.origin, apiUrl: dev.provider.origin });
  return createOAuthHandlers({
    ...CLIENT,
    provider: preset,
    // GitHub's revocation (a DELETE on its API) at a port nobody listens on: it fails.
    server: {
      ...preset.server,
      revocation_endpoint: extra.revocation ?? (await closedUrl('/applications/{client_id}/token')),
    },
    redirectUri: `${APP}/callback`,
    session: { secrets: SESSION_SECRET, store },
    refresh: { pollIntervalMs: 10, maxWaitMs: extra.maxWaitMs },
    fetch: secretKeepingFetch(rec.secrets),
    logger: rec.logger,
    onEvent: rec.onEvent,
  });
}

const request = (path: string, jar: CookieJar, init: RequestInit = {}) =>
  new Request(new URL(path, APP), { ...init, headers: { cookie: jar.header(), ...init.headers } });

/** Keeps the jar's cookie values (and the session id behind them) as secrets. */
async function keepCookies(rec: Recorder, handlers: OAuthHandlers, jar: CookieJar) {
  for (const value of jar.cookies.values()) rec.secrets.add(value);
  const session = await handlers.sessions.load(request('/', jar));
  if (session.loadedId) rec.secrets.add(session.loadedId);
  for (const value of Object.values(session.data)) {
    if (typeof value === 'string') rec.secrets.add(value);
  }
}

/** login -> provider -> callback; the state and code become secrets. */
async function logIn(rec: Recorder, handlers: OAuthHandlers, jar: CookieJar): Promise<Response> {
  const login = await handlers.login(request('/login', jar));
  jar.applyResponse(login);
  const authorizeUrl = new URL(login.headers.get('location')!);
  rec.secrets.add(authorizeUrl.searchParams.get('state')!);
  rec.secrets.add(authorizeUrl.searchParams.get('code_challenge')!);
  const authorize = await fetch(authorizeUrl, { redirect: 'manual' });
  const back = new URL(authorize.headers.get('location')!);
  for (const [, value] of back.searchParams) rec.secrets.add(value);
  await keepCookies(rec, handlers, jar);
  const callback = await handlers.callback(request(back.href, jar));
  jar.applyResponse(callback);
  await keepCookies(rec, handlers, jar);
  return callback;
}

const profile = (handlers: OAuthHandlers, jar: CookieJar, accept = 'application/json') =>
  handlers.withClient(request('/profile', jar, { headers: { accept } }), async (client) => {
    const upstream = await client.get(dev.provider.userUrl);
    return Response.json(await upstream.json());
  });

/** Marks the stored token expired (its refresh token kept), as if hours had passed. */
async function expireStored(store: MemoryStore, id: string, change: Partial<Token> = {}) {
  const data = (await store.get(id))!;
  const token = { ...(data['token'] as Token), expires_at: 1, ...change };
  await store.set(id, { ...data, token }, 3600);
}

/** Every secret kept is at least 8 characters (shorter values are words like `bearer`). */
function expectNoSecret(rec: Recorder, atLeast = 8) {
  const dump = rec.dump();
  const checked = [...rec.secrets].filter((value) => value.length >= 8);
  expect(checked.length).toBeGreaterThanOrEqual(atLeast);
  for (const secret of checked) expect(dump, `a secret value was logged`).not.toContain(secret);
}

describe('createOAuthHandlers logger and onEvent', () => {
  it('logs a login, a refresh, a refused refresh and a failed revocation, none with a secret', async () => {
    const rec = recorder();
    const store = new MemoryStore({ logger: rec.logger, onEvent: rec.onEvent });
    const handlers = await handlersFor(rec, store);
    const jar = new CookieJar();
    expect((await logIn(rec, handlers, jar)).status).toBe(302);
    expect(rec.of('oauth2.login.succeeded')).toEqual([
      {
        level: 'info',
        fields: { event: 'oauth2.login.succeeded', host: new URL(dev.provider.tokenUrl).host },
        message: `login succeeded at ${new URL(dev.provider.tokenUrl).host}`,
      },
    ]);

    const id = (await handlers.sessions.load(request('/', jar))).loadedId!;
    // What the scan below looks for includes the session's id, tokens, verifier and cookie.
    const stored = (await store.get(id))!['token'] as Token;
    for (const secret of [
      id,
      stored.access_token,
      stored.refresh_token!,
      jar.cookies.get('oauth2_session')!,
    ])
      expect(rec.secrets).toContain(secret);
    expect([...rec.secrets].some((value) => /^[\w-]{43,128}$/.test(value))).toBe(true);
    await expireStored(store, id);
    expect((await profile(handlers, jar)).status).toBe(200);
    expect(rec.of('oauth2.refresh.succeeded').map((line) => line.level)).toEqual(['info']);
    await keepCookies(rec, handlers, jar);

    await expireStored(store, id, { refresh_token: 'ghr_never-issued-refresh-token-0123' });
    rec.secrets.add('ghr_never-issued-refresh-token-0123');
    expect((await profile(handlers, jar)).status).toBe(401);
    const refused = rec.of('oauth2.refresh.failed');
    expect(refused).toHaveLength(1);
    expect(refused[0]).toMatchObject({
      level: 'warn',
      fields: { code: 'invalid_grant', final: true },
    });
    expect(refused[0]!.message).toMatch(/failed \(invalid_grant\); the session ended$/);

    const again = new CookieJar();
    await logIn(rec, handlers, again);
    const logout = await handlers.logout(request('/logout', again));
    expect(logout.status).toBe(302);
    const revocations = rec.of('oauth2.logout.revocation_failed');
    expect(revocations.map((line) => line.fields['hint'])).toEqual([
      'refresh_token',
      'access_token',
    ]);
    expect(revocations.every((line) => line.fields['code'] === 'OAUTH_NETWORK_ERROR')).toBe(true);

    // onEvent saw what the logger saw, event for event.
    expect(rec.events.map((event) => `oauth2.${event.type}`)).toEqual(
      rec.lines.map((line) => line.fields['event']),
    );
    expectNoSecret(rec);
  });

  it('logs each failed login once with its code and status: a forged state, access_denied, no transaction', async () => {
    const rec = recorder();
    const handlers = await handlersFor(rec, undefined);
    const jar = new CookieJar();
    const login = await handlers.login(request('/login', jar));
    jar.applyResponse(login);
    const state = new URL(login.headers.get('location')!).searchParams.get('state')!;
    rec.secrets.add(state);
    await keepCookies(rec, handlers, jar);

    const denied = await handlers.callback(
      request(`/callback?error=access_denied&state=${state}`, jar.clone()),
    );
    expect(denied.status).toBe(403);
    const forged = await handlers.callback(
      request(`/callback?code=forged-code-0123456789&state=${state}x`, jar.clone()),
    );
    expect(forged.status).toBe(400);
    rec.secrets.add('forged-code-0123456789');
    const none = await handlers.callback(
      request(`/callback?code=c&state=${state}`, new CookieJar()),
    );
    expect(none.status).toBe(400);

    expect(rec.of('oauth2.login.failed').map((line) => [line.level, line.message])).toEqual([
      ['warn', 'login failed: access_denied (403)'],
      ['warn', 'login failed: transaction_missing (400)'],
      ['warn', 'login failed: transaction_missing (400)'],
    ]);
    expect(rec.events.filter((event) => event.type === 'login.failed')).toEqual([
      { type: 'login.failed', code: 'access_denied', status: 403 },
      { type: 'login.failed', code: 'transaction_missing', status: 400 },
      { type: 'login.failed', code: 'transaction_missing', status: 400 },
    ]);
    // the session and client secrets, the state, the forged code and the transaction cookie
    expectNoSecret(rec, 5);
  });

  it("logs a wait for another process's refresh: how long, and that its token was adopted", async () => {
    const rec = recorder();
    const store = new MemoryStore();
    const handlers = await handlersFor(rec, store);
    const jar = new CookieJar();
    await logIn(rec, handlers, jar);
    const id = (await handlers.sessions.load(request('/', jar))).loadedId!;
    await expireStored(store, id);
    // Another process holds the lock and writes its new token a moment later.
    const owner = await store.refreshLock.acquire(`oauth2-refresh:${id}`, 10_000);
    const answered = profile(handlers, jar);
    await new Promise((resolve) => setTimeout(resolve, 60));
    // The other process's new token: a real one, from another login of the same user.
    const other = new CookieJar();
    await logIn(rec, handlers, other);
    const otherSession = await handlers.sessions.load(request('/', other));
    const data = (await store.get(id))!;
    await store.set(id, { ...data, token: otherSession.get<Token>('token') }, 3600);
    await store.refreshLock.release(`oauth2-refresh:${id}`, owner!);
    expect((await answered).status).toBe(200);
    const waits = rec.of('oauth2.refresh.waited');
    expect(waits).toHaveLength(1);
    expect(waits[0]!.level).toBe('debug');
    expect(waits[0]!.fields['outcome']).toBe('adopted');
    expect(waits[0]!.fields['waitedMs']).toBeGreaterThanOrEqual(50);
    expect(rec.of('oauth2.refresh.succeeded')).toEqual([]); // this process did not refresh
    expectNoSecret(rec);
  });

  it('a wait that outlasts maxWaitMs is a warn line (timed_out) and a 503 counted as refresh_coordination', async () => {
    const rec = recorder();
    const store = new MemoryStore();
    const handlers = await handlersFor(rec, store, { maxWaitMs: 80 });
    const jar = new CookieJar();
    await logIn(rec, handlers, jar);
    const id = (await handlers.sessions.load(request('/', jar))).loadedId!;
    await expireStored(store, id);
    // Another process holds the lock and never writes a token.
    await store.refreshLock.acquire(`oauth2-refresh:${id}`, 10_000);
    const response = await profile(handlers, jar);
    expect(response.status).toBe(503);
    expect(await response.text()).toBe('The sign-in is busy. Please try again shortly.');
    const waits = rec.of('oauth2.refresh.waited');
    expect(waits.map((line) => [line.level, line.fields['outcome']])).toEqual([
      ['warn', 'timed_out'],
    ]);
    expect(waits[0]!.fields['waitedMs']).toBeGreaterThanOrEqual(80);
    expect(rec.events.filter((event) => event.type === 'request.unavailable')).toEqual([
      { type: 'request.unavailable', cause: 'refresh_coordination' },
    ]);
    expectNoSecret(rec);
  });

  it('a store outage is a 503 (a page for a browser, text otherwise) and a debug line', async () => {
    const rec = recorder();
    const down = new SessionStoreUnavailableError('redis unavailable: econnrefused');
    const broken: SessionStore = {
      get: () => Promise.reject(down),
      set: () => Promise.reject(down),
      delete: () => Promise.reject(down),
    };
    // A session cookie naming a stored session, then the store goes down.
    const jar = new CookieJar();
    await logIn(rec, await handlersFor(recorder(), new MemoryStore()), jar);
    const handlers = await handlersFor(rec, broken);
    const page = await profile(handlers, jar, 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(page.status).toBe(503);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(await page.text()).toContain('Session storage is unavailable.');
    const text = await profile(handlers, jar);
    expect(text.status).toBe(503);
    expect(text.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(rec.of('oauth2.request.unavailable')).toEqual([
      {
        level: 'debug',
        fields: { event: 'oauth2.request.unavailable', cause: 'store' },
        message: 'answered 503 (store)',
      },
      {
        level: 'debug',
        fields: { event: 'oauth2.request.unavailable', cause: 'store' },
        message: 'answered 503 (store)',
      },
    ]);
  });

  it('a pino instance is a logger: its JSON lines carry the event, the code and pino level numbers', async () => {
    const written: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        written.push(...chunk.toString('utf8').split('\n').filter(Boolean));
        done();
      },
    });
    const rec = recorder();
    const handlers = createOAuthHandlers({
      ...CLIENT,
      server: {
        authorization_endpoint: dev.provider.authorizeUrl,
        token_endpoint: dev.provider.tokenUrl,
      },
      session: { secrets: SESSION_SECRET },
      logger: pino({ level: 'info' }, sink),
    });
    const jar = new CookieJar();
    await logIn(rec, handlers, jar);
    await handlers.callback(request('/callback?code=c&state=s', new CookieJar()));
    const lines = written.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(lines.map(({ level, event, msg }) => ({ level, event, msg }))).toEqual([
      {
        level: 30,
        event: 'oauth2.login.succeeded',
        msg: `login succeeded at ${new URL(dev.provider.tokenUrl).host}`,
      },
      { level: 40, event: 'oauth2.login.failed', msg: 'login failed: transaction_missing (400)' },
    ]);
    for (const secret of [...rec.secrets].filter((value) => value.length >= 8))
      expect(written.join('\n')).not.toContain(secret);
  });

  it('the default logger writes warn lines to console.warn, plain, and nothing for info', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const info = vi.spyOn(console, 'info').mockImplementation(() => {});
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const handlers = createOAuthHandlers({
      ...CLIENT,
      server: {
        authorization_endpoint: dev.provider.authorizeUrl,
        token_endpoint: dev.provider.tokenUrl,
      },
      session: { secrets: SESSION_SECRET },
    });
    const rec = recorder();
    await logIn(rec, handlers, new CookieJar());
    await handlers.callback(request('/callback?code=c&state=s', new CookieJar()));
    expect(warn.mock.calls).toEqual([['login failed: transaction_missing (400)']]);
    expect(info).not.toHaveBeenCalled();
    expect(log).not.toHaveBeenCalled();
    expect(Object.keys(consoleLogger).sort()).toEqual(['error', 'warn']);
  });

  it('a warn-only HandlerLogger still works, and a logger that throws does not break a login', async () => {
    const seen: string[] = [];
    const warnOnly: HandlerLogger = { warn: (_fields, message) => void seen.push(message) };
    const throwing: Logger = {
      info: () => {
        throw new Error('log sink down');
      },
    };
    for (const logger of [warnOnly, throwing]) {
      const handlers = createOAuthHandlers({
        ...CLIENT,
        server: {
          authorization_endpoint: dev.provider.authorizeUrl,
          token_endpoint: dev.provider.tokenUrl,
        },
        session: { secrets: SESSION_SECRET },
        logger,
        onEvent: () => {
          throw new Error('metrics down');
        },
      });
      expect((await logIn(recorder(), handlers, new CookieJar())).status).toBe(302);
      await handlers.callback(request('/callback?code=c&state=s', new CookieJar()));
    }
    expect(seen).toEqual(['login failed: transaction_missing (400)']);
  });
});

describe('OAuth2Session logger', () => {
  it('refreshToken: info when renewed, warn with the code when refused, the host in both', async () => {
    const rec = recorder();
    const handlers = await handlersFor(recorder(), new MemoryStore());
    const jar = new CookieJar();
    await logIn(rec, handlers, jar);
    const token = (await handlers.sessions.load(request('/', jar))).get<Token>('token')!;
    const session = new OAuth2Session({
      ...CLIENT,
      token,
      autoRefreshUrl: dev.provider.tokenUrl,
      logger: rec.logger,
    });
    const renewed = await session.refreshToken();
    rec.secrets.add(renewed.access_token);
    rec.secrets.add(renewed.refresh_token!);
    await expect(
      session.refreshToken(undefined, { refreshToken: token.refresh_token! }),
    ).rejects.toThrow();
    const host = new URL(dev.provider.tokenUrl).host;
    expect(rec.lines.map(({ level, message }) => [level, message])).toEqual([
      ['info', `refresh at ${host}: token renewed`],
      ['warn', `refresh at ${host} failed (bad_refresh_token)`],
    ]);
    expect(rec.lines[1]!.fields).toEqual({
      event: 'oauth2.refresh.failed',
      host,
      code: 'bad_refresh_token',
    });
    expectNoSecret(rec);
  });
});

describe('MemoryStore logger', () => {
  it('MemoryStore: one warn line the first time it is full, not one per eviction', async () => {
    const rec = recorder();
    const store = new MemoryStore({ maxEntries: 2, logger: rec.logger });
    for (let i = 0; i < 5; i++) await store.set(`session-${i}-0123456789`, { n: i }, 60);
    expect(rec.lines).toEqual([
      {
        level: 'warn',
        fields: { event: 'oauth2.store.full', store: 'memory', maxEntries: 2 },
        message: 'session store: memory is full (2 sessions); the oldest are evicted',
      },
    ]);
  });
});

describe.skipIf(!redisAvailable() && process.env.CI !== 'true')('RedisStore logger', () => {
  it('RedisStore: one error line per outage naming host and port (never the password), one info line when back', async () => {
    const redis = await startRedis();
    const rec = recorder();
    const password = 'redis-password-never-logged';
    rec.secrets.add(password);
    // redis-server runs without a password; ioredis only warns that it was sent for nothing.
    const store = new RedisStore(`redis://:${password}@127.0.0.1:${redis.port}`, {
      logger: rec.logger,
      commandTimeoutMs: 300,
      maxReconnectDelayMs: 100,
    });
    try {
      await store.set('sid-0123456789', { a: 1 }, 60);
      await redis.stop();
      for (let i = 0; i < 4; i++) {
        await expect(store.get('sid-0123456789')).rejects.toBeInstanceOf(
          SessionStoreUnavailableError,
        );
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const outages = rec.of('oauth2.store.unavailable');
      expect(outages).toHaveLength(1);
      expect(outages[0]!.level).toBe('error');
      expect(outages[0]!.fields).toMatchObject({
        store: 'redis',
        host: '127.0.0.1',
        port: redis.port,
      });
      expect(outages[0]!.message).toMatch(
        new RegExp(`^session store: redis unavailable at 127\\.0\\.0\\.1:${redis.port} \\(`),
      );
      await redis.start();
      await vi.waitFor(() => expect(rec.of('oauth2.store.recovered')).toHaveLength(1), {
        timeout: 5000,
        interval: 50,
      });
      expect(rec.of('oauth2.store.recovered')[0]!.message).toBe(
        `session store: redis reachable again at 127.0.0.1:${redis.port}`,
      );
      expect(rec.dump()).not.toContain(password);
      expect(rec.dump()).not.toContain('redis://');
    } finally {
      await store.close();
      await redis.close();
    }
  });
});
