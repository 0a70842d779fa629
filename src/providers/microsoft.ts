/**
 * Microsoft preset: the Microsoft identity platform (Entra ID) v2.0 endpoints, for work and
 * school accounts, personal Microsoft accounts or both, with OpenID Connect, PKCE, refresh
 * tokens (`offline_access`) and Microsoft Graph.
 *
 * Documented behaviour, and where it is handled:
 * - every endpoint is under a tenant: `common` (any account), `organizations` (work or school),
 *   `consumers` (personal accounts) or one directory (its GUID or domain): option `tenant`;
 * - the OpenID Connect issuer is per tenant, `https://login.microsoftonline.com/{tid}/v2.0` with
 *   the directory's GUID: set for a GUID tenant and for `consumers` (whose directory is fixed);
 *   for `common`, `organizations` or a domain the ID token's `iss` names the user's own
 *   directory, so no single issuer can be described, and there is none: give the tenant's GUID
 *   (or `discover()` it) where ID tokens are verified;
 * - a refresh token comes only with the `offline_access` scope (in the default scopes), and a
 *   refresh answers a new refresh token, which the session keeps; Microsoft never lists
 *   `offline_access` in an answer's `scope` (it grants no permission to the access token), so it
 *   is put back in the scope read when a refresh token came (`token.parsed`), and the session
 *   reports no scope change for it;
 * - PKCE with `S256` (and `plain`); a confidential client by `client_secret_post` or Basic, both
 *   in the discovery document, so the session's default (Basic) fits;
 * - errors are RFC 6749's, Microsoft's `AADSTS…` number and text in `error_description` (so a
 *   redeemed code or a spent refresh token is an `InvalidGrantError` that names `AADSTS54005`
 *   or `AADSTS70008`);
 * - Microsoft documents no revocation endpoint for these tokens (sign-in sessions are revoked
 *   through Graph's `revokeSignInSessions`, which needs an admin or the user);
 * - the user is Microsoft Graph's `GET /v1.0/me` (scope `User.Read`); OpenID Connect's userinfo is
 *   `graph.microsoft.com/oidc/userinfo`, and RP-Initiated Logout the tenant's `/logout`.
 *
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-protocols-oidc
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/v2-oauth2-auth-code-flow
 * @see https://learn.microsoft.com/en-us/entra/identity-platform/scopes-oidc#offline_access
 * @see https://learn.microsoft.com/en-us/graph/api/user-get
 * @module
 */

import type { EndpointParsedHook } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link microsoftProvider}. */
export interface MicrosoftProviderOptions {
  /**
   * Who may sign in: `common` (default: any Microsoft account), `organizations`, `consumers`, or
   * one directory by its tenant GUID or domain (`contoso.onmicrosoft.com`).
   */
  tenant?: string | undefined;
  /** The sign-in host; default `https://login.microsoftonline.com` (a national cloud's elsewhere). */
  baseUrl?: string | undefined;
  /** Microsoft Graph; default `https://graph.microsoft.com`. */
  graphUrl?: string | undefined;
}

/** The directory that holds every personal Microsoft account. */
const CONSUMERS_TENANT = '9188040d-6c67-4c5b-b112-36a304b66dad';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The directory whose issuer a tenant has, or undefined when it depends on the user. */
function issuerTenant(tenant: string): string | undefined {
  if (tenant.toLowerCase() === 'consumers') return CONSUMERS_TENANT;
  return GUID.test(tenant) ? tenant.toLowerCase() : undefined;
}

/** `offline_access` is not echoed in an answer's `scope`: a refresh token says it was granted. */
const offlineAccessGranted: EndpointParsedHook = (fields) => {
  const { scope, refresh_token } = fields;
  if (typeof scope !== 'string' || typeof refresh_token !== 'string') return;
  if (!scope.split(' ').includes('offline_access')) fields['scope'] = `${scope} offline_access`;
};

/**
 * Makes a Microsoft preset for one tenant.
 *
 * @example
 * ```ts
 * const entra = microsoftProvider({ tenant: '72f988bf-86f1-41af-91ab-2d7cd011db47' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: entra });
 * const me = await (await session.fetch(...userRequest(entra))).json(); // Graph /me
 * ```
 */
export function microsoftProvider(options: MicrosoftProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://login.microsoftonline.com');
  const graph = trimUrl(options.graphUrl ?? 'https://graph.microsoft.com');
  const tenant = options.tenant || 'common';
  const at = `${base}/${encodeURIComponent(tenant)}`;
  const directory = issuerTenant(tenant);
  return definePreset({
    id: 'microsoft',
    server: {
      ...(directory ? { issuer: `${base}/${directory}/v2.0` } : {}),
      authorization_endpoint: `${at}/oauth2/v2.0/authorize`,
      token_endpoint: `${at}/oauth2/v2.0/token`,
      userinfo_endpoint: `${graph}/oidc/userinfo`,
      end_session_endpoint: `${at}/oauth2/v2.0/logout`,
      jwks_uri: `${at}/discovery/v2.0/keys`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: [
        'client_secret_post',
        'private_key_jwt',
        'client_secret_basic',
      ],
      id_token_signing_alg_values_supported: ['RS256'],
    },
    scope: ['openid', 'profile', 'email', 'offline_access', 'User.Read'],
    user: { url: `${graph}/v1.0/me` },
    hooks: { 'token.parsed': offlineAccessGranted },
  });
}

/**
 * The preset for any Microsoft account (the `common` tenant).
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: microsoft });
 * ```
 */
export const microsoft: ProviderPreset = microsoftProvider();
