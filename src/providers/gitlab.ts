/**
 * GitLab preset (GitLab.com, or a self-managed instance at its own URL): OAuth 2.0 and OpenID
 * Connect, with PKCE, refresh tokens and RFC 7009 revocation.
 *
 * Documented behaviour, and where it is handled:
 * - PKCE with `S256` (and `plain`): the session's S256 challenge is honoured;
 * - client authentication by `client_id` and `client_secret` (the body, as the documentation
 *   shows, or Basic: both listed in `token_endpoint_auth_methods_supported`, so the session's
 *   default is Basic with a secret and `none` for a public PKCE client);
 * - token answers say `token_type: "bearer"` in lowercase (the core compares token types without
 *   case) and carry a non-standard `created_at` (kept in the token as sent);
 * - a refresh "invalidates the existing access_token and refresh_token": the rotated refresh
 *   token replaces the old one in the session (the core keeps the newest);
 * - revocation is RFC 7009 at `/oauth/revoke`, the client authenticated as at the token endpoint;
 * - the user is `GET /api/v4/user` (scope `read_user`); the OpenID Connect `issuer`, `jwks_uri`
 *   and `userinfo_endpoint` are in the server description.
 *
 * @see https://docs.gitlab.com/api/oauth2/
 * @see https://docs.gitlab.com/integration/openid_connect_provider/
 * @module
 */

import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

/** Options of {@link gitlabProvider}. */
export interface GitLabProviderOptions {
  /** The instance, e.g. `https://gitlab.example.com`; default `https://gitlab.com`. */
  baseUrl?: string | undefined;
}

/**
 * Makes a GitLab preset for GitLab.com or a self-managed instance.
 *
 * @example
 * ```ts
 * const gl = gitlabProvider({ baseUrl: 'https://gitlab.example.com' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: gl });
 * const { url, state, codeVerifier } = await session.authorizationUrl();
 * ```
 */
export function gitlabProvider(options: GitLabProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://gitlab.com');
  return definePreset({
    id: 'gitlab',
    server: {
      issuer: base,
      authorization_endpoint: `${base}/oauth/authorize`,
      token_endpoint: `${base}/oauth/token`,
      revocation_endpoint: `${base}/oauth/revoke`,
      userinfo_endpoint: `${base}/oauth/userinfo`,
      jwks_uri: `${base}/oauth/discovery/keys`,
      code_challenge_methods_supported: ['S256', 'plain'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    },
    scope: ['read_user'],
    user: { url: `${base}/api/v4/user` },
  });
}

/**
 * The preset for GitLab.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: gitlab });
 * ```
 */
export const gitlab: ProviderPreset = gitlabProvider();
