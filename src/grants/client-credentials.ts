/**
 * Client credentials grant: the token request parameters (RFC 6749 section 4.4). The answer
 * has no refresh token; the session fetches a new token when it expires.
 *
 * @module
 */

/** The body parameters of a client credentials token request. */
export function clientCredentialsParams(
  scope?: readonly string[],
): Record<string, string | undefined> {
  return { grant_type: 'client_credentials', scope: scope?.length ? scope.join(' ') : undefined };
}
