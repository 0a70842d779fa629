/**
 * Box preset: OAuth 2.0 with client-side authentication for the Box Platform API, with
 * single-use refresh tokens and token revocation.
 *
 * Documented behaviour, and where it is handled:
 * - the client authenticates with `client_id` and `client_secret` in the form body, at the token
 *   and revocation endpoints: `client_secret_post` is the one method in
 *   `token_endpoint_auth_methods_supported`; no PKCE is documented;
 * - an authorization code is valid for 30 seconds: the callback must exchange it at once (the
 *   handlers do; a slower exchange is an `InvalidGrantError`);
 * - scopes are set on the app (`root_readwrite`, ...); the preset asks for none;
 * - token answers carry `token_type: "bearer"` in lowercase and `restricted_to` (a list, kept in
 *   the token as sent); access tokens last about an hour; a refresh token works once and the
 *   answer carries the next, which the session keeps; errors are RFC 6749's;
 * - revocation at `/oauth2/revoke` takes the token with `client_id` and `client_secret`, and
 *   revoking the access token ends its refresh token too;
 * - the user is `GET https://api.box.com/2.0/users/me`; a bad token is a 401 with an
 *   `invalid_token` challenge, after which the session refreshes once.
 *
 * @see https://developer.box.com/guides/authentication/oauth2/
 * @see https://developer.box.com/reference/get-authorize/
 * @see https://developer.box.com/reference/post-oauth2-token/
 * @see https://developer.box.com/reference/post-oauth2-revoke/
 * @see https://developer.box.com/reference/get-users-me/
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link boxProvider}. */
export interface BoxProviderOptions {
  /** Where the authorization page lives; default `https://account.box.com`. */
  baseUrl?: string | undefined;
  /** Where the token endpoints and the API live; default `https://api.box.com`. */
  apiUrl?: string | undefined;
}

/**
 * Makes a Box preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: box });
 * const me = await (await session.fetch(...userRequest(box))).json(); // { type: 'user', id, login, ... }
 * ```
 */
export function boxProvider(options: BoxProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://account.box.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.box.com');
  return definePreset({
    id: 'box',
    server: {
      authorization_endpoint: `${base}/api/oauth2/authorize`,
      token_endpoint: `${api}/oauth2/token`,
      revocation_endpoint: `${api}/oauth2/revoke`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    user: { url: `${api}/2.0/users/me` },
  });
}

/**
 * The preset for box.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: box });
 * ```
 */
export const box: ProviderPreset = boxProvider();
