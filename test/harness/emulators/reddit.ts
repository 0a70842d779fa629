/**
 * Reddit as its documentation describes it: the OAuth2 wiki
 * (https://github.com/reddit-archive/reddit/wiki/OAuth2), its API rules
 * (https://github.com/reddit-archive/reddit/wiki/API) and `GET /api/v1/me`
 * (https://www.reddit.com/dev/api#GET_api_v1_me).
 *
 * - `/api/v1/authorize`: `client_id`, `response_type=code`, `state`, `redirect_uri`,
 *   `duration` (`temporary`, one hour, or `permanent`, which adds a refresh token), `scope`
 *   (space-separated); no PKCE;
 * - `/api/v1/access_token`: the client's credentials by HTTP Basic only (an installed app's
 *   password is empty); `grant_type`, `code`, `redirect_uri`; answers `token_type: "bearer"`,
 *   `expires_in: 3600`, `scope`, and `refresh_token` for permanent grants; a refresh answers a new
 *   access token and no refresh token (the old one stays valid); bad client credentials are a
 *   401 (`{"message": "Unauthorized", "error": 401}`: the error is a number), other errors a JSON
 *   `error` (`invalid_grant`, `unsupported_grant_type`, `NO_TEXT`) with HTTP 200;
 * - `/api/v1/revoke_token`: Basic, `token` and `token_type_hint`; 204 whether or not the token
 *   was valid; revoking a refresh token revokes its access tokens;
 * - the API (`oauth.reddit.com`): `Authorization: bearer`; `/api/v1/me` needs `identity`;
 * - every request needs a unique, descriptive User-Agent; default ones (`node`, `Python-urllib`,
 *   `Java`, ...) are refused with 429.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  type Reply,
  route,
  startEmulator,
} from './toolkit.js';

/** The signed-in user, as `GET /api/v1/me` answers them. */
export const REDDIT_USER = {
  name: 'spez',
  id: '1w72',
  verified: true,
  has_verified_email: true,
  link_karma: 172,
  comment_karma: 1020,
} as const;

/** Library defaults Reddit's API rules say are throttled. */
const GENERIC_AGENTS = /^(node|undici|python-requests|python-urllib|java|curl|okhttp|axios)\b/i;

/**
 * Starts the Reddit emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startReddit([client]);
 * const preset = redditProvider({ baseUrl: http.origin });
 * ```
 */
export async function startReddit(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 3600, refreshTokens: 'omit' });

  /** The API rules: no User-Agent, or a library's default one, is throttled. */
  const descriptive =
    (handle: (req: EmulatorRequest) => Reply) =>
    (req: EmulatorRequest): Reply => {
      const agent = req.headers.get('user-agent') ?? '';
      if (!agent || GENERIC_AGENTS.test(agent))
        return json(429, { message: 'Too Many Requests', error: 429 });
      return handle(req);
    };
  const unauthorized = () => json(401, { message: 'Unauthorized', error: 401 });

  const token = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic']);
    if (!auth.ok) return unauthorized();
    const f = req.form;
    const issued = (tokens: object, scope: readonly string[]) =>
      json(200, { ...tokens, token_type: 'bearer', scope: scope.join(' ') });
    if (f.get('grant_type') === 'authorization_code') {
      if (!f.get('code')) return json(200, { error: 'NO_TEXT' });
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: auth.client.clientId,
        redirectUri: f.get('redirect_uri'),
      });
      if (!redeemed.ok) return json(200, { error: 'invalid_grant' });
      const permanent = redeemed.grant.extras['duration'] === 'permanent';
      return issued(
        authority.issueTokens(redeemed.grant, { refresh: permanent }),
        redeemed.grant.scope,
      );
    }
    if (f.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(f.get('refresh_token'), auth.client.clientId);
      if (!refreshed.ok) return json(200, { error: 'invalid_grant' });
      return issued(refreshed.tokens, refreshed.grant.scope);
    }
    return json(200, { error: 'unsupported_grant_type' });
  };

  const revoke = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic']);
    if (!auth.ok) return unauthorized();
    const value = req.form.get('token');
    // The hint is only a hint: the token itself says what to end.
    if (authority.anyAccessGrant(value)) authority.endAccess(value);
    else authority.revoke(value);
    return { status: 204 };
  };

  const http = await startEmulator({
    authorize: route('GET', '/api/v1/authorize', (req) =>
      authorize(req, authority, REDDIT_USER.name, { extras: ['duration'] }),
    ),
    token: route('POST', '/api/v1/access_token', descriptive(token)),
    revoke: route('POST', '/api/v1/revoke_token', descriptive(revoke)),
    me: route(
      'GET',
      '/api/v1/me',
      descriptive((req) => {
        const grant = authority.bearer(req, 'bearer');
        if (!grant) return unauthorized();
        if (!grant.scope.includes('identity'))
          return json(403, { message: 'Forbidden', error: 403 });
        return json(200, REDDIT_USER);
      }),
    ),
  });
  return { http, authority };
}
