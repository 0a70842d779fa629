/**
 * Google preset: OAuth 2.0 for web server applications and OpenID Connect ("Sign in with
 * Google"), with PKCE, offline access (a refresh token) and token revocation.
 *
 * Documented behaviour, and where it is handled:
 * - a refresh token comes only with `access_type=offline`, and only on a consent: Google gives
 *   none when the user approved the app before, unless the request says `prompt=consent`. Both
 *   are the preset's `authorizationParams` (options `accessType`, `prompt`);
 * - PKCE with `S256` (and `plain`); the client by `client_secret_post` or Basic, both in Google's
 *   discovery document, so the session's default (Basic) fits;
 * - the callback may carry `iss=https://accounts.google.com` (RFC 9207), although the discovery
 *   document does not announce it: the server description's `issuer` is exactly that, so the
 *   session compares it and refuses another;
 * - a refresh answers no refresh token: it stays valid and the session keeps it;
 * - revocation at `oauth2.googleapis.com/revoke` takes the token alone (no client credentials:
 *   `revocation.request` sends only `token`); revoking either token ends the grant; its 400
 *   `invalid_token` for a token already expired or revoked is success, as RFC 7009 section 2.2
 *   has it (`revocation.response`);
 * - the user is the OpenID Connect userinfo endpoint (`openid email profile`); `hd` (option
 *   `hostedDomain`) asks for an account of one Google Workspace domain, which is a hint only:
 *   check the ID token's `hd` claim;
 * - ID tokens: `issuer` and `jwks_uri` are in the server description, for `oauth2-session/oidc`.
 *   Google documents `iss` as `https://accounts.google.com` or `accounts.google.com`; the code
 *   flow's tokens carry the first, the one `OpenIDSession` accepts.
 *
 * @see https://developers.google.com/identity/protocols/oauth2/web-server
 * @see https://developers.google.com/identity/openid-connect/openid-connect
 * @see https://accounts.google.com/.well-known/openid-configuration
 * @module
 */

import type { EndpointRequest } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { alreadyRevoked, trimUrl } from './quirks.js';

/** Options of {@link googleProvider}. */
export interface GoogleProviderOptions {
  /**
   * One origin for every endpoint (an emulator or a proxy, in tests); default each at its own
   * Google host (`accounts.google.com`, `oauth2.googleapis.com`, `openidconnect.googleapis.com`,
   * `www.googleapis.com`).
   */
  baseUrl?: string | undefined;
  /** `offline` (default: a refresh token) or `online` (access tokens only). */
  accessType?: 'offline' | 'online' | undefined;
  /**
   * `prompt`: default `consent` with offline access (so that a returning user's login still
   * gets a refresh token), none with online access; `false` sends none.
   */
  prompt?: 'consent' | 'select_account' | 'none' | false | undefined;
  /** A Google Workspace domain (`hd`): the account chooser shows that domain's accounts only. */
  hostedDomain?: string | undefined;
}

/** Google's own hosts, each endpoint where Google's discovery document puts it. */
const HOSTS = {
  accounts: 'https://accounts.google.com',
  oauth2: 'https://oauth2.googleapis.com',
  openid: 'https://openidconnect.googleapis.com',
  certs: 'https://www.googleapis.com',
};

/** RFC 7009's request as Google's: the token alone, no client credentials. */
function tokenOnly(request: EndpointRequest): void {
  const token = request.body.get('token');
  for (const name of [...request.body.keys()]) request.body.delete(name);
  if (token) request.body.set('token', token);
  request.headers.delete('authorization');
}

/** The authorization parameters the options ask for. */
function authorizationParams(o: GoogleProviderOptions): Record<string, string> {
  const accessType = o.accessType ?? 'offline';
  const prompt = o.prompt ?? (accessType === 'offline' ? 'consent' : false);
  return {
    access_type: accessType,
    ...(prompt ? { prompt } : {}),
    ...(o.hostedDomain ? { hd: o.hostedDomain } : {}),
  };
}

/**
 * Makes a Google preset.
 *
 * @example
 * ```ts
 * const g = googleProvider({ hostedDomain: 'example.com' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: g });
 * const { url } = await session.authorizationUrl(); // ...&access_type=offline&prompt=consent&hd=example.com
 * ```
 */
export function googleProvider(options: GoogleProviderOptions = {}): ProviderPreset {
  const one = options.baseUrl && trimUrl(options.baseUrl);
  const at = (host: keyof typeof HOSTS, path: string) => `${one || HOSTS[host]}${path}`;
  return definePreset({
    id: 'google',
    server: {
      issuer: one || HOSTS.accounts,
      authorization_endpoint: at('accounts', '/o/oauth2/v2/auth'),
      token_endpoint: at('oauth2', '/token'),
      revocation_endpoint: at('oauth2', '/revoke'),
      userinfo_endpoint: at('openid', '/v1/userinfo'),
      jwks_uri: at('certs', '/oauth2/v3/certs'),
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      id_token_signing_alg_values_supported: ['RS256'],
    },
    scope: ['openid', 'email', 'profile'],
    authorizationParams: authorizationParams(options),
    user: { url: at('openid', '/v1/userinfo') },
    hooks: {
      'revocation.request': tokenOnly,
      'revocation.response': alreadyRevoked(400, (body) => body.includes('"invalid_token"')),
    },
  });
}

/**
 * The preset for Google accounts.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: google });
 * ```
 */
export const google: ProviderPreset = googleProvider();
