/**
 * Zoom preset: OAuth for a Zoom General (user-managed) app, with PKCE, one-hour access tokens,
 * rotating refresh tokens and token revocation; the Zoom API.
 *
 * Documented behaviour, and where it is handled:
 * - the client authenticates by HTTP Basic at the token and revocation endpoints: the one method
 *   in `token_endpoint_auth_methods_supported`;
 * - PKCE with `S256` (or `plain`); scopes are set on the app in the Marketplace, not asked for
 *   (the preset sets none);
 * - token answers carry `token_type: "bearer"` in lowercase, `scope` and `api_url` (the API's base
 *   for this account, kept in the token); each refresh answers a new refresh token and the old
 *   one stops working: the session keeps the newest;
 * - errors are `{"reason": "…", "error": "…"}`: `reason` is read as `error_description`, and
 *   the `invalid_request` Zoom answers for a bad authorization code or refresh token ("Invalid
 *   Token!") as `invalid_grant` (`token.parsed`), so they are `InvalidGrantError`s;
 * - revocation at `/oauth/revoke` takes the token in a form with the client's Basic credentials,
 *   and answers `{"status": "success"}`;
 * - the user is `GET https://api.zoom.us/v2/users/me`; API refusals are `{"code": 124,
 *   "message": "Invalid access token."}`.
 *
 * @see https://developers.zoom.us/docs/integrations/oauth/
 * @see https://developers.zoom.us/docs/integrations/oauth-error-messages/
 * @see https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}
 * @module
 */

import type { EndpointParsedHook } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link zoomProvider}. */
export interface ZoomProviderOptions {
  /** Where the OAuth endpoints live; default `https://zoom.us`. */
  baseUrl?: string | undefined;
  /** Where the API lives; default `https://api.zoom.us`. */
  apiUrl?: string | undefined;
}

/** Zoom's `{"reason", "error"}` read as RFC 6749's fields. */
const zoomErrors: EndpointParsedHook = (fields) => {
  const { reason, error } = fields;
  if (typeof reason !== 'string' || typeof error !== 'string') return;
  if (fields['error_description'] === undefined) fields['error_description'] = reason;
  if (error === 'invalid_request' && /invalid (authorization code|token)/i.test(reason))
    fields['error'] = 'invalid_grant';
};

/**
 * Makes a Zoom preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: zoom });
 * const me = await (await session.fetch(...userRequest(zoom))).json();
 * ```
 */
export function zoomProvider(options: ZoomProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://zoom.us');
  const api = trimUrl(options.apiUrl ?? 'https://api.zoom.us');
  return definePreset({
    id: 'zoom',
    server: {
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
    },
    user: { url: `${api}/v2/users/me` },
    hooks: { 'token.parsed': zoomErrors, 'revocation.parsed': zoomErrors },
  });
}

/**
 * The preset for zoom.us.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: zoom });
 * ```
 */
export const zoom: ProviderPreset = zoomProvider();
