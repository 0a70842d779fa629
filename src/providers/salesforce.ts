/**
 * Salesforce preset: the OAuth 2.0 web server flow at a login domain (production
 * `login.salesforce.com`, sandboxes `test.salesforce.com`, or the org's My Domain), with PKCE,
 * refresh tokens, revocation and the identity URL as the user endpoint.
 *
 * Documented behaviour, and where it is handled:
 * - endpoints under `{loginUrl}/services/oauth2/` (`authorize`, `token`, `revoke`,
 *   `userinfo`), keys at `{loginUrl}/id/keys`;
 * - the client sends `client_id` and `client_secret` in the body, the method the documentation
 *   shows (the only secret method in `token_endpoint_auth_methods_supported`, so the session
 *   uses it); a public client uses PKCE;
 * - a refresh token needs the `refresh_token` scope (in the default scopes, with `id`); a
 *   refresh answers a new access token and no refresh token (the core keeps the one it has);
 * - token answers have no `expires_in` (the access token lives as long as the org's session
 *   timeout allows) and carry `instance_url` (the org's API host: send API requests there),
 *   `id` (the identity URL), `issued_at` (milliseconds) and `signature`: all kept in the token
 *   as sent;
 * - the user is the identity URL from the token's `id` (`userRequest(preset, session.token)`
 *   reads it; without the token, the OpenID Connect userinfo); a bad token there is a 403
 *   `Bad_OAuth_Token`;
 * - errors are RFC 6749 shaped with Salesforce codes: `invalid_client_id` is read as
 *   `invalid_client`, `redirect_uri_mismatch` as `invalid_grant` (`token.parsed`);
 * - revocation at `/revoke` takes the token alone; a refresh token revokes its access tokens
 *   too; its 400 `invalid_token` for a token already invalid is success, as RFC 7009 has it
 *   (`revocation.response`).
 *
 * @see https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm&type=5
 * @see https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_revoke_token.htm&type=5
 * @see https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm&type=5
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { alreadyRevoked, renameErrors, trimUrl } from './quirks.js';

/** Options of {@link salesforceProvider}. */
export interface SalesforceProviderOptions {
  /**
   * Where users log in: `https://login.salesforce.com` (the default), `https://test.salesforce.com`
   * for a sandbox, or the org's My Domain, `https://acme.my.salesforce.com`.
   */
  loginUrl?: string | undefined;
}

/** Salesforce's own token error codes and their RFC 6749 equivalents. */
const RFC_CODES = { invalid_client_id: 'invalid_client', redirect_uri_mismatch: 'invalid_grant' };

/**
 * Makes a Salesforce preset for a login domain.
 *
 * @example
 * ```ts
 * const sandbox = salesforceProvider({ loginUrl: 'https://test.salesforce.com' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: sandbox });
 * // after fetchToken: session.token.instance_url is the org's API host
 * const me = await (await session.fetch(...userRequest(sandbox, session.token))).json();
 * ```
 */
export function salesforceProvider(options: SalesforceProviderOptions = {}): ProviderPreset {
  const login = trimUrl(options.loginUrl ?? 'https://login.salesforce.com');
  const oauth = `${login}/services/oauth2`;
  return definePreset({
    id: 'salesforce',
    server: {
      issuer: login,
      authorization_endpoint: `${oauth}/authorize`,
      token_endpoint: `${oauth}/token`,
      revocation_endpoint: `${oauth}/revoke`,
      userinfo_endpoint: `${oauth}/userinfo`,
      jwks_uri: `${login}/id/keys`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt'],
    },
    scope: ['id', 'refresh_token'],
    user: { url: `${oauth}/userinfo`, tokenField: 'id' },
    hooks: {
      'token.parsed': renameErrors(RFC_CODES),
      'revocation.response': alreadyRevoked(400, (body) => body.includes('invalid_token')),
    },
  });
}

/**
 * The preset for production orgs (`login.salesforce.com`).
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: salesforce });
 * ```
 */
export const salesforce: ProviderPreset = salesforceProvider();
