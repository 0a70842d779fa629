/**
 * Case 11 of issue 5: the session cookie tampered, truncated, mixed between users, encrypted
 * with a retired key, and replayed after logout (RFC 9700 section 4.x has no cookie rules of
 * its own; this is the client's session, RFC 6749 section 10.12's "user-agent session"). Each
 * forged cookie must read as "no session": a login redirect, no provider call, nothing written.
 */
import { Sealer } from 'oauth2-session/web';
import { describe, expect, test } from 'vitest';
import { Browser, expectRefused, login, MATRIX, useTarget } from './oracle.js';

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  async function loggedIn(account?: string): Promise<Browser> {
    const browser = new Browser(target);
    await login(browser, account);
    const profile = await browser.request('/profile');
    expect(profile.status).toBe(200);
    await profile.body?.cancel();
    return browser;
  }

  /** `browser` with its session cookie replaced by `value`. */
  function forged(browser: Browser, value: string, name?: string): Browser {
    const copy = new Browser(target, 'attacker');
    const [sessionName] = browser.sessionCookie()!;
    copy.cookies.set(name ?? sessionName, value);
    return copy;
  }

  const profileOf = (b: Browser) => () => b.request('/profile');

  test(`case 11, a tampered session cookie is no session`, async () => {
    const browser = await loggedIn();
    const [, value] = browser.sessionCookie()!;
    for (const at of [5, Math.floor(value.length / 2), value.length - 2]) {
      const flipped = value.slice(0, at) + (value[at] === 'A' ? 'B' : 'A') + value.slice(at + 1);
      await expectRefused(target, profileOf(forged(browser, flipped)), { loginRedirect: true });
    }
  });

  test('case 11: a truncated session cookie is no session', async () => {
    const browser = await loggedIn();
    const [, value] = browser.sessionCookie()!;
    for (const length of [0, 10, value.length - 1, value.length - 20]) {
      await expectRefused(target, profileOf(forged(browser, value.slice(0, length))), {
        loginRedirect: true,
      });
    }
  });

  test("case 11: pieces of two users' cookies swapped together, or a cookie under another name, are no session", async () => {
    const a = await loggedIn();
    const b = await loggedIn();
    const [name, va] = a.sessionCookie()!;
    const [, vb] = b.sessionCookie()!;
    const [pa, pb] = [va.split('.'), vb.split('.')];
    const mixed = [pa[0], pa[1], pa[2], pb[3]].join('.'); // A's iv with B's ciphertext
    await expectRefused(target, profileOf(forged(a, mixed)), { loginRedirect: true });
    // A login transaction cookie (sealed with the same key) presented as the session cookie.
    const tx = new Browser(target);
    await tx.request('/');
    const [, txValue] = tx.transactionCookie()!;
    await expectRefused(target, profileOf(forged(a, txValue, name)), { loginRedirect: true });
  });

  test('case 11: a session sealed with a retired key (not in the key set) is no session', async () => {
    const browser = await loggedIn();
    const [name, value] = browser.sessionCookie()!;
    const opened = await target.sealer.unseal(name, value);
    expect(opened.status).toBe('ok');
    const retired = new Sealer({ secrets: 'retired-session-secret-0123456789abcdef' });
    const old = await retired.seal(name, opened.status === 'ok' ? opened.data : null, 3600);
    await expectRefused(target, profileOf(forged(browser, old)), { loginRedirect: true });
  });

  if (options.store === 'redis') {
    test('case 11: a session cookie replayed after logout is no session (store sessions)', async () => {
      const browser = await loggedIn();
      const stolen = browser.clone('attacker');
      const out = await browser.request('/logout');
      expect(out.status).toBe(302);
      await expectRefused(target, profileOf(stolen), { loginRedirect: true });
    });
  } else {
    test('case 11: a cookie-session copy replayed after logout: the seal still opens, the token was revoked', async () => {
      // Cookie sessions are stateless: logout cannot recall a copy (SECURITY.md, known limits).
      // The example app revokes the token at logout on GitHub-shaped providers, so the copy's
      // token is refused at the provider and the app sends the holder to log in.
      const browser = await loggedIn();
      const stolen = browser.clone('attacker');
      const revokes = target.dev?.counts.revoke ?? 0;
      await browser.request('/logout');
      expect(browser.sessionCookie()).toBeUndefined();
      expect(target.dev?.counts.revoke).toBe(revokes + 1);
      expect(await target.sessionToken(stolen)).toBeDefined();
      const replay = await stolen.request('/profile');
      await replay.body?.cancel();
      expect(replay.status).toBe(302);
      expect(replay.headers.get('location')).toBe('/');
      target.secrets.expectNoneIn(target.logs.text());
    });
  }
});
