/**
 * Keeps a browser context on loopback: the example's pages show the user's avatar, and the dev
 * provider answers GitHub's avatar URLs, so a page would otherwise reach the internet. Requests
 * to loopback go through; GitHub's avatar host is answered in the browser with a generated
 * image; anything else is aborted.
 */
import type { BrowserContext, Route } from 'playwright-core';

/** A 1x1 PNG (one blue pixel): the answer to every avatar request. */
export const AVATAR_PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
  'base64',
);

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

async function loopbackOnly(route: Route): Promise<void> {
  const url = new URL(route.request().url());
  if (LOOPBACK.has(url.hostname)) return route.continue();
  if (url.hostname === 'avatars.githubusercontent.com')
    return route.fulfill({ status: 200, contentType: 'image/png', body: AVATAR_PNG });
  return route.abort();
}

/** Routes every request of `context` through the loopback rule above. */
export async function keepOnLoopback(context: BrowserContext): Promise<void> {
  await context.route('**/*', loopbackOnly);
}
