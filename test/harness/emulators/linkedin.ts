/**
 * LinkedIn's OAuth 2.0 and Sign In with LinkedIn using OpenID Connect as their documentation
 * describes them: the authorization code flow
 * (https://learn.microsoft.com/en-us/linkedin/shared/authentication/authorization-code-flow),
 * Sign In with LinkedIn v2
 * (https://learn.microsoft.com/en-us/linkedin/consumer/integrations/self-serve/sign-in-with-linkedin-v2),
 * programmatic refresh tokens
 * (https://learn.microsoft.com/en-us/linkedin/shared/authentication/programmatic-refresh-tokens)
 * and token introspection
 * (https://learn.microsoft.com/en-us/linkedin/shared/authentication/token-introspection).
 *
 * - `/oauth/v2/authorization`: `response_type=code`, `client_id`, `redirect_uri` (registered,
 *   exact), `state`, `scope` (space-delimited), `nonce`; PKCE is not offered to web apps;
 * - `/oauth/v2/accessToken`: a form with `client_id` and `client_secret` (no Basic);
 *   `redirect_uri` as sent to the authorization page; answers `access_token`, `expires_in:
 *   5184000`, `scope` comma-separated, `token_type: "Bearer"`, `id_token`; for an app approved for
 *   refresh tokens also `refresh_token` and `refresh_token_expires_in`, and a refresh answers the
 *   same refresh token; a bad code is 400 `{"error": "invalid_request", "error_description":
 *   "Unable to retrieve access token: appid/redirect uri/code verifier does not match
 *   authorization code. Or authorization code expired. …"}`, bad credentials 401
 *   `invalid_client`;
 * - `/oauth/v2/revoke`, `/oauth/v2/introspectToken`: `client_id`, `client_secret`, `token`;
 * - `api.linkedin.com/v2/userinfo`: Bearer; `locale` is an object; a revoked token is 401
 *   `{"serviceErrorCode": 65601, "message": "The token used in the request has been revoked by
 *   the user", "status": 401}`;
 * - ID tokens RS256 from `https://www.linkedin.com/oauth`, keys at `/oauth/openid/jwks`.
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
} from './toolkit.js';

/** The signed-in member, as `/v2/userinfo` answers them. */
export const LINKEDIN_USER = {
  sub: '782bbtaQ',
  email_verified: true,
  name: 'John Doe',
  locale: { country: 'US', language: 'en' },
  given_name: 'John',
  family_name: 'Doe',
  email: 'doe@email.com',
  picture:
    'https://media.licdn-ei.com/dms/image/C5F03AQHqK8v7tB1HCQ/profile-displayphoto-shrink_100_100/0/',
} as const;

const BAD_CODE =
  'Unable to retrieve access token: appid/redirect uri/code verifier does not match authorization code. Or authorization code expired. Or external member binding exists';
const SIXTY_DAYS = 5184000;
const YEAR = 31536000;

/** How the LinkedIn emulator is configured. */
export interface LinkedInEmulatorOptions {
  /** The app is approved for programmatic refresh tokens. */
  readonly refreshTokens?: boolean | undefined;
}

/**
 * Starts the LinkedIn emulator on a free loopback port (`www` and `api` on one origin), with
 * `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startLinkedIn([client], { refreshTokens: true });
 * const preset = linkedinProvider({ baseUrl: http.origin, apiUrl: http.origin });
 * ```
 */
export async function startLinkedIn(
  clients: readonly EmulatedClient[],
  options: LinkedInEmulatorOptions = {},
) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: SIXTY_DAYS,
    refreshTokens: options.refreshTokens ? 'reuse' : false,
  });
  const { jwks, signFor } = await idTokenSigner('linkedin-emulator-1');
  let origin = '';

  const idToken = (grant: Grant) => {
    const { sub, email, email_verified, name, given_name, family_name, picture } = LINKEDIN_USER;
    return signFor(grant, {
      iss: `${origin}/oauth`,
      sub,
      email,
      email_verified,
      name,
      given_name,
      family_name,
      picture,
      locale: 'en_US',
    });
  };

  const issued = async (grant: Grant, tokens: object, idTokenToo: boolean) =>
    json(200, {
      ...tokens,
      ...('refresh_token' in tokens ? { refresh_token_expires_in: YEAR } : {}),
      scope: grant.scope.join(','),
      token_type: 'Bearer',
      ...(idTokenToo && grant.scope.includes('openid') ? { id_token: await idToken(grant) } : {}),
    });

  /** The client, by `client_id` and `client_secret` in the form only. */
  const client = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_post']);
    return auth.ok ? auth.client : undefined;
  };
  const badClient = () => oauthError(401, 'invalid_client', 'Client authentication failed');

  const token = async (req: EmulatorRequest) => {
    const app = client(req);
    if (!app) return badClient();
    const f = req.form;
    if (f.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: app.clientId,
        redirectUri: f.get('redirect_uri'),
      });
      if (!redeemed.ok) return oauthError(400, 'invalid_request', BAD_CODE);
      return issued(redeemed.grant, authority.issueTokens(redeemed.grant), true);
    }
    if (f.get('grant_type') === 'refresh_token' && options.refreshTokens) {
      const refreshed = authority.refresh(f.get('refresh_token'), app.clientId);
      if (!refreshed.ok)
        return oauthError(400, 'invalid_request', 'The provided refresh token is invalid');
      return issued(refreshed.grant, refreshed.tokens, false);
    }
    return oauthError(400, 'invalid_request', 'A required parameter "grant_type" is missing');
  };

  const refusal = (status: number, serviceErrorCode: number, message: string) =>
    json(status, { serviceErrorCode, message, status });

  const http = await startEmulator({
    authorize: route('GET', '/oauth/v2/authorization', (req) =>
      authorize(req, authority, LINKEDIN_USER.sub, { extras: ['nonce'] }),
    ),
    token: route('POST', '/oauth/v2/accessToken', token),
    revoke: route('POST', '/oauth/v2/revoke', (req) => {
      if (!client(req)) return badClient();
      authority.revoke(req.form.get('token'));
      return { status: 200 };
    }),
    introspect: route('POST', '/oauth/v2/introspectToken', (req) => {
      const app = client(req);
      if (!app) return badClient();
      const grant = authority.accessGrant(req.form.get('token'));
      if (!grant || grant.clientId !== app.clientId) return json(200, { active: false });
      return json(200, {
        active: true,
        client_id: grant.clientId,
        status: 'active',
        scope: grant.scope.join(','),
        auth_type: '3L',
      });
    }),
    userinfo: route('GET', '/v2/userinfo', (req) => {
      if (authority.bearer(req)) return json(200, LINKEDIN_USER);
      const given = req.headers.get('authorization')?.replace(/^Bearer\s+/i, '');
      return authority.anyAccessGrant(given)?.revoked
        ? refusal(401, 65601, 'The token used in the request has been revoked by the user')
        : refusal(401, 65600, 'Invalid access token');
    }),
    jwks: route('GET', '/oauth/openid/jwks', () => json(200, jwks)),
  });
  origin = http.origin;
  return { http, authority };
}
