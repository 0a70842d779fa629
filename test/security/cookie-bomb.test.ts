/**
 * Beyond the 15 cases of issue 5: a cookie bomb through the login transaction. Each login start
 * sets its own transaction cookie (so several tabs can log in at once); an attacker who sends
 * the victim's browser to the login URL again and again must not be able to pile up cookies
 * until every request to the app exceeds the server's header limit (431) for 10 minutes.
 */
import { describe, expect, test } from 'vitest';
import { Browser, isTransactionCookie, login, MATRIX, useTarget } from './oracle.js';

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  test(`100 login starts leave a bounded set of transaction cookies; login still works`, async () => {
    const browser = new Browser(target);
    for (let i = 0; i < 100; i++) {
      const response = await browser.request('/');
      await response.body?.cancel();
      expect(response.status).toBe(302);
    }
    const pending = [...browser.cookies.keys()].filter(isTransactionCookie);
    expect(pending.length).toBeLessThanOrEqual(5);
    await login(browser);
    const profile = await browser.request('/profile');
    await profile.body?.cancel();
    expect(profile.status).toBe(200);
  });
});
