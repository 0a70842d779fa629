/**
 * Authorization code grant: the token request parameters (RFC 6749 section 4.1.3, RFC 7636 4.5).
 *
 * @module
 */

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
