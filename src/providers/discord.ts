/**
 * Discord preset: OAuth2 authorization code grant with refresh tokens and revocation.
 *
 * Documented behaviour, and where it is handled:
 * - the token endpoint takes a form body only, the client's id and secret by HTTP Basic (the
 *   documentation's example) or in the body: the core sends a form, Basic by default
 *   (`token_endpoint_auth_methods_supported`);
 * - access tokens last a week (`expires_in: 604800`); a refresh answers a new refresh token,
 *   which the session keeps;
 * - revocation at `/api/oauth2/token/revoke` takes RFC 7009's `token` and `token_type_hint` with
 *   client authentication; revoking either token ends the whole authorization;
 * - every API request must carry `User-Agent: DiscordBot ($url, $versionNumber)`: set on token,
 *   revocation and API requests that have none (`token.request`, `revocation.request`,
 *   `resource.request`, the last only for requests to Discord's API);
 * - no PKCE is documented for this flow: the session's challenge is sent and ignored.
 *
 * @see https://discord.com/developers/docs/topics/oauth2
 * @see https://discord.com/developers/docs/reference#user-agent
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { headerUnlessSet, toApi, trimUrl } from './quirks.js';

/** Options of {@link discordProvider}. */
export interface DiscordProviderOptions {
  /** Where Discord lives; default `https://discord.com` (an emulator on loopback in tests). */
  baseUrl?: string | undefined;
  /**
   * Sent as `User-Agent` when a request has none; Discord wants
   * `DiscordBot ($url, $versionNumber)` naming your app. Default names this library.
   */
  userAgent?: string | undefined;
}

/** The default User-Agent, in the form Discord documents. */
const USER_AGENT = 'DiscordBot (https://www.npmjs.com/package/oauth2-session, 0.1)';

/**
 * Makes a Discord preset.
 *
 * @example
 * ```ts
 * const dc = discordProvider({ userAgent: 'DiscordBot (https://app.example, 2.1)' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: dc });
 * const me = await (await session.fetch(...userRequest(dc))).json();
 * ```
 */
export function discordProvider(options: DiscordProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://discord.com');
  const userAgent = headerUnlessSet('user-agent', options.userAgent ?? USER_AGENT);
  return definePreset({
    id: 'discord',
    server: {
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/api/oauth2/token`,
      revocation_endpoint: `${base}/api/oauth2/token/revoke`,
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    },
    scope: ['identify'],
    user: { url: `${base}/api/v10/users/@me` },
    hooks: {
      'token.request': userAgent,
      'revocation.request': userAgent,
      'resource.request': toApi(`${base}/api`, userAgent),
    },
  });
}

/**
 * The preset for discord.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: discord });
 * ```
 */
export const discord: ProviderPreset = discordProvider();
