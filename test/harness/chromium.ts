/**
 * Debian's Chromium driven through playwright-core, for the end-to-end tests.
 *
 * Never downloads a browser: it uses the system binary (`/usr/bin/chromium`, or `CHROMIUM_PATH`).
 * When the binary is missing, a CI run fails loudly ({@link chromiumSkipReason} throws) and a
 * local run skips the browser suites with a printed reason.
 */
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

/** The system Chromium used by the tests. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where screenshots go (gitignored). */
export const SCREENSHOT_DIR = join(process.cwd(), 'test-output', 'e2e');

// Flags for a headless, offline, reproducible run: no sandbox (containers), no GPU, and no
// background traffic that would try to reach the internet. Every request to a host that is not
// loopback goes to a proxy on a loopback port where nothing listens (Chromium sends loopback
// hosts direct, past any proxy), so a page can never reach beyond this machine, whatever URL a
// test or an app under test gives it: it fails with ERR_PROXY_CONNECTION_FAILED, before any DNS.
export const OFFLINE_PROXY = 'http://127.0.0.1:9';
const LAUNCH_ARGS = [
  `--proxy-server=${OFFLINE_PROXY}`,
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/**
 * Why the browser suites cannot run here, or `undefined` when they can.
 * Under `CI=true` a missing Chromium is an error, so the run fails instead of going green.
 *
 * @example
 * const skip = chromiumSkipReason();
 * describe.skipIf(skip)('login in a browser', () => { ... });
 */
export function chromiumSkipReason(): string | undefined {
  if (existsSync(CHROMIUM_PATH)) return undefined;
  const reason = `chromium not found at ${CHROMIUM_PATH}`;
  if (process.env.CI === 'true') {
    throw new Error(`${reason}; install Debian's chromium package (CI requires the e2e tests)`);
  }
  console.warn(`skipping browser tests: ${reason}`);
  return reason;
}

/** Launches the system Chromium headless. The caller closes it. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: LAUNCH_ARGS });
}

/** A fresh browser context (empty cookie jar and storage) with one page and a screenshot helper. */
export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Saves `test-output/e2e/<name>-<step>.png` and answers its path. */
  screenshot(step: string): Promise<string>;
  close(): Promise<void>;
}

/** Opens a new isolated context; `name` prefixes its screenshots. */
export async function openSession(browser: Browser, name: string): Promise<BrowserSession> {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
  const context = await browser.newContext();
  const page = await context.newPage();
  // Keep a stuck page from eating the whole suite budget.
  page.setDefaultTimeout(10_000);
  return {
    context,
    page,
    async screenshot(step) {
      const path = join(SCREENSHOT_DIR, `${name}-${step}.png`);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => context.close(),
  };
}
