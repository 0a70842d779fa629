/**
 * start(): what the example app prints, and how the environment shapes its authorize redirect
 * (no browser; the apps run in-process on free ports).
 */
import { afterEach, describe, expect, test, vi } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';

const SESSION_SECRET = `${'s'.repeat(20)}never-printed-secret`;
const CLIENT_SECRET = 'client-secret-never-printed';
const PROVIDER = 'http://127.0.0.1:9'; // never contacted: only the redirect is inspected

afterEach(() => {
  vi.restoreAllMocks();
});

function capture() {
  const log = vi.spyOn(console, 'log').mockImplementation(() => {});
  const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  const printed = () => [...log.mock.calls, ...warn.mock.calls].map((c) => c.join(' ')).join('\n');
  return { log, warn, printed };
}

async function authorizeRedirect(url: string): Promise<URL> {
  const response = await fetch(`${url}/`, { redirect: 'manual' });
  expect(response.status).toBe(302);
  return new URL(response.headers.get('location') ?? '');
}

describe.each([
  ['express', startExpress],
  ['hono', startHono],
])('%s start()', (_name, start) => {
  test('start(): with no client id, one line names the URL to open and the built-in provider', async () => {
    const out = capture();
    const app = await start({ PORT: '0', SESSION_SECRET });
    try {
      expect(out.log).toHaveBeenCalledTimes(1);
      expect(String(out.log.mock.calls[0]?.[0])).toContain(`open ${app.url}/`);
      expect(String(out.log.mock.calls[0]?.[0])).toContain('built-in dev provider');
      expect(out.warn).not.toHaveBeenCalled();
      expect(out.printed()).not.toContain(SESSION_SECRET);
      // The in-process provider knows the app's callback: / leads to its authorize endpoint.
      const location = await authorizeRedirect(app.url);
      expect(location.pathname).toBe('/login/oauth/authorize');
    } finally {
      await app.close();
    }
  });

  test('start(): without SESSION_SECRET it warns once that a random secret is used', async () => {
    const out = capture();
    const app = await start({ PORT: '0' });
    await app.close();
    expect(out.warn).toHaveBeenCalledTimes(1);
    expect(String(out.warn.mock.calls[0]?.[0])).toContain('SESSION_SECRET');
  });

  test('start(): a configured provider gets client_id and scope, and no redirect_uri unless set', async () => {
    const out = capture();
    const env = {
      PORT: '0',
      SESSION_SECRET,
      OAUTH_CLIENT_ID: 'configured-client',
      OAUTH_CLIENT_SECRET: CLIENT_SECRET,
      OAUTH_AUTHORIZE_URL: `${PROVIDER}/authorize`,
      OAUTH_TOKEN_URL: `${PROVIDER}/token`,
      OAUTH_USER_URL: `${PROVIDER}/user`,
      OAUTH_SCOPE: 'read:user user:email',
    };
    const app = await start(env);
    try {
      const location = await authorizeRedirect(app.url);
      expect(location.origin + location.pathname).toBe(`${PROVIDER}/authorize`);
      expect(location.searchParams.get('client_id')).toBe('configured-client');
      expect(location.searchParams.get('scope')).toBe('read:user user:email');
      expect(location.searchParams.has('redirect_uri')).toBe(false);
      expect(location.searchParams.get('code_challenge_method')).toBe('S256');
      expect(out.printed()).not.toContain(CLIENT_SECRET);
    } finally {
      await app.close();
    }
    const withRedirect = await start({
      ...env,
      OAUTH_REDIRECT_URI: 'http://127.0.0.1:5000/callback',
    });
    try {
      const location = await authorizeRedirect(withRedirect.url);
      expect(location.searchParams.get('redirect_uri')).toBe('http://127.0.0.1:5000/callback');
    } finally {
      await withRedirect.close();
    }
  });

  test('start(): /profile without a session redirects to /', async () => {
    capture();
    const app = await start({ PORT: '0', SESSION_SECRET });
    try {
      const response = await fetch(`${app.url}/profile`, { redirect: 'manual' });
      expect(response.status).toBe(302);
      expect(new URL(response.headers.get('location') ?? '', app.url).pathname).toBe('/');
    } finally {
      await app.close();
    }
  });
});
