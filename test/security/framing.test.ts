/**
 * Clickjacking: app pages sent no `frame-ancestors`, so another site could frame them (the
 * log-out button under a decoy). Every page the handlers and the example app answer now carries
 * `Content-Security-Policy: frame-ancestors 'none'` and `X-Frame-Options: DENY`.
 */
import { describe, expect, test } from 'vitest';
import { Browser, beginLogin, expectRefused, login, MATRIX, useTarget } from './oracle.js';

function expectNoFraming(response: Response, what: string) {
  expect(response.headers.get('content-security-policy'), what).toContain("frame-ancestors 'none'");
  expect(response.headers.get('x-frame-options'), what).toBe('DENY');
}

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  test('defect: app pages sent no frame-ancestors — the error pages forbid framing', async () => {
    const browser = new Browser(target);
    await beginLogin(browser);
    const params = new URLSearchParams({ state: 'forged-state-value', code: 'forged-code' });
    const forged = await expectRefused(target, () => browser.request(`/callback?${params}`), {
      status: 400,
    });
    expectNoFraming(forged.response, 'callback error page');
    const victim = new Browser(target, 'victim');
    await login(victim);
    const logout = await expectRefused(
      target,
      () => victim.request('/logout', { headers: { 'sec-fetch-site': 'cross-site' } }),
      { status: 403, page: 'Logout refused', revocations: 0 },
    );
    expectNoFraming(logout.response, 'logout refused page');
  });

  test('defect: app pages sent no frame-ancestors — the logged-in, profile and logged-out pages forbid framing', async () => {
    const browser = new Browser(target);
    await login(browser);
    for (const path of ['/account', '/profile', '/logged-out']) {
      const page = await browser.request(path);
      await page.body?.cancel();
      expect(page.status, path).toBe(200);
      expectNoFraming(page, path);
    }
    target.secrets.expectNoneIn(target.logs.text());
  });
});
