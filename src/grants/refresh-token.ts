/**
 * Refresh token grant: the token request parameters (RFC 6749 section 6).
 *
 * @module
 */

/** The body parameters of a refresh request; `scope` only when narrowing it. */
export function refreshTokenParams(
  refreshToken: string,
  scope?: readonly string[],
): Record<string, string | undefined> {
  return { grant_type: 'refresh_token', refresh_token: refreshToken, scope: scope?.join(' ') };
}
