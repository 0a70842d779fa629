/**
 * X (Twitter) OAuth 2.0 as its documentation describes it: the Authorization Code Flow with PKCE
 * (https://docs.x.com/fundamentals/authentication/oauth-2-0/authorization-code and
 * https://docs.x.com/fundamentals/authentication/oauth-2-0/user-access-token) and the
 * authenticated user lookup (https://docs.x.com/x-api/users/user-lookup-me).
 *
 * - `/i/oauth2/authorize`: `response_type=code`, `client_id`, `redirect_uri` (registered),
 *   `scope` (space-separated), `state`, and PKCE, which is required (`S256` or `plain`);
 * - `/2/oauth2/token`: a form; a confidential client by HTTP Basic only, a public client by
 *   `client_id` in the body; `code_verifier` required; answers `token_type: "bearer"`,
 *   `expires_in: 7200`, `scope`, and a `refresh_token` when `offline.access` was granted; a
 *   refresh answers a new one; a bad code or refresh token is 400 `{"error": "invalid_request",
 *   "error_description": "Value passed for the authorization code was invalid."}` (or "…for the
 *   token…"), missing credentials 401 `unauthorized_client`;
 * - `/2/oauth2/revoke`: `token`, `token_type_hint`, the client as at the token endpoint;
 *   `{"revoked": true}`; revoking either token ends the grant;
 * - `/2/users/me`: Bearer, scopes `users.read` and `tweet.read`; `{"data": {...}}`; a bad token
 *   is a 401 problem document (`{"title": "Unauthorized", "type": "about:blank", ...}`).
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
  text,
  tokenGrant,
} from './toolkit.js';

/** The signed-in user, as `GET /2/users/me` answers them (in `data`). */
export const X_USER = { id: '2244994945', name: 'X Dev', username: 'XDevelopers' } as const;

const BAD_CODE = 'Value passed for the authorization code was invalid.';
const BAD_TOKEN = 'Value passed for the token was invalid.';

const problem = (status: number, title: string) =>
  json(status, { title, type: 'about:blank', status, detail: title });

/**
 * Starts the X emulator on a free loopback port (the authorization page and the API on one
 * origin), with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startTwitter([client]);
 * const preset = twitterProvider({ baseUrl: http.origin, apiUrl: http.origin });
 * ```
 */
export async function startTwitter(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 7200, refreshTokens: 'rotate' });

  /** The client of a token endpoint request: Basic for a confidential one, the id for a public one. */
  const client = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'none']);
    if (auth.ok) return auth;
    return oauthError(401, 'unauthorized_client', 'Missing valid authorization header');
  };

  const token = (req: EmulatorRequest) => {
    const auth = client(req);
    if (!('ok' in auth)) return auth;
    const f = req.form;
    return tokenGrant(authority, auth.client.clientId, f, {
      issued: (grant, tokens) =>
        json(200, { token_type: 'bearer', ...tokens, scope: grant.scope.join(' ') }),
      badCode: () => oauthError(400, 'invalid_request', BAD_CODE),
      badRefresh: () => oauthError(400, 'invalid_request', BAD_TOKEN),
      unsupported: () =>
        oauthError(400, 'invalid_request', 'Missing required parameter [grant_type].'),
      // X issues a refresh token for the offline.access scope only.
      refreshTokenFor: (grant) => grant.scope.includes('offline.access'),
    });
  };

  const revoke = (req: EmulatorRequest) => {
    const auth = client(req);
    if (!('ok' in auth)) return auth;
    const value = req.form.get('token');
    const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
    if (grant && grant.clientId === auth.client.clientId) authority.revoke(value);
    return json(200, { revoked: true });
  };

  const me = (req: EmulatorRequest) => {
    const grant = authority.bearer(req);
    if (!grant) return problem(401, 'Unauthorized');
    if (!['users.read', 'tweet.read'].every((s) => grant.scope.includes(s)))
      return problem(403, 'Forbidden');
    return json(200, { data: X_USER });
  };

  const http = await startEmulator({
    authorize: route('GET', '/i/oauth2/authorize', (req) => {
      if (!req.url.searchParams.get('code_challenge'))
        return text(400, 'Something went wrong. You weren’t able to give access to the App.');
      return authorize(req, authority, X_USER.id, { pkceMethods: ['S256', 'plain'] });
    }),
    token: route('POST', '/2/oauth2/token', token),
    revoke: route('POST', '/2/oauth2/revoke', revoke),
    me: route('GET', '/2/users/me', me),
  });
  return { http, authority };
}
