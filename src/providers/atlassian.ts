/**
 * Atlassian preset: OAuth 2.0 (3LO) apps of the developer console (Jira, Confluence and the
 * other Atlassian Cloud products), with rotating refresh tokens.
 *
 * Documented behaviour, and where it is handled:
 * - the authorization URL must carry `audience=api.atlassian.com` and `prompt=consent`
 *   (`authorizationParams`);
 * - the token endpoint is `https://auth.atlassian.com/oauth/token`, whose documented requests
 *   are JSON bodies with `client_id` and `client_secret` among the fields: the form the session
 *   makes (the secret in the body, the only method listed) is sent as JSON (`token.request`);
 * - a refresh token comes only with the `offline_access` scope (in the default scopes, with
 *   `read:me`); refresh tokens rotate: each refresh answers a new one, which the core keeps, and
 *   a spent or unknown one is a 403 `invalid_grant` (the core reads the code whatever the status);
 * - no PKCE and no revocation endpoint are documented (a user revokes an app from their
 *   account);
 * - the user is `GET https://api.atlassian.com/me` (scope `read:me`); the sites the token can
 *   reach are `GET https://api.atlassian.com/oauth/token/accessible-resources` (each with the
 *   `id` that API calls put in `https://api.atlassian.com/ex/{product}/{id}/...`).
 *
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/
 * @see https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/#use-a-refresh-token-to-get-another-access-token-and-refresh-token-pair
 * @module
 */

import type { EndpointRequest } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link atlassianProvider}. */
export interface AtlassianProviderOptions {
  /** Where the authorization server lives; default `https://auth.atlassian.com`. */
  authUrl?: string | undefined;
  /** Where the API gateway lives; default `https://api.atlassian.com`. */
  apiUrl?: string | undefined;
}

/** The token request as the JSON body Atlassian documents, the same fields. */
function asJson(request: EndpointRequest): void {
  request.json = Object.fromEntries(request.body);
}

/**
 * Makes an Atlassian (3LO) preset.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: atlassian, scope: ['read:me', 'read:jira-work', 'offline_access'] });
 * const sites = await (await session.get('https://api.atlassian.com/oauth/token/accessible-resources')).json();
 * ```
 */
export function atlassianProvider(options: AtlassianProviderOptions = {}): ProviderPreset {
  const auth = trimUrl(options.authUrl ?? 'https://auth.atlassian.com');
  const api = trimUrl(options.apiUrl ?? 'https://api.atlassian.com');
  return definePreset({
    id: 'atlassian',
    server: {
      authorization_endpoint: `${auth}/authorize`,
      token_endpoint: `${auth}/oauth/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post'],
    },
    scope: ['read:me', 'offline_access'],
    authorizationParams: { audience: 'api.atlassian.com', prompt: 'consent' },
    user: { url: `${api}/me`, headers: { accept: 'application/json' } },
    hooks: { 'token.request': asJson },
  });
}

/**
 * The preset for Atlassian Cloud.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: atlassian });
 * ```
 */
export const atlassian: ProviderPreset = atlassianProvider();
