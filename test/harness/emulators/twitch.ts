/**
 * Twitch as its documentation describes it: the authorization code grant flow
 * (https://dev.twitch.tv/docs/authentication/getting-tokens-oauth/#authorization-code-grant-flow),
 * refreshing (https://dev.twitch.tv/docs/authentication/refresh-tokens/), revoking
 * (https://dev.twitch.tv/docs/authentication/revoke-tokens/), OpenID Connect
 * (https://dev.twitch.tv/docs/authentication/getting-tokens-oidc/) and Get Users
 * (https://dev.twitch.tv/docs/api/reference/#get-users).
 *
 * - `id.twitch.tv/oauth2/authorize`: `client_id`, `force_verify`, `redirect_uri`,
 *   `response_type=code`, `scope` (space-delimited), `state`; no PKCE;
 * - `/oauth2/token`: `client_id`, `client_secret`, `code`, `grant_type`, `redirect_uri` in a form
 *   body; answers `token_type: "bearer"` and `scope` as a JSON list; a refresh answers a new
 *   refresh token ("refresh tokens may change"); errors are Twitch's own shape:
 *   `{"status": 400, "message": "Invalid authorization code"}`, `{"error": "Bad Request",
 *   "status": 400, "message": "Invalid refresh token"}`, 403 `invalid client secret`;
 * - `/oauth2/revoke`: `client_id` and `token` (an access token) in a form; 200, or 400
 *   `{"status": 400, "message": "Invalid token"}`; it revokes that access token;
 * - the API (`api.twitch.tv/helix`) wants `Authorization: Bearer` and `Client-Id`, the id of the
 *   client the token was issued to; 401 `{"error": "Unauthorized", "status": 401, "message": …}`;
 * - OpenID Connect: `/oauth2/userinfo`, `/oauth2/keys`.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  route,
  startEmulator,
  tokenGrant,
} from './toolkit.js';

/** The signed-in user, as `GET /helix/users` answers them (in `data`). */
export const TWITCH_USER = {
  id: '141981764',
  login: 'twitchdev',
  display_name: 'TwitchDev',
  type: '',
  broadcaster_type: 'partner',
  description: 'Supporting third-party developers building Twitch integrations.',
  email: 'not-real@email.com',
  created_at: '2016-12-14T20:32:28Z',
} as const;

const twitchError = (status: number, message: string, error?: string) =>
  json(status, { ...(error ? { error } : {}), status, message });

/**
 * Starts the Twitch emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startTwitch([client]);
 * const preset = twitchProvider({ baseUrl: http.origin });
 * ```
 */
export async function startTwitch(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 14124, refreshTokens: 'rotate' });

  const token = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_post']);
    if (!auth.ok) {
      if (auth.reason === 'bad_secret') return twitchError(403, 'invalid client secret');
      if (auth.reason === 'unknown_client') return twitchError(400, 'invalid client');
      return twitchError(400, 'missing client secret');
    }
    const f = req.form;
    const issued = (tokens: object, scope: readonly string[]) =>
      json(200, { ...tokens, scope: [...scope], token_type: 'bearer' });
    return tokenGrant(authority, auth.client.clientId, f, {
      issued: (grant, tokens) => issued(tokens, grant.scope),
      badCode: () => twitchError(400, 'Invalid authorization code'),
      badRefresh: () => twitchError(400, 'Invalid refresh token', 'Bad Request'),
      unsupported: () => twitchError(400, 'Invalid grant type'),
    });
  };

  const revoke = (req: EmulatorRequest) => {
    const clientId = req.form.get('client_id');
    if (!clientId) return twitchError(404, 'missing client id');
    const value = req.form.get('token');
    const grant = authority.accessGrant(value);
    if (!grant || grant.clientId !== clientId) return twitchError(400, 'Invalid token');
    authority.endAccess(value);
    return { status: 200 };
  };

  const helixUsers = (req: EmulatorRequest) => {
    const grant = authority.bearer(req);
    if (!grant) return twitchError(401, 'Invalid OAuth token', 'Unauthorized');
    if (req.headers.get('client-id') !== grant.clientId)
      return twitchError(401, 'Client ID and OAuth token do not match', 'Unauthorized');
    const { email, ...user } = TWITCH_USER;
    return json(200, { data: [grant.scope.includes('user:read:email') ? TWITCH_USER : user] });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/authorize', (req) =>
      authorize(req, authority, TWITCH_USER.id, { extras: ['force_verify'] }),
    ),
    token: route('POST', '/oauth2/token', token),
    revoke: route('POST', '/oauth2/revoke', revoke),
    users: route('GET', '/helix/users', helixUsers),
    userinfo: route(['GET', 'POST'], '/oauth2/userinfo', (req) =>
      authority.bearer(req)
        ? json(200, { sub: TWITCH_USER.id, preferred_username: TWITCH_USER.display_name })
        : twitchError(401, 'Invalid OAuth token', 'Unauthorized'),
    ),
    keys: route('GET', '/oauth2/keys', () => json(200, { keys: [] })),
  });
  return { http, authority };
}
