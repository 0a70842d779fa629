/**
 * An Okta custom authorization server as its documentation describes it:
 * https://developer.okta.com/docs/api/openapi/okta-oauth/oauth/customas/ (authorize, token,
 * revoke, userinfo, keys, logout) and
 * https://developer.okta.com/docs/guides/refresh-tokens/main/ (`offline_access`).
 *
 * - every endpoint under `/oauth2/{authorizationServerId}/v1/`; the issuer is
 *   `/oauth2/{authorizationServerId}`;
 * - `/authorize`: `response_type=code`, `scope` with `openid`, PKCE `S256` (a public client
 *   must send a challenge);
 * - `/token`: client authentication as configured (Basic, the body, or none with PKCE); answers
 *   `token_type: "Bearer"`, `expires_in: 3600`, `scope`, an `id_token` for `openid`, and a
 *   `refresh_token` only when `offline_access` was granted; RFC 6749 errors;
 * - `/revoke`: client authentication required; 200 with no content, for a token it does not know
 *   too;
 * - `/userinfo`: Bearer; a bad token is a 401 with `WWW-Authenticate: Bearer error="invalid_token"`.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  type Grant,
  idTokenSigner,
  json,
  oauthError,
  route,
  startEmulator,
  text,
  tokenGrant,
} from './toolkit.js';

/** The signed-in user, as `/userinfo` answers them. */
export const OKTA_USER = {
  sub: '00uid4BxXw6I6TV4m0g3',
  name: 'John Doe',
  preferred_username: 'john.doe@example.com',
  email: 'john.doe@example.com',
  email_verified: true,
  locale: 'en-US',
  zoneinfo: 'America/Los_Angeles',
} as const;

/** How the Okta emulator is configured. */
export interface OktaEmulatorOptions {
  /** The custom authorization server's id; default `default`. */
  readonly authorizationServerId?: string | undefined;
  /** Refresh token rotation on (the app's setting). */
  readonly rotation?: boolean | undefined;
}

/**
 * Starts the Okta emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startOkta([client]);
 * const preset = oktaProvider({ domain: http.origin });
 * ```
 */
export async function startOkta(
  clients: readonly EmulatedClient[],
  options: OktaEmulatorOptions = {},
) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: 3600,
    refreshTokens: options.rotation ? 'rotate' : 'reuse',
  });
  const server = `/oauth2/${options.authorizationServerId ?? 'default'}`;
  const { jwks, signFor } = await idTokenSigner('okta-emulator-1');
  let issuer = '';

  const issued = async (grant: Grant, tokens: { refresh_token?: string | undefined }) => {
    const answer: Record<string, unknown> = { token_type: 'Bearer', ...tokens };
    // Okta issues a refresh token only for the offline_access scope.
    if (!grant.scope.includes('offline_access')) delete answer['refresh_token'];
    answer['scope'] = grant.scope.join(' ');
    if (grant.scope.includes('openid'))
      answer['id_token'] = await signFor(grant, {
        iss: issuer,
        sub: OKTA_USER.sub,
      });
    return json(200, answer);
  };

  const client = (req: EmulatorRequest) =>
    authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post', 'none']);
  const badClient = () =>
    oauthError(
      401,
      'invalid_client',
      'Client authentication failed. Either the client or the client credentials are invalid.',
    );

  const token = async (req: EmulatorRequest) => {
    const auth = client(req);
    if (!auth.ok) return badClient();
    return tokenGrant(authority, auth.client.clientId, req.form, {
      issued,
      badCode: () =>
        oauthError(400, 'invalid_grant', 'The authorization code is invalid or has expired.'),
      badRefresh: () =>
        oauthError(400, 'invalid_grant', 'The refresh token is invalid or expired.'),
      unsupported: () =>
        oauthError(
          400,
          'unsupported_grant_type',
          'The authorization grant type is not supported by the authorization server.',
        ),
    });
  };

  const http = await startEmulator({
    authorize: route('GET', `${server}/v1/authorize`, (req) => {
      const q = req.url.searchParams;
      const known = authority.client(q.get('client_id'));
      // Okta: a public client must use PKCE.
      if (known && known.clientSecret === undefined && !q.get('code_challenge'))
        return text(
          400,
          'PKCE code challenge is required when the token endpoint authentication method is NONE.',
        );
      return authorize(req, authority, OKTA_USER.sub, { pkceMethods: ['S256'], extras: ['nonce'] });
    }),
    token: route('POST', `${server}/v1/token`, token),
    revoke: route('POST', `${server}/v1/revoke`, (req) => {
      const auth = client(req);
      if (!auth.ok) return badClient();
      const value = req.form.get('token');
      if (!value) return oauthError(400, 'invalid_request', 'The token parameter is required.');
      const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
      if (grant?.clientId === auth.client.clientId) authority.revoke(value);
      return { status: 200 };
    }),
    userinfo: route(['GET', 'POST'], `${server}/v1/userinfo`, (req) => {
      if (authority.bearer(req)) return json(200, OKTA_USER);
      return json(
        401,
        { error: 'invalid_token', error_description: 'The access token is invalid.' },
        {
          'www-authenticate':
            'Bearer authorization_uri="", realm="", scope="openid", error="invalid_token", error_description="The access token is invalid."',
        },
      );
    }),
    keys: route('GET', `${server}/v1/keys`, () => json(200, jwks)),
  });
  issuer = `${http.origin}${server}`;
  return { http, authority };
}
