/**
 * Keycloak preset: a realm's OpenID Connect endpoints on a Keycloak server, with PKCE, refresh
 * tokens, RFC 7009 revocation and an end session endpoint.
 *
 * Documented behaviour, and where it is handled:
 * - every endpoint is under `{baseUrl}/realms/{realm}/protocol/openid-connect/` (`auth`,
 *   `token`, `revoke`, `userinfo`, `certs`, `logout`, `token/introspect`), and the issuer is
 *   `{baseUrl}/realms/{realm}` (a server older than Keycloak 17 has `/auth` in `baseUrl`);
 * - a confidential client authenticates with its secret (Basic, the session's default, or the
 *   body) or a signed JWT; a public client with PKCE (`S256`, or `plain`) alone;
 * - access tokens are short-lived (300 seconds by default) and every token answer carries a
 *   refresh token (no scope asks for it; `offline_access` asks for an offline token, which
 *   survives the user's logout); with the realm's "Revoke Refresh Token" on, a refresh token is
 *   single use and the core keeps the newest; answers also carry `refresh_expires_in`,
 *   `session_state` and `not-before-policy`, kept in the token as sent;
 * - a wrong client secret is answered `401 {"error": "unauthorized_client", "error_description":
 *   "Invalid client or Invalid client credentials"}` where RFC 6749 says `invalid_client`: a 401
 *   `unauthorized_client` is read as `invalid_client`, so it is an `InvalidClientError`
 *   (`token.parsed`, `revocation.parsed`); a 400 `unauthorized_client` (a grant the client may
 *   not use) stays as it is;
 * - `/revoke` is RFC 7009, the client authenticated as at the token endpoint;
 * - the user is `/userinfo` (Bearer; the token needs the `openid` scope), and the end session
 *   endpoint is `/logout` (the browser goes there with `id_token_hint`).
 *
 * @see https://www.keycloak.org/securing-apps/oidc-layers
 * @see https://www.keycloak.org/docs/latest/server_admin/#_oidc-logout
 * @see https://github.com/keycloak/keycloak/issues/16923 (the 401 `unauthorized_client` answer)
 * @module
 */

import { misuse } from '../errors.js';
import type { EndpointParsedHook } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Keycloak's 401 `unauthorized_client` is the client's authentication failing. */
const clientAuthFailed: EndpointParsedHook = (fields, { status }) => {
  if (status === 401 && fields['error'] === 'unauthorized_client')
    fields['error'] = 'invalid_client';
};

/** Options of {@link keycloakProvider}. */
export interface KeycloakProviderOptions {
  /** The server, `https://sso.example.com` (with `/auth` for Keycloak 16 and older). */
  baseUrl: string;
  /** The realm's name. */
  realm: string;
}

/**
 * Makes a Keycloak preset for one realm.
 *
 * @example
 * ```ts
 * const kc = keycloakProvider({ baseUrl: 'https://sso.example.com', realm: 'acme' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: kc });
 * const { url, state, codeVerifier } = await session.authorizationUrl();
 * ```
 * @throws TypeError `ERR_MISSING_OPTION` when `baseUrl` or `realm` is empty
 */
export function keycloakProvider(options: KeycloakProviderOptions): ProviderPreset {
  if (!options?.baseUrl) throw misuse('keycloakProvider needs baseUrl', 'ERR_MISSING_OPTION');
  if (!options.realm) throw misuse('keycloakProvider needs realm', 'ERR_MISSING_OPTION');
  const issuer = `${trimUrl(options.baseUrl)}/realms/${encodeURIComponent(options.realm)}`;
  const oidc = `${issuer}/protocol/openid-connect`;
  return definePreset({
    id: 'keycloak',
    server: {
      issuer,
      authorization_endpoint: `${oidc}/auth`,
      token_endpoint: `${oidc}/token`,
      revocation_endpoint: `${oidc}/revoke`,
      introspection_endpoint: `${oidc}/token/introspect`,
      userinfo_endpoint: `${oidc}/userinfo`,
      jwks_uri: `${oidc}/certs`,
      end_session_endpoint: `${oidc}/logout`,
      code_challenge_methods_supported: ['plain', 'S256'],
      token_endpoint_auth_methods_supported: [
        'private_key_jwt',
        'client_secret_basic',
        'client_secret_post',
        'tls_client_auth',
        'client_secret_jwt',
      ],
    },
    scope: ['openid', 'profile', 'email'],
    user: { url: `${oidc}/userinfo` },
    hooks: { 'token.parsed': clientAuthFailed, 'revocation.parsed': clientAuthFailed },
  });
}
