/**
 * The browser the tests drive reaches loopback only: a page sent to any other host fails at the
 * harness's dead proxy, before a DNS lookup, so no browser test can reach the internet.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumSkipReason, launchChromium, openSession } from './chromium.js';

const skip = chromiumSkipReason();

describe.skipIf(skip)('test browser: loopback only', () => {
  let browser: Browser;
  const server = createServer((_req, res) => res.end('<!doctype html><title>local</title>'));

  beforeAll(async () => {
    browser = await launchChromium();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await browser?.close();
    server.close();
  });

  it('loads a page from a loopback server', async () => {
    const session = await openSession(browser, 'offline');
    try {
      const { port } = server.address() as AddressInfo;
      await session.page.goto(`http://127.0.0.1:${port}/`);
      expect(await session.page.title()).toBe('local');
    } finally {
      await session.close();
    }
  });

  it.each(['http://offline-check.invalid/', 'https://offline-check.invalid/', 'http://192.0.2.1/'])(
    'refuses %s at the dead proxy, not through DNS or the network',
    async (url) => {
      const session = await openSession(browser, 'offline');
      try {
        await expect(session.page.goto(url)).rejects.toThrow(/ERR_PROXY_CONNECTION_FAILED/);
      } finally {
        await session.close();
      }
    },
  );
});
