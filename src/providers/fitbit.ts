/**
 * Fitbit preset: the Fitbit Web API's Authorization Code Grant Flow with PKCE, refresh tokens
 * and token revocation, with requests-oauthlib's `fitbit` compliance fix built in.
 *
 * Documented behaviour, and where it is handled:
 * - PKCE with `S256` only (the session's default);
 * - a server application must authenticate by HTTP Basic at the token and revocation endpoints,
 *   and the token request still names `client_id` in its body; a client application (no
 *   secret) sends `client_id` alone: Basic and `none` are the methods in
 *   `token_endpoint_auth_methods_supported`, and `client_id` is added to a Basic token request's
 *   body (`token.request`);
 * - access tokens last eight hours; a refresh token works once and the answer carries its
 *   successor, which the session keeps; answers carry the user's id (`user_id`, kept in the
 *   token);
 * - requests-oauthlib's `fitbit` fix: Fitbit's errors are not RFC 6749's `error` but
 *   `{"errors": [{"errorType": "invalid_grant", "message": "…"}], "success": false}`: the first
 *   `errorType` is read as `error`, its `message` as `error_description` (`token.parsed`,
 *   `revocation.parsed`), so a bad code or refresh token is an `InvalidGrantError`;
 * - revocation at `/oauth2/revoke` is RFC 7009's form with the client authenticated as at the
 *   token endpoint; revoking either token ends every token of the grant;
 * - the user is `GET https://api.fitbit.com/1/user/-/profile.json` (scope `profile`), its fields
 *   in `user`; API refusals use the same `errors` list (`expired_token`, `invalid_token`).
 *
 * @see https://dev.fitbit.com/build/reference/web-api/developer-guide/authorization/
 * @see https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token/
 * @see https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/
 * @see https://dev.fitbit.com/build/reference/web-api/authorization/revoke-token/
 * @see https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-messages/
 * @module
 */

import type { EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { fitbitErrors } from './fixes.js';
import { trimUrl } from './quirks.js';

/** Options of {@link fitbitProvider}. */
export interface FitbitProviderOptions {
  /** Where the authorization page lives; default `https://www.fitbit.com`. */
  baseUrl?: string | undefined;
  /** Where the token endpoints and the Web API live; default `https://api.fitbit.com`. */
  apiUrl?: string | undefined;
}

/** Fitbit wants `client_id` in a token request's body, Basic credentials or not. */
function clientIdInBody({ body }: EndpointRequest, { clientId }: HookContext): void {
  if (!body.has('client_id')) body.set('client_id', clientId);
}

/**
 * Makes a Fitbit preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: fitbit, scope: ['profile', 'activity'] });
 * const { user } = await (await session.fetch(...userRequest(fitbit))).json();
 * ```
 */
export function fitbitProvider(options: FitbitProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://www.fitbit.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.fitbit.com');
  return definePreset({
    id: 'fitbit',
    server: {
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: `${api}/oauth2/token`,
      revocation_endpoint: `${api}/oauth2/revoke`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'none'],
    },
    scope: ['profile'],
    user: { url: `${api}/1/user/-/profile.json` },
    hooks: {
      'token.request': clientIdInBody,
      'token.parsed': fitbitErrors,
      'revocation.parsed': fitbitErrors,
    },
  });
}

/**
 * The preset for fitbit.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: fitbit });
 * ```
 */
export const fitbit: ProviderPreset = fitbitProvider();
