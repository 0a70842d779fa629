/**
 * Box's OAuth 2.0 as its documentation describes it: the OAuth 2.0 guide
 * (https://developer.box.com/guides/authentication/oauth2/), Authorize user
 * (https://developer.box.com/reference/get-authorize/), Request access token
 * (https://developer.box.com/reference/post-oauth2-token/), Revoke access token
 * (https://developer.box.com/reference/post-oauth2-revoke/) and Get current user
 * (https://developer.box.com/reference/get-users-me/).
 *
 * - `/api/oauth2/authorize`: `response_type=code`, `client_id`, `redirect_uri` (registered),
 *   `state`, `scope` (optional; the app's scopes otherwise); no PKCE;
 * - `/oauth2/token`: a form with `grant_type`, `code`, `client_id`, `client_secret` (the body
 *   only); a code is valid for 30 seconds; answers `token_type: "bearer"`, `expires_in`,
 *   `restricted_to: []` and a refresh token, which works once; errors are RFC 6749's
 *   (`invalid_grant` "Auth code doesn't exist or is invalid for the client", `invalid_client`
 *   "The client credentials are invalid");
 * - `/oauth2/revoke`: `client_id`, `client_secret`, `token`; 200 with no content; the grant ends;
 * - `/2.0/users/me`: Bearer; a bad token is a 401 with `WWW-Authenticate: Bearer
 *   realm="Service", error="invalid_token", …`.
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

/** The signed-in user, as `GET /2.0/users/me` answers them. */
export const BOX_USER = {
  type: 'user',
  id: '11446498',
  name: 'Aaron Levie',
  login: 'ceo@example.com',
  status: 'active',
  language: 'en',
  space_amount: 11345156112,
} as const;

/** Box documents its authorization codes as valid for 30 seconds. */
const CODE_SECONDS = 30;

/**
 * Starts the Box emulator on a free loopback port (the authorization page and the API on one
 * origin), with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startBox([client]);
 * const preset = boxProvider({ baseUrl: http.origin, apiUrl: http.origin });
 * ```
 */
export async function startBox(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 3600, refreshTokens: 'rotate' });
  /** When each code was issued (the toolkit's codes live 10 minutes; Box's, 30 seconds). */
  const issuedAt = new Map<string, number>();

  const client = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_post']);
    return auth.ok ? auth.client : undefined;
  };
  const badClient = () => oauthError(400, 'invalid_client', 'The client credentials are invalid');

  const issued = (tokens: object) =>
    json(200, { ...tokens, restricted_to: [], token_type: 'bearer' });

  const token = (req: EmulatorRequest) => {
    const app = client(req);
    if (!app) return badClient();
    const f = req.form;
    if (f.get('grant_type') === 'authorization_code') {
      const code = f.get('code') ?? '';
      const fresh = authority.now() - (issuedAt.get(code) ?? 0) <= CODE_SECONDS * 1000;
      const redeemed = authority.redeemCode(code, {
        clientId: app.clientId,
        redirectUri: f.get('redirect_uri'),
      });
      if (!redeemed.ok || !fresh)
        return oauthError(
          400,
          'invalid_grant',
          "Auth code doesn't exist or is invalid for the client",
        );
      return issued(authority.issueTokens(redeemed.grant));
    }
    if (f.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(f.get('refresh_token'), app.clientId);
      if (!refreshed.ok) return oauthError(400, 'invalid_grant', 'Invalid refresh token');
      return issued(refreshed.tokens);
    }
    return oauthError(400, 'unsupported_grant_type', 'Grant type is unsupported');
  };

  const http = await startEmulator({
    authorize: route('GET', '/api/oauth2/authorize', (req) => {
      const reply = authorize(req, authority, BOX_USER.id);
      const location = reply.headers?.['location'];
      const code = location && new URL(location).searchParams.get('code');
      if (code) issuedAt.set(code, authority.now());
      return reply;
    }),
    token: route('POST', '/oauth2/token', token),
    revoke: route('POST', '/oauth2/revoke', (req) => {
      const app = client(req);
      if (!app) return badClient();
      const value = req.form.get('token');
      const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
      if (grant?.clientId === app.clientId) authority.revoke(value);
      return { status: 200 };
    }),
    me: route('GET', '/2.0/users/me', (req) =>
      authority.bearer(req)
        ? json(200, BOX_USER)
        : {
            status: 401,
            headers: {
              'www-authenticate':
                'Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."',
            },
          },
    ),
  });
  return { http, authority };
}
