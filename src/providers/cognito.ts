/**
 * Amazon Cognito preset: a user pool's managed login (hosted UI) domain for the OAuth 2.0
 * endpoints, the pool's issuer on `cognito-idp`, PKCE, refresh tokens and their revocation.
 *
 * Documented behaviour, and where it is handled:
 * - `/oauth2/authorize`, `/oauth2/token`, `/oauth2/revoke` and `/oauth2/userInfo` are on the
 *   pool's domain (`https://{prefix}.auth.{region}.amazoncognito.com` or a custom domain), while
 *   the issuer of its tokens is `https://cognito-idp.{region}.amazonaws.com/{userPoolId}`, with
 *   its keys at `{issuer}/.well-known/jwks.json`;
 * - an app client with a secret must send it by HTTP Basic, the session's default with a secret
 *   (and `token_endpoint_auth_methods_supported` lists no other, so it stays so); a public one
 *   sends `client_id` and uses PKCE (`S256`);
 * - a code answers ID, access and refresh tokens; a refresh answers new ID and access tokens and
 *   no refresh token (the core keeps the one it has), or a new one when the client has refresh
 *   token rotation on;
 * - `/oauth2/revoke` takes the refresh token (the session's default hint), the client
 *   authenticated as at the token endpoint; it also revokes the access and ID tokens issued with
 *   it;
 * - the user is `GET /oauth2/userInfo` (Bearer). Cognito's `/logout` takes `client_id` and
 *   `logout_uri`, not OpenID Connect's end session parameters, so it is not described as one.
 *
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html
 * @see https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html
 * @module
 */

import { misuse } from '../errors.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { httpsOrigin, trimUrl } from './quirks.js';

/** Options of {@link cognitoProvider}. */
export interface CognitoProviderOptions {
  /** The pool's domain, `acme.auth.us-east-1.amazoncognito.com` or a custom domain. */
  domain: string;
  /** The pool's region, `us-east-1`. */
  region: string;
  /** The pool's id, `us-east-1_EXAMPLE`. */
  userPoolId: string;
  /** Where the pool's issuer lives; default `https://cognito-idp.{region}.amazonaws.com`. */
  idpUrl?: string | undefined;
}

/**
 * Makes an Amazon Cognito preset for one user pool.
 *
 * @example
 * ```ts
 * const pool = cognitoProvider({
 *   domain: 'acme.auth.us-east-1.amazoncognito.com',
 *   region: 'us-east-1',
 *   userPoolId: 'us-east-1_EXAMPLE',
 * });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: pool });
 * ```
 * @throws TypeError `ERR_MISSING_OPTION` when `domain`, `region` or `userPoolId` is empty
 */
export function cognitoProvider(options: CognitoProviderOptions): ProviderPreset {
  for (const name of ['domain', 'region', 'userPoolId'] as const)
    if (!options?.[name]) throw misuse(`cognitoProvider needs ${name}`, 'ERR_MISSING_OPTION');
  const base = httpsOrigin(options.domain);
  const idp = trimUrl(options.idpUrl ?? `https://cognito-idp.${options.region}.amazonaws.com`);
  const issuer = `${idp}/${encodeURIComponent(options.userPoolId)}`;
  return definePreset({
    id: 'cognito',
    server: {
      issuer,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      userinfo_endpoint: `${base}/oauth2/userInfo`,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
    },
    scope: ['openid', 'email', 'profile'],
    user: { url: `${base}/oauth2/userInfo` },
  });
}
