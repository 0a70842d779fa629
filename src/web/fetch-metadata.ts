/**
 * Where a request comes from, as the browser says it: Fetch Metadata (`Sec-Fetch-Site`) and
 * the `Origin` header. Both are set by the browser itself, so a page on another site cannot
 * forge them in the victim's browser; a client that is not a browser sends neither (and holds
 * no victim's cookies to abuse).
 *
 * @see https://www.w3.org/TR/fetch-metadata/
 * @see https://datatracker.ietf.org/doc/html/rfc6454#section-7
 * @module
 */

/** @internal The values of `Sec-Fetch-Site`. */
export type FetchSite = 'same-origin' | 'same-site' | 'cross-site' | 'none';

/**
 * Values for which a state-changing GET (a logout link) may run: a link on the app's own pages
 * (`same-origin`) or a URL the user typed or bookmarked (`none`). `same-site` (a sibling
 * subdomain, possibly someone else's) and `cross-site` are another origin's doing.
 */
const DIRECT: ReadonlySet<string> = new Set<FetchSite>(['same-origin', 'none']);

/** @internal The request's `Sec-Fetch-Site`, lowercased; `undefined` when the client sent none. */
export function fetchSite(request: Request): string | undefined {
  return request.headers.get('sec-fetch-site')?.trim().toLowerCase() || undefined;
}

/**
 * Whether the request is the user's own doing on this origin: `Sec-Fetch-Site` is
 * `same-origin` or `none`, or absent (clients that are not browsers, and browsers that predate
 * Fetch Metadata). Any other value, unknown ones included, is another origin's request.
 *
 * @internal
 */
export function isDirectRequest(request: Request): boolean {
  const site = fetchSite(request);
  return site === undefined || DIRECT.has(site);
}

/**
 * Whether the request's `Origin` header, when sent, is `origin`. An opaque `Origin: null`
 * (sandboxed frames, some redirects) is refused; no header at all passes (clients that are not
 * browsers send none; browsers send it on every POST).
 *
 * @internal
 */
export function originMatches(request: Request, origin: string): boolean {
  const sent = request.headers.get('origin');
  return sent === null || sent === origin;
}
