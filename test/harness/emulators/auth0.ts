/**
 * An Auth0 tenant as its documentation describes it: the Authentication API
 * (https://auth0.com/docs/api/authentication), refresh tokens and their revocation
 * (https://auth0.com/docs/secure/tokens/refresh-tokens/revoke-refresh-tokens) and the OpenID
 * Connect scopes (https://auth0.com/docs/get-started/apis/scopes/openid-connect-scopes).
 *
 * - issuer `{origin}/`, with its trailing slash, in the ID token's `iss`;
 * - `/authorize`: `response_type=code`, `scope`, `audience`, `state`, `nonce`, PKCE (`S256`,
 *   `plain`);
 * - `/oauth/token`: the client's id and secret in the body or by Basic (or the id alone with
 *   PKCE); answers `token_type: "Bearer"`, `expires_in: 86400`, `scope`, `id_token`, and a
 *   `refresh_token` only for `offline_access`; a bad code or refresh token is an HTTP 403
 *   `invalid_grant`;
 * - `/oauth/revoke`: a refresh token, with the client's authentication; 200 with an empty body
 *   for a token revoked, unknown or not the client's; 400 `invalid_request` without `token`,
 *   401 `invalid_client`. Revoking a refresh token leaves the access tokens as they are: they
 *   are self-contained and live until they expire;
 * - `/userinfo`: Bearer; 401 for a token that is no good.
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

/** The signed-in user, as `/userinfo` answers them. */
export const AUTH0_USER = {
  sub: 'auth0|5f7c8ec7c33c6c004bbafe82',
  name: 'Jane Josephine Doe',
  nickname: 'jane',
  picture: 'https://s.gravatar.com/avatar/1.png',
  email: 'janedoe@example.com',
  email_verified: true,
} as const;

/** How the Auth0 emulator is configured. */
export interface Auth0EmulatorOptions {
  /** Refresh token rotation on (the application's setting). */
  readonly rotation?: boolean | undefined;
}

/**
 * Starts the Auth0 emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startAuth0([client]);
 * const preset = auth0Provider({ domain: http.origin });
 * ```
 */
export async function startAuth0(
  clients: readonly EmulatedClient[],
  options: Auth0EmulatorOptions = {},
) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: 86400,
    refreshTokens: options.rotation ? 'rotate' : 'reuse',
  });
  const { jwks, signFor } = await idTokenSigner('auth0-emulator-1');
  /** Refresh tokens revoked one by one: the access tokens of their grant stay valid. */
  const revoked = new Set<string>();
  let issuer = '';

  const issued = async (grant: Grant, tokens: { refresh_token?: string | undefined }) => {
    const answer: Record<string, unknown> = { token_type: 'Bearer', ...tokens };
    if (!grant.scope.includes('offline_access')) delete answer['refresh_token'];
    answer['scope'] = grant.scope.join(' ');
    if (grant.scope.includes('openid'))
      answer['id_token'] = await signFor(grant, {
        iss: issuer,
        sub: AUTH0_USER.sub,
      });
    return json(200, answer);
  };

  const client = (req: EmulatorRequest) =>
    authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post', 'none']);
  const unauthorized = () => oauthError(401, 'invalid_client', 'Client authentication failed.');

  const token = async (req: EmulatorRequest) => {
    const auth = client(req);
    if (!auth.ok) return unauthorized();
    const f = req.form;
    const badRefresh = () => oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
    // A refresh token revoked on its own: refused, though its grant lives on.
    if (f.get('grant_type') === 'refresh_token' && revoked.has(f.get('refresh_token') ?? ''))
      return badRefresh();
    return tokenGrant(authority, auth.client.clientId, f, {
      issued,
      badCode: () => oauthError(403, 'invalid_grant', 'Invalid authorization code'),
      badRefresh,
      unsupported: () => oauthError(403, 'unsupported_grant_type', 'Grant type is not supported.'),
    });
  };

  const http = await startEmulator({
    authorize: route('GET', '/authorize', (req) =>
      authorize(req, authority, AUTH0_USER.sub, {
        pkceMethods: ['S256', 'plain'],
        extras: ['nonce', 'audience'],
      }),
    ),
    token: route('POST', '/oauth/token', token),
    revoke: route('POST', '/oauth/revoke', (req) => {
      const auth = client(req);
      if (!auth.ok) return unauthorized();
      const value = req.form.get('token');
      if (!value) return oauthError(400, 'invalid_request', 'Missing required parameter: token');
      if (authority.refreshGrant(value)?.clientId === auth.client.clientId) revoked.add(value);
      return { status: 200 };
    }),
    userinfo: route('GET', '/userinfo', (req) =>
      authority.bearer(req) ? json(200, AUTH0_USER) : { status: 401, text: 'Unauthorized' },
    ),
    jwks: route('GET', '/.well-known/jwks.json', () => json(200, jwks)),
  });
  issuer = `${http.origin}/`;
  return { http, authority };
}
