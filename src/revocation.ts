/**
 * Token revocation (RFC 7009), as the token endpoint's two pure steps: make the request, read
 * the response. Revoking a refresh token ends the whole grant at servers that follow RFC 7009
 * section 2.1, so logout should revoke the refresh token when there is one.
 *
 * @module
 */

import type { ClientCredentials } from './client-auth.js';
import type { TokenRequestParts } from './hooks.js';
import { readEndpointAnswer, tokenRequest } from './token-endpoint.js';

/** Which kind of token is revoked (RFC 7009 section 2.1 `token_type_hint`). */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/**
 * Makes the parts of a revocation request: `token` and `token_type_hint` in a form body, with
 * the client's authentication, POSTed without following redirects (send with `toFetchArgs`).
 *
 * @see RFC 7009 section 2.1
 */
export function revocationRequest(
  url: URL,
  token: string,
  hint: TokenTypeHint | undefined,
  client: ClientCredentials,
  headers?: HeadersInit,
): TokenRequestParts {
  return tokenRequest(url, { token, token_type_hint: hint }, client, headers);
}

/**
 * Reads a revocation response: any 2xx is success (RFC 7009 section 2.2: the server answers 200
 * for a token it already considers invalid too); an OAuth error body is its typed error
 * (`unsupported_token_type`, `invalid_client`, ...), another non-2xx an `OAUTH_HTTP_ERROR`.
 *
 * @see RFC 7009 sections 2.2 and 2.2.1
 */
export async function readRevocationResponse(response: Response, maxBytes: number): Promise<void> {
  await readEndpointAnswer(response, 'revocation', maxBytes);
}
