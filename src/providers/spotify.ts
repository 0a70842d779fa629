/**
 * Spotify preset: the Web API's authorization code flow, with PKCE (a public client needs no
 * secret) and refresh tokens.
 *
 * Documented behaviour, and where it is handled:
 * - the token endpoint wants a form body and, from a confidential client, `Authorization: Basic`
 *   (the only secret method in `token_endpoint_auth_methods_supported`, so the session's default
 *   is Basic); a PKCE client sends `client_id` and `code_verifier` alone (`none`);
 * - PKCE with `S256`;
 * - a refresh may answer no refresh token: "continue using the existing token", which the
 *   session does (the core keeps the old refresh token);
 * - Spotify documents no revocation endpoint: users remove an app's access in their account;
 * - the user is `GET https://api.spotify.com/v1/me` (`user-read-email` adds the email).
 *
 * @see https://developer.spotify.com/documentation/web-api/tutorials/code-flow
 * @see https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow
 * @see https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link spotifyProvider}. */
export interface SpotifyProviderOptions {
  /** Where the accounts service lives; default `https://accounts.spotify.com`. */
  baseUrl?: string | undefined;
  /** Where the Web API lives; default `https://api.spotify.com`. */
  apiUrl?: string | undefined;
}

/**
 * Makes a Spotify preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, redirectUri, provider: spotify }); // PKCE, no secret
 * const me = await (await session.fetch(...userRequest(spotify))).json();
 * ```
 */
export function spotifyProvider(options: SpotifyProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://accounts.spotify.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.spotify.com');
  return definePreset({
    id: 'spotify',
    server: {
      authorization_endpoint: `${base}/authorize`,
      token_endpoint: `${base}/api/token`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
    },
    scope: ['user-read-email'],
    user: { url: `${api}/v1/me` },
  });
}

/**
 * The preset for spotify.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: spotify });
 * ```
 */
export const spotify: ProviderPreset = spotifyProvider();
