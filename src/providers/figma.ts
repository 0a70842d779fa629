/**
 * Figma preset: OAuth 2 for the Figma REST API (an OAuth app acting for its users), with
 * expiring access tokens, refresh tokens and the signed-in user at `/v1/me`.
 *
 * Documented behaviour, and where it is handled:
 * - the authorization endpoint is `https://www.figma.com/oauth`; the token endpoint
 *   `https://api.figma.com/v1/oauth/token`; the refresh endpoint
 *   `https://api.figma.com/v1/oauth/refresh` (the OpenAPI description's `authorizationUrl`,
 *   `tokenUrl` and `refreshUrl`): a refresh request goes to the latter (`token.request`, on the
 *   token endpoint's origin, so an overridden token URL keeps its host);
 * - the client sends its credentials in the `Authorization` header with the Basic scheme, no
 *   longer as request parameters, and calls the OAuth API under `https://api.figma.com/v1/`
 *   (Figma's migration notice of its OAuth apps): `client_secret_basic`, the one method;
 * - scopes are granular (`current_user:read` reads the name, email and profile image; `files:read`
 *   is deprecated): the default scope is `current_user:read`, what `GET /v1/me` requires;
 * - OAuth tokens are sent as `Authorization: Bearer` (the REST API's authentication page);
 * - `GET /v1/me` answers the user (`id`, `handle`, `img_url`, `email`); API errors are
 *   `{"status": 403, "err": "…"}`, and some endpoints answer `{"error": true, "status": 400,
 *   "message": "…"}` instead.
 *
 * Undocumented, assumed (not found in Figma's pages or its OpenAPI description):
 * - the token endpoint's errors: assumed to be the `{"error": true, "status", "message"}` shape
 *   the REST API uses, so `token.parsed` reads a boolean `error` as RFC 6749's: `invalid_client`
 *   for a 401 or 403, `invalid_grant` otherwise (a spent, unknown or expired code or refresh
 *   token), `message` as the description; an answer with an RFC 6749 string `error` is left as is;
 * - the scope separator: assumed RFC 6749's space (the session's default);
 * - PKCE: assumed honoured with `S256` (the session always sends a challenge; a server that
 *   ignored it would still work);
 * - the refresh answer: assumed to carry a new access token and `expires_in` without a new refresh
 *   token (the session keeps the one it has, RFC 6749 section 6);
 * - token revocation: no endpoint documented, so the preset has none (`revokeToken` needs a URL).
 *
 * @see https://developers.figma.com/docs/rest-api/authentication/
 * @see https://developers.figma.com/docs/rest-api/scopes/
 * @see https://github.com/figma/rest-api-spec (openapi/openapi.yaml: `securitySchemes.OAuth2`, `GET /v1/me`)
 * @module
 */

import type { EndpointParsedHook, EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link figmaProvider}. */
export interface FigmaProviderOptions {
  /** Where the authorization page lives; default `https://www.figma.com`. */
  baseUrl?: string | undefined;
  /** Where the OAuth API and the REST API live; default `https://api.figma.com`. */
  apiUrl?: string | undefined;
}

/** A refresh request goes to `/v1/oauth/refresh`, beside the token endpoint it was made for. */
function refreshEndpoint(request: EndpointRequest, { grantType }: HookContext): void {
  if (grantType !== 'refresh_token') return;
  request.url.pathname = request.url.pathname.replace(/\/oauth\/token$/, '/oauth/refresh');
}

/** Figma's `{"error": true, "status", "message"}` read as RFC 6749's error fields. */
const figmaErrors: EndpointParsedHook = (fields, { status }) => {
  if (fields['error'] !== true) return;
  fields['error'] = status === 401 || status === 403 ? 'invalid_client' : 'invalid_grant';
  const message = fields['message'];
  if (typeof message === 'string' && fields['error_description'] === undefined)
    fields['error_description'] = message;
};

/**
 * Makes a Figma preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: figma });
 * const me = await (await session.fetch(...userRequest(figma))).json(); // { id, handle, email, img_url }
 * ```
 */
export function figmaProvider(options: FigmaProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://www.figma.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.figma.com');
  return definePreset({
    id: 'figma',
    server: {
      authorization_endpoint: `${base}/oauth`,
      token_endpoint: `${api}/v1/oauth/token`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
    },
    scope: ['current_user:read'],
    user: { url: `${api}/v1/me` },
    hooks: { 'token.request': refreshEndpoint, 'token.parsed': figmaErrors },
  });
}

/**
 * The preset for figma.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: figma });
 * ```
 */
export const figma: ProviderPreset = figmaProvider();
