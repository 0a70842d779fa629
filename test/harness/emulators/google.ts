/**
 * Google's OAuth 2.0 for web server applications and OpenID Connect as their documentation
 * describes them: https://developers.google.com/identity/protocols/oauth2/web-server (offline
 * access, refresh, revocation) and https://developers.google.com/identity/openid-connect/openid-connect
 * (ID tokens, userinfo), with the endpoints of https://accounts.google.com/.well-known/openid-configuration.
 *
 * - `/o/oauth2/v2/auth`: `client_id`, `redirect_uri` (required, exact), `response_type=code`,
 *   `scope` (space-delimited), `state`, `access_type`, `prompt`, `hd`, `nonce`, PKCE (`S256`,
 *   `plain`); the callback carries `code`, `state`, `scope`, `authuser`, `prompt` and `iss`;
 * - a refresh token only with `access_type=offline`, and only on a consent: the first time the
 *   user approves the client, or with `prompt=consent`;
 * - `/token`: `client_id`/`client_secret` in the body or by Basic; answers `token_type:
 *   "Bearer"`, `expires_in: 3599`, `scope`, an `id_token` for `openid`; a refresh answers no
 *   refresh token; errors `{"error": "invalid_grant", "error_description": "Bad Request"}` (400),
 *   `invalid_client` (401), `redirect_uri_mismatch` (400);
 * - `/revoke`: the token alone (form body or query); 200, or 400 `{"error": "invalid_token",
 *   "error_description": "Token expired or revoked"}`; revoking either token ends the grant;
 * - `/v1/userinfo`: Bearer; a bad token is a 401 with `WWW-Authenticate: Bearer …
 *   error="invalid_token"`;
 * - ID tokens RS256, keys at `/oauth2/v3/certs`.
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

/** The signed-in user, as `/v1/userinfo` answers them. */
export const GOOGLE_USER = {
  sub: '110169484474386276334',
  name: 'Ada Lovelace',
  given_name: 'Ada',
  family_name: 'Lovelace',
  picture: 'https://lh3.googleusercontent.com/a/ACg8ocK',
  email: 'ada@example.com',
  email_verified: true,
} as const;

const SCOPES: Readonly<Record<string, string>> = {
  email: 'https://www.googleapis.com/auth/userinfo.email',
  profile: 'https://www.googleapis.com/auth/userinfo.profile',
};

/** Google writes the `email` and `profile` scopes it grants as their URLs. */
const granted = (scope: readonly string[]) => scope.map((s) => SCOPES[s] ?? s).join(' ');

/**
 * Starts the Google emulator on a free loopback port, every endpoint on one origin, with
 * `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startGoogle([client]);
 * const preset = googleProvider({ baseUrl: http.origin });
 * ```
 */
export async function startGoogle(clients: readonly EmulatedClient[]) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: 3599,
    refreshTokens: 'omit',
    tokenPrefix: 'ya29.',
  });
  const { jwks, signFor } = await idTokenSigner('google-emulator-1');
  /** The clients each user has approved once (a later approval is no consent). */
  const consented = new Set<string>();
  let origin = '';

  const idToken = (grant: Grant) =>
    signFor(grant, {
      iss: origin,
      azp: grant.clientId,
      sub: GOOGLE_USER.sub,
      email: GOOGLE_USER.email,
      email_verified: true,
      ...(grant.extras['hd'] ? { hd: grant.extras['hd'] } : {}),
    });

  const issued = async (grant: Grant, tokens: object) =>
    json(200, {
      ...tokens,
      token_type: 'Bearer',
      scope: granted(grant.scope),
      ...(grant.scope.includes('openid') ? { id_token: await idToken(grant) } : {}),
    });

  /** A refresh token comes with offline access on a consent only. */
  const wantsRefresh = (grant: Grant) => {
    const key = `${grant.user} ${grant.clientId}`;
    const consent = !consented.has(key) || grant.extras['prompt'] === 'consent';
    consented.add(key);
    return grant.extras['access_type'] === 'offline' && consent;
  };

  const token = async (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post']);
    if (!auth.ok) return oauthError(401, 'invalid_client', 'Unauthorized');
    const f = req.form;
    return tokenGrant(authority, auth.client.clientId, f, {
      issued,
      badCode: (reason) =>
        reason === 'redirect_mismatch'
          ? oauthError(400, 'redirect_uri_mismatch', 'Bad Request')
          : oauthError(400, 'invalid_grant', 'Bad Request'),
      badRefresh: () => oauthError(400, 'invalid_grant', 'Bad Request'),
      unsupported: () => oauthError(400, 'unsupported_grant_type', 'Invalid grant_type: '),
      refreshTokenFor: wantsRefresh,
    });
  };

  const revoke = (req: EmulatorRequest) => {
    const value = req.form.get('token') ?? req.url.searchParams.get('token');
    const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
    if (!grant || grant.revoked)
      return oauthError(400, 'invalid_token', 'Token expired or revoked');
    authority.revoke(value);
    return json(200, {});
  };

  const userinfo = (req: EmulatorRequest) => {
    if (authority.bearer(req)) return json(200, GOOGLE_USER);
    return json(
      401,
      { error: 'invalid_request', error_description: 'Invalid Credentials' },
      {
        'www-authenticate': `Bearer realm="${origin}/", error="invalid_token"`,
      },
    );
  };

  const http = await startEmulator({
    authorize: route('GET', '/o/oauth2/v2/auth', (req) =>
      authorize(req, authority, GOOGLE_USER.sub, {
        pkceMethods: ['S256', 'plain'],
        extras: ['access_type', 'prompt', 'hd', 'nonce'],
        callbackParams: ({ scope }) => ({
          scope: granted(scope),
          authuser: '0',
          prompt: req.url.searchParams.get('prompt') ?? 'none',
          iss: origin,
        }),
      }),
    ),
    token: route('POST', '/token', token),
    revoke: route('POST', '/revoke', revoke),
    userinfo: route(['GET', 'POST'], '/v1/userinfo', userinfo),
    certs: route('GET', '/oauth2/v3/certs', () => json(200, jwks)),
  });
  origin = http.origin;
  return { http, authority };
}
