/**
 * X (Twitter) preset: OAuth 2.0 Authorization Code Flow with PKCE for the X API v2, with refresh
 * tokens (`offline.access`) and token revocation.
 *
 * Documented behaviour, and where it is handled:
 * - PKCE is required (`S256` or `plain`): the session's S256 challenge is always sent;
 * - a confidential client must authenticate by HTTP Basic at the token endpoints, a public client
 *   sends its `client_id` in the body: `client_secret_basic` and `none` are the methods in
 *   `token_endpoint_auth_methods_supported`, so the session's default fits either;
 * - scopes are space-separated; `offline.access` (in the default scopes) asks for a refresh
 *   token; access tokens last two hours; each refresh answers a new refresh token, which the
 *   session keeps;
 * - X answers a bad authorization code or refresh token with `invalid_request` ("Value passed for
 *   the authorization code was invalid.", "Value passed for the token was invalid."), and
 *   missing client credentials with `unauthorized_client`: read as the RFC's `invalid_grant` and
 *   `invalid_client` (`token.parsed`), so a spent refresh token is an `InvalidGrantError`;
 * - revocation at `/2/oauth2/revoke` is RFC 7009's form (`token`, `token_type_hint`) with the
 *   client authenticated as at the token endpoint; it answers `{"revoked": true}`;
 * - the user is `GET https://api.x.com/2/users/me` (scopes `users.read` and `tweet.read`), its
 *   fields in `data`.
 *
 * @see https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code
 * @see https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token
 * @see https://docs.x.com/x-api/users/user-lookup-me
 * @module
 */

import type { EndpointParsedHook } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link twitterProvider}. */
export interface TwitterProviderOptions {
  /** Where the authorization page lives; default `https://x.com`. */
  baseUrl?: string | undefined;
  /** Where the token endpoints and the API live; default `https://api.x.com`. */
  apiUrl?: string | undefined;
}

/** X's codes for a bad grant or client, read as the RFC 6749 codes they mean. */
const rfcErrors: EndpointParsedHook = (fields) => {
  const { error, error_description: why } = fields;
  const text = typeof why === 'string' ? why : '';
  if (error === 'invalid_request' && /value passed for the (authorization code|token)/i.test(text))
    fields['error'] = 'invalid_grant';
  else if (error === 'unauthorized_client' && /authorization header|client/i.test(text))
    fields['error'] = 'invalid_client';
};

/**
 * Makes an X (Twitter) preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: twitter });
 * const { data } = await (await session.fetch(...userRequest(twitter))).json(); // data.username
 * ```
 */
export function twitterProvider(options: TwitterProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://x.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.x.com');
  return definePreset({
    id: 'twitter',
    server: {
      authorization_endpoint: `${base}/i/oauth2/authorize`,
      token_endpoint: `${api}/2/oauth2/token`,
      revocation_endpoint: `${api}/2/oauth2/revoke`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
    },
    scope: ['tweet.read', 'users.read', 'offline.access'],
    user: { url: `${api}/2/users/me` },
    hooks: { 'token.parsed': rfcErrors, 'revocation.parsed': rfcErrors },
  });
}

/**
 * The preset for x.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, redirectUri, provider: twitter }); // a public client
 * ```
 */
export const twitter: ProviderPreset = twitterProvider();
