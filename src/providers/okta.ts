/**
 * Okta preset: OpenID Connect and OAuth 2.0 against an Okta custom authorization server (the
 * `default` one unless told), with PKCE, refresh tokens and RFC 7009 revocation.
 *
 * Documented behaviour, and where it is handled:
 * - every endpoint of a custom authorization server is under
 *   `https://{yourOktaDomain}/oauth2/{authorizationServerId}/v1/`, and its issuer is
 *   `https://{yourOktaDomain}/oauth2/{authorizationServerId}` (the factory's `domain` and
 *   `authorizationServerId`, default `default`);
 * - client authentication is configured per app: `client_secret_basic` (the session's default
 *   with a secret), `client_secret_post`, `client_secret_jwt`, `private_key_jwt`, or `none` for
 *   a public client, which must use PKCE (the session's S256 challenge);
 * - a refresh token is issued only when the request asks for the `offline_access` scope (and the
 *   app allows the refresh token grant): it is in the default scopes; a refresh may rotate it
 *   (the core keeps the newest);
 * - `/revoke` needs the client's authentication and takes an access or refresh token; revoking a
 *   token that is invalid, expired or already revoked is a success, as RFC 7009 has it;
 * - the user is OpenID Connect `/userinfo` (Bearer); `/keys` is the JWK Set, `/logout` the end
 *   session endpoint.
 *
 * @see https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/
 * @see https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/revokecustomas
 * @module
 */

import { misuse } from '../errors.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { httpsOrigin } from './quirks.js';

/** Options of {@link oktaProvider}. */
export interface OktaProviderOptions {
  /** The org's domain, `dev-123456.okta.com` (or a custom domain); a URL is taken as given. */
  domain: string;
  /** The custom authorization server; default `default`. */
  authorizationServerId?: string | undefined;
}

/**
 * Makes an Okta preset for one org and custom authorization server.
 *
 * @example
 * ```ts
 * const okta = oktaProvider({ domain: 'dev-123456.okta.com' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: okta });
 * const { url, state, codeVerifier } = await session.authorizationUrl();
 * ```
 * @throws TypeError `ERR_MISSING_OPTION` when `domain` is empty
 */
export function oktaProvider(options: OktaProviderOptions): ProviderPreset {
  if (!options?.domain) throw misuse('oktaProvider needs domain', 'ERR_MISSING_OPTION');
  const issuer = `${httpsOrigin(options.domain)}/oauth2/${encodeURIComponent(options.authorizationServerId ?? 'default')}`;
  return definePreset({
    id: 'okta',
    server: {
      issuer,
      authorization_endpoint: `${issuer}/v1/authorize`,
      token_endpoint: `${issuer}/v1/token`,
      revocation_endpoint: `${issuer}/v1/revoke`,
      introspection_endpoint: `${issuer}/v1/introspect`,
      userinfo_endpoint: `${issuer}/v1/userinfo`,
      jwks_uri: `${issuer}/v1/keys`,
      end_session_endpoint: `${issuer}/v1/logout`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: [
        'client_secret_basic',
        'client_secret_post',
        'client_secret_jwt',
        'private_key_jwt',
        'none',
      ],
    },
    scope: ['openid', 'profile', 'email', 'offline_access'],
    user: { url: `${issuer}/v1/userinfo` },
  });
}
