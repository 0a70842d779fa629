/**
 * Mailchimp's OAuth2 as its documentation describes it: "Access Data on Behalf of Other Users
 * with OAuth 2" (https://mailchimp.com/developer/marketing/guides/access-user-data-oauth-2/) and
 * the API's structure (https://mailchimp.com/developer/marketing/docs/fundamentals/).
 *
 * - `/oauth2/authorize`: `response_type=code`, `client_id`, `redirect_uri` (registered), `state`;
 *   no scopes, no PKCE;
 * - `/oauth2/token`: a form with `grant_type`, `client_id`, `client_secret`, `redirect_uri`,
 *   `code`; answers `{"access_token": …, "expires_in": 0, "scope": null}` (no `token_type`;
 *   tokens do not expire); errors are RFC 6749's `error`;
 * - `/oauth2/metadata`: the token as `Authorization: OAuth <token>`; answers the account's `dc`,
 *   `accountname`, `login` and `api_endpoint`;
 * - no refresh tokens, no revocation endpoint.
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

/** The account, as `/oauth2/metadata` answers it. */
export const MAILCHIMP_METADATA = {
  dc: 'us19',
  role: 'owner',
  accountname: 'Freddie’s Jokes',
  user_id: 42,
  login: { email: 'freddie@example.com', login_id: 42, login_name: 'freddie' },
  login_url: 'https://login.mailchimp.com',
  api_endpoint: 'https://us19.api.mailchimp.com',
} as const;

/**
 * Starts the Mailchimp emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startMailchimp([client]);
 * const preset = mailchimpProvider({ baseUrl: http.origin });
 * ```
 */
export async function startMailchimp(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients });

  const token = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_post']);
    if (!auth.ok) return oauthError(401, 'invalid_client');
    const f = req.form;
    if (f.get('grant_type') !== 'authorization_code')
      return oauthError(400, 'unsupported_grant_type');
    const redeemed = authority.redeemCode(f.get('code'), {
      clientId: auth.client.clientId,
      redirectUri: f.get('redirect_uri'),
    });
    if (!redeemed.ok) return oauthError(400, 'invalid_grant');
    const { access_token } = authority.issueTokens(redeemed.grant);
    return json(200, { access_token, expires_in: 0, scope: null });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/authorize', (req) =>
      authorize(req, authority, String(MAILCHIMP_METADATA.user_id)),
    ),
    token: route('POST', '/oauth2/token', token),
    metadata: route('GET', '/oauth2/metadata', (req) =>
      authority.bearer(req, 'OAuth')
        ? json(200, MAILCHIMP_METADATA)
        : json(401, { error: 'invalid_token', error_description: 'Invalid token' }),
    ),
  });
  return { http, authority };
}
