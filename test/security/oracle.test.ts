/**
 * The oracle checked against itself: a legitimate login must fail `expectRefused` (it calls the
 * token endpoint and writes a session), and a secret printed by the app must be caught.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import {
  Browser,
  beginLogin,
  expectRefused,
  login,
  onApp,
  startTarget,
  type Target,
} from './oracle.js';

describe('oracle self-check (dev provider, express app)', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget({ flavour: 'express', provider: 'dev' });
  });
  afterAll(async () => {
    await target?.close();
  });

  test('expectRefused fails on a legitimate callback (token call, session written)', async () => {
    const browser = new Browser(target);
    const { authorizeUrl } = await beginLogin(browser);
    const back = await target.authorize(authorizeUrl);
    await expect(
      expectRefused(target, () => browser.request(onApp(back)), { loginRedirect: true }),
    ).rejects.toThrow(/token endpoint calls/);
    expect(browser.sessionCookie()).toBeDefined();
  });

  test('expectRefused fails when a secret reaches the captured logs', async () => {
    const browser = new Browser(target);
    await beginLogin(browser);
    const [, value] = browser.transactionCookie()!;
    console.log(`leaking ${value}`); // captured, not printed
    await expect(
      expectRefused(target, () => browser.request('/callback?state=x&code=y')),
    ).rejects.toThrow(/secret values found/);
    target.logs.lines.length = 0; // forget the planted leak
  });
});

describe('oracle self-check (node-oidc-provider, hono app, redis sessions)', () => {
  let target: Target;
  beforeAll(async () => {
    target = await startTarget({ flavour: 'hono', provider: 'oidc', store: 'redis' });
  });
  afterAll(async () => {
    await target?.close();
  });

  test('the log capture sees a library writing to the console (node-oidc-provider warns at start)', () => {
    expect(target.logs.text()).toContain('oidc-provider WARNING');
  });

  test('storeEntries and counts see a legitimate login (one entry, one token call)', async () => {
    const entries = await target.storeEntries();
    const before = target.counts();
    await login(new Browser(target));
    expect(await target.storeEntries()).toBe(entries + 1);
    expect(target.counts().token - before.token).toBe(1);
  });
});
