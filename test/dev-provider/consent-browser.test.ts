import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type DevProvider, startDevProvider } from 'oauth2-session/dev-provider';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSkipReason, launchChromium, openSession } from '../harness/chromium.js';
import { pkcePair } from './helpers.js';

const skip = chromiumSkipReason();

// A real browser matters here: Chromium applies the page's CSP form-action to the redirect that
// follows the consent post, which no fetch-based test would notice.
describe.skipIf(skip)('consent page in Chromium', () => {
  let browser: Browser;
  let callback: Server;
  let callbackUrl: string;
  let provider: DevProvider;

  beforeAll(async () => {
    callback = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain' }).end(`callback ${req.url}`);
    }).listen(0, '127.0.0.1');
    await new Promise((r) => callback.once('listening', r));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;
    provider = await startDevProvider({
      clients: [
        { clientId: 'b', clientSecret: 'bs', redirectUris: [callbackUrl], name: 'Browser App' },
      ],
    });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await provider?.close();
    callback?.closeAllConnections();
    await new Promise((r) => callback?.close(r));
  });

  async function openConsent(name: string) {
    const session = await openSession(browser, name);
    const url = new URL(provider.authorizeUrl);
    url.search = new URLSearchParams({
      client_id: 'b',
      state: 'st',
      scope: 'read:user',
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
    }).toString();
    await session.page.goto(url.href);
    return session;
  }

  it('Authorize as a picked user lands on the callback with code and state', async () => {
    const session = await openConsent('dev-provider-authorize');
    try {
      await session.screenshot('consent');
      await session.page.check('input[name="login"][value="hubot"]');
      await session.page.click('#authorize');
      await session.page.waitForURL((u) => u.pathname === '/callback');
      const landed = new URL(session.page.url());
      expect(landed.searchParams.get('code')).toMatch(/^[0-9a-f]{20}$/);
      expect(landed.searchParams.get('state')).toBe('st');
      expect(await session.page.textContent('body')).toContain('callback /callback?code=');
      expect(provider.counts.consent).toBe(1);
    } finally {
      await session.close();
    }
  });

  it('Deny lands on the callback with error=access_denied', async () => {
    const session = await openConsent('dev-provider-deny');
    try {
      await session.page.click('#deny');
      await session.page.waitForURL((u) => u.pathname === '/callback');
      expect(new URL(session.page.url()).searchParams.get('error')).toBe('access_denied');
    } finally {
      await session.close();
    }
  });
});
