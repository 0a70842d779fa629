/**
 * The example app in a real browser (Debian's Chromium through playwright-core): the seed's whole
 * flow on Express and on Hono against the built-in dev provider, and once against
 * node-oidc-provider's own login and consent pages. Screenshots: test-output/e2e/<name>-<step>.png.
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { chromiumSkipReason, launchChromium, openSession } from '../harness/chromium.js';
import { startOidcProvider } from '../harness/oidc-provider.js';
import { freePort } from '../harness/ports.js';
import { keepOnLoopback } from './helpers/loopback-only.js';

const skip = chromiumSkipReason();
// Express keeps the session in the sealed cookie, Hono in the memory store: both store paths run.
const flavours = {
  express: { start: startExpress, store: 'cookie' },
  hono: { start: startHono, store: 'memory' },
} as const;

function appEnv(extra: Record<string, string> = {}): Record<string, string> {
  return { PORT: '0', SESSION_SECRET: randomBytes(32).toString('base64url'), ...extra };
}

/**
 * The user JSON `/profile` answers a script on the page's session (the browser itself gets the
 * profile page: test/e2e/profile-page.test.ts).
 */
async function shownJson(page: Page): Promise<Record<string, unknown>> {
  const response = await page.request.get(page.url(), { headers: { accept: 'application/json' } });
  return (await response.json()) as Record<string, unknown>;
}

describe.skipIf(skip)('example app in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  for (const [flavour, { start, store }] of Object.entries(flavours)) {
    test(`${flavour} (${store} sessions): / -> dev provider consent -> Authorize -> /profile shows the user; logout ends it`, async () => {
      // No OAUTH_CLIENT_ID: the app starts the dev provider in-process, as `npm start` does.
      const app = await start(appEnv({ SESSION_STORE: store }), { quiet: true });
      const s = await openSession(browser, `${flavour}-dev-provider`);
      await keepOnLoopback(s.context);
      try {
        await s.page.goto(`${app.url}/`);
        expect(new URL(s.page.url()).pathname).toBe('/login/oauth/authorize');
        expect(await s.page.locator('#authorize').textContent()).toBe('Authorize');
        await s.screenshot('1-consent');

        await s.page.locator('input[name="login"][value="hubot"]').check();
        await s.page.locator('#authorize').click();
        await s.page.waitForURL(`${app.url}/profile`);
        await s.screenshot('2-profile');
        const user = await shownJson(s.page);
        expect(user.login).toBe('hubot');
        expect(user.id).toBe(480938);

        await s.page.goto(`${app.url}/logout`);
        await s.screenshot('3-logged-out');
        // Logged out: /profile sends the browser back through / to the provider.
        await s.page.goto(`${app.url}/profile`);
        expect(new URL(s.page.url()).pathname).toBe('/login/oauth/authorize');
        await s.screenshot('4-profile-after-logout');
      } finally {
        await s.close();
        await app.close();
      }
    });
  }

  test("express: login through node-oidc-provider's own login and consent pages", async () => {
    const app = await startExpressWithOidc();
    const s = await openSession(browser, 'express-oidc-provider');
    await keepOnLoopback(s.context);
    try {
      await s.page.goto(`${app.url}/`);
      await s.page.locator('input[name="login"]').fill('alice');
      await s.page.locator('input[name="password"]').fill('any password');
      await s.screenshot('1-login');
      await s.page.getByRole('button', { name: 'Sign-in' }).click();
      const consent = s.page.getByRole('button', { name: 'Continue' });
      await consent.waitFor({ state: 'visible' });
      expect(new URL(s.page.url()).origin).toBe(app.op.issuer);
      await s.screenshot('2-consent');
      await consent.click();
      await s.page.waitForURL(`${app.url}/profile`);
      await s.screenshot('3-profile');
      expect(await shownJson(s.page)).toMatchObject({ sub: 'alice' });
      expect(app.op.counts['token:authorization_code']).toBe(1);
    } finally {
      await s.close();
      await app.close();
    }
  });
});

/** The Express app configured through the contract's variables to use node-oidc-provider. */
async function startExpressWithOidc() {
  const secret = randomBytes(24).toString('hex');
  // node-oidc-provider registers clients at start, so the app's port is chosen first and its
  // exact callback registered; the app is then told it through OAUTH_REDIRECT_URI.
  const appPort = await freePort();
  const redirectUri = `http://127.0.0.1:${appPort}/callback`;
  const op = await startOidcProvider({
    clients: [
      {
        client_id: 'example-app',
        client_secret: secret,
        token_endpoint_auth_method: 'client_secret_basic',
        redirect_uris: [redirectUri],
      },
    ],
  });
  const app = await startExpress(
    appEnv({
      PORT: String(appPort),
      OAUTH_CLIENT_ID: 'example-app',
      OAUTH_CLIENT_SECRET: secret,
      OAUTH_AUTHORIZE_URL: op.authorizeUrl,
      OAUTH_TOKEN_URL: op.tokenUrl,
      OAUTH_USER_URL: op.userinfoUrl,
      OAUTH_REDIRECT_URI: redirectUri,
      OAUTH_SCOPE: 'openid',
    }),
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
