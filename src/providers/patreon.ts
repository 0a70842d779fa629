/**
 * Patreon preset: OAuth for API v2, with refresh tokens; the user from `/api/oauth2/v2/identity`.
 *
 * Documented behaviour, and where it is handled:
 * - the authorization endpoint is `https://www.patreon.com/oauth2/authorize`, the token
 *   endpoint `https://www.patreon.com/api/oauth2/token`, which takes `client_id` and
 *   `client_secret` as parameters (the secret in the body: the only method listed);
 * - scopes are space-separated, v2 names (`identity`, `identity[email]`,
 *   `identity.memberships`, `campaigns`, ...): `identity` and `identity[email]` by default;
 * - token answers carry `access_token`, `refresh_token`, `expires_in`, `scope` and
 *   `token_type: "Bearer"`; a refresh answers a new refresh token, which the core keeps;
 * - API v2 follows JSON:API and returns no attributes unless they are asked for with
 *   `fields[user]`: the user endpoint asks for the profile fields (`email` needs
 *   `identity[email]`);
 * - no PKCE and no revocation endpoint are documented.
 *
 * @see https://docs.patreon.com/#oauth
 * @see https://docs.patreon.com/#get-api-oauth2-v2-identity
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link patreonProvider}. */
export interface PatreonProviderOptions {
  /** Where Patreon lives; default `https://www.patreon.com` (an emulator on loopback in tests). */
  baseUrl?: string | undefined;
  /** The `fields[user]` the user endpoint asks for; default the profile and email fields. */
  userFields?: readonly string[] | undefined;
}

const USER_FIELDS = ['email', 'full_name', 'first_name', 'last_name', 'image_url', 'url', 'vanity'];

/**
 * Makes a Patreon preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: patreon });
 * const { data } = await (await session.fetch(...userRequest(patreon))).json(); // data.attributes.full_name
 * ```
 */
export function patreonProvider(options: PatreonProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://www.patreon.com');
  const fields = new URLSearchParams({
    'fields[user]': (options.userFields ?? USER_FIELDS).join(','),
  });
  return definePreset({
    id: 'patreon',
    server: {
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/api/oauth2/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    scope: ['identity', 'identity[email]'],
    user: { url: `${base}/api/oauth2/v2/identity?${fields}` },
  });
}

/**
 * The preset for patreon.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: patreon });
 * ```
 */
export const patreon: ProviderPreset = patreonProvider();
