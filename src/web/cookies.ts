/**
 * Cookies as this library sets them, apart from any framework (adapters only translate): the
 * names, the fixed attributes and their defaults, over the codec in `cookie-codec.ts`.
 *
 * @module
 */

import { parseCookieHeader, serializeSetCookie } from './cookie-codec.js';

/** Attributes of a cookie this library sets. */
export interface CookieAttributes {
  /** `Secure`, and the `__Host-` name prefix (see {@link cookieName}). */
  secure: boolean;
  /** `Max-Age` in seconds; unset makes a browser-session cookie. */
  maxAgeSeconds?: number | undefined;
  /** `SameSite`. Default `'lax'`: sent on top-level navigations back from the provider. */
  sameSite?: 'lax' | 'strict' | 'none' | undefined;
}

/** Fixed attributes: `HttpOnly` (no script access) and `Path=/` (required by `__Host-`). */
export const COOKIE_DEFAULTS = Object.freeze({
  httpOnly: true,
  path: '/',
  sameSite: 'lax' as const,
});

/** The name prefix browsers reserve for Secure, host-only, `Path=/` cookies. */
const HOST_PREFIX = '__Host-';

/**
 * The cookie name to use: `base` itself on http, `__Host-<base>` when `secure`, so that a
 * sibling subdomain or a plain-http page cannot plant or overwrite it.
 *
 * @example
 * ```ts
 * cookieName('sid', true); // '__Host-sid'
 * ```
 * @see https://datatracker.ietf.org/doc/html/draft-ietf-httpbis-rfc6265bis#section-4.1.3.2
 */
export function cookieName(base: string, secure: boolean): string {
  return secure && !base.startsWith(HOST_PREFIX) ? HOST_PREFIX + base : base;
}

/** Whether an origin or URL is https (and so cookies for it should be Secure). */
export function isHttpsUrl(url: string | URL | undefined): boolean {
  if (url === undefined) return false;
  try {
    return new URL(url).protocol === 'https:';
  } catch {
    return false;
  }
}

/**
 * Parses a `Cookie` header into name -> value; the first of duplicate names wins, values are
 * kept as sent (no percent-decoding). Never throws.
 */
export function parseCookies(header: string | null | undefined): Map<string, string> {
  return header ? parseCookieHeader(header) : new Map();
}

/** The cookies a request carries. */
export function requestCookies(request: Request): Map<string, string> {
  return parseCookies(request.headers.get('cookie'));
}

/**
 * Builds one `Set-Cookie` value with this library's defaults. Values we write are base64url
 * and dots already: written as is, never percent-encoded.
 *
 * @throws TypeError `ERR_INVALID_ARG_VALUE` for a name that is not a token or a value outside
 *   RFC 6265 cookie-octets
 */
export function serializeCookie(name: string, value: string, attributes: CookieAttributes): string {
  return serializeSetCookie({
    name,
    value,
    ...COOKIE_DEFAULTS,
    sameSite: attributes.sameSite ?? COOKIE_DEFAULTS.sameSite,
    secure: attributes.secure,
    maxAge:
      attributes.maxAgeSeconds === undefined
        ? undefined
        : Math.max(0, Math.floor(attributes.maxAgeSeconds)),
  });
}

/** Builds a `Set-Cookie` value that deletes a cookie (empty value, `Max-Age=0`). */
export function expireCookie(name: string, attributes: CookieAttributes): string {
  return serializeCookie(name, '', { ...attributes, maxAgeSeconds: 0 });
}
