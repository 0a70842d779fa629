/**
 * The example's log-out button in a real browser (Chromium): the POST form with the session's
 * CSRF token is sent with Chromium's own `Origin` and `Sec-Fetch-Site`, and logs out.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { start } from '../../examples/github/hono.js';
import { chromiumSkipReason, launchChromium, openSession } from '../harness/chromium.js';
import { keepOnLoopback } from './helpers/loopback-only.js';

const skip = chromiumSkipReason();

describe.skipIf(skip)('example app log-out button in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test('hono: /account -> Log out (POST + CSRF token) -> /logged-out; /profile then logs in again', async () => {
    const secret = randomBytes(32).toString('base64url');
    const app = await start({ PORT: '0', SESSION_SECRET: secret }, { quiet: true });
    const s = await openSession(browser, 'hono-logout-button');
    await keepOnLoopback(s.context);
    try {
      await s.page.goto(`${app.url}/`);
      await s.page.locator('#authorize').click();
      await s.page.waitForURL(`${app.url}/profile`);
      await s.page.goto(`${app.url}/account`);
      await s.screenshot('1-account');
      await s.page.getByRole('button', { name: 'Log out' }).click();
      await s.page.waitForURL(`${app.url}/logged-out`);
      await s.screenshot('2-logged-out');
      await s.page.goto(`${app.url}/profile`);
      expect(new URL(s.page.url()).pathname).toBe('/login/oauth/authorize');
    } finally {
      await s.close();
      await app.close();
    }
  });
});
