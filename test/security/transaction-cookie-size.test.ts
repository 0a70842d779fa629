/**
 * A crafted login link locked a browser out: the return path's length was checked before it was
 * percent-encoded into the login transaction's cookie, and nothing bounded that cookie. Four
 * such links and every request of that browser, a logged-in `/profile` included, answered 431
 * for the transactions' 10 minutes. Now the path is measured after encoding (an over-long one is
 * dropped for the after-login path) and the transaction cookie is bounded.
 */
import { MAX_TRANSACTION_COOKIES_BYTES } from 'oauth2-session/web';
import { describe, expect, test } from 'vitest';
import {
  Browser,
  beginLogin,
  isTransactionCookie,
  login,
  MATRIX,
  onApp,
  useTarget,
} from './oracle.js';

/**
 * Passes the raw 2048-character check and is a short enough link (the browser sends `{` as
 * is); 6 000 bytes once normalized (`{` becomes `%7B` in a path).
 */
const INFLATING = `/${'{'.repeat(2000)}`;
const CRAFTED = `/?return_to=${encodeURIComponent(INFLATING)}`;
/** Common request-header limits in front of apps (nginx, many proxies): 8 KB. */
const HEADER_LIMIT = 8 * 1024;

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  /** The victim's browser follows `n` crafted links; answers nothing, checks the oracle. */
  async function followCrafted(browser: Browser, n: number) {
    const before = target.counts();
    for (let i = 0; i < n; i++) {
      const start = await browser.request(CRAFTED);
      await start.body?.cancel();
      expect(start.status).toBe(302);
      expect(browser.cookieHeader().length).toBeLessThan(HEADER_LIMIT);
    }
    expect(target.counts()).toEqual(before); // no token or user call caused by the links
    target.secrets.expectNoneIn(target.logs.text());
  }

  for (const n of [4, 40]) {
    test(`defect: ${n} crafted login links locked a logged-in browser out with 431 — its Cookie header stays under 8 KB and /profile answers 200`, async () => {
      const victim = new Browser(target, 'victim');
      await login(victim);
      const session = victim.sessionCookie();
      await followCrafted(victim, n);
      expect(victim.sessionCookie()).toEqual(session); // no session written by the links
      const header = victim.cookieHeader();
      expect(header.length).toBeLessThan(HEADER_LIMIT);
      const pending = [...victim.cookies.keys()].filter(isTransactionCookie);
      const pendingBytes = pending.map((n) => `${n}=${victim.cookies.get(n)}`).join('; ').length;
      expect(pendingBytes).toBeLessThanOrEqual(MAX_TRANSACTION_COOKIES_BYTES);
      const profile = await victim.request('/profile');
      await profile.body?.cancel();
      expect(profile.status).toBe(200);
    });
  }

  test('a crafted link that is completed lands on the after-login path, not the inflated one', async () => {
    const browser = new Browser(target);
    const { authorizeUrl } = await beginLogin(browser, CRAFTED);
    const back = await target.authorize(authorizeUrl);
    target.secrets.add('code', new URL(back).searchParams.get('code'));
    const done = await browser.request(onApp(back));
    await done.body?.cancel();
    expect(done.status).toBe(302);
    expect(done.headers.get('location')).toBe('/profile');
  });
});
