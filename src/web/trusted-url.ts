/**
 * The URL handlers see is built from a configured origin plus the request's path and query,
 * never from `Host` or `X-Forwarded-Host` (which a client can set).
 *
 * @module
 */

import { misuse } from '../errors.js';

/** The origin used when an adapter is given none; only path and query matter to the handlers. */
export const DEFAULT_BASE_URL = 'http://localhost';

/** Checks a configured base URL and answers its origin. */
export function trustedOrigin(baseUrl: string | undefined): string {
  try {
    return new URL(baseUrl ?? DEFAULT_BASE_URL).origin;
  } catch {
    throw misuse('baseUrl must be an absolute url');
  }
}

/** `origin` + the path and query of `pathAndQuery` (a request target like `/cb?code=1`). */
export function trustedUrl(origin: string, pathAndQuery: string): string {
  // A target like `//evil/x` would read as another host: keep it a path on our origin.
  const path = pathAndQuery.startsWith('/')
    ? pathAndQuery.replace(/^\/+/, '/')
    : `/${pathAndQuery}`;
  return origin + path;
}
