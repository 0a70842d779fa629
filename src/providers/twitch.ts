/**
 * Twitch preset: the authorization code grant flow for user access tokens, with refresh tokens,
 * revocation and OpenID Connect; the Helix API.
 *
 * Documented behaviour, and where it is handled:
 * - the client authenticates with `client_id` and `client_secret` in the form body: the only
 *   method in `token_endpoint_auth_methods_supported`;
 * - token answers have `token_type: "bearer"` in lowercase and `scope` as a JSON list (the core
 *   reads both); a refresh answers a new refresh token, which the session keeps;
 * - errors are Twitch's own shape, `{"status": 400, "message": "Invalid refresh token"}`
 *   (sometimes with `"error": "Bad Request"`): read as the RFC code the message means,
 *   `invalid_grant` for a bad code or refresh token, `invalid_client` for the client
 *   (`token.parsed`);
 * - revocation at `/oauth2/revoke` takes `client_id` and the access token, nothing else
 *   (`revocation.request`); it revokes that access token (not the refresh token); its 400
 *   `Invalid token` for a token already invalid is success (`revocation.response`);
 * - every Helix request needs a `Client-Id` header naming the client the token was issued to:
 *   set on requests to the API from the session's `clientId` (`resource.request`);
 * - the user is `GET /helix/users` (`user:read:email` adds the email); OpenID Connect's
 *   `issuer`, `jwks_uri` and `userinfo_endpoint` are in the server description; no PKCE.
 *
 * @see https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#authorization-code-grant-flow
 * @see https://dev.twitch.tv/docs/authentication/refresh-tokens/
 * @see https://dev.twitch.tv/docs/authentication/revoke-tokens/
 * @see https://dev.twitch.tv/docs/api/reference/#get-users
 * @module
 */

import type { EndpointParsedHook, EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { alreadyRevoked, toApi, trimUrl } from './quirks.js';

/** Options of {@link twitchProvider}. */
export interface TwitchProviderOptions {
  /** Where the identity service lives; default `https://id.twitch.tv`. */
  baseUrl?: string | undefined;
  /** Where the Helix API lives; default `https://api.twitch.tv`. */
  apiUrl?: string | undefined;
}

/** `{"status", "message"}` read as the RFC 6749 error its message names. */
const twitchErrors: EndpointParsedHook = (fields) => {
  const message = fields['message'];
  if (typeof fields['status'] !== 'number' || typeof message !== 'string') return;
  fields['error'] = /invalid (authorization code|refresh token)|redirect/i.test(message)
    ? 'invalid_grant'
    : /client/i.test(message)
      ? 'invalid_client'
      : 'invalid_request';
  fields['error_description'] = message;
};

/** RFC 7009's request as Twitch's: `client_id` and the access token. */
function revokeAccessToken(request: EndpointRequest, { clientId, token }: HookContext): void {
  for (const name of [...request.body.keys()]) request.body.delete(name);
  request.headers.delete('authorization');
  request.body.set('client_id', clientId);
  if (token?.access_token) request.body.set('token', token.access_token);
}

/**
 * Makes a Twitch preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: twitch });
 * const { data } = await (await session.fetch(...userRequest(twitch))).json(); // Client-Id added
 * ```
 */
export function twitchProvider(options: TwitchProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://id.twitch.tv');
  const api = trimUrl(options.apiUrl ?? 'https://api.twitch.tv');
  return definePreset({
    id: 'twitch',
    server: {
      issuer: `${base}/oauth2`,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${base}/oauth2/token`,
      revocation_endpoint: `${base}/oauth2/revoke`,
      userinfo_endpoint: `${base}/oauth2/userinfo`,
      jwks_uri: `${base}/oauth2/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    scope: ['user:read:email'],
    user: { url: `${api}/helix/users` },
    hooks: {
      'token.parsed': twitchErrors,
      'revocation.request': revokeAccessToken,
      'revocation.response': alreadyRevoked(400, (body) => /invalid token/i.test(body)),
      'revocation.parsed': twitchErrors,
      'resource.request': toApi(api, ({ headers }, { clientId }) => {
        if (!headers.has('client-id')) headers.set('client-id', clientId);
      }),
    },
  });
}

/**
 * The preset for twitch.tv.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: twitch });
 * ```
 */
export const twitch: ProviderPreset = twitchProvider();
