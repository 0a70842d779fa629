/**
 * The web layer (`oauth2-session/web`, as built in dist/) on Bun, Deno and workerd: one app
 * (scenarios/web-app.ts: `createOAuthHandlers` with the sealed-cookie store and the GitHub
 * preset), bundled for a neutral platform with esbuild's default settings, served by each
 * runtime's own server (`bun run`, `deno serve`, a Worker in workerd) and driven over HTTP as
 * a browser would: login, the provider's redirect, the callback, a signed-in request.
 */
import type { DevProvider } from 'oauth2-session/dev-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../harness/ports.js';
import { CookieJar } from '../web/helpers/cookie-jar.js';
import { bundle, packageInputs, type Workspace, workspace } from './harness/package.js';
import { CLIENT, startProvider } from './harness/provider.js';
import {
  runtimeSkipReason,
  SERVER_RUNTIMES,
  type ServedApp,
  type ServerRuntime,
  serveApp,
  serveWorker,
} from './harness/runtimes.js';
import type { WebConfig } from './scenarios/web-app.js';

const RUNTIME_NAMES: Record<ServerRuntime, RegExp> = {
  bun: /^Bun\/\d/,
  deno: /^Deno\/\d/,
  workerd: /^Cloudflare-Workers$/,
};

let provider: DevProvider;
let space: Workspace;

beforeAll(async () => {
  provider = await startProvider();
  space = await workspace();
});

afterAll(async () => {
  await provider?.close();
  await space?.remove();
});

/** Bundles the app for `runtime` and serves it there. */
async function serveOn(runtime: ServerRuntime): Promise<ServedApp> {
  const appOrigin = `http://127.0.0.1:${await freePort()}`;
  const config: WebConfig = {
    ...CLIENT,
    providerOrigin: provider.origin,
    appOrigin,
    sessionSecret: 'runtime-suite-session-secret-0123456789',
  };
  const bundled = await bundle({
    entry: runtime === 'bun' ? 'web-bun.ts' : 'web-fetch.ts',
    platform: 'neutral',
    config,
    workspace: space,
    out: `web-${runtime}.mjs`,
  });
  expect(packageInputs(bundled)).toEqual(
    expect.arrayContaining(['dist/web/index.js', 'dist/web/cookie-codec.js', 'dist/index.js']),
  );
  if (runtime === 'workerd') return serveWorker(bundled.path, appOrigin);
  return serveApp(runtime, bundled.path, appOrigin, space);
}

describe.each(SERVER_RUNTIMES)('the web layer on %s', (runtime) => {
  const skip = runtimeSkipReason(runtime);
  let app: ServedApp;

  beforeAll(async () => {
    if (!skip) app = await serveOn(runtime);
  }, 60_000);

  afterAll(async () => {
    await app?.stop();
  });

  it.skipIf(skip)('createOAuthHandlers: login, callback and a signed-in request', async () => {
    const jar = new CookieJar();
    const send = async (path: string) => {
      const response = await app.fetch(path, { headers: { cookie: jar.header() } });
      jar.applyResponse(response);
      return response;
    };

    const login = await send('/login');
    expect(login.status).toBe(302);
    const authorize = new URL(login.headers.get('location') ?? '');
    expect(authorize.origin + authorize.pathname).toBe(provider.authorizeUrl);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${app.origin}/callback`);
    const transaction = login.headers.getSetCookie();
    expect(transaction).toHaveLength(1);
    expect(transaction[0]).toMatch(/; Max-Age=\d+; Path=\/; HttpOnly; SameSite=Lax$/);

    // The provider approves at once and sends the browser back to the app's callback.
    const approved = await fetch(authorize, { redirect: 'manual' });
    await approved.body?.cancel();
    const callbackUrl = new URL(approved.headers.get('location') ?? '');
    expect(callbackUrl.origin + callbackUrl.pathname).toBe(`${app.origin}/callback`);

    const callback = await send(callbackUrl.pathname + callbackUrl.search);
    await callback.body?.cancel();
    expect(callback.status).toBe(302);
    expect(callback.headers.get('location')).toBe('/');
    // Two Set-Cookie lines, kept apart by the runtime's server: the session set, the
    // transaction cookie expired; the browser is left with the session alone.
    expect(callback.headers.getSetCookie()).toHaveLength(2);
    expect([...jar.cookies.keys()]).toEqual(['oauth2_session']);
    // The sealed session cookie holds the token encrypted, never in the clear.
    expect(jar.header()).not.toMatch(/gh[ou]_/);

    const profile = await send('/profile');
    expect(profile.status).toBe(200);
    expect(await profile.json()).toEqual({
      status: 200,
      login: 'octocat',
      runtime: expect.stringMatching(RUNTIME_NAMES[runtime]),
    });
  });

  it.skipIf(skip)('withClient: a visitor without a session is sent to login', async () => {
    const profile = await app.fetch('/profile');
    await profile.body?.cancel();
    expect(profile.status).toBe(302);
    expect(profile.headers.get('location')).toMatch(/\/login(\?|$)/);
  });

  it.skipIf(skip)('callback: refused in a browser that did not start the login', async () => {
    const login = await app.fetch('/login');
    await login.body?.cancel();
    const approved = await fetch(login.headers.get('location') ?? '', { redirect: 'manual' });
    await approved.body?.cancel();
    const target = new URL(approved.headers.get('location') ?? '');
    // Sent without the login's transaction cookie: the state names no login of this browser.
    const callback = await app.fetch(target.pathname + target.search);
    await callback.body?.cancel();
    expect(callback.status).toBe(400);
    expect(callback.headers.getSetCookie().some((c) => c.startsWith('oauth2_session='))).toBe(
      false,
    );
  });
});
