/**
 * Revocation at logout never follows a redirect (RFC 7009 section 2; RFC 9700 section 4.12:
 * a credential must not be carried to another origin). The example app runs GitHub-shaped (the
 * dev provider for login, its preset's revocation API on the user API's origin), and that API is
 * hostile: its revocation endpoint answers 302 or 307 to another origin. The other origin must
 * get no request at all (so neither the client secret nor the access token reaches it), and the
 * local session ends all the same.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type HostileApi, json, redirect, startHostileApi } from '../harness/hostile-api.js';
import {
  Browser,
  isSessionCookie,
  login,
  parseSetCookie,
  startTarget,
  type Target,
  type TargetOptions,
} from './oracle.js';

/**
 * The preset's revocation API exists for GitHub-shaped providers (the dev provider); both
 * adapters and both kinds of session run it.
 */
const TARGETS: readonly TargetOptions[] = [
  { name: 'express + dev provider + cookie sessions', flavour: 'express', provider: 'dev' },
  {
    name: 'hono + dev provider + redis sessions',
    flavour: 'hono',
    provider: 'dev',
    store: 'redis',
  },
];

describe.each(TARGETS)('$name', (options) => {
  let api: HostileApi;
  let other: HostileApi;
  let target: Target;

  beforeAll(async () => {
    api = await startHostileApi();
    other = await startHostileApi();
    // GitHub's preset puts the revocation API on the user API's origin: the hostile one.
    target = await startTarget({ ...options, env: { OAUTH_USER_URL: `${api.url}/user` } });
    api.route('/user', json({ login: 'octocat', id: 1 }));
  });
  afterAll(async () => {
    await target?.close();
    await api?.close();
    await other?.close();
  });

  for (const status of [302, 307]) {
    test(`regression: revocation at logout followed a redirect to another origin with the access token; a ${status} there now gets no request at that origin, and the session still ends`, async () => {
      const revocationPath = `/applications/${target.client.id}/token`;
      api.route(revocationPath, redirect(status, `${other.url}${revocationPath}`));
      other.route(revocationPath, (_req, res) => void res.writeHead(204).end());
      const browser = new Browser(target);
      await login(browser);
      const profile = await browser.request('/profile');
      await profile.body?.cancel();
      expect(profile.status, 'logged in').toBe(200);
      const revocationsBefore = api.requests.filter((r) => r.path === revocationPath).length;

      const response = await browser.request('/logout');
      await response.body?.cancel();

      expect(response.status).toBe(302);
      expect(response.headers.get('location')).toBe('/logged-out');
      // The revocation went out through the pipeline, to the configured endpoint only.
      const revocations = api.requests.filter((r) => r.path === revocationPath);
      expect(revocations.length - revocationsBefore, 'revocation attempted').toBeGreaterThan(0);
      expect(revocations.at(-1)).toMatchObject({ method: 'DELETE', credentials: true });
      expect(other.requests, 'requests at the other origin').toEqual([]);
      expect(other.connections.opened, 'connections to the other origin').toBe(0);
      // The local session is gone: its cookie deleted, its store entry removed.
      const deleted = response.headers
        .getSetCookie()
        .map(parseSetCookie)
        .filter((c) => isSessionCookie(c.name));
      expect(deleted.length, 'session cookie cleared').toBeGreaterThan(0);
      for (const cookie of deleted) expect(cookie.deletes).toBe(true);
      expect(await target.storeEntries()).toBe(0);
      const after = await browser.request('/profile', { headers: { accept: 'application/json' } });
      await after.body?.cancel();
      expect(after.status, 'no session after logout').toBe(401);
      target.secrets.expectNoneIn(target.logs.text());
    });
  }
});
