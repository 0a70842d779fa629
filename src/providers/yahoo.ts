/**
 * Yahoo preset: OpenID Connect (and OAuth 2.0) at `api.login.yahoo.com`, with refresh tokens.
 *
 * Documented behaviour, and where it is handled:
 * - `/oauth2/request_auth` and `/oauth2/get_token`; the client authenticates with HTTP Basic
 *   (`client_id:client_secret`, the session's default with a secret) or the body;
 * - scopes `openid`, `profile`, `email` (the default scopes; the app's API permissions are set
 *   when it is registered);
 * - token answers carry `access_token`, `token_type: "bearer"` in lowercase (the core compares
 *   token types without case), `expires_in: 3600`, `refresh_token`, `id_token` and the older
 *   `xoauth_yahoo_guid` (kept as sent);
 * - the user is OpenID Connect `/openid/v1/userinfo` (Bearer); the ID token's keys are at
 *   `/openid/v1/certs`, the issuer `https://api.login.yahoo.com`;
 * - no revocation endpoint and no PKCE are documented.
 *
 * @see https://developer.yahoo.com/oauth2/guide/openid_connect/
 * @see https://developer.yahoo.com/oauth2/guide/flows_authcode/
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link yahooProvider}. */
export interface YahooProviderOptions {
  /** Where Yahoo's login service lives; default `https://api.login.yahoo.com`. */
  baseUrl?: string | undefined;
}

/**
 * Makes a Yahoo preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: yahoo });
 * const me = await (await session.fetch(...userRequest(yahoo))).json(); // me.sub, me.email
 * ```
 */
export function yahooProvider(options: YahooProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://api.login.yahoo.com');
  return definePreset({
    id: 'yahoo',
    server: {
      issuer: base,
      authorization_endpoint: `${base}/oauth2/request_auth`,
      token_endpoint: `${base}/oauth2/get_token`,
      userinfo_endpoint: `${base}/openid/v1/userinfo`,
      jwks_uri: `${base}/openid/v1/certs`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    },
    scope: ['openid', 'profile', 'email'],
    user: { url: `${base}/openid/v1/userinfo` },
  });
}

/**
 * The preset for Yahoo.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: yahoo });
 * ```
 */
export const yahoo: ProviderPreset = yahooProvider();
