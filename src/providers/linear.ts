/**
 * Linear preset: OAuth 2.0 for Linear's GraphQL API, with PKCE, 24-hour access tokens and
 * rotating refresh tokens.
 *
 * Documented behaviour, and where it is handled:
 * - `scope` is a comma-separated list (`read,write`): `scopeSeparator: ','`, used in the
 *   authorization URL and in token requests; token answers may give the scopes as a JSON list
 *   (the core reads both);
 * - the token endpoint takes a form with `client_id` and `client_secret` (or, with PKCE, no
 *   secret): `token_endpoint_auth_methods_supported` lists those, so the session's default fits;
 * - PKCE with `S256`; access tokens last 24 hours; each refresh answers a new refresh token,
 *   which the session keeps;
 * - revocation at `/oauth/revoke` takes the token as `Authorization: Bearer` (RFC 7009's form
 *   becomes that, `revocation.request`); its 400 when the token cannot be revoked (already
 *   revoked) is success, as RFC 7009 section 2.2 has it (`revocation.response`);
 * - the user is a GraphQL query: `POST /graphql` with `{"query": "{ viewer { id name email } }"}`
 *   as JSON (the preset's user endpoint holds method, header and body);
 * - the option `actor` (`user`, `app`) is sent as an authorization parameter when set.
 *
 * @see https://linear.app/developers/oauth-2-0-authentication
 * @see https://linear.app/developers/graphql
 * @module
 */

import type { EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { alreadyRevoked, trimUrl } from './quirks.js';

/** Options of {@link linearProvider}. */
export interface LinearProviderOptions {
  /** Where the authorization page lives; default `https://linear.app`. */
  baseUrl?: string | undefined;
  /** Where the token endpoint and the API live; default `https://api.linear.app`. */
  apiUrl?: string | undefined;
  /** Who acts: the user (default) or the app (`actor=app`). */
  actor?: 'user' | 'app' | undefined;
}

/** The GraphQL query of the signed-in user. */
const VIEWER = JSON.stringify({ query: '{ viewer { id name email } }' });

/** RFC 7009's request as Linear's: the access token as Bearer, no body. */
function bearerRevocation(request: EndpointRequest, { token }: HookContext): void {
  for (const name of [...request.body.keys()]) request.body.delete(name);
  if (token?.access_token) request.headers.set('authorization', `Bearer ${token.access_token}`);
}

/**
 * Makes a Linear preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: linear, scope: ['read', 'write'] });
 * const { data } = await (await session.fetch(...userRequest(linear))).json(); // data.viewer
 * ```
 */
export function linearProvider(options: LinearProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://linear.app');
  const api = trimUrl(options.apiUrl ?? 'https://api.linear.app');
  return definePreset({
    id: 'linear',
    server: {
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${api}/oauth/token`,
      revocation_endpoint: `${api}/oauth/revoke`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'none'],
    },
    scope: ['read'],
    scopeSeparator: ',',
    ...(options.actor ? { authorizationParams: { actor: options.actor } } : {}),
    user: {
      url: `${api}/graphql`,
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: VIEWER,
    },
    hooks: {
      'revocation.request': bearerRevocation,
      'revocation.response': alreadyRevoked(400),
    },
  });
}

/**
 * The preset for linear.app.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: linear });
 * ```
 */
export const linear: ProviderPreset = linearProvider();
