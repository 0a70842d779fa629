/**
 * Linear as its documentation describes it: OAuth 2.0 authentication
 * (https://linear.app/developers/oauth-2-0-authentication) and the GraphQL API
 * (https://linear.app/developers/graphql).
 *
 * - `linear.app/oauth/authorize`: `client_id`, `redirect_uri`, `response_type=code`, `scope` (a
 *   comma-separated list: `read,write`; `read` always present), `state`, `prompt=consent`,
 *   `actor`, PKCE (`code_challenge`, `code_challenge_method=S256`);
 * - `api.linear.app/oauth/token`: `application/x-www-form-urlencoded` with `code`,
 *   `redirect_uri`, `client_id`, `client_secret`, `grant_type`, `code_verifier`; access tokens
 *   last 24 hours and come with a refresh token that rotates on use; errors are RFC 6749's
 *   (`invalid_grant`);
 * - `api.linear.app/oauth/revoke` with the token as `Authorization: Bearer`: 200 when revoked,
 *   400 when it cannot be revoked (already revoked, say);
 * - `POST api.linear.app/graphql` with a JSON body `{"query": …}`; `{ viewer { … } }` is the
 *   signed-in user; without a valid token a 401 with GraphQL `errors`.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  oauthError,
  route,
  startEmulator,
  tokenGrant,
} from './toolkit.js';

/** The signed-in user, as `{ viewer { id name email } }` answers them. */
export const LINEAR_VIEWER = {
  id: '2d9e1ba4-2f71-4c0b-8b0f-1c5e3a6c2f0e',
  name: 'Ada Lovelace',
  email: 'ada@example.com',
} as const;

const unauthenticated = () =>
  json(401, {
    errors: [
      {
        message: 'Authentication required, not authenticated',
        extensions: { type: 'authentication error', code: 'AUTHENTICATION_ERROR' },
      },
    ],
  });

/**
 * Starts the Linear emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startLinear([client]);
 * const preset = linearProvider({ baseUrl: http.origin });
 * ```
 */
export async function startLinear(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 86399, refreshTokens: 'rotate' });

  const token = (req: EmulatorRequest) => {
    if (req.contentType !== 'application/x-www-form-urlencoded')
      return oauthError(
        400,
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded',
      );
    const auth = authenticateClient(req, authority, ['client_secret_post', 'none']);
    if (!auth.ok) return oauthError(401, 'invalid_client', 'Client authentication failed');
    return tokenGrant(authority, auth.client.clientId, req.form, {
      // The granted scopes as a JSON list.
      issued: (grant, tokens) =>
        json(200, { ...tokens, token_type: 'Bearer', scope: [...grant.scope] }),
      badCode: () => oauthError(400, 'invalid_grant', 'Invalid authorization code'),
      badRefresh: () => oauthError(400, 'invalid_grant', 'Token has been expired or revoked.'),
      unsupported: () => oauthError(400, 'unsupported_grant_type'),
    });
  };

  const graphql = (req: EmulatorRequest) => {
    const grant = authority.bearer(req);
    if (!grant) return unauthenticated();
    const query = (req.json as { query?: unknown } | undefined)?.query;
    if (req.contentType !== 'application/json' || typeof query !== 'string')
      return json(400, { errors: [{ message: 'Must provide query string.' }] });
    if (!/\bviewer\b/.test(query)) return json(200, { data: {} });
    return json(200, { data: { viewer: LINEAR_VIEWER } });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth/authorize', (req) => {
      const scope = req.url.searchParams.get('scope');
      if (scope === null || /\s/.test(scope))
        return { status: 400, text: 'scope must be a comma separated list of scopes' };
      return authorize(req, authority, LINEAR_VIEWER.id, {
        scopeSeparator: /,/,
        pkceMethods: ['S256'],
        extras: ['actor', 'prompt'],
      });
    }),
    token: route('POST', '/oauth/token', token),
    revoke: route('POST', '/oauth/revoke', (req) => {
      const value = req.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
      if (!authority.bearer(req))
        return oauthError(400, 'invalid_request', 'Unable to revoke token');
      authority.revoke(value);
      return { status: 200 };
    }),
    graphql: route('POST', '/graphql', graphql),
  });
  return { http, authority };
}
