/**
 * The adversarial oracle (issue 5): the example app started in this process against a
 * recording provider (the dev provider or node-oidc-provider, both counting requests per
 * endpoint), a cookie-jar "browser" to play user and attacker, every log line of the process
 * captured, and one assertion, {@link expectRefused}, that an attack:
 *
 * - got a clear error page (or a typed refusal such as a login redirect);
 * - caused no call to the provider's token and user endpoints (or exactly the allowed ones);
 * - wrote no session cookie and no session store entry;
 * - left no token, secret, code or cookie value in the captured logs.
 */
import { randomBytes } from 'node:crypto';
import { createServer as createHttpServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { format } from 'node:util';
import { Redis } from 'ioredis';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import { readChunked, Sealer } from 'oauth2-session/web';
import { afterAll, beforeAll, expect } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import {
  completeLogin,
  type OidcProviderHandle,
  startOidcProvider,
} from '../harness/oidc-provider.js';
import { freePort } from '../harness/ports.js';
import { type RedisHandle, startRedis } from '../harness/redis.js';

export type Flavour = 'express' | 'hono';
export type ProviderKind = 'dev' | 'oidc';

/** Every log line of this process while a target runs; nothing is forwarded to the terminal. */
export class LogCapture {
  readonly lines: string[] = [];
  readonly #undo: (() => void)[] = [];

  start(): void {
    for (const method of ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const) {
      const original = console[method];
      console[method] = (...args: unknown[]) => void this.lines.push(format(...args));
      this.#undo.push(() => {
        console[method] = original;
      });
    }
    for (const stream of [process.stdout, process.stderr]) {
      const original = stream.write;
      stream.write = ((chunk: unknown) => {
        this.lines.push(String(chunk));
        return true;
      }) as typeof stream.write;
      this.#undo.push(() => {
        stream.write = original;
      });
    }
  }

  stop(): void {
    for (const undo of this.#undo.splice(0).reverse()) undo();
  }

  text(): string {
    return this.lines.join('\n');
  }
}

/**
 * Values that must never reach a log: secrets, codes, tokens, cookie values. Each has a kind,
 * used in failure messages instead of the value itself.
 */
export class Secrets {
  readonly #values = new Map<string, string>();

  add(kind: string, value: string | undefined | null): void {
    // Short values (a `1`, a user name) would match innocent text; what we guard is long.
    if (value && value.length >= 8) this.#values.set(value, kind);
  }

  /** Fails naming the kind of every secret found in `text`. */
  expectNoneIn(text: string): void {
    const leaked = [...this.#values].filter(([value]) => text.includes(value)).map(([, k]) => k);
    expect(leaked, 'secret values found in the captured logs').toEqual([]);
  }
}

/** A cookie jar that records every cookie value it sees as a secret. */
export class Browser {
  readonly cookies = new Map<string, string>();
  constructor(
    readonly target: Target,
    readonly name = 'browser',
  ) {}

