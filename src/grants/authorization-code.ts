/**
 * Authorization code grant: the token request parameters (RFC 6749 section 4.1.3, RFC 7636 4.5).
 *
 * @module
 */

import { misuse } from '../errors.js';
import type { Token } from '../token.js';
import type { TokenRequester } from './token-requester.js';

/** What the authorization code grant sends besides client authentication. */
export interface AuthorizationCodeGrant {
  code: string;
  /** Sent only when it was sent in the authorization request. */
  redirectUri?: string | undefined;
  /** The PKCE verifier (RFC 7636 section 4.5). */
  codeVerifier?: string | undefined;
}

/** The body parameters of an authorization code token request. */
export function authorizationCodeParams(
  grant: AuthorizationCodeGrant,
): Record<string, string | undefined> {
  return {
    grant_type: 'authorization_code',
    code: grant.code,
    redirect_uri: grant.redirectUri,
    code_verifier: grant.codeVerifier,
  };
}

/** One code exchange, as the session makes it. */
export interface CodeExchange extends AuthorizationCodeGrant {
  readonly url: URL;
  /** Whether PKCE is on: then the verifier is required. */
  readonly pkce: boolean;
  readonly scope: readonly string[];
  readonly extraParams?: Record<string, string> | undefined;
  readonly headers?: HeadersInit | undefined;
  readonly signal?: AbortSignal | undefined;
}

/**
 * Exchanges the code: with PKCE on, never without the verifier (the server might accept a
 * code with no proof it was ours, RFC 9700 section 2.1.1).
 *
 * @throws TypeError `ERR_MISSING_OPTION` without a verifier while PKCE is on
 */
export function exchangeCode(request: TokenRequester, exchange: CodeExchange): Promise<Token> {
  if (exchange.pkce && !exchange.codeVerifier)
    throw misuse('codeVerifier is required (or pkce: false)', 'ERR_MISSING_OPTION');
  const params = authorizationCodeParams({
    code: exchange.code,
    redirectUri: exchange.redirectUri,
    codeVerifier: exchange.pkce ? exchange.codeVerifier : undefined,
  });
  const { url, extraParams, headers, signal, scope } = exchange;
  return request({ url, params, extraParams, headers, signal, requestedScope: scope });
}
