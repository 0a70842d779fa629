/**
 * The cookie string codec: RFC 6265 `Cookie` header parsing and `Set-Cookie` building, with no
 * dependency, so `oauth2-session/web` bundles for any platform (the `cookie` package is CommonJS
 * only, which a `neutral` bundle cannot resolve without extra bundler settings).
 *
 * Reading is lenient as RFC 6265 section 5.4 asks of a user agent's header: any pair with an
 * `=` is kept, spaces and tabs around names and values dropped. Writing is strict as section
 * 4.1.1 asks of a server: a name that is not a token or a value with a character outside
 * cookie-octet is a misuse error, never sent.
 *
 * @module
 */

import { misuse } from '../errors.js';

/** A `Set-Cookie` to build: the attributes this library writes. */
export interface SetCookie {
  /** An RFC 7230 token. */
  name: string;
  /** RFC 6265 cookie-octets, optionally in double quotes; written as is (never encoded). */
  value: string;
  /** `Max-Age`, in seconds: an integer (0 or less expires the cookie at once). */
  maxAge?: number | undefined;
  /** `Path`: any CHAR except CTLs and `;`. */
  path?: string | undefined;
  /** `HttpOnly`. */
  httpOnly?: boolean | undefined;
  /** `Secure`. */
  secure?: boolean | undefined;
  /** `SameSite`. */
  sameSite?: 'lax' | 'strict' | 'none' | undefined;
}

/** RFC 7230 section 3.2.6 tchar, the characters of a cookie-name. */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** RFC 6265 section 4.1.1 cookie-value: cookie-octets, bare or in one pair of double quotes. */
const COOKIE_VALUE =
  /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/;
/** RFC 6265 section 4.1.1 path-value: any CHAR except CTLs or `;`. */
const PATH_VALUE = /^[\x20-\x3A\x3C-\x7E]+$/;

const SAME_SITE = Object.freeze({ lax: 'Lax', strict: 'Strict', none: 'None' });

/**
 * Parses a `Cookie` header into name -> value. The first of duplicate names wins (browsers
 * send the most specific cookie first); pairs without `=` and empty names are skipped. Values
 * are returned as sent, with no percent-decoding: this library writes only base64url values,
 * and decoding would let two spellings name one value. Never throws; linear in the header's
 * length; a `Map`, so a `__proto__` name is just a name.
 *
 * @example
 * ```ts
 * parseCookieHeader('sid=abc; theme=dark').get('sid'); // 'abc'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6265#section-5.4
 */
export function parseCookieHeader(header: string): Map<string, string> {
  const cookies = new Map<string, string>();
  let start = 0;
  // Stryker disable next-line EqualityOperator: at `start === header.length` the `=` search
  // from there finds none and the loop ends all the same.
  while (start < header.length) {
    const eq = header.indexOf('=', start);
    if (eq === -1) break;
    const semicolon = header.indexOf(';', start);
    const end = semicolon === -1 ? header.length : semicolon;
    // Stryker disable next-line EqualityOperator: `eq === end` cannot happen (one index holds
    // `=`, the other `;` or the header's end), so `>=` reads the same.
    if (eq > end) {
      // Pairs without `=` up to the next `=`: resume at the pair that holds it.
      start = header.lastIndexOf(';', eq) + 1;
      continue;
    }
    const name = trimWhitespace(header, start, eq);
    if (name !== '' && !cookies.has(name)) cookies.set(name, trimWhitespace(header, eq + 1, end));
    start = end + 1;
  }
  return cookies;
}

/** `text.slice(start, end)` without the leading and trailing SP and HTAB (RFC 6265 WSP). */
function trimWhitespace(text: string, start: number, end: number): string {
  let from = start;
  let to = end;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: the callers' `end` is an
  // `=`, a `;` or the header's end, never whitespace, so the scan stops there without the bound.
  while (from < to && isWhitespace(text.charCodeAt(from))) from++;
  // Stryker disable next-line ConditionalExpression,EqualityOperator: likewise the character
  // before the callers' `start` is a `;`, an `=` or before the header, never whitespace.
  while (to > from && isWhitespace(text.charCodeAt(to - 1))) to--;
  return text.slice(from, to);
}

const isWhitespace = (code: number): boolean => code === 0x20 || code === 0x09;

/**
 * Builds a `Set-Cookie` header value; attributes in the order `Max-Age`, `Path`, `HttpOnly`,
 * `Secure`, `SameSite`.
 *
 * @throws TypeError `ERR_INVALID_ARG_VALUE` for a name that is not a token, a value outside
 *   cookie-octet, a path outside path-value, a `maxAge` that is not an integer or a `sameSite`
 *   that is not one of the three (the message names the field, never the value)
 * @example
 * ```ts
 * serializeSetCookie({ name: 'sid', value: 'abc', path: '/', httpOnly: true });
 * // 'sid=abc; Path=/; HttpOnly'
 * ```
 * @see https://datatracker.ietf.org/doc/html/rfc6265#section-4.1.1
 */
export function serializeSetCookie(cookie: SetCookie): string {
  if (!TOKEN.test(cookie.name)) throw misuse('cookie name must be an RFC 7230 token');
  if (!COOKIE_VALUE.test(cookie.value)) throw misuse('cookie value must be RFC 6265 cookie-octets');
  let header = `${cookie.name}=${cookie.value}`;
  if (cookie.maxAge !== undefined) {
    if (!Number.isSafeInteger(cookie.maxAge)) throw misuse('cookie maxAge must be an integer');
    header += `; Max-Age=${cookie.maxAge}`;
  }
  if (cookie.path !== undefined) {
    if (!PATH_VALUE.test(cookie.path)) throw misuse('cookie path must be an RFC 6265 path-value');
    header += `; Path=${cookie.path}`;
  }
  if (cookie.httpOnly) header += '; HttpOnly';
  if (cookie.secure) header += '; Secure';
  if (cookie.sameSite !== undefined) {
    const sameSite = Object.hasOwn(SAME_SITE, cookie.sameSite) ? SAME_SITE[cookie.sameSite] : '';
    if (!sameSite) throw misuse("cookie sameSite must be 'lax', 'strict' or 'none'");
    header += `; SameSite=${sameSite}`;
  }
  return header;
}
