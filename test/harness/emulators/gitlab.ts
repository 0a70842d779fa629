/**
 * GitLab as its documentation describes it: the OAuth 2.0 identity provider API
 * (https://docs.gitlab.com/api/oauth2/) and the users API (https://docs.gitlab.com/api/users/).
 *
 * - `/oauth/authorize` with `client_id`, `redirect_uri`, `response_type=code`, `state`, `scope`
 *   (space-separated) and PKCE (`S256`, `plain`);
 * - `/oauth/token`: `client_id`/`client_secret` (body, or Basic: the server is Doorkeeper),
 *   `code`, `grant_type`, `redirect_uri` (required when the authorization request had one),
 *   `code_verifier`; answers `token_type: "bearer"` (lowercase), `expires_in: 7200` and
 *   `created_at`; a refresh "invalidates the existing access_token and refresh_token" and sends
 *   new ones; errors are RFC 6749 (`invalid_grant` 400, `invalid_client` 401);
 * - `/oauth/revoke`: `client_id`, `client_secret`, `token`; answers 200 `{}` whether or not it
 *   knew the token;
 * - `/api/v4/user` needs a token with `read_user` (or `api`, `read_api`); a revoked token is a
 *   401 with an `invalid_token` challenge;
 * - OpenID Connect: `/oauth/userinfo`, `/oauth/discovery/keys`.
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

/** The signed-in user, as `GET /api/v4/user` answers them. */
export const GITLAB_USER = {
  id: 1,
  username: 'jsmith',
  name: 'John Smith',
  state: 'active',
  email: 'john@example.com',
  web_url: 'https://gitlab.example.com/jsmith',
} as const;

const INVALID_GRANT =
  'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.';
const INVALID_CLIENT =
  'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.';
const USER_SCOPES = ['read_user', 'api', 'read_api'];

/**
 * Starts the GitLab emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startGitLab([client]);
 * const preset = gitlabProvider({ baseUrl: http.origin });
 * ```
 */
export async function startGitLab(clients: readonly EmulatedClient[]) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: 7200,
    refreshTokens: 'rotate',
    refreshEndsAccess: true,
  });
  const issued = (tokens: object, scope: readonly string[]) =>
    json(200, {
      ...tokens,
      token_type: 'bearer',
      scope: scope.join(' '),
      created_at: Math.floor(authority.now() / 1000),
    });

  const token = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, [
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
    if (!auth.ok) return oauthError(401, 'invalid_client', INVALID_CLIENT);
    const f = req.form;
    const clientId = auth.client.clientId;
    return tokenGrant(authority, clientId, f, {
      issued: (grant, tokens) => issued(tokens, grant.scope),
      badCode: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
      badRefresh: () => oauthError(400, 'invalid_grant', INVALID_GRANT),
      unsupported: () =>
        oauthError(
          400,
          'unsupported_grant_type',
          'The authorization grant type is not supported by the authorization server.',
        ),
    });
  };

  const revoke = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post']);
    if (!auth.ok) return oauthError(401, 'invalid_client', INVALID_CLIENT);
    const value = req.form.get('token');
    const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
    if (grant && grant.clientId !== auth.client.clientId)
      return oauthError(403, 'unauthorized_client', 'You are not authorized to revoke this token');
    authority.revoke(value);
    return json(200, {});
  };

  const unauthorized = () =>
    json(
      401,
      {
        error: 'invalid_token',
        error_description: 'Token was revoked. You have to re-authorize from the user.',
      },
      {
        'www-authenticate':
          'Bearer realm="Protected by OAuth 2.0", error="invalid_token", error_description="Token was revoked. You have to re-authorize from the user."',
      },
    );

  const user = (req: EmulatorRequest) => {
    const grant = authority.bearer(req);
    if (!grant) return unauthorized();
    if (!grant.scope.some((s) => USER_SCOPES.includes(s)))
      return json(403, {
        error: 'insufficient_scope',
        error_description:
          'The request requires higher privileges than provided by the access token.',
        scope: USER_SCOPES.join(' '),
      });
    return json(200, GITLAB_USER);
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth/authorize', (req) =>
      authorize(req, authority, GITLAB_USER.username, { pkceMethods: ['S256', 'plain'] }),
    ),
    token: route('POST', '/oauth/token', token),
    revoke: route('POST', '/oauth/revoke', revoke),
    user: route('GET', '/api/v4/user', user),
    userinfo: route(['GET', 'POST'], '/oauth/userinfo', (req) => {
      const grant = authority.bearer(req);
      if (!grant) return unauthorized();
      const { id, username, name, email } = GITLAB_USER;
      return json(200, { sub: String(id), nickname: username, name, email });
    }),
    keys: route('GET', '/oauth/discovery/keys', () => json(200, { keys: [] })),
  });
  return { http, authority };
}
