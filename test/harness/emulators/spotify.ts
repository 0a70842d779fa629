/**
 * Spotify as its documentation describes it: the authorization code flow
 * (https://developer.spotify.com/documentation/web-api/tutorials/code-flow), with PKCE
 * (https://developer.spotify.com/documentation/web-api/tutorials/code-pkce-flow), refreshing
 * tokens (https://developer.spotify.com/documentation/web-api/tutorials/refreshing-tokens) and
 * Get Current User's Profile (https://developer.spotify.com/documentation/web-api/reference/get-current-users-profile).
 *
 * - `/authorize` on the accounts service: `client_id`, `response_type=code`, `redirect_uri`,
 *   `state`, `scope` (space-separated), `show_dialog`, `code_challenge_method=S256`,
 *   `code_challenge`;
 * - `/api/token`: `Content-Type: application/x-www-form-urlencoded` required; a confidential
 *   client must send `Authorization: Basic <client_id:client_secret>`; a PKCE client sends
 *   `client_id` (and `code_verifier`) in the body instead; answers `token_type: "Bearer"`,
 *   `scope`, `expires_in: 3600`, `refresh_token`; a refresh may answer no refresh token ("continue
 *   using the existing token"); errors are RFC 6749's (`invalid_grant`, `invalid_client`);
 * - `/v1/me` on the Web API; 401 `{"error": {"status": 401, "message": "Invalid access token"}}`;
 * - there is no revocation endpoint.
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

/** The signed-in user, as `GET /v1/me` answers them. */
export const SPOTIFY_USER = {
  id: 'wizzler',
  display_name: 'JM Wizzler',
  email: 'email@example.com',
  country: 'SE',
  product: 'premium',
  type: 'user',
  uri: 'spotify:user:wizzler',
} as const;

/**
 * Starts the Spotify emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startSpotify([client]);
 * const preset = spotifyProvider({ baseUrl: http.origin });
 * ```
 */
export async function startSpotify(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 3600, refreshTokens: 'omit' });

  const token = (req: EmulatorRequest) => {
    if (req.contentType !== 'application/x-www-form-urlencoded')
      return oauthError(
        400,
        'invalid_request',
        'Content-Type must be application/x-www-form-urlencoded',
      );
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'none']);
    if (!auth.ok) return oauthError(400, 'invalid_client', 'Invalid client');
    const f = req.form;
    const issued = (tokens: object, scope: readonly string[]) =>
      json(200, { ...tokens, token_type: 'Bearer', scope: scope.join(' ') });
    return tokenGrant(authority, auth.client.clientId, f, {
      issued: (grant, tokens) => issued(tokens, grant.scope),
      badCode: (reason) =>
        oauthError(
          400,
          'invalid_grant',
          reason.startsWith('pkce') ? 'code_verifier was incorrect' : 'Invalid authorization code',
        ),
      badRefresh: () => oauthError(400, 'invalid_grant', 'Invalid refresh token'),
      unsupported: () =>
        oauthError(400, 'unsupported_grant_type', 'grant_type parameter is missing'),
    });
  };

  const http = await startEmulator({
    authorize: route('GET', '/authorize', (req) =>
      authorize(req, authority, SPOTIFY_USER.id, { pkceMethods: ['S256'] }),
    ),
    token: route('POST', '/api/token', token),
    me: route('GET', '/v1/me', (req) =>
      authority.bearer(req)
        ? json(200, SPOTIFY_USER)
        : json(401, { error: { status: 401, message: 'Invalid access token' } }),
    ),
  });
  return { http, authority };
}
