/**
 * Dropbox preset: scoped apps, PKCE, short-lived access tokens with a long-lived refresh token
 * (`token_access_type=offline`), and token revocation.
 *
 * Documented behaviour, and where it is handled:
 * - a refresh token comes only when the authorization request says `token_access_type=offline`:
 *   the preset's `authorizationParams` (option `tokenAccessType`);
 * - PKCE with `S256` (and `plain`); the client by Basic or in the body, a PKCE client by
 *   `client_id` alone: all listed in the server description, so the session's default fits;
 * - `token_type` is `bearer` in lowercase (the core compares without case); answers carry
 *   `account_id` and `uid` (kept in the token); a refresh answers no refresh token, and the
 *   session keeps the one it has;
 * - revocation is the RPC `POST /2/auth/token/revoke`, which disables the access token that
 *   authenticates it, its refresh token and that refresh token's other access tokens: RFC 7009's
 *   form request becomes that call, the access token as Bearer and the JSON `null` as the body
 *   Dropbox wants for a call without arguments (`revocation.request`); its 401
 *   `invalid_access_token` for a token already gone is success (`revocation.response`);
 * - API errors put an object in `error` (`{".tag": "expired_access_token"}`): read as the RFC's
 *   `invalid_token`, or the tag itself (`revocation.parsed`);
 * - the user is the RPC `POST /2/users/get_current_account`, sent without a body.
 *
 * @see https://developers.dropbox.com/oauth-guide
 * @see https://www.dropbox.com/developers/documentation/http/documentation#oauth2-authorize
 * @see https://www.dropbox.com/developers/documentation/http/documentation#auth-token-revoke
 * @module
 */

import type { EndpointParsedHook, EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { alreadyRevoked, trimUrl } from './quirks.js';

/** Options of {@link dropboxProvider}. */
export interface DropboxProviderOptions {
  /** Where the authorization page lives; default `https://www.dropbox.com`. */
  baseUrl?: string | undefined;
  /** Where the token endpoint and the API live; default `https://api.dropboxapi.com`. */
  apiUrl?: string | undefined;
  /** `offline` (default: a refresh token) or `online` (short-lived access tokens only). */
  tokenAccessType?: 'offline' | 'online' | undefined;
}

/** RFC 7009's request as Dropbox's revoke RPC: the access token authenticates what it revokes. */
function revokeRpc(request: EndpointRequest, { token }: HookContext): void {
  if (token?.access_token) request.headers.set('authorization', `Bearer ${token.access_token}`);
  request.json = null;
}

/** Dropbox's `{"error": {".tag": ...}, "error_summary"}` read as an RFC 6750 or 6749 code. */
const taggedError: EndpointParsedHook = (fields) => {
  const error = fields['error'] as { '.tag'?: unknown } | undefined;
  if (typeof error !== 'object' || error === null) return;
  const tag = typeof error['.tag'] === 'string' ? error['.tag'] : 'invalid_request';
  fields['error'] = /_access_token$/.test(tag) ? 'invalid_token' : tag;
  if (typeof fields['error_summary'] === 'string')
    fields['error_description'] = fields['error_summary'];
};

/**
 * Makes a Dropbox preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, redirectUri, provider: dropbox }); // PKCE, no secret
 * const { url } = await session.authorizationUrl(); // ...&token_access_type=offline
 * ```
 */
export function dropboxProvider(options: DropboxProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://www.dropbox.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.dropboxapi.com');
  return definePreset({
    id: 'dropbox',
    server: {
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${api}/oauth2/token`,
      revocation_endpoint: `${api}/2/auth/token/revoke`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
    },
    scope: ['account_info.read'],
    authorizationParams: { token_access_type: options.tokenAccessType ?? 'offline' },
    user: { url: `${api}/2/users/get_current_account`, method: 'POST' },
    hooks: {
      'revocation.request': revokeRpc,
      'revocation.response': alreadyRevoked(401, (body) => body.includes('"invalid_access_token"')),
      'revocation.parsed': taggedError,
    },
  });
}

/**
 * The preset for dropbox.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: dropbox });
 * ```
 */
export const dropbox: ProviderPreset = dropboxProvider();
