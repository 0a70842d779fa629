/**
 * Cases 4 and 5 of issue 5: authorization code injection (RFC 9700 sections 2.1.1 and 4.5) and
 * tokens smuggled into the callback (implicit-flow injection, RFC 9700 section 2.1.2).
 */
import { MissingCodeError, readAuthorizationResponse } from 'oauth2-session';
import { describe, expect, test } from 'vitest';
import {
  Browser,
  beginLogin,
  expectRefused,
  MATRIX,
  onApp,
  recordSessionToken,
  useTarget,
} from './oracle.js';

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  test(`case 4, a code stolen from another login fails PKCE at the token endpoint; no session`, async () => {
    // The attacker's own login yields a code bound to the attacker's PKCE verifier.
    const attacker = new Browser(target, 'attacker');
    const own = await beginLogin(attacker);
    const stolen = new URL(await target.authorize(own.authorizeUrl)).searchParams.get('code')!;
    target.secrets.add('stolen code', stolen);
    // The victim's login is under way; the code is injected into the victim's callback.
    const victim = new Browser(target, 'victim');
    const { state } = await beginLogin(victim);
    const injected = `/callback?${new URLSearchParams({ code: stolen, state })}`;
    // One exchange is attempted (with the victim's verifier), refused by the provider, never retried.
    const { body } = await expectRefused(target, () => victim.request(injected), {
      status: 400,
      tokenCalls: 1,
    });
    expect(body).toContain('did not accept');
    expect(victim.sessionCookie()).toBeUndefined();
  });

  test('case 5: access_token / id_token in the callback query (no code) are refused before any token call', async () => {
    for (const smuggled of ['access_token', 'id_token']) {
      const browser = new Browser(target);
      const { state } = await beginLogin(browser);
      const query = new URLSearchParams({
        state,
        [smuggled]: 'smuggled-token-value-0123456789',
        token_type: 'bearer',
      });
      const { body } = await expectRefused(target, () => browser.request(`/callback?${query}`), {
        status: 400,
      });
      expect(body).toContain('OAUTH_MISSING_CODE');
    }
  });

  test('case 5: a token smuggled beside a real code is ignored; the session holds the provider token', async () => {
    const browser = new Browser(target);
    const { authorizeUrl } = await beginLogin(browser);
    const back = new URL(await target.authorize(authorizeUrl));
    back.searchParams.set('access_token', 'smuggled-token-value-0123456789');
    back.searchParams.set('id_token', 'smuggled-id-token-value-0123456789');
    const response = await browser.request(onApp(back.href));
    expect(response.status).toBe(302);
    if (options.store === 'redis') {
      // Store sessions: the cookie holds only an id; the profile call proves the real token works.
      const profile = await browser.request('/profile');
      expect(profile.status).toBe(200);
    } else {
      const token = await recordSessionToken(browser);
      expect(token?.['access_token']).toBeTruthy();
      expect(token?.['access_token']).not.toContain('smuggled');
      expect(String(token?.['id_token'] ?? '')).not.toContain('smuggled');
    }
    target.secrets.expectNoneIn(target.logs.text());
  });
});

describe('case 5 (library): the callback reader never reads tokens, and never the fragment', () => {
  test('readAuthorizationResponse: a fragment-only code or token is a MissingCodeError', () => {
    const url = 'https://app.example/callback?state=s#code=c&access_token=t&id_token=i';
    expect(() => readAuthorizationResponse(url, 's')).toThrow(MissingCodeError);
  });

  test('readAuthorizationResponse: query tokens beside a code are not returned', () => {
    const url = 'https://app.example/callback?state=s&code=c&access_token=t';
    expect(readAuthorizationResponse(url, 's')).toBe('c');
  });
});
