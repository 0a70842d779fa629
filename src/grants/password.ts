/**
 * Resource owner password credentials grant (RFC 6749 section 4.3).
 *
 * @deprecated Legacy: OAuth 2.0 Security BCP (RFC 9700 section 2.4) says it MUST NOT be used;
 * kept for migrating old systems only.
 * @module
 */

/**
 * The body parameters of a password token request.
 *
 * @deprecated Legacy grant (RFC 9700 section 2.4); prefer the authorization code flow.
 */
export function passwordParams(
  username: string,
  password: string,
  scope?: readonly string[],
): Record<string, string | undefined> {
  return {
    grant_type: 'password',
    username,
    password,
    scope: scope?.length ? scope.join(' ') : undefined,
  };
}
