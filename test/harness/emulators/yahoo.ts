/**
 * Yahoo's OpenID Connect as its documentation describes it:
 * https://developer.yahoo.com/oauth2/guide/openid_connect/ and the authorization code flow
 * (https://developer.yahoo.com/oauth2/guide/flows_authcode/).
 *
 * - `/oauth2/request_auth`: `client_id`, `redirect_uri`, `response_type=code`, `scope`, `state`,
 *   `nonce`; no PKCE documented (ignored);
 * - `/oauth2/get_token`: Basic `client_id:client_secret` or both in the body; answers
 *   `access_token`, `token_type: "bearer"`, `expires_in: 3600`, `refresh_token`,
 *   `xoauth_yahoo_guid` and, for `openid`, an `id_token`; refresh answers repeat the refresh
 *   token; RFC 6749 errors;
 * - `/openid/v1/userinfo`: Bearer; 401 for a bad token; `/openid/v1/certs` the keys.
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

/** The signed-in user, as `/openid/v1/userinfo` answers them. */
export const YAHOO_USER = {
  sub: 'FSVIDUW3D7FSVIDUW3D72F2F',
  name: 'Jasmine Smith',
  given_name: 'Jasmine',
  family_name: 'Smith',
  locale: 'en-US',
  email: 'yqa_functest_15572415322065371@yahoo.com',
  email_verified: true,
  nickname: 'Jasmine',
} as const;

/**
 * Starts the Yahoo emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startYahoo([client]);
 * const preset = yahooProvider({ baseUrl: http.origin });
 * ```
 */
export async function startYahoo(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 3600, refreshTokens: 'reuse' });
  const { jwks, signFor } = await idTokenSigner('yahoo-emulator-1');
  let issuer = '';

  const issued = async (grant: Grant, tokens: object) =>
    json(200, {
      ...tokens,
      token_type: 'bearer',
      xoauth_yahoo_guid: YAHOO_USER.sub,
      ...(grant.scope.includes('openid')
        ? {
            id_token: await signFor(grant, { iss: issuer, sub: YAHOO_USER.sub }),
          }
        : {}),
    });

  const token = async (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post']);
    if (!auth.ok) return oauthError(401, 'invalid_client', 'client authentication failed');
    const f = req.form;
    return tokenGrant(authority, auth.client.clientId, f, {
      issued,
      badCode: () => oauthError(400, 'invalid_grant', 'invalid authorization code'),
      badRefresh: () => oauthError(400, 'invalid_grant', 'invalid refresh token'),
      unsupported: () => oauthError(400, 'unsupported_grant_type'),
    });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/request_auth', (req) =>
      authorize(req, authority, YAHOO_USER.sub, { extras: ['nonce'] }),
    ),
    token: route('POST', '/oauth2/get_token', token),
    userinfo: route(['GET', 'POST'], '/openid/v1/userinfo', (req) =>
      authority.bearer(req)
        ? json(200, YAHOO_USER)
        : json(
            401,
            { error: 'invalid_token', error_description: 'access token is invalid' },
            { 'www-authenticate': 'Bearer error="invalid_token"' },
          ),
    ),
    certs: route('GET', '/openid/v1/certs', () => json(200, jwks)),
  });
  issuer = http.origin;
  return { http, authority };
}
