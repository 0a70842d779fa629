/**
 * LinkedIn preset: Sign In with LinkedIn using OpenID Connect (`openid`, `profile`, `email`),
 * the userinfo endpoint, token revocation and introspection, and the refresh tokens LinkedIn
 * issues to approved partners.
 *
 * Documented behaviour, and where it is handled:
 * - the token endpoint takes `client_id` and `client_secret` in the form body only:
 *   `client_secret_post` is the one method in `token_endpoint_auth_methods_supported`;
 * - PKCE is for LinkedIn's native apps only: a web app's challenge is ignored (and harmless);
 * - token answers write the granted scopes comma-separated (`email,openid,profile`; the core
 *   splits on commas) and last 60 days (`expires_in: 5184000`), with an `id_token` (RS256, issuer
 *   `https://www.linkedin.com/oauth`, keys at `jwks_uri`);
 * - a bad, used or expired code is answered `invalid_request` ("Unable to retrieve access token:
 *   appid/redirect uri/code verifier does not match authorization code…"), and a bad refresh
 *   token likewise: read as the RFC's `invalid_grant` (`token.parsed`), so they are
 *   `InvalidGrantError`s;
 * - refresh tokens come only to apps LinkedIn has approved for them (`refresh_token`,
 *   `refresh_token_expires_in`); a refresh answers the same refresh token, its lifetime not
 *   renewed, and the session keeps it;
 * - revocation at `/oauth/v2/revoke` and introspection at `/oauth/v2/introspectToken` take the
 *   token with `client_id` and `client_secret` in the form, as the token endpoint does;
 * - the user is the OpenID Connect userinfo endpoint, `GET https://api.linkedin.com/v2/userinfo`,
 *   whose `locale` is an object (`{"country": "US", "language": "en"}`), not OIDC's string; API
 *   refusals are LinkedIn's `{"serviceErrorCode", "message", "status"}`.
 *
 * @see https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2
 * @see https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow
 * @see https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens
 * @see https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection
 * @see https://www.linkedin.com/oauth/.well-known/openid-configuration
 * @module
 */

import type { EndpointParsedHook } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link linkedinProvider}. */
export interface LinkedInProviderOptions {
  /** Where the authorization and token endpoints live; default `https://www.linkedin.com`. */
  baseUrl?: string | undefined;
  /** Where the API lives; default `https://api.linkedin.com`. */
  apiUrl?: string | undefined;
}

/** LinkedIn's `invalid_request` for a code or refresh token it will not redeem is `invalid_grant`. */
const badGrant: EndpointParsedHook = (fields) => {
  const why = fields['error_description'];
  if (fields['error'] !== 'invalid_request' || typeof why !== 'string') return;
  if (/authorization code|refresh token/i.test(why)) fields['error'] = 'invalid_grant';
};

/**
 * Makes a LinkedIn preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: linkedin });
 * const me = await (await session.fetch(...userRequest(linkedin))).json(); // { sub, name, email, ... }
 * ```
 */
export function linkedinProvider(options: LinkedInProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://www.linkedin.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.linkedin.com');
  return definePreset({
    id: 'linkedin',
    server: {
      issuer: `${base}/oauth`,
      authorization_endpoint: `${base}/oauth/v2/authorization`,
      token_endpoint: `${base}/oauth/v2/accessToken`,
      revocation_endpoint: `${base}/oauth/v2/revoke`,
      introspection_endpoint: `${base}/oauth/v2/introspectToken`,
      userinfo_endpoint: `${api}/v2/userinfo`,
      jwks_uri: `${base}/oauth/openid/jwks`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      response_types_supported: ['code'],
      scopes_supported: ['openid', 'profile', 'email'],
      id_token_signing_alg_values_supported: ['RS256'],
    },
    scope: ['openid', 'profile', 'email'],
    user: { url: `${api}/v2/userinfo` },
    hooks: { 'token.parsed': badGrant },
  });
}

/**
 * The preset for linkedin.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: linkedin });
 * ```
 */
export const linkedin: ProviderPreset = linkedinProvider();
