/**
 * GitHub preset: its documented endpoints and quirks, each fixed at a named hook stage.
 *
 * Quirks handled:
 * - the token endpoint answers form-encoded unless asked for JSON: `Accept: application/json`
 *   is set on token requests (`token.request`; the core reads form answers too);
 * - errors come back with HTTP 200 and an `error` field (the core reads `error` whatever the
 *   status); `bad_refresh_token` is mapped to the RFC's `invalid_grant` (`token.parsed`) so a
 *   failed refresh is an `InvalidGrantError`; other GitHub codes (`bad_verification_code`, ...)
 *   stay as they are;
 * - scopes come back comma-separated (the core splits on commas and spaces);
 * - revocation is not RFC 7009 but `DELETE /applications/{client_id}/token` on the API, with
 *   Basic client credentials and a JSON body `{"access_token": ...}` (`revocation.request`); its
 *   404 for a token it does not know is success, as RFC 7009 section 2.2 has it
 *   (`revocation.response`);
 * - the API wants a `User-Agent`: set on requests to the API when the caller has none
 *   (`resource.request`).
 *
 * @see https://docs.github.com/en/apps/oauth-apps/building-oauth-apps/authorizing-oauth-apps
 * @see https://docs.github.com/en/rest/apps/oauth-applications#delete-an-app-token
 * @module
 */

import type { EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';

export type { ProviderPreset } from '../provider.js';

/** Options of {@link githubProvider}. */
export interface GitHubProviderOptions {
  /** Where `/login/oauth/*` lives; default `https://github.com` (a dev provider on loopback). */
  baseUrl?: string | undefined;
  /** Where the REST API lives; default `https://api.github.com`. */
  apiUrl?: string | undefined;
  /** Sent as `User-Agent` on API requests that have none; default `oauth2-session`. */
  userAgent?: string | undefined;
}

/** GitHub error codes with an RFC 6749 equivalent. */
const RFC_CODES: Readonly<Record<string, string>> = { bad_refresh_token: 'invalid_grant' };

/** Rewrites a GitHub-specific error code to its RFC equivalent, on the parsed fields. */
function mapErrorCode(fields: Record<string, unknown>): void {
  const error = fields['error'];
  if (typeof error === 'string' && Object.hasOwn(RFC_CODES, error))
    fields['error'] = RFC_CODES[error];
}

const acceptJson = ({ headers }: { headers: Headers }) => {
  headers.set('accept', 'application/json');
};

/** RFC 7009's form request turned into GitHub's DELETE with the access token in JSON. */
function githubRevocation(request: EndpointRequest, context: HookContext): void {
  const path = `/applications/${encodeURIComponent(context.clientId)}/token`;
  request.url = new URL(request.url.href.replace(/\/applications\/[^/]+\/token$/, path));
  request.method = 'DELETE';
  request.json = { access_token: context.token?.access_token };
  request.headers.set('accept', 'application/vnd.github+json');
  request.body.delete('token');
  request.body.delete('token_type_hint');
}

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * Makes a GitHub preset, for github.com or a GitHub-compatible server elsewhere.
 *
 * @example
 * ```ts
 * const gh = githubProvider({ baseUrl: 'http://127.0.0.1:8080', apiUrl: 'http://127.0.0.1:8080' });
 * const session = new OAuth2Session({ clientId, clientSecret, provider: gh });
 * const { url } = await session.authorizationUrl();
 * ```
 */
export function githubProvider(options: GitHubProviderOptions = {}): ProviderPreset {
  const base = trim(options.baseUrl ?? 'https://github.com');
  const api = trim(options.apiUrl ?? 'https://api.github.com');
  const userAgent = options.userAgent ?? 'oauth2-session';
  return definePreset({
    id: 'github',
    server: {
      authorization_endpoint: `${base}/login/oauth/authorize`,
      token_endpoint: `${base}/login/oauth/access_token`,
      revocation_endpoint: `${api}/applications/{client_id}/token`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post'],
    },
    user: { url: `${api}/user`, headers: { accept: 'application/vnd.github+json' } },
    hooks: {
      'token.request': acceptJson,
      'token.parsed': mapErrorCode,
      'revocation.request': githubRevocation,
      'revocation.response': (response) => {
        if (response.status !== 404) return response;
        void response.body?.cancel().catch(() => {});
        return new Response(null, { status: 204 });
      },
      'resource.request': ({ url, headers }) => {
        if (url.startsWith(`${api}/`) && !headers.has('user-agent'))
          headers.set('user-agent', userAgent);
      },
    },
  });
}

/** The preset for github.com. */
export const github: ProviderPreset = githubProvider();
