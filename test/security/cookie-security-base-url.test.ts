/**
 * Secure cookies and the `__Host-` prefix followed `OAUTH_REDIRECT_URI`, not the app's own
 * address: an https deployment that left the redirect URI unset got neither, so a plain-http
 * page or a sibling subdomain could plant a session cookie (session fixation). Now they follow
 * `APP_URL` (the app's public origin, else the redirect URI's origin).
 */
import { describe, expect, test } from 'vitest';
import { readConfig } from '../../examples/github/config.js';
import {
  Browser,
  beginLogin,
  expectRefused,
  isSessionCookie,
  login,
  MATRIX,
  onApp,
  parseSetCookie,
  useTarget,
} from './oracle.js';

const APP_URL = 'https://app.example';

describe.each(MATRIX)('$name, APP_URL https', (options) => {
  const target = useTarget({ ...options, env: { APP_URL } });

  test('defect: an https app without OAUTH_REDIRECT_URI got neither Secure nor __Host- — both now follow APP_URL', async () => {
    const browser = new Browser(target);
    const { authorizeUrl } = await beginLogin(browser);
    const back = await target.authorize(authorizeUrl);
    target.secrets.add('code', new URL(back).searchParams.get('code'));
    const done = await browser.request(onApp(back));
    expect(done.status).toBe(302);
    const lines = done.headers.getSetCookie().map(parseSetCookie);
    expect(lines.some((c) => isSessionCookie(c.name))).toBe(true);
    for (const cookie of lines) {
      expect(cookie.name.startsWith('__Host-'), cookie.name).toBe(true);
      expect(cookie.attributes).toContain('secure');
    }
  });

  test('a session cookie planted without the __Host- prefix (what an http page could set) is no session', async () => {
    const attacker = new Browser(target, 'attacker');
    await login(attacker, 'hubot');
    const [, value] = attacker.sessionCookie()!;
    const victim = new Browser(target, 'victim');
    victim.cookies.set('oauth2_session', value); // planted: no prefix, so no Secure needed
    await expectRefused(target, () => victim.request('/profile'), { loginRedirect: true });
  });
});

describe('readConfig APP_URL', () => {
  test('readConfig: APP_URL is the app origin; unset, the redirect URI’s origin; neither, unset', () => {
    expect(readConfig({ APP_URL: 'https://app.example/some/path' }).appUrl).toBe(APP_URL);
    expect(readConfig({ OAUTH_REDIRECT_URI: 'https://app.example/callback' }).appUrl).toBe(APP_URL);
    const both = readConfig({
      APP_URL: 'https://app.example',
      OAUTH_REDIRECT_URI: 'http://127.0.0.1:5000/callback',
    });
    expect(both.appUrl).toBe(APP_URL);
    expect(readConfig({}).appUrl).toBeUndefined();
  });

  test('readConfig: an APP_URL that is not an absolute http(s) URL is refused with ERR_APP_URL', () => {
    for (const APP_URL of ['app.example', 'ftp://app.example']) {
      expect(() => readConfig({ APP_URL })).toThrow(
        expect.objectContaining({ name: 'TypeError', code: 'ERR_APP_URL' }),
      );
    }
  });
});
