/**
 * Auth0 preset: OpenID Connect and OAuth 2.0 at a tenant's domain (`{tenant}.auth0.com`, a
 * regional `{tenant}.eu.auth0.com` or a custom domain), with PKCE, refresh tokens and refresh
 * token revocation.
 *
 * Documented behaviour, and where it is handled:
 * - the issuer is `https://{domain}/`, with a trailing slash (an ID token's `iss` has it, so the
 *   server description keeps it); the endpoints are `/authorize`, `/oauth/token`,
 *   `/oauth/revoke`, `/userinfo`, `/.well-known/jwks.json` and `/oidc/logout`;
 * - a refresh token is issued only for the `offline_access` scope (in the default scopes, and
 *   only when the API allows offline access); with rotation on, each refresh answers a new one,
 *   which the core keeps;
 * - an access token for an API needs `audience` in the authorization request (the `audience`
 *   option); without it the access token is only good for `/userinfo`;
 * - token errors are RFC 6749 codes, a bad code or refresh token an HTTP 403 `invalid_grant`
 *   (the core reads the code whatever the status);
 * - `/oauth/revoke` revokes refresh tokens only (the session's default hint when it has one),
 *   with the client's authentication; it answers 200 for a token that is revoked, unknown or not
 *   the client's. Access tokens cannot be revoked: they live until they expire;
 * - the user is `GET /userinfo` (Bearer).
 *
 * @see https://auth0.com/docs/api/authentication
 * @see https://auth0.com/docs/secure/tokens/refresh-tokens/revoke-refresh-tokens
 * @see https://auth0.com/docs/get-started/apis/scopes/openid-connect-scopes
 * @module
 */

import { misuse } from '../errors.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { httpsOrigin } from './quirks.js';

/** Options of {@link auth0Provider}. */
export interface Auth0ProviderOptions {
  /** The tenant's domain, `acme.us.auth0.com` or a custom domain; a URL is taken as given. */
  domain: string;
  /** The API the access token is for (its identifier), sent as `audience`. */
  audience?: string | undefined;
}

/**
 * Makes an Auth0 preset for one tenant.
 *
 * @example
 * ```ts
 * const auth0 = auth0Provider({ domain: 'acme.us.auth0.com', audience: 'https://api.acme.example' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: auth0 });
 * const { url, state, codeVerifier } = await session.authorizationUrl();
 * ```
 * @throws TypeError `ERR_MISSING_OPTION` when `domain` is empty
 */
export function auth0Provider(options: Auth0ProviderOptions): ProviderPreset {
  if (!options?.domain) throw misuse('auth0Provider needs domain', 'ERR_MISSING_OPTION');
  const base = httpsOrigin(options.domain);
  return definePreset({
    id: 'auth0',
    server: {
      issuer: `${base}/`,
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      userinfo_endpoint: `${base}/userinfo`,
      jwks_uri: `${base}/.well-known/jwks.json`,
      end_session_endpoint: `${base}/oidc/logout`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'private_key_jwt',
      ],
    },
    scope: ['openid', 'profile', 'email', 'offline_access'],
    user: { url: `${base}/userinfo` },
    ...(options.audience ? { authorizationParams: { audience: options.audience } } : {}),
  });
}
