/**
 * Token revocation (RFC 7009) through the endpoint pipeline, plus its first pure steps. Revoking
 * a refresh token ends the whole grant at servers that follow RFC 7009 section 2.1, so logout
 * should revoke the refresh token when there is one.
 *
 * @module
 */

import type { ClientCredentials } from './client-auth.js';
import { callEndpoint, type EndpointClient, readEndpointAnswer } from './endpoint.js';
import { misuse } from './errors.js';
import type { TokenRequestParts } from './hooks.js';
import type { Token } from './token.js';
import { tokenRequest } from './token-endpoint.js';

/** Which kind of token is revoked (RFC 7009 section 2.1 `token_type_hint`). */
export type TokenTypeHint = 'access_token' | 'refresh_token';

/** @internal One revocation: the session's token and which of its values to revoke. */
export interface RevocationCall {
  /** The revocation endpoint, already held to the transport's rule. */
  readonly url: URL;
  readonly token: Token;
  /** Default the refresh token when there is one (it ends the grant), else the access token. */
  readonly hint?: TokenTypeHint | undefined;
  readonly headers?: HeadersInit | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** @internal The hint a revocation uses: the one asked for, else the refresh token when there is one. */
export function revocationHint(token: Token, hint?: TokenTypeHint): TokenTypeHint {
  return hint ?? (token.refresh_token ? 'refresh_token' : 'access_token');
}

/**
 * Revokes a token through the endpoint pipeline: any 2xx is success (RFC 7009 section 2.2: the
 * server answers 200 for a token it already considers invalid too).
 *
 * @throws TypeError `ERR_NO_TOKEN` when the hinted value is missing; OAuth2Error from the server
 * @internal
 */
export async function revoke(client: EndpointClient, call: RevocationCall): Promise<void> {
  const hint = revocationHint(call.token, call.hint);
  const value = call.token[hint];
  if (typeof value !== 'string' || !value) throw misuse(`token has no ${hint}`, 'ERR_NO_TOKEN');
  await callEndpoint(client, {
    ...call,
    endpoint: 'revocation',
    params: { token: value, token_type_hint: hint },
  });
}

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
 * Reads a revocation response: any 2xx is success; an OAuth error body is its typed error
 * (`unsupported_token_type`, `invalid_client`, ...), another non-2xx an `OAUTH_HTTP_ERROR`.
 *
 * @see RFC 7009 sections 2.2 and 2.2.1
 */
export async function readRevocationResponse(response: Response, maxBytes: number): Promise<void> {
  await readEndpointAnswer(response, 'revocation', maxBytes);
}
