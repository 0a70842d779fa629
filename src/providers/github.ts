/**
 * GitHub preset: endpoints and documented quirks, fixed up through compliance hooks.
 *
 * Quirks handled:
 * - the token endpoint answers form-encoded unless asked for JSON: `Accept: application/json`
 *   is set on token requests (the core also reads form answers);
 * - errors come back with HTTP 200 and an `error` field (the core reads `error` whatever the
 *   status); `bad_refresh_token` is mapped to the RFC's `invalid_grant` so a failed refresh is an
 *   `InvalidGrantError`, other GitHub codes (`bad_verification_code`, ...) stay as they are;
 * - scopes come back comma-separated (the core splits on commas and spaces);
 * - the API wants a `User-Agent`: set on requests to `apiUrl` when the caller has none.
 *
 * @module
 */

import type { ComplianceHooks } from '../hooks.js';
import { readBounded } from '../transport.js';

/** Endpoints and hooks of a provider. */
export interface ProviderPreset {
  name: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** The user-info endpoint. */
  userUrl: string;
  /** Pass as `hooks` to `OAuth2Session`. */
  hooks: ComplianceHooks;
}

/** Options of {@link githubProvider}. */
export interface GitHubProviderOptions {
  /** Where `/login/oauth/*` lives; default `https://github.com` (a dev provider on loopback). */
  baseUrl?: string;
  /** Where the REST API lives; default `https://api.github.com`. */
  apiUrl?: string;
  /** Sent as `User-Agent` on API requests that have none; default `oauth2-session`. */
  userAgent?: string;
}

/** GitHub error codes with an RFC 6749 equivalent. */
const RFC_CODES: Record<string, string> = { bad_refresh_token: 'invalid_grant' };

/** Rewrites a GitHub-specific error code in a token response to its RFC equivalent. */
async function mapErrorCodes(response: Response): Promise<Response> {
  const type = response.headers.get('content-type') ?? '';
  if (!type.includes('json') && !type.includes('x-www-form-urlencoded')) return response;
  const text = await readBounded(response, 65_536);
  const json = type.includes('json');
  let body = text;
  try {
    const fields: Record<string, unknown> = json
      ? JSON.parse(text)
      : Object.fromEntries(new URLSearchParams(text));
    const mapped = typeof fields['error'] === 'string' ? RFC_CODES[fields['error']] : undefined;
    if (mapped)
      body = json
        ? JSON.stringify({ ...fields, error: mapped })
        : new URLSearchParams({ ...(fields as Record<string, string>), error: mapped }).toString();
  } catch {
    // Not parseable: leave it to the core, which reports it typed.
  }
  return new Response(body, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

const trim = (url: string) => url.replace(/\/+$/, '');

/**
 * Makes a GitHub preset, for github.com or a GitHub-compatible server elsewhere.
 *
 * @example
 * ```ts
 * const gh = githubProvider({ baseUrl: 'http://127.0.0.1:8080', apiUrl: 'http://127.0.0.1:8080/api' });
 * const session = new OAuth2Session({ clientId, clientSecret, hooks: gh.hooks });
 * const { url } = await session.authorizationUrl(gh.authorizeUrl);
 * ```
 */
export function githubProvider(options: GitHubProviderOptions = {}): ProviderPreset {
  const base = trim(options.baseUrl ?? 'https://github.com');
  const api = trim(options.apiUrl ?? 'https://api.github.com');
  const userAgent = options.userAgent ?? 'oauth2-session';
  const acceptJson = ({ headers }: { headers: Headers }) => {
    headers.set('accept', 'application/json');
  };
  return {
    name: 'github',
    authorizeUrl: `${base}/login/oauth/authorize`,
    tokenUrl: `${base}/login/oauth/access_token`,
    userUrl: `${api}/user`,
    hooks: {
      accessTokenRequest: acceptJson,
      refreshTokenRequest: acceptJson,
      accessTokenResponse: mapErrorCodes,
      refreshTokenResponse: mapErrorCodes,
      protectedRequest: ({ url, headers }) => {
        if (url.startsWith(`${api}/`) && !headers.has('user-agent'))
          headers.set('user-agent', userAgent);
      },
    },
  };
}

/** The preset for github.com. */
export const github: ProviderPreset = githubProvider();
