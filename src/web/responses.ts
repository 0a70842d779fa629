/**
 * The few Responses the handlers answer: redirects, the error page, plain text, and adding
 * `Set-Cookie` values to a route's Response.
 *
 * @module
 */

/** Headers every answer carrying session state or login results gets: never cached. */
const NO_STORE = { 'cache-control': 'no-store' };

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
  const headers = new Headers({ ...NO_STORE, 'content-type': 'text/plain; charset=utf-8' });
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(text, { status, headers });
}

/** A JSON answer. */
export function jsonResponse(
  status: number,
  body: unknown,
  setCookies: readonly string[] = [],
): Response {
  const headers = new Headers({ ...NO_STORE, 'content-type': 'application/json' });
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

/** What the error page shows; every field is escaped. */
export interface ErrorPageContent {
  title: string;
  message: string;
  /** A short machine code (`access_denied`, `OAUTH_MISMATCHING_STATE`), or none. */
  code?: string | undefined;
  /** Where "Try again" leads. */
  retryPath: string;
}

/** The login error page: escaped, uncacheable, no scripts, no referrer. */
export function errorPage(
  status: number,
  content: ErrorPageContent,
  setCookies: readonly string[] = [],
): Response {
  const code = content.code ? `<p><code>${escapeHtml(content.code)}</code></p>` : '';
  const html = `<!doctype html><html><head><meta charset="utf-8"><title>${escapeHtml(content.title)}</title></head><body><h1>${escapeHtml(content.title)}</h1><p>${escapeHtml(content.message)}</p>${code}<p><a href="${escapeHtml(content.retryPath)}">Try again</a></p></body></html>`;
  const headers = new Headers({
    ...NO_STORE,
    'content-type': 'text/html; charset=utf-8',
    'content-security-policy': "default-src 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  });
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(html, { status, headers });
}

/** The route's Response with `Set-Cookie` values added (copied: a fetched Response is immutable). */
export function withSetCookies(response: Response, setCookies: readonly string[]): Response {
  if (setCookies.length === 0) return response;
  const headers = new Headers(response.headers);
  for (const cookie of setCookies) headers.append('set-cookie', cookie);
  return new Response(response.body, {
    status: response.status,
    statusText: response.statusText,
    headers,
  });
}