  /** GET (or another method) on the app or any URL, never following redirects. */
  async request(pathOrUrl: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(pathOrUrl, this.target.appUrl);
    const headers = new Headers(init.headers);
    if (url.origin === this.target.appUrl && this.cookies.size > 0 && !headers.has('cookie')) {
      headers.set('cookie', [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; '));
    }
    const response = await fetch(url, { ...init, headers, redirect: 'manual' });
    if (url.origin === this.target.appUrl) this.store(response);
    return response;
  }

  store(response: Response): void {
    for (const line of response.headers.getSetCookie()) {
      const { name, value, deletes } = parseSetCookie(line);
      this.target.secrets.add(`cookie ${name}`, value);
      if (deletes) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  /** A copy of this browser's cookies (what an attacker who stole them holds). */
  clone(name = `${this.name}-copy`): Browser {
    const copy = new Browser(this.target, name);
    for (const [n, v] of this.cookies) copy.cookies.set(n, v);
    return copy;
  }

  /** The session cookie's name (chunk suffix removed) and whole value, when present. */
  sessionCookie(): [string, string] | undefined {
    const first = [...this.cookies.keys()].find(isSessionCookie);
    if (!first) return undefined;
    const name = first.replace(/\.\d+$/, '');
    const value = readChunked(name, this.cookies);
    return value === undefined ? undefined : [name, value];
  }

  transactionCookie(): [string, string] | undefined {
    return [...this.cookies].find(([n]) => isTransactionCookie(n));
  }

  /** The `Cookie` header this browser sends the app. */
  cookieHeader(): string {
    return [...this.cookies].map(([n, v]) => `${n}=${v}`).join('; ');
  }
}

/** The session's CSRF token, read from the log-out form of a logged-in page (`/account`). */
export async function logoutFormToken(browser: Browser, path = '/account'): Promise<string> {
  const page = await browser.request(path);
  const html = await page.text();
  expect(page.status).toBe(200);
  const token = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  expect(token, 'a log-out form with a CSRF token').toBeDefined();
  browser.target.secrets.add('csrf token', token);
  return token!;
}

/** The app's own log-out button, pressed: a same-origin POST with the form's token. */
export function postLogout(browser: Browser, token: string, headers: Record<string, string> = {}) {
  return browser.request('/logout', {
    method: 'POST',
    body: new URLSearchParams({ csrf_token: token }).toString(),
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      origin: browser.target.appUrl,
      'sec-fetch-site': 'same-origin',
      ...headers,
    },
  });
}

/** One `Set-Cookie` line, split. */
export function parseSetCookie(line: string) {
  const [pair = '', ...attributes] = line.split(';').map((s) => s.trim());
  const eq = pair.indexOf('=');
  const name = pair.slice(0, eq);
  const value = pair.slice(eq + 1);
  const lower = attributes.map((a) => a.toLowerCase());
  const deletes =
    value === '' ||
    lower.includes('max-age=0') ||
    lower.some((a) => a.startsWith('expires=') && a.includes('1970'));
  return { name, value, attributes: lower, deletes };
}

export const isSessionCookie = (name: string) => /^(__Host-)?oauth2_session/.test(name);
export const isTransactionCookie = (name: string) => /^(__Host-)?oauth2_tx_/.test(name);

/** What a running target offers the attacks. */
export interface Target {
  flavour: Flavour;
  providerKind: ProviderKind;
  appUrl: string;
  /** The redirect_uri the provider sends the browser back to (may be another origin). */
  callbackUrl: string;
  sessionSecret: string;
  /** The app's registered client. */
  client: { id: string; secret: string };
  logs: LogCapture;
  secrets: Secrets;
  dev: DevProvider | undefined;
  oidc: OidcProviderHandle | undefined;
  /** Token endpoint calls (refreshes included) and user endpoint calls so far. */
  counts(): { token: number; user: number; refresh: number };
  /**
   * Revocation requests the provider received so far (GitHub's DELETE or RFC 7009); targets
   * built by hand may leave it out.
   */
  revocations?(): number;
  /** Plays the user at the provider: answers the URL the provider redirects back to. */
  authorize(authorizeUrl: string, account?: string): Promise<string>;
  /** Session entries in the store (0 with cookie sessions). */
  storeEntries(): Promise<number>;
  /** The token in `browser`'s session (read from the sealed cookie or the store); recorded as secrets. */
  sessionToken(browser: Browser): Promise<Record<string, unknown> | undefined>;
  /** With `tokenProxy`: how the proxy in front of the token endpoint treats refresh requests. */
  proxy: TokenProxy | undefined;
  sealer: Sealer;
  close(): Promise<void>;
}

/** Options of {@link startTarget}. */
export interface TargetOptions {
  /** A title for test reports. */
  name?: string | undefined;
  flavour?: Flavour | undefined;
  provider?: ProviderKind | undefined;
  /** `cookie` (default) or `redis` (a redis-server is started for the target). */
  store?: 'cookie' | 'redis' | undefined;
  /** Dev provider options (expiring tokens and their lifetime, clock skew). */
  expiringTokens?: boolean | undefined;
  accessTokenTtlSeconds?: number | undefined;
  providerClockSkewMs?: number | undefined;
  /** node-oidc-provider access token lifetime, seconds. */
  oidcAccessTokenTtl?: number | undefined;
  /** Sent as OAUTH_REDIRECT_URI (an https one makes cookies Secure + `__Host-`). */
  redirectUri?: string | undefined;
  /** Extra environment for the app. */
  env?: Record<string, string> | undefined;
  /** Put a {@link TokenProxy} between the app and the token endpoint. */
  tokenProxy?: boolean | undefined;
  /**
   * node-oidc-provider: give the app its RFC 7009 revocation endpoint (`OAUTH_REVOCATION_URL`);
   * the dev provider's comes with the GitHub preset.
   */
  revocation?: boolean | undefined;
}

/** A proxy in front of the token endpoint that can fail refresh requests on demand. */
export interface TokenProxy {
  url: string;
  /** `pass`: forward; `503`: answer an HTML 503; `hang`: never answer. Code exchanges always pass. */
  refreshMode: 'pass' | '503' | 'hang';
  /** Refresh requests that reached the proxy (failed ones included). */
  refreshes: number;
  close(): Promise<void>;
}

async function startTokenProxy(upstream: string): Promise<TokenProxy> {
  const server: Server = createHttpServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks).toString();
    if (new URLSearchParams(body).get('grant_type') === 'refresh_token') {
      proxy.refreshes++;
      if (proxy.refreshMode === 'hang') return;
      if (proxy.refreshMode === '503') {
        res.writeHead(503, { 'content-type': 'text/html' }).end('<h1>Service Unavailable</h1>');
        return;
      }
    }
    const headers = new Headers();
    for (const name of ['authorization', 'content-type', 'accept', 'user-agent']) {
      const value = req.headers[name];
      if (typeof value === 'string') headers.set(name, value);
    }
    const answer = await fetch(upstream, { method: 'POST', headers, body, redirect: 'manual' });
    res.writeHead(answer.status, {
      'content-type': answer.headers.get('content-type') ?? 'text/plain',
    });
    res.end(await answer.text());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const proxy: TokenProxy = {
    url: `http://127.0.0.1:${port}/token`,
    refreshMode: 'pass',
    refreshes: 0,
    close: () => {
      server.closeAllConnections();
      return new Promise((r) => server.close(() => r()));
    },
  };
  return proxy;
}

const starters = { express: startExpress, hono: startHono } as const;
const DEV_USERS_ACCOUNT = 'octocat';

async function authorizeAtDev(authorizeUrl: string, account = DEV_USERS_ACCOUNT): Promise<string> {
  const url = new URL(authorizeUrl);
  url.searchParams.set('login', account);
  const response = await fetch(url, { redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || !location) {
    throw new Error(`dev provider did not redirect back (status ${response.status})`);
  }
  return location;
}

/**
 * Starts a target for the enclosing `describe` block (before its tests; closed after them). The
 * answer forwards to the running target, so the tests read `target.appUrl` and so on directly.
 */
export function useTarget(options: TargetOptions): Target {
  let running: Target | undefined;
  beforeAll(async () => {
    running = await startTarget(options);
  });
  afterAll(async () => {
    await running?.close();
  });
  return new Proxy({} as Target, {
    get(_, key) {
      if (!running) throw new Error('the target starts before the tests: use it inside a test');
      return Reflect.get(running, key);
    },
  });
}

/**
 * Starts a recording provider, (optionally) Redis, and the example app wired to them through the
 * contract's environment variables; captures logs from the start.
 */
export async function startTarget(options: TargetOptions = {}): Promise<Target> {
  const flavour = options.flavour ?? 'express';
  const providerKind = options.provider ?? 'dev';
  const logs = new LogCapture();
  const secrets = new Secrets();
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers.splice(0).reverse()) await c().catch(() => {});
    logs.stop();
  };
  logs.start();
  try {
    const sessionSecret = randomBytes(32).toString('base64url');
    const clientSecret = randomBytes(24).toString('hex');
    const clientId = `security-${providerKind}`;
    secrets.add('SESSION_SECRET', sessionSecret);
    secrets.add('client secret', clientSecret);
    const port = await freePort();
    const appUrl = `http://127.0.0.1:${port}`;
    const callbackUrl = options.redirectUri ?? `${appUrl}/callback`;
    let redis: RedisHandle | undefined;
    let raw: Redis | undefined;
    if (options.store === 'redis') {
      redis = await startRedis();
      closers.push(() => redis!.close());
      raw = new Redis(redis.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
      closers.push(async () => void raw!.disconnect());
    }
    const env: Record<string, string> = {
      PORT: String(port),
      SESSION_SECRET: sessionSecret,
      OAUTH_CLIENT_ID: clientId,
      OAUTH_CLIENT_SECRET: clientSecret,
      SESSION_STORE: redis ? redis.url : 'cookie',
      ...(options.redirectUri ? { OAUTH_REDIRECT_URI: options.redirectUri } : {}),
    };
    let dev: DevProvider | undefined;
    let oidc: OidcProviderHandle | undefined;
    if (providerKind === 'dev') {
      const skew = options.providerClockSkewMs ?? 0;
      dev = await startDevProvider({
        autoApprove: true,
        expiringTokens: options.expiringTokens ?? false,
        ...(options.accessTokenTtlSeconds
          ? { accessTokenTtlSeconds: options.accessTokenTtlSeconds }
          : {}),
        clients: [{ clientId, clientSecret, redirectUris: [callbackUrl] }],
        clock: () => Date.now() + skew,
      });
      closers.push(() => dev!.close());
      Object.assign(env, {
        OAUTH_AUTHORIZE_URL: dev.authorizeUrl,
        OAUTH_TOKEN_URL: dev.tokenUrl,
        OAUTH_USER_URL: dev.userUrl,
      });
    } else {
      oidc = await startOidcProvider({
        accessTokenTtl: options.oidcAccessTokenTtl ?? 60,
        clients: [
          {
            client_id: clientId,
            client_secret: clientSecret,
            token_endpoint_auth_method: 'client_secret_basic',
            redirect_uris: [callbackUrl],
          },
        ],
      });
      closers.push(() => oidc!.close());
      Object.assign(env, {
        OAUTH_AUTHORIZE_URL: oidc.authorizeUrl,
        OAUTH_TOKEN_URL: oidc.tokenUrl,
        OAUTH_USER_URL: oidc.userinfoUrl,
        OAUTH_REDIRECT_URI: callbackUrl,
        OAUTH_SCOPE: 'openid',
        ...(options.revocation ? { OAUTH_REVOCATION_URL: oidc.revocationUrl } : {}),
      });
    }
    let proxy: TokenProxy | undefined;
    if (options.tokenProxy) {
      proxy = await startTokenProxy(env.OAUTH_TOKEN_URL!);
      closers.push(() => proxy!.close());
      env.OAUTH_TOKEN_URL = proxy.url;
    }
    Object.assign(env, options.env);
    const sealer = new Sealer({ secrets: sessionSecret });
    const app = await starters[flavour](env, { quiet: true });
    closers.push(() => app.close());
    const target: Target = {
      flavour,
      providerKind,
      appUrl: app.url,
      callbackUrl,
      sessionSecret,
      client: { id: clientId, secret: clientSecret },
      logs,
      secrets,
      dev,
      oidc,
      counts: () =>
        dev
          ? { token: dev.counts.token, refresh: dev.counts.refresh, user: dev.counts.user }
          : {
              token: (oidc!.counts['token'] ?? 0) - (oidc!.counts['token:refresh_token'] ?? 0),
              refresh: oidc!.counts['token:refresh_token'] ?? 0,
              user: oidc!.counts['userinfo'] ?? 0,
            },
      revocations: () => (dev ? dev.counts.revoke : (oidc!.counts['revocation'] ?? 0)),
      authorize: (authorizeUrl, account) =>
        dev
          ? authorizeAtDev(authorizeUrl, account)
          : completeLogin(authorizeUrl, { account: account ?? 'alice', redirectUri: callbackUrl }),
      storeEntries: async () => (raw ? (await raw.keys('oauth2-session:sess:*')).length : 0),
      sessionToken: async (browser) => {
        const data = await sessionData(sealer, browser, raw);
        const token = data?.['token'] as Record<string, unknown> | undefined;
        for (const field of ['access_token', 'refresh_token', 'id_token']) {
          secrets.add(field, token?.[field] as string | undefined);
        }
        return token;
      },
      proxy,
      sealer,
      close,
    };
    return target;
  } catch (error) {
    await close();
    throw error;
  }
}

/** The app-side path and query of a URL the provider sent the browser to. */
export function onApp(providerRedirect: string): string {
  const url = new URL(providerRedirect);
  return `${url.pathname}${url.search}`;
}

/** Starts a login in `browser`: answers the provider's authorize URL and the state in it. */
export async function beginLogin(browser: Browser, path = '/') {
  const response = await browser.request(path);
  const location = response.headers.get('location');
  expect(response.status).toBe(302);
  expect(location).toBeTruthy();
  const authorizeUrl = new URL(location!);
  const state = authorizeUrl.searchParams.get('state')!;
  browser.target.secrets.add('state', state);
  return { authorizeUrl: authorizeUrl.href, state };
}

/** Logs in `browser` as `account`; answers the callback's response (a 302 to the return path). */
export async function login(browser: Browser, account?: string, path = '/'): Promise<Response> {
  const { authorizeUrl } = await beginLogin(browser, path);
  const back = await browser.target.authorize(authorizeUrl, account);
  browser.target.secrets.add('code', new URL(back).searchParams.get('code'));
  const response = await browser.request(onApp(back));
  expect(response.status).toBe(302);
  expect(browser.sessionCookie()).toBeDefined();
  await recordSessionToken(browser);
  return response;
}

/** The session data `browser` holds: the sealed cookie's, or the store entry it names. */
async function sessionData(
  sealer: Sealer,
  browser: Browser,
  raw: Redis | undefined,
): Promise<Record<string, unknown> | undefined> {
  const cookie = browser.sessionCookie();
  if (!cookie) return undefined;
  const opened = await sealer.unseal<Record<string, unknown>>(cookie[0], cookie[1]);
  if (opened.status !== 'ok') return undefined;
  if (!raw) return opened.data;
  const stored = await raw.get(`oauth2-session:sess:${String(opened.data['sid'])}`);
  return stored ? (JSON.parse(stored) as Record<string, unknown>) : undefined;
}

/** The token held by `browser`'s session, recorded as secrets. */
export function recordSessionToken(browser: Browser): Promise<Record<string, unknown> | undefined> {
  return browser.target.sessionToken(browser);
}

/** What an attack may still cause (a PKCE-refused exchange is one token call, say). */
export interface RefusalExpectations {
  /** Expected status (default: any 4xx or 5xx). */
  status?: number | undefined;
  /** Token endpoint calls the attack may cause. Default 0. */
  tokenCalls?: number | undefined;
  /** A login redirect instead of an error page counts as the refusal (authenticated routes). */
  loginRedirect?: boolean | undefined;
  /** Text the error page shows. Default `'Login failed'`. */
  page?: string | undefined;
  /** Revocation requests the attack may cause; unchecked when unset. */
  revocations?: number | undefined;
  /**
   * User endpoint and refresh calls the attack may cause (default 0): a stolen stateless
   * cookie presents its token to the provider, which refuses it.
   */
  userCalls?: number | undefined;
  refreshCalls?: number | undefined;
}

/**
 * Runs `attack` and asserts the oracle: a clear refusal, no (unexpected) provider call, no
 * session cookie and no store entry written, no secret in the logs. Answers the response and
 * its body text.
 */
export async function expectRefused(
  target: Target,
  attack: () => Promise<Response>,
  expectations: RefusalExpectations = {},
): Promise<{ response: Response; body: string }> {
  const before = target.counts();
  const revocations = target.revocations?.() ?? 0;
  const entries = await target.storeEntries();
  const response = await attack();
  const body = await response.text();
  if (expectations.loginRedirect) {
    expect([302, 401]).toContain(response.status);
    if (response.status === 302) {
      expect(new URL(response.headers.get('location')!, target.appUrl).origin).toBe(target.appUrl);
    }
  } else {
    if (expectations.status) expect(response.status).toBe(expectations.status);
    else expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(body).toContain(expectations.page ?? 'Login failed');
    expect(response.headers.get('cache-control')).toBe('no-store');
  }
  const after = target.counts();
  expect(after.token - before.token, 'token endpoint calls caused by the attack').toBe(
    expectations.tokenCalls ?? 0,
  );
  expect(after.refresh - before.refresh, 'refresh calls caused by the attack').toBe(
    expectations.refreshCalls ?? 0,
  );
  expect(after.user - before.user, 'user endpoint calls caused by the attack').toBe(
    expectations.userCalls ?? 0,
  );
  if (expectations.revocations !== undefined) {
    expect((target.revocations?.() ?? 0) - revocations, 'revocations caused by the attack').toBe(
      expectations.revocations,
    );
  }
  for (const line of response.headers.getSetCookie()) {
    const cookie = parseSetCookie(line);
    if (isSessionCookie(cookie.name) || isTransactionCookie(cookie.name)) {
      expect(cookie.deletes, `${cookie.name} written by the attack`).toBe(true);
    }
  }
  expect(await target.storeEntries(), 'session store entries written by the attack').toBe(entries);
  target.secrets.expectNoneIn(target.logs.text());
  return { response, body };
}

/**
 * The targets every provider-facing case runs against: both adapters, both providers, both
 * kinds of session (sealed cookie, Redis store).
 */
export const MATRIX: readonly TargetOptions[] = [
  {
    name: 'express + dev provider + cookie sessions',
    flavour: 'express',
    provider: 'dev',
    store: 'cookie',
  },
  {
    name: 'hono + node-oidc-provider + redis sessions',
    flavour: 'hono',
    provider: 'oidc',
    store: 'redis',
  },
];

export const targetName = (o: TargetOptions) =>
  `${o.flavour} app, ${o.provider === 'oidc' ? 'node-oidc-provider' : 'dev provider'}, ${o.store ?? 'cookie'} sessions`;
