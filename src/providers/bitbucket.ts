/**
 * Bitbucket Cloud preset: OAuth 2.0 for a Bitbucket consumer, with refresh tokens.
 *
 * Documented behaviour, and where it is handled:
 * - the consumer authenticates by HTTP Basic (`curl -u "client_id:secret"`): the only method in
 *   `token_endpoint_auth_methods_supported`;
 * - scopes are configured on the consumer, not asked for: the preset sets none;
 * - token answers name the granted scopes `scopes` (plural) rather than RFC 6749's `scope`: copied
 *   to `scope` (`token.parsed`), so the session reports them as it does for other providers; the
 *   answer's `state` names the grant type (it is not the authorization request's state) and is
 *   kept as sent; `token_type` is `bearer` in lowercase (the core compares without case);
 * - access tokens last two hours; refresh tokens do not expire;
 * - Bitbucket documents no revocation endpoint;
 * - the user is `GET https://api.bitbucket.org/2.0/user` (scope `account`); no PKCE.
 *
 * @see https://developer.atlassian.com/cloud/bitbucket/oauth-2/
 * @see https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-get
 * @module
 */

import type { EndpointParsedHook } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link bitbucketProvider}. */
export interface BitbucketProviderOptions {
  /** Where the authorization and token endpoints live; default `https://bitbucket.org`. */
  baseUrl?: string | undefined;
  /** Where the API lives; default `https://api.bitbucket.org`. */
  apiUrl?: string | undefined;
}

/** Bitbucket's `scopes` is RFC 6749's `scope`. */
const scopesAsScope: EndpointParsedHook = (fields) => {
  if (fields['scope'] === undefined && typeof fields['scopes'] === 'string')
    fields['scope'] = fields['scopes'];
};

/**
 * Makes a Bitbucket Cloud preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId: key, clientSecret: secret, provider: bitbucket });
 * const me = await (await session.fetch(...userRequest(bitbucket))).json();
 * ```
 */
export function bitbucketProvider(options: BitbucketProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://bitbucket.org');
  const api = trimUrl(options.apiUrl ?? 'https://api.bitbucket.org');
  return definePreset({
    id: 'bitbucket',
    server: {
      authorization_endpoint: `${base}/site/oauth2/authorize`,
      token_endpoint: `${base}/site/oauth2/access_token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
    },
    user: { url: `${api}/2.0/user` },
    hooks: { 'token.parsed': scopesAsScope },
  });
}

/**
 * The preset for bitbucket.org.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: bitbucket });
 * ```
 */
export const bitbucket: ProviderPreset = bitbucketProvider();
