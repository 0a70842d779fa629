/**
 * The core (`oauth2-session`, as built in dist/) in Chromium: a page served from loopback
 * imports the core bundled for the browser and logs in against the dev provider on another
 * loopback origin, whose token and API endpoints answer CORS: a real navigation to the
 * authorization endpoint and back, then the token request, a refresh and an API call made by
 * the page itself (the token request with Basic credentials, so a CORS preflight).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSkipReason, launchChromium } from '../harness/chromium.js';
import { bundle, packageInputs, type Workspace, workspace } from './harness/package.js';
import { CLIENT, type CorsProvider, startCorsProvider } from './harness/provider.js';
import type { CoreConfig, CoreReport } from './scenarios/core.js';

const skip = chromiumSkipReason();

const PAGE =
  '<!doctype html><html lang="en"><title>core</title><script type="module" src="/app.js"></script></html>';

describe.skipIf(skip)('the core in Chromium', () => {
  let space: Workspace;
  let pages: Server;
  let pageOrigin: string;
  let provider: CorsProvider;
  let browser: Browser;
  let script = '';

  beforeAll(async () => {
    space = await workspace();
    pages = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://x').pathname;
      if (path === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' }).end(script);
      } else if (path === '/' || path === '/callback') {
        res.writeHead(200, { 'content-type': 'text/html' }).end(PAGE);
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
    pageOrigin = `http://127.0.0.1:${(pages.address() as AddressInfo).port}`;
    provider = await startCorsProvider(pageOrigin);
    const config: CoreConfig = {
      ...CLIENT,
      redirectUri: `${pageOrigin}/callback`,
      authorizeUrl: provider.authorizeUrl,
      tokenUrl: provider.tokenUrl,
      userUrl: provider.userUrl,
    };
    const bundled = await bundle({
      entry: 'browser.ts',
      platform: 'browser',
      config,
      workspace: space,
      out: 'browser.mjs',
    });
    expect(packageInputs(bundled)).toContain('dist/index.js');
    const { readFile } = await import('node:fs/promises');
    script = await readFile(bundled.path, 'utf8');
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    await new Promise((resolve) => pages?.close(resolve));
    await space?.remove();
  });

  it('OAuth2Session: login by navigation, then fetchToken, refreshToken and get over CORS', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      page.setDefaultTimeout(15_000);
      // Nothing but the two loopback origins (seen, not routed: routing would let Playwright
      // answer the CORS preflights itself, and this test is about the provider answering them).
      const elsewhere: string[] = [];
      context.on('request', (request) => {
        const origin = new URL(request.url()).origin;
        if (origin !== pageOrigin && origin !== provider.origin) elsewhere.push(origin);
      });
      await page.goto(pageOrigin);
      await page.waitForURL(`${pageOrigin}/callback?**`);
      const report = (await (
        await page.waitForFunction(() => (window as { runtimeReport?: unknown }).runtimeReport)
      ).jsonValue()) as Partial<CoreReport>;

      expect(report.error).toBeUndefined();
      expect(report.runtime).toMatch(/Chrome\/\d/);
      expect(report.authorization).toEqual({
        challengeMethod: 'S256',
        stateLength: 43,
        sameOrigin: true,
      });
      expect(report.forgedCallback).toEqual({ refused: true, code: 'OAUTH_MISMATCHING_STATE' });
      expect(report.token).toEqual({
        type: 'bearer',
        expires: true,
        refreshable: true,
        scope: ['read:user'],
      });
      expect(report.refresh).toEqual({
        newAccessToken: true,
        newRefreshToken: true,
        onTokenCalls: 1,
      });
      expect(report.user).toEqual({ status: 200, login: 'octocat', refreshedFirst: true });
      // Cross-origin for real: the Basic-authenticated token requests were preflighted.
      expect(provider.preflights).toContain('/login/oauth/access_token');
      expect(elsewhere).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
