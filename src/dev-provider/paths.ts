/**
 * The dev provider's URL paths, in one place: the router dispatches on them and the discovery
 * document and {@link DevProvider} name them, so they cannot drift apart.
 *
 * @module
 */

/** GitHub's authorize endpoint (and the consent form's target). */
export const PATH_AUTHORIZE = '/login/oauth/authorize';
/** GitHub's token endpoint. */
export const PATH_TOKEN = '/login/oauth/access_token';
/** GitHub's `GET /user` (api.github.com there, the same origin here). */
export const PATH_USER = '/user';
/** GitHub's token revocation, `DELETE /applications/{client_id}/token`. */
export const PATH_REVOKE = /^\/applications\/([^/]+)\/token$/;

/** OpenID Connect Discovery 1.0 section 4: the configuration at the issuer's well-known path. */
export const PATH_DISCOVERY = '/.well-known/openid-configuration';
/** The public signing keys (the discovery document's `jwks_uri`). */
export const PATH_JWKS = '/.well-known/jwks.json';
/** OpenID Connect Core 1.0 section 5.3. */
export const PATH_USERINFO = '/userinfo';
/** OpenID Connect RP-Initiated Logout 1.0. */
export const PATH_END_SESSION = '/logout';
/**
 * RFC 7009 revocation. GitHub's own revocation carries the client id in its path, which a
 * discovery document cannot name, so OIDC mode adds the standard one beside it.
 */
export const PATH_REVOCATION = '/oauth/revoke';

/** GitHub's revocation URL for a client. */
export function revokePath(clientId: string): string {
  return `/applications/${encodeURIComponent(clientId)}/token`;
}
