/**
 * Logout CSRF: any site could log a user out (and revoke their token) with a cross-site
 * top-level `GET /logout`. Now a GET runs only from the app's own pages or a typed URL
 * (Fetch Metadata), and the log-out button is a POST with the session's CSRF token from the
 * app's origin. Every forged logout goes through the oracle: a 403 page, no provider call,
 * nothing revoked, nothing written, no secret in the logs; the victim stays logged in.
 */
import { describe, expect, test } from 'vitest';
import {
  Browser,
  expectRefused,
  login,
  logoutFormToken,
  MATRIX,
  postLogout,
  useTarget,
} from './oracle.js';

const refused = { status: 403, page: 'Logout refused', revocations: 0 } as const;

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  async function loggedIn(): Promise<Browser> {
    const browser = new Browser(target, 'victim');
    await login(browser);
    return browser;
  }

  async function stillLoggedIn(browser: Browser) {
    expect(await target.sessionToken(browser)).toBeDefined();
    const profile = await browser.request('/profile');
    await profile.body?.cancel();
    expect(profile.status).toBe(200);
  }

  test('defect: any site could log a user out with a cross-site top-level GET /logout — refused', async () => {
    const victim = await loggedIn();
    await expectRefused(
      target,
      () => victim.request('/logout', { headers: { 'sec-fetch-site': 'cross-site' } }),
      refused,
    );
    await stillLoggedIn(victim);
  });

  test('a GET /logout from a sibling subdomain (same-site) is refused too', async () => {
    const victim = await loggedIn();
    await expectRefused(
      target,
      () => victim.request('/logout', { headers: { 'sec-fetch-site': 'same-site' } }),
      refused,
    );
    await stillLoggedIn(victim);
  });

  test('a cross-site POST /logout (an auto-submitted form) is refused, with or without a guessed token', async () => {
    const victim = await loggedIn();
    const forged = { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' };
    await expectRefused(target, () => postLogout(victim, 'guessed', forged), refused);
    await expectRefused(target, () => postLogout(victim, '', forged), refused);
    await stillLoggedIn(victim);
  });

  test('a POST /logout from another origin is refused even with the real token (Origin check)', async () => {
    const victim = await loggedIn();
    const token = await logoutFormToken(victim);
    // A browser that sends no Fetch Metadata: the Origin header alone says where it came from.
    await expectRefused(
      target,
      () => postLogout(victim, token, { origin: 'https://evil.example', 'sec-fetch-site': '' }),
      refused,
    );
    await stillLoggedIn(victim);
  });

  test('a same-origin POST /logout without the session’s token is refused', async () => {
    const victim = await loggedIn();
    const other = new Browser(target, 'attacker');
    await login(other, 'hubot');
    const theirs = await logoutFormToken(other);
    await expectRefused(target, () => postLogout(victim, theirs), refused);
    await stillLoggedIn(victim);
  });

  test('the log-out button (POST, same origin, the session’s token) logs out and revokes', async () => {
    const victim = await loggedIn();
    const token = await logoutFormToken(victim);
    const revocations = target.revocations!();
    const out = await postLogout(victim, token);
    await out.body?.cancel();
    expect(out.status).toBe(302);
    expect(out.headers.get('location')).toBe('/logged-out');
    expect(victim.sessionCookie()).toBeUndefined();
    if (target.providerKind === 'dev') expect(target.revocations!()).toBeGreaterThan(revocations);
    target.secrets.expectNoneIn(target.logs.text());
  });

  test('a same-origin link and a typed URL still log out with GET', async () => {
    for (const site of ['same-origin', 'none']) {
      const victim = await loggedIn();
      const out = await victim.request('/logout', { headers: { 'sec-fetch-site': site } });
      await out.body?.cancel();
      expect(out.status).toBe(302);
      expect(victim.sessionCookie()).toBeUndefined();
    }
  });
});
