/**
 * How a token is attached to a request made with it, as a strategy value: Bearer now (RFC
 * 6750), DPoP next (RFC 9449, which also signs a proof per request). Every resource request
 * goes through one, and the token types a client accepts come from it.
 *
 * @module
 */

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

/**
 * `Authorization: Bearer <access_token>`, the header method (RFC 6750 section 2.1); the body and
 * query methods of sections 2.2 and 2.3 leak tokens into logs and are not the default.
 */
export const bearer: TokenAttachment = Object.freeze({
  tokenTypes: BEARER_ONLY,
  attach(request: ResourceRequest, token: Token): void {
    request.headers.set('authorization', `Bearer ${token.access_token}`);
  },
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
