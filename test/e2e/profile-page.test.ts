/**
 * The example's `/profile` in a real browser (Chromium): the page shows the user's name, login
 * and avatar under the page's own CSP (no violation), the token's expiry, and a log-out button
 * that logs out; a script asking for JSON (or anything, `*\/*`) on the same session still gets
 * the provider's user JSON. Nothing leaves loopback (./helpers/loopback-only.ts).
 * Screenshots: test-output/e2e/profile-page-<step>.png.
 */
import { randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { start as startExpress } from '../../examples/github/express.js';
import { start as startHono } from '../../examples/github/hono.js';
import { chromiumSkipReason, launchChromium, openSession } from '../harness/chromium.js';
import { keepOnLoopback } from './helpers/loopback-only.js';

const skip = chromiumSkipReason();

describe.skipIf(skip)('example app /profile page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  test.each([
    ['hono', 'memory', startHono],
    ['express', 'cookie', startExpress],
  ] as const)(
    '%s (%s sessions): /profile shows name, login and avatar; Log out logs out; scripts keep the JSON',
    async (flavour, store, start) => {
      const secret = randomBytes(32).toString('base64url');
      const app = await start(
        { PORT: '0', SESSION_SECRET: secret, SESSION_STORE: store },
        { quiet: true },
      );
      const s = await openSession(browser, `profile-page-${flavour}`);
      const violations: string[] = [];
      s.page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) violations.push(message.text());
      });
      await keepOnLoopback(s.context);
      try {
        await s.page.goto(`${app.url}/`);
        await s.page.locator('input[name="login"][value="monalisa"]').check();
        await s.page.locator('#authorize').click();
        await s.page.waitForURL(`${app.url}/profile`);

        await expect.poll(() => s.page.locator('h1').textContent()).toBe('Mona Lisa Octocat');
        expect(await s.page.locator('.user .muted').textContent()).toBe('monalisa');
        expect(await s.page.title()).toBe('Mona Lisa Octocat');
        expect(await s.page.locator('html').getAttribute('lang')).toBe('en');
        const avatar = s.page.locator('.user img');
        expect(await avatar.getAttribute('src')).toMatch(
          /^https:\/\/avatars\.githubusercontent\.com\/u\/\d+/,
        );
        // Loaded (the CSP's img-src names the avatar's origin) and styled (the nonce'd stylesheet).
        await expect
          .poll(() => avatar.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth))
          .toBe(1);
        expect(
          await s.page
            .locator('main')
            .evaluate((main) => getComputedStyle(main).borderTopLeftRadius),
        ).toBe('12px');
        // The dev provider's tokens are a GitHub OAuth App's: they do not expire.
        expect(await s.page.locator('dd').textContent()).toBe('no expiry set by the provider');
        expect(violations).toEqual([]);
        const shot = await s.screenshot('1-profile');
        expect(shot).toMatch(/\.png$/);

        // A script on the same session: the user JSON, as the seed answered it.
        for (const accept of ['application/json', '*/*']) {
          const json = await s.page.request.get(`${app.url}/profile`, { headers: { accept } });
          expect(json.headers()['content-type']).toBe('application/json; charset=utf-8');
          expect(((await json.json()) as { login: string }).login).toBe('monalisa');
        }

        await s.page.getByRole('button', { name: 'Log out' }).click();
        await s.page.waitForURL(`${app.url}/logged-out`);
        expect(await s.page.locator('h1').textContent()).toBe('You are logged out');
        await s.screenshot('2-logged-out');
        await s.page.goto(`${app.url}/profile`);
        expect(new URL(s.page.url()).pathname).toBe('/login/oauth/authorize');
        expect(violations).toEqual([]);
      } finally {
        await s.close();
        await app.close();
      }
    },
  );
});
