/**
 * Bitbucket Cloud as its documentation describes it: OAuth 2.0
 * (https://developer.atlassian.com/cloud/bitbucket/oauth-2/) and the current user
 * (https://developer.atlassian.com/cloud/bitbucket/rest/api-group-users/#api-user-get).
 *
 * - `bitbucket.org/site/oauth2/authorize?client_id={client_id}&response_type=code` (and
 *   `state`, `redirect_uri` within the consumer's callback URL); scopes are set on the consumer,
 *   not asked for; no PKCE;
 * - `/site/oauth2/access_token`: the consumer by HTTP Basic (`curl -u "client_id:secret"`),
 *   `grant_type` and `code` in a form; answers `access_token`, `scopes` (plural, space-separated),
 *   `expires_in: 7200`, `refresh_token`, `token_type: "bearer"` and a `state` naming the grant
 *   type; refresh tokens do not expire (a refresh answers the same one); errors are RFC 6749's;
 * - the API (`api.bitbucket.org/2.0`): `Authorization: Bearer`; `/user` needs the `account`
 *   scope; 401 `{"type": "error", "error": {"message": …}}` otherwise;
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
} from './toolkit.js';

/** The signed-in user, as `GET /2.0/user` answers them. */
export const BITBUCKET_USER = {
  type: 'user',
  uuid: '{d301aafa-d676-4ee0-88be-962be7417567}',
  account_id: '557058:c0b72ad0-1cb5-4018-9cdc-0cde8492c443',
  nickname: 'evzijst',
  display_name: 'Erik van Zijst',
} as const;

/** What the consumer was configured with (Bitbucket takes no scope parameter). */
const CONSUMER_SCOPES = ['account'];

/**
 * Starts the Bitbucket emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startBitbucket([client]);
 * const preset = bitbucketProvider({ baseUrl: http.origin });
 * ```
 */
export async function startBitbucket(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 7200, refreshTokens: 'reuse' });

  const token = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic']);
    if (!auth.ok) return oauthError(400, 'invalid_client', 'Invalid OAuth client credentials');
    const f = req.form;
    const issued = (tokens: { access_token: string }, grantType: string) => {
      const { access_token, ...rest } = tokens;
      return json(200, {
        access_token,
        scopes: CONSUMER_SCOPES.join(' '),
        ...rest,
        token_type: 'bearer',
        state: grantType,
      });
    };
    if (f.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: auth.client.clientId,
        redirectUri: f.get('redirect_uri'),
      });
      if (!redeemed.ok) return oauthError(400, 'invalid_grant', 'The specified code is not valid.');
      return issued(authority.issueTokens(redeemed.grant), 'authorization_code');
    }
    if (f.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(f.get('refresh_token'), auth.client.clientId);
      if (!refreshed.ok) return oauthError(400, 'invalid_grant', 'Invalid refresh_token');
      return issued(refreshed.tokens, 'refresh_token');
    }
    return oauthError(400, 'unsupported_grant_type', 'Unsupported grant type');
  };

  const http = await startEmulator({
    authorize: route('GET', '/site/oauth2/authorize', (req) =>
      authorize(req, authority, BITBUCKET_USER.account_id, {
        redirectUriOptional: true,
        defaultScope: CONSUMER_SCOPES,
      }),
    ),
    token: route('POST', '/site/oauth2/access_token', token),
    user: route('GET', '/2.0/user', (req) =>
      authority.bearer(req)
        ? json(200, BITBUCKET_USER)
        : json(401, { type: 'error', error: { message: 'Access token expired or invalid.' } }),
    ),
  });
  return { http, authority };
}
