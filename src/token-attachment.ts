/**
 * How a token is attached to a request made with it, as a strategy value: Bearer now (RFC
 * 6750: the header by default, the body or the query when a server takes nothing else), DPoP
 * next (RFC 9449, which also signs a proof per request). Every resource request goes through
 * one, and the token types a client accepts come from it.
 *
 * @module
 */

import { misuse } from './errors.js';
import type { ResourceRequest } from './hooks.js';
import { assertTokenType, BEARER_ONLY, type Token } from './token.js';

/**
 * A token attachment strategy.
 *
 * @example
 * ```ts
 * new OAuth2Session({ clientId, token, tokenAttachment: bearer });
 * ```
 */
export interface TokenAttachment {
  /** The `token_type` values (lowercase) this strategy can send. */
  readonly tokenTypes: readonly string[];
  /** Adds the token to the request (a header, for Bearer); may be async (a signed proof). */
  attach(request: ResourceRequest, token: Token): void | Promise<void>;
  /**
   * Headers, other than `Authorization` and `DPoP`, that this strategy puts a credential in: the
   * transport drops them on a redirect to another origin as it drops those.
   */
  readonly credentialHeaders?: readonly string[] | undefined;
}

/** A frozen Bearer strategy (`token_type` Bearer only) from how it places the access token. */
function bearerBy(place: (request: ResourceRequest, accessToken: string) => void): TokenAttachment {
  return Object.freeze({
    tokenTypes: BEARER_ONLY,
    attach: (request: ResourceRequest, token: Token) => place(request, token.access_token),
  });
}

/**
 * `Authorization: Bearer <access_token>`, the header method (RFC 6750 section 2.1), and the
 * default: a header is not written to access logs as URLs are, is not sent on in a `Referer`,
 * is not kept by caches and history as a URL is, and is dropped on a redirect to another origin.
 * {@link bearerInBody} and {@link bearerInQuery} are there for servers that take nothing else.
 */
export const bearer = bearerBy((request, accessToken) => {
  request.headers.set('authorization', `Bearer ${accessToken}`);
});

/**
 * `access_token` in an `application/x-www-form-urlencoded` body (RFC 6750 section 2.2), only for
 * a form body (a `URLSearchParams`, or a string sent with that content type; not a `Request`
 * input, whose body is read as bytes) and a method that has one (not GET or HEAD); anything
 * else is a TypeError, never a token sent elsewhere. Not the default (see {@link bearer}); the
 * transport refuses to carry a body to another origin.
 *
 * @example
 * ```ts
 * const s = new OAuth2Session({ clientId, token, tokenAttachment: bearerInBody });
 * await s.post(url, { body: new URLSearchParams({ q: 'x' }) });
 * ```
 */
export const bearerInBody = bearerBy((request, accessToken) => {
  const { method, headers, body } = request;
  const form =
    body instanceof URLSearchParams ||
    (typeof body === 'string' &&
      /^application\/x-www-form-urlencoded\b/i.test(`${headers.get('content-type')}`));
  if (!form || /^(get|head)$/i.test(method)) throw misuse('bearerInBody needs a form body');
  const params = new URLSearchParams(body);
  params.set('access_token', accessToken);
  request.body = params;
});

/**
 * `access_token` as a query parameter (RFC 6750 section 2.3), with `Cache-Control: no-store`:
 * the URL, token included, may end in logs, history and `Referer` headers, so it is never the
 * default (see {@link bearer}). A redirect's `Location` is a new URL, without the parameter.
 *
 * @example
 * ```ts
 * new OAuth2Session({ clientId, token, tokenAttachment: bearerInQuery });
 * ```
 */
export const bearerInQuery = bearerBy((request, accessToken) => {
  const url = new URL(request.url);
  url.searchParams.set('access_token', accessToken);
  request.url = url.href;
  request.headers.set('cache-control', 'no-store');
});

/**
 * Attaches `token` to `request` with `attachment`, after the one `token_type` check.
 *
 * @throws UnsupportedTokenTypeError for a type the strategy cannot send
 */
export function attachToken(
  attachment: TokenAttachment,
  request: ResourceRequest,
  token: Token,
): void | Promise<void> {
  assertTokenType(token.token_type, attachment.tokenTypes);
  return attachment.attach(request, token);
}
