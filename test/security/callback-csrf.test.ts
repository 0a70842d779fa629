/**
 * Cases 1-3 of issue 5: forged, replayed and expired callbacks (CSRF, RFC 9700 section 2.1 and
 * 4.7; RFC 6749 section 10.12), login CSRF from another browser, and provider error answers.
 * Every attack goes through the oracle: error page, no token/user call, nothing written, no
 * secret in the logs.
 */
import { Sealer } from 'oauth2-session/web';
import { describe, expect, test } from 'vitest';
import { Browser, beginLogin, expectRefused, MATRIX, onApp, useTarget } from './oracle.js';

describe.each(MATRIX)('$name', (options) => {
  const target = useTarget(options);

  /** A login begun in `browser` and approved at the provider: the real callback, not yet sent. */
  async function approved(browser: Browser) {
    const { authorizeUrl, state } = await beginLogin(browser);
    const back = new URL(await target.authorize(authorizeUrl));
    target.secrets.add('code', back.searchParams.get('code'));
    return { back, state, code: back.searchParams.get('code')! };
  }

  const callback = (params: Record<string, string> | [string, string][]) =>
    `/callback?${new URLSearchParams(params).toString()}`;

  test(`case 1, callback without state is refused`, async () => {
    const browser = new Browser(target);
    const { code } = await approved(browser);
    await expectRefused(target, () => browser.request(callback({ code })), { status: 400 });
  });

  test('case 1: callback with a wrong state is refused', async () => {
    const browser = new Browser(target);
    const { code } = await approved(browser);
    await expectRefused(
      target,
      () => browser.request(callback({ code, state: 'forged-state-value' })),
      {
        status: 400,
      },
    );
  });

  test('case 1: a replayed callback (same URL, same transaction cookie) is refused', async () => {
    const browser = new Browser(target);
    const { back } = await approved(browser);
    const attacker = browser.clone('attacker'); // kept the transaction cookie before it was spent
    const first = await browser.request(onApp(back.href));
    expect(first.status).toBe(302);
    const { body } = await expectRefused(target, () => attacker.request(onApp(back.href)), {
      status: 400,
    });
    expect(body).toContain('transaction_replayed');
  });

  test('case 1: a state older than the login window (10 minutes) is refused', async () => {
    const browser = new Browser(target);
    const { back } = await approved(browser);
    // The attacker kept an authentic transaction cookie past its lifetime: re-seal its content
    // as it was sealed 11 minutes ago (same key, same cookie name).
    const [name, value] = browser.transactionCookie()!;
    const opened = await target.sealer.unseal(name, value);
    expect(opened.status).toBe('ok');
    const past = new Sealer({ secrets: target.sessionSecret, now: () => Date.now() - 11 * 60_000 });
    const old = await past.seal(name, opened.status === 'ok' ? opened.data : null, 600);
    browser.cookies.set(name, old);
    await expectRefused(target, () => browser.request(onApp(back.href)), { status: 400 });
  });

  test('case 1: duplicated state or code parameters are refused before any token request', async () => {
    for (const dup of ['state', 'code'] as const) {
      const browser = new Browser(target);
      const { state, code } = await approved(browser);
      const params: [string, string][] = [
        ['state', state],
        ['code', code],
        [dup, dup === 'state' ? state : 'second-code-value'],
      ];
      await expectRefused(target, () => browser.request(callback(params)), { status: 400 });
    }
  });

  test('case 2: a callback in another browser (no transaction cookie: login CSRF) is refused', async () => {
    const attacker = new Browser(target, 'attacker');
    const { back } = await approved(attacker);
    const victim = new Browser(target, 'victim');
    const { body } = await expectRefused(target, () => victim.request(onApp(back.href)), {
      status: 400,
    });
    expect(body).toContain('transaction_missing');
    expect(victim.sessionCookie()).toBeUndefined();
  });

  test('case 3: error=access_denied answers a friendly 403 page, no token call', async () => {
    const browser = new Browser(target);
    const { state } = await beginLogin(browser);
    const { body } = await expectRefused(
      target,
      () => browser.request(callback({ error: 'access_denied', state })),
      { status: 403 },
    );
    expect(body).toContain('Access was denied');
  });

  test('case 3: other error answers, with hostile descriptions, give an escaped page', async () => {
    const errors = [
      'server_error',
      'temporarily_unavailable',
      'invalid_scope',
      '<script>x</script>',
    ];
    for (const error of errors) {
      const browser = new Browser(target);
      const { state } = await beginLogin(browser);
      const params = {
        error,
        error_description: '<img src=x onerror=alert(1)> call +1-555 now',
        error_uri: 'javascript:alert(1)',
        state,
      };
      const { body } = await expectRefused(target, () => browser.request(callback(params)));
      expect(body).not.toContain('<script>');
      expect(body).not.toContain('<img');
      expect(body).not.toContain('javascript:');
      expect(body).not.toContain('555'); // the provider's free text is never shown
    }
  });
});
