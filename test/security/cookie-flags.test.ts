/**
 * Case 13 of issue 5: cookie attributes and the referrer policy. Login transaction and session
 * cookies are HttpOnly, SameSite=Lax, Path=/; on https (an https redirect URI) also Secure with
 * the `__Host-` prefix (no Domain). The callback answers `Referrer-Policy: no-referrer`, so the
 * code in its URL is not sent onward (RFC 9700 section 4.2.4).
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Browser,
  beginLogin,
  isSessionCookie,
  isTransactionCookie,
  MATRIX,
  onApp,
  parseSetCookie,
  startTarget,
  type Target,
} from './oracle.js';

const HTTPS_CALLBACK = 'https://app.example/callback';

for (const https of [false, true]) {
  describe.each(MATRIX)(`$name, ${https ? 'https' : 'http'}`, (options) => {
    let target: Target;
    beforeAll(async () => {
      target = await startTarget({ ...options, ...(https ? { redirectUri: HTTPS_CALLBACK } : {}) });
    });
    afterAll(async () => {
      await target?.close();
    });

    function expectFlags(line: string) {
      const cookie = parseSetCookie(line);
      expect(cookie.attributes).toContain('httponly');
      expect(cookie.attributes).toContain('samesite=lax');
      expect(cookie.attributes).toContain('path=/');
      expect(cookie.attributes.some((a) => a.startsWith('domain='))).toBe(false);
      expect(cookie.attributes.includes('secure')).toBe(https);
      expect(cookie.name.startsWith('__Host-')).toBe(https);
    }

    test(`case 13, transaction and session cookies carry the right flags`, async () => {
      const browser = new Browser(target);
      const start = await browser.request('/');
      const txLines = start.headers
        .getSetCookie()
        .filter((l) => isTransactionCookie(parseSetCookie(l).name));
      expect(txLines).toHaveLength(1);
      expectFlags(txLines[0]!);
      expect(start.headers.get('referrer-policy')).toBe('no-referrer');

      const authorizeUrl = start.headers.get('location')!;
      const back = await target.authorize(authorizeUrl);
      expect(back.startsWith(target.callbackUrl)).toBe(true);
      const done = await browser.request(onApp(back));
      expect(done.status).toBe(302);
      expect(done.headers.get('referrer-policy')).toBe('no-referrer');
      const lines = done.headers.getSetCookie();
      const session = lines.filter((l) => isSessionCookie(parseSetCookie(l).name));
      expect(session.length).toBeGreaterThan(0);
      for (const line of lines) expectFlags(line);
    });

    test('case 13: the callback error page has no-referrer too', async () => {
      const browser = new Browser(target);
      const { state } = await beginLogin(browser);
      const page = await browser.request(
        `/callback?${new URLSearchParams({ state, error: 'access_denied' })}`,
      );
      expect(page.status).toBe(403);
      expect(page.headers.get('referrer-policy')).toBe('no-referrer');
      expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
      await page.body?.cancel();
    });
  });
}
