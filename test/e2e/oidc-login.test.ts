/**
 * The example app as an OpenID Connect relying party in a real browser (Debian's Chromium):
 * started with only `OAUTH_ISSUER` pointing at node-oidc-provider (discovery at start-up), the
 * user signs in on the provider's own login and consent pages, `/profile` shows the userinfo
 * answer (with `sub`), and logout goes through the provider's end-session page and lands back
 * on the app's logged-out page. Screenshots: test-output/e2e/<name>-<step>.png.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { chromiumSkipReason, launchChromium, openSession } from '../harness/chromium.js';
import { startOidcProvider } from '../harness/oidc-provider.js';
import { freePort } from '../harness/ports.js';

const skip = chromiumSkipReason();
const flavours = {
  express: { start: startExpress, store: 'cookie' },
  hono: { start: startHono, store: 'memory' },
} as const;

/**
 * node-oidc-provider with the app's client registered (its callback and logged-out page), and
 * the app started with OAUTH_ISSUER: the port is chosen first, as the provider registers
 * clients when it starts.
 */
async function startAppWithIssuer(flavour: keyof typeof flavours) {
  const secret = randomBytes(24).toString('hex');
  const appPort = await freePort();
  const appUrl = `http://127.0.0.1:${appPort}`;
  const op = await startOidcProvider({
    clients: [
      {
        client_id: 'example-rp',
        client_secret: secret,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [`${appUrl}/callback`],
        post_logout_redirect_uris: [`${appUrl}/logged-out`],
      },
    ],
  });
  const { start, store } = flavours[flavour];
  const app = await start(
    {
      PORT: String(appPort),
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      SESSION_STORE: store,
      OAUTH_ISSUER: op.issuer,
      OAUTH_CLIENT_ID: 'example-rp',
      OAUTH_CLIENT_SECRET: secret,
      OAUTH_REDIRECT_URI: `${appUrl}/callback`,
    },
    { quiet: true },
  ).catch(async (error: unknown) => {
    await op.close();
    throw error;
  });
  return {
    url: app.url,
    op,
    close: async () => {
      await app.close();
      await op.close();
    },
  };
}

describe.skipIf(skip)('example app as an OpenID Connect relying party, in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const flavour of Object.keys(flavours) as (keyof typeof flavours)[]) {
    test(`${flavour}: OAUTH_ISSUER -> node-oidc-provider's login and consent -> /profile shows sub -> logout through end_session lands on /logged-out`, async () => {
      const app = await startAppWithIssuer(flavour);
      const s = await openSession(browser, `${flavour}-oidc-rp`);
      try {
        expect(app.op.counts['discovery']).toBe(1); // at start-up, before any visitor
        await s.page.goto(`${app.url}/`);
        expect(new URL(s.page.url()).origin).toBe(app.op.issuer);
        await s.page.locator('input[name="login"]').fill('alice');
        await s.page.locator('input[name="password"]').fill('any password');
        await s.screenshot('1-login');
        await s.page.getByRole('button', { name: 'Sign-in' }).click();
        const consent = s.page.getByRole('button', { name: 'Continue' });
        await consent.waitFor({ state: 'visible' });
        await s.screenshot('2-consent');
        await consent.click();
        await s.page.waitForURL(`${app.url}/profile`);
        await s.screenshot('3-profile');
        // The browser gets the profile page (userinfo has only `sub`: it is the name shown).
        expect(await s.page.locator('h1').textContent()).toBe('alice');
        expect(app.op.counts['token:authorization_code']).toBe(1);
        expect(app.op.counts['userinfo']).toBe(1);
        expect(app.op.counts['jwks']).toBe(1);

        // The log-out button of /account posts to /logout, which ends the app's session and
        // sends the browser to the provider's end-session page.
        await s.page.goto(`${app.url}/account`);
        await s.page.getByRole('button', { name: /log out/i }).click();
        await s.page.waitForURL((url) => url.origin === app.op.issuer);
        const endSession = new URL(s.page.url());
        expect(endSession.pathname.startsWith('/session/end')).toBe(true);
        expect(endSession.searchParams.get('id_token_hint')).toMatch(/^ey/);
        expect(endSession.searchParams.get('post_logout_redirect_uri')).toBe(
          `${app.url}/logged-out`,
        );
        const signOut = s.page.getByRole('button', { name: 'Yes, sign me out' });
        await signOut.waitFor({ state: 'visible' });
        await s.screenshot('4-end-session');
        await signOut.click();
        await s.page.waitForURL((url) => url.href.startsWith(`${app.url}/logged-out`));
        await s.screenshot('5-logged-out');
        const landed = new URL(s.page.url());
        expect(landed.searchParams.get('state')).toMatch(/^[\w-]{43}$/);
        expect(await s.page.locator('body').textContent()).toContain('You are logged out');

        // Logged out at the app and at the provider: /profile leads to the provider's login
        // page again, not straight back with a code.
        await s.page.goto(`${app.url}/profile`);
        expect(new URL(s.page.url()).origin).toBe(app.op.issuer);
        await s.page.locator('input[name="login"]').waitFor({ state: 'visible' });
        await s.screenshot('6-login-again');
      } finally {
        await s.close();
        await app.close();
      }
    });
  }
});
