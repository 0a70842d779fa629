/**
 * An Amazon Cognito user pool as its documentation describes it: the token endpoint
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/token-endpoint.html), the
 * revocation endpoint
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/revocation-endpoint.html), the
 * userInfo endpoint (https://docs.aws.amazon.com/cognito/latest/developerguide/userinfo-endpoint.html)
 * and the authorize endpoint
 * (https://docs.aws.amazon.com/cognito/latest/developerguide/authorization-endpoint.html).
 *
 * - the domain's `/oauth2/authorize`: `response_type=code`, `client_id`, `redirect_uri`,
 *   `scope`, `state`, `nonce`, PKCE with `S256`;
 * - `/oauth2/token`: a client with a secret must authenticate by Basic; a public client sends
 *   `client_id`; a code answers `id_token`, `access_token`, `refresh_token`, `expires_in: 3600`,
 *   `token_type: "Bearer"`; a refresh answers new ID and access tokens and no refresh token
 *   (with rotation on, a new one, the old spent); errors `invalid_grant`, `invalid_client`, ...;
 * - `/oauth2/revoke`: the refresh token, the client authenticated as at the token endpoint; it
 *   revokes the access tokens issued with it too; 200 with an empty body; 400
 *   `unsupported_token_type` for anything that is not a refresh token of the pool;
 * - `/oauth2/userInfo`: Bearer; 401 with an `invalid_token` challenge for a bad token;
 * - the issuer `/{userPoolId}` (on `cognito-idp` in real life; here, the same loopback origin),
 *   its keys at `/{userPoolId}/.well-known/jwks.json`.
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
  tokenGrant,
} from './toolkit.js';

/** The signed-in user, as `/oauth2/userInfo` answers them. */
export const COGNITO_USER = {
  sub: 'aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee',
  email_verified: 'true',
  email: 'janedoe@example.com',
  username: 'JaneDoe',
} as const;

/** How the Cognito emulator is configured. */
export interface CognitoEmulatorOptions {
  readonly userPoolId?: string | undefined;
  /** The app client's refresh token rotation on. */
  readonly rotation?: boolean | undefined;
}

/**
 * Starts the Cognito emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startCognito([client]);
 * const preset = cognitoProvider({ domain: http.origin, region: 'us-east-1', userPoolId, idpUrl: http.origin });
 * ```
 */
export async function startCognito(
  clients: readonly EmulatedClient[],
  options: CognitoEmulatorOptions = {},
) {
  const pool = options.userPoolId ?? 'us-east-1_EXAMPLE';
  const authority = new Authority({
    clients,
    accessTokenSeconds: 3600,
    refreshTokens: options.rotation ? 'rotate' : 'omit',
  });
  const { jwks, signFor } = await idTokenSigner('cognito-emulator-1');
  let issuer = '';

  const issued = async (grant: Grant, tokens: object) =>
    json(200, {
      id_token: await signFor(grant, {
        iss: issuer,
        sub: COGNITO_USER.sub,
        token_use: 'id',
        'cognito:username': COGNITO_USER.username,
      }),
      ...tokens,
      token_type: 'Bearer',
    });

  // The documentation names Basic as the way a client with a secret authenticates.
  const client = (req: EmulatorRequest) =>
    authenticateClient(req, authority, ['client_secret_basic', 'none']);

  const token = async (req: EmulatorRequest) => {
    const auth = client(req);
    if (!auth.ok) return oauthError(400, 'invalid_client');
    return tokenGrant(authority, auth.client.clientId, req.form, {
      issued,
      badCode: () => oauthError(400, 'invalid_grant'),
      badRefresh: () => oauthError(400, 'invalid_grant'),
      unsupported: () => oauthError(400, 'unsupported_grant_type'),
    });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/authorize', (req) =>
      authorize(req, authority, COGNITO_USER.sub, { pkceMethods: ['S256'], extras: ['nonce'] }),
    ),
    token: route('POST', '/oauth2/token', token),
    revoke: route('POST', '/oauth2/revoke', (req) => {
      const auth = client(req);
      if (!auth.ok) return oauthError(401, 'invalid_client');
      const value = req.form.get('token');
      if (!value) return oauthError(400, 'invalid_request');
      if (authority.anyAccessGrant(value)) return oauthError(400, 'unsupported_token_type');
      const grant = authority.refreshGrant(value);
      if (grant?.clientId === auth.client.clientId) authority.revoke(value);
      return { status: 200 };
    }),
    userinfo: route('GET', '/oauth2/userInfo', (req) =>
      authority.bearer(req)
        ? json(200, COGNITO_USER)
        : json(
            401,
            { error: 'invalid_token', error_description: 'Access token is expired or revoked' },
            { 'www-authenticate': 'Bearer error="invalid_token"' },
          ),
    ),
    jwks: route('GET', `/${pool}/.well-known/jwks.json`, () => json(200, jwks)),
  });
  issuer = `${http.origin}/${pool}`;
  return { http, authority, pool };
}
