/**
 * Strava preset: Strava's OAuth for the V3 API, with expiring tokens, rotating refresh tokens
 * and deauthorization.
 *
 * Documented behaviour, and where it is handled:
 * - scopes are a comma-delimited string (`read,activity:read`): `scopeSeparator: ','`, used in
 *   the authorization URL and in token requests; the callback's `scope` says which ones the
 *   athlete accepted (they may decline some);
 * - the client authenticates with `client_id` and `client_secret` in the body:
 *   `token_endpoint_auth_methods_supported` lists that method only;
 * - token answers carry `expires_at` besides `expires_in` (the core computes `expires_at` from
 *   `expires_in`, which agrees) and, on the code exchange, a summary `athlete`, kept in the token
 *   as sent (`token.athlete`);
 * - access tokens last six hours; a refresh answers the same access token while it has more than
 *   an hour left, and a new refresh token supersedes the old one: the session keeps the newest;
 * - errors are not RFC 6749's shape but `{"message": "Bad Request", "errors": [{"resource":
 *   "RefreshToken", "field": "refresh_token", "code": "invalid"}]}`: read as the RFC code they
 *   mean, `invalid_grant` for a bad code or refresh token, `invalid_client` for the application
 *   (`token.parsed`);
 * - revocation is `POST /oauth/deauthorize` with `access_token`, which ends every token the app
 *   has for the athlete (`revocation.request`); its 401 for a token already invalid is success,
 *   as RFC 7009 section 2.2 has it (`revocation.response`);
 * - the user is `GET /api/v3/athlete`; no PKCE.
 *
 * @see https://developers.strava.com/docs/authentication/
 * @module
 */

import type { EndpointParsedHook, EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { alreadyRevoked, trimUrl } from './quirks.js';

/** Options of {@link stravaProvider}. */
export interface StravaProviderOptions {
  /** Where Strava lives; default `https://www.strava.com` (an emulator on loopback in tests). */
  baseUrl?: string | undefined;
}

/** Which RFC 6749 code each Strava error resource means. */
const BY_RESOURCE: Readonly<Record<string, string>> = {
  AuthorizationCode: 'invalid_grant',
  RefreshToken: 'invalid_grant',
  Application: 'invalid_client',
};

/** `{"message", "errors": [{"resource", "field", "code"}]}` read as an RFC 6749 error. */
const stravaErrors: EndpointParsedHook = (fields) => {
  const errors = fields['errors'];
  if (fields['error'] !== undefined || !Array.isArray(errors) || !errors.length) return;
  const first = errors[0] as { resource?: unknown; field?: unknown };
  const resource = typeof first?.resource === 'string' ? first.resource : '';
  fields['error'] = Object.hasOwn(BY_RESOURCE, resource)
    ? BY_RESOURCE[resource]
    : 'invalid_request';
  const field = typeof first?.field === 'string' ? ` (${first.field})` : '';
  if (typeof fields['message'] === 'string')
    fields['error_description'] = `${fields['message']}${field}`;
};

/** RFC 7009's request as Strava's deauthorization: the access token, nothing else. */
function deauthorize(request: EndpointRequest, { token }: HookContext): void {
  for (const name of [...request.body.keys()]) request.body.delete(name);
  if (token?.access_token) request.body.set('access_token', token.access_token);
}

/**
 * Makes a Strava preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: strava, scope: ['read', 'activity:read'] });
 * const { url } = await session.authorizationUrl(); // ...&scope=read,activity:read
 * ```
 */
export function stravaProvider(options: StravaProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://www.strava.com');
  return definePreset({
    id: 'strava',
    server: {
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/api/v3/oauth/token`,
      revocation_endpoint: `${base}/oauth/deauthorize`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    scope: ['read'],
    scopeSeparator: ',',
    user: { url: `${base}/api/v3/athlete` },
    hooks: {
      'token.parsed': stravaErrors,
      'revocation.request': deauthorize,
      'revocation.response': alreadyRevoked(401, (body) => body.includes('"access_token"')),
      'revocation.parsed': stravaErrors,
    },
  });
}

/**
 * The preset for strava.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: strava });
 * ```
 */
export const strava: ProviderPreset = stravaProvider();
