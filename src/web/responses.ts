/**
 * The few Responses the handlers answer: redirects, plain text, JSON, HTML pages, and
 * adding `Set-Cookie` values to a route's Response. The one place the anti-framing headers are
 * set: every page the handlers (and an app using {@link htmlResponse}) answer carries them.
 *
 * @module
 */

/** Headers every answer carrying session state or login results gets: never cached. */
const NO_STORE = { 'cache-control': 'no-store' };

/**
 * Headers that forbid other sites to frame a page (clickjacking: a hidden frame of the app
 * under a decoy button). `frame-ancestors` is the standard; `X-Frame-Options` covers browsers
 * that predate it. Redirects carry no content and skip them.
 *
 * @see https://www.w3.org/TR/CSP3/#directive-frame-ancestors
 * @see https://datatracker.ietf.org/doc/html/rfc7034
 */
export const FRAMING_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
});

/** Headers of every non-redirect answer: uncacheable, not framable, no type sniffing. */
const PAGE_HEADERS = { ...NO_STORE, ...FRAMING_HEADERS, 'x-content-type-options': 'nosniff' };

/** A 302 to `location` with `Set-Cookie` values and extra headers. */
export function redirect(
  location: string,
  setCookies: readonly string[] = [],
  extra: Record<string, string> = {},
): Response {
  const headers = new Headers({ ...NO_STORE, ...extra, location });
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(null, { status: 302, headers });
}

/** A short plain-text answer (no secrets: callers pass fixed text). */
export function textResponse(
  status: number,
  text: string,
  setCookies: readonly string[] = [],
): Response {
  const headers = new Headers({ ...PAGE_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(text, { status, headers });
}

/** A JSON answer. */
export function jsonResponse(
  status: number,
  body: unknown,
  setCookies: readonly string[] = [],
): Response {
  const headers = new Headers({ ...PAGE_HEADERS, 'content-type': 'application/json' });
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(JSON.stringify(body), { status, headers });
}

const HTML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);
}

/** What the error page shows (see `ErrorPageData` in ./pages.ts); every field is escaped. */
export interface ErrorPageContent {
  title: string;
  message: string;
  /** A short machine code (`access_denied`, `OAUTH_MISMATCHING_STATE`), or none. */
  code?: string | undefined;
  /** Where "Try again" leads. */
  retryPath: string;
}

/**
 * An HTML page (the app's own, or one of the handlers'): uncacheable, not framable
 * ({@link FRAMING_HEADERS}), no type sniffing. `extra` headers are added (a stricter CSP that
 * keeps `frame-ancestors 'none'`, say).
 *
 * @example
 * ```ts
 * return htmlResponse(200, `<!doctype html><p>Hello</p>${logoutForm(session)}`);
 * ```
 */
export function htmlResponse(
  status: number,
  html: string,
  setCookies: readonly string[] = [],
  extra: Record<string, string> = {},
): Response {
  const headers = new Headers({
    ...PAGE_HEADERS,
    'content-type': 'text/html; charset=utf-8',
    ...extra,
  });
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(html, { status, headers });
}

/** A copy of `response` (same body stream) with `edit` applied to its headers. */
function withEditedCopy(response: Response, edit: (headers: Headers) => void): Response {
  const headers = new Headers(response.headers);
  edit(headers);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}

/**
 * The route's Response with the anti-framing headers it lacks (a route's own
 * `Content-Security-Policy` or `X-Frame-Options` is kept as the route wrote it); redirects as
 * they are.
 */
export function withFramingDenied(response: Response): Response {
  if (response.status >= 300 && response.status < 400) return response;
  const missing = Object.entries(FRAMING_HEADERS).filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  // In place where the headers can change (a Response the route built): that saves a Headers
  // copy and a Response around the same body stream, a few percent of a logged-in request on
  // Node. Safe even on a Response a route reuses, since these values are the same for everyone.
  // A fetched Response, or `Response.redirect()`, has immutable headers: then a copy.
  try {
    for (const [name, value] of missing) response.headers.set(name, value);
    return response;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
  }
  return withEditedCopy(response, (headers) => {
    for (const [name, value] of missing) headers.set(name, value);
  });
}

/**
 * The route's Response with `Set-Cookie` values added, always on a copy: a visitor's cookies
 * must never be written into a Response object a route might hand to every visitor.
 */
export function withSetCookies(response: Response, setCookies: readonly string[]): Response {
  if (setCookies.length === 0) return response;
  return withEditedCopy(response, (headers) => {
    for (const cookie of setCookies) headers.append('set-cookie', cookie);
  });
}
