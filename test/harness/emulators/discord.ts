/**
 * Discord as its documentation describes it: OAuth2
 * (https://discord.com/developers/docs/topics/oauth2), the user resource
 * (https://discord.com/developers/docs/resources/user#get-current-user) and the API reference's
 * User-Agent rule (https://discord.com/developers/docs/reference#user-agent).
 *
 * - `/oauth2/authorize` with `client_id`, `response_type=code`, `redirect_uri`, `scope`
 *   (space-separated), `state`; no PKCE is documented for this flow, so its parameters are
 *   ignored;
 * - `/api/oauth2/token` takes `application/x-www-form-urlencoded` only, the client's id and
 *   secret by HTTP Basic (the documentation's example) or in the body; answers
 *   `expires_in: 604800`, a `refresh_token` and `scope`; a refresh answers a new refresh token;
 *   errors are RFC 6749 (`invalid_grant` with `Invalid "code" in request.`);
 * - `/api/oauth2/token/revoke` takes `token` and `token_type_hint` with client authentication;
 *   revoking either token revokes the whole authorization;
 * - `/api/v10/users/@me` (scope `identify`) answers 401 `{"message": "401: Unauthorized", "code":
 *   0}` without a valid token;
 * - every `/api` request must carry a `User-Agent: DiscordBot ($url, $versionNumber)`.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  oauthError,
  type Reply,
  route,
  startEmulator,
  tokenGrant,
} from './toolkit.js';

/** The signed-in user, as `GET /users/@me` answers them. */
export const DISCORD_USER = {
  id: '80351110224678912',
  username: 'nelly',
  discriminator: '0',
  global_name: 'Nelly',
  avatar: '8342729096ea3675442027381ff50dfe',
  verified: true,
  email: 'nelly@discord.com',
} as const;

const DISCORD_UA = /^DiscordBot \(\S+, \S+\)$/;

/**
 * Starts the Discord emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startDiscord([client]);
 * const preset = discordProvider({ baseUrl: http.origin });
 * ```
 */
export async function startDiscord(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 604800, refreshTokens: 'rotate' });

  /** The API reference's rule: without a valid User-Agent, an API request is refused. */
  const api =
    (handle: (req: EmulatorRequest) => Reply | Promise<Reply>) =>
    (req: EmulatorRequest): Reply | Promise<Reply> =>
      DISCORD_UA.test(req.headers.get('user-agent') ?? '')
        ? handle(req)
        : json(400, {
            message: 'a User-Agent of the form DiscordBot ($url, $versionNumber) is required',
            code: 0,
          });

  const token = (req: EmulatorRequest) => {
    if (req.contentType !== 'application/x-www-form-urlencoded')
      return oauthError(400, 'unsupported_grant_type');
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post']);
    if (!auth.ok) return oauthError(401, 'invalid_client');
    const f = req.form;
    return tokenGrant(authority, auth.client.clientId, f, {
      issued: (grant, tokens) => issued(tokens, grant.scope),
      badCode: () => oauthError(400, 'invalid_grant', 'Invalid "code" in request.'),
      badRefresh: () => oauthError(400, 'invalid_grant', 'Invalid "refresh_token" in request.'),
      unsupported: () => oauthError(400, 'unsupported_grant_type'),
    });
  };
  const issued = (tokens: object, scope: readonly string[]) =>
    json(200, { ...tokens, token_type: 'Bearer', scope: scope.join(' ') });

  const revoke = (req: EmulatorRequest) => {
    if (req.contentType !== 'application/x-www-form-urlencoded')
      return oauthError(400, 'invalid_request');
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post']);
    if (!auth.ok) return oauthError(401, 'invalid_client');
    authority.revoke(req.form.get('token'));
    return json(200, {});
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/authorize', (req) =>
      authorize(req, authority, DISCORD_USER.id),
    ),
    token: route('POST', '/api/oauth2/token', api(token)),
    revoke: route('POST', '/api/oauth2/token/revoke', api(revoke)),
    user: route(
      'GET',
      '/api/v10/users/@me',
      api((req) => {
        const grant = authority.bearer(req);
        if (!grant) return json(401, { message: '401: Unauthorized', code: 0 });
        return json(200, DISCORD_USER);
      }),
    ),
  });
  return { http, authority };
}
