/**
 * A Keycloak realm as its documentation describes it:
 * https://www.keycloak.org/securing-apps/oidc-layers (the endpoints) and
 * https://www.keycloak.org/docs/latest/server_admin/ (sessions, "Revoke Refresh Token").
 *
 * - endpoints under `/realms/{realm}/protocol/openid-connect/`; the issuer
 *   `/realms/{realm}`;
 * - `auth`: `response_type=code`, `scope` (`openid` for an ID token and userinfo), PKCE (`S256`,
 *   `plain`); a public client with the client's PKCE setting on must send a challenge;
 * - `token`: the secret by Basic or in the body, or the id alone for a public client; answers
 *   `token_type: "Bearer"`, `expires_in: 300`, `refresh_expires_in: 1800`, `refresh_token`,
 *   `id_token`, `session_state`, `not-before-policy`, `scope`; this emulation has "Revoke
 *   Refresh Token" on (a refresh token is single use); `invalid_grant` (400, "Code not valid",
 *   "Invalid refresh token"), `invalid_client` (401);
 * - `revoke`: RFC 7009, the client authenticated; revoking a refresh token ends its session;
 * - `userinfo`: Bearer; 401 with `WWW-Authenticate: Bearer ... error="invalid_token"`; a token
 *   without the `openid` scope is a 403 `insufficient_scope`.
 */
import { randomUUID } from 'node:crypto';
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

/** The signed-in user, as `userinfo` answers them. */
export const KEYCLOAK_USER = {
  sub: '248289761001',
  email_verified: true,
  name: 'Jane Doe',
  preferred_username: 'jane',
  given_name: 'Jane',
  family_name: 'Doe',
  email: 'jane@example.com',
} as const;

/**
 * Starts the Keycloak emulator on a free loopback port for `realm`, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startKeycloak([client], 'acme');
 * const preset = keycloakProvider({ baseUrl: http.origin, realm: 'acme' });
 * ```
 */
export async function startKeycloak(clients: readonly EmulatedClient[], realm: string) {
  const authority = new Authority({ clients, accessTokenSeconds: 300, refreshTokens: 'rotate' });
  const path = `/realms/${realm}`;
  const oidc = `${path}/protocol/openid-connect`;
  const { jwks, signFor } = await idTokenSigner('keycloak-emulator-1');
  const sessions = new Map<number, string>();
  let issuer = '';

  const issued = async (grant: Grant, tokens: object) => {
    const session = sessions.get(grant.id) ?? randomUUID();
    sessions.set(grant.id, session);
    const openid = grant.scope.includes('openid');
    return json(200, {
      ...tokens,
      refresh_expires_in: 1800,
      token_type: 'Bearer',
      ...(openid
        ? {
            id_token: await signFor(grant, {
              iss: issuer,
              sub: KEYCLOAK_USER.sub,
              azp: grant.clientId,
              sid: session,
            }),
          }
        : {}),
      'not-before-policy': 0,
      session_state: session,
      scope: grant.scope.join(' '),
    });
  };

  const client = (req: EmulatorRequest) =>
    authenticateClient(req, authority, ['client_secret_basic', 'client_secret_post', 'none']);
  const badClient = () =>
    oauthError(401, 'unauthorized_client', 'Invalid client or Invalid client credentials');

  const token = async (req: EmulatorRequest) => {
    const auth = client(req);
    if (!auth.ok) return badClient();
    return tokenGrant(authority, auth.client.clientId, req.form, {
      issued,
      badCode: (reason) =>
        oauthError(
          400,
          'invalid_grant',
          reason.startsWith('pkce') ? 'PKCE verification failed' : 'Code not valid',
        ),
      badRefresh: (reason) =>
        oauthError(
          400,
          'invalid_grant',
          reason === 'revoked' ? 'Session not active' : 'Invalid refresh token',
        ),
      unsupported: () => oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type'),
    });
  };

  const invalidToken = () =>
    json(
      401,
      { error: 'invalid_token', error_description: 'Token verification failed' },
      {
        'www-authenticate': `Bearer realm="${realm}", error="invalid_token", error_description="Token verification failed"`,
      },
    );

  const http = await startEmulator({
    authorize: route('GET', `${oidc}/auth`, (req) =>
      authorize(req, authority, KEYCLOAK_USER.sub, {
        pkceMethods: ['S256', 'plain'],
        extras: ['nonce'],
      }),
    ),
    token: route('POST', `${oidc}/token`, token),
    revoke: route('POST', `${oidc}/revoke`, (req) => {
      const auth = client(req);
      if (!auth.ok) return badClient();
      const value = req.form.get('token');
      if (!value) return oauthError(400, 'invalid_request', 'Token not provided');
      const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
      if (grant && grant.clientId !== auth.client.clientId)
        return oauthError(400, 'invalid_token', 'Unmatching clients');
      authority.revoke(value);
      return { status: 200 };
    }),
    userinfo: route(['GET', 'POST'], `${oidc}/userinfo`, (req) => {
      const grant = authority.bearer(req);
      if (!grant) return invalidToken();
      if (!grant.scope.includes('openid'))
        return json(403, {
          error: 'insufficient_scope',
          error_description: 'Missing openid scope',
        });
      return json(200, KEYCLOAK_USER);
    }),
    certs: route('GET', `${oidc}/certs`, () => json(200, jwks)),
  });
  issuer = `${http.origin}${path}`;
  return { http, authority };
}
