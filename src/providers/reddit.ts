/**
 * Reddit preset: the code flow of Reddit's OAuth2, a permanent grant (refresh token) by default,
 * and token revocation.
 *
 * Documented behaviour, and where it is handled:
 * - a refresh token is issued only when the authorization request says `duration=permanent`:
 *   the preset's `authorizationParams` (option `duration`);
 * - the client authenticates by HTTP Basic only, an installed app with an empty password: Basic
 *   is the only method in `token_endpoint_auth_methods_supported`, and a client without a secret
 *   is moved from the body into Basic with an empty password (`token.request`,
 *   `revocation.request`);
 * - every request needs a unique, descriptive User-Agent (`<platform>:<app ID>:<version> (by
 *   /u/<username>)`); default ones are throttled: the option `userAgent` is set on token,
 *   revocation and API requests that have none;
 * - bad client credentials are a 401 whose `error` is the number 401: read as `invalid_client`
 *   (`token.parsed`); other errors come with HTTP 200 and a JSON `error` (the core reads `error`
 *   whatever the status); `NO_TEXT` becomes `invalid_request`;
 * - `token_type` is `bearer` in lowercase (the core compares without case); a refresh answers no
 *   refresh token, and the session keeps the one it has;
 * - revocation at `/api/v1/revoke_token` is RFC 7009's form with Basic; it answers 204;
 * - the API is `oauth.reddit.com`, the user `GET /api/v1/me` (scope `identity`); no PKCE.
 *
 * @see https://github.com/reddit-archive/reddit/wiki/OAuth2
 * @see https://github.com/reddit-archive/reddit/wiki/API
 * @module
 */

import type { EndpointParsedHook, EndpointRequest } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { headerUnlessSet, toApi, trimUrl } from './quirks.js';

/** Options of {@link redditProvider}. */
export interface RedditProviderOptions {
  /** Where the authorization and token endpoints live; default `https://www.reddit.com`. */
  baseUrl?: string | undefined;
  /** Where the API lives; default `https://oauth.reddit.com`. */
  apiUrl?: string | undefined;
  /**
   * Your app's User-Agent, as Reddit's API rules ask: `web:com.example.app:v1.2 (by
   * /u/you)`. Default names this library; Reddit asks every app for its own.
   */
  userAgent?: string | undefined;
  /** `permanent` (default: a refresh token) or `temporary` (one hour, no refresh token). */
  duration?: 'permanent' | 'temporary' | undefined;
}

const USER_AGENT = 'web:oauth2-session:v0.1';

/** A client without a secret authenticates as Basic with an empty password, as Reddit wants. */
function basicForInstalledApp({ headers, body }: EndpointRequest): void {
  const clientId = body.get('client_id');
  if (headers.has('authorization') || !clientId || body.has('client_secret')) return;
  const user = new URLSearchParams([['', clientId]]).toString().slice(1);
  headers.set('authorization', `Basic ${btoa(`${user}:`)}`);
  body.delete('client_id');
}

/** Reddit's errors as RFC 6749 codes: a numeric 401 is bad client credentials. */
const rfcErrors: EndpointParsedHook = (fields, { status }) => {
  const error = fields['error'];
  if (typeof error === 'number') {
    fields['error'] = status === 401 || error === 401 ? 'invalid_client' : 'invalid_request';
    if (typeof fields['message'] === 'string') fields['error_description'] = fields['message'];
  } else if (error === 'NO_TEXT') fields['error'] = 'invalid_request';
};

/**
 * Makes a Reddit preset.
 *
 * @example
 * ```ts
 * const rd = redditProvider({ userAgent: 'web:com.example.app:v1.2 (by /u/you)' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: rd });
 * const me = await (await session.fetch(...userRequest(rd))).json();
 * ```
 */
export function redditProvider(options: RedditProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://www.reddit.com');
  const api = trimUrl(options.apiUrl ?? 'https://oauth.reddit.com');
  const userAgent = headerUnlessSet('user-agent', options.userAgent ?? USER_AGENT);
  const endpoint = [basicForInstalledApp, userAgent];
  return definePreset({
    id: 'reddit',
    server: {
      authorization_endpoint: `${base}/api/v1/authorize`,
      token_endpoint: `${base}/api/v1/access_token`,
      revocation_endpoint: `${base}/api/v1/revoke_token`,
      token_endpoint_auth_methods_supported: ['client_secret_basic'],
    },
    scope: ['identity'],
    authorizationParams: { duration: options.duration ?? 'permanent' },
    user: { url: `${api}/api/v1/me` },
    hooks: {
      'token.request': endpoint,
      'token.parsed': rfcErrors,
      'revocation.request': endpoint,
      'revocation.parsed': rfcErrors,
      'resource.request': toApi(api, userAgent),
    },
  });
}

/**
 * The preset for reddit.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: reddit });
 * ```
 */
export const reddit: ProviderPreset = redditProvider();
