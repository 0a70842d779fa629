/**
 * Zoom's OAuth for General apps as its documentation describes it: the OAuth guide
 * (https://developers.zoom.us/docs/integrations/oauth/, authorize, request and refresh an access
 * token, revoke, PKCE), the OAuth error messages
 * (https://developers.zoom.us/docs/integrations/oauth-error-messages/) and Get a user
 * (https://developers.zoom.us/docs/api/users/#tag/users/GET/users/{userId}, `me` for the user).
 *
 * - `/oauth/authorize`: `response_type=code`, `client_id`, `redirect_uri` (registered), `state`,
 *   PKCE (`code_challenge`, `code_challenge_method` `S256` or `plain`, plain by default);
 * - `/oauth/token`: HTTP Basic only; a form with `grant_type`, `code`, `redirect_uri`,
 *   `code_verifier`, or `refresh_token`; answers `token_type: "bearer"`, `expires_in: 3599`,
 *   `scope`, `api_url` and a refresh token, which works once; a bad code is `{"reason": "Invalid
 *   authorization code …", "error": "invalid_grant"}`, a bad refresh token `{"reason": "Invalid
 *   Token!", "error": "invalid_request"}`, bad credentials `{"reason": "Invalid client_id or
 *   client_secret", "error": "invalid_client"}`;
 * - `/oauth/revoke`: Basic and `token` in a form; `{"status": "success"}`; the grant ends;
 * - `api.zoom.us/v2/users/me`: Bearer; a bad token is 401 `{"code": 124, "message": "Invalid
 *   access token."}`.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  route,
  startEmulator,
  tokenGrant,
} from './toolkit.js';

/** The signed-in user, as `GET /v2/users/me` answers them. */
export const ZOOM_USER = {
  id: 'KDcuGIm1QgePTO8WbOqwIQ',
  first_name: 'Jill',
  last_name: 'Chill',
  display_name: 'Jill Chill',
  email: 'jchill@example.com',
  type: 1,
  account_id: 'q6gBJVO5TzexKYTb_I2rpg',
} as const;

const zoomError = (status: number, error: string, reason: string) =>
  json(status, { reason, error });

/**
 * Starts the Zoom emulator on a free loopback port (the OAuth host and the API on one origin),
 * with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startZoom([client]);
 * const preset = zoomProvider({ baseUrl: http.origin, apiUrl: http.origin });
 * ```
 */
export async function startZoom(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 3599, refreshTokens: 'rotate' });
  let origin = '';

  const client = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic']);
    return auth.ok ? auth.client : undefined;
  };
  const badClient = () => zoomError(401, 'invalid_client', 'Invalid client_id or client_secret');

  const issued = (tokens: object, scope: readonly string[]) =>
    json(200, { ...tokens, token_type: 'bearer', scope: scope.join(' '), api_url: origin });

  const token = (req: EmulatorRequest) => {
    const app = client(req);
    if (!app) return badClient();
    const f = req.form;
    return tokenGrant(authority, app.clientId, f, {
      issued: (grant, tokens) => issued(tokens, grant.scope),
      badCode: () =>
        zoomError(400, 'invalid_grant', `Invalid authorization code ${f.get('code') ?? ''}`),
      badRefresh: () => zoomError(400, 'invalid_request', 'Invalid Token!'),
      unsupported: () => zoomError(400, 'unsupported_grant_type', 'Unsupported grant type'),
    });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth/authorize', (req) =>
      authorize(req, authority, ZOOM_USER.id, {
        pkceMethods: ['S256', 'plain'],
        defaultScope: ['user:read:user'],
      }),
    ),
    token: route('POST', '/oauth/token', token),
    revoke: route('POST', '/oauth/revoke', (req) => {
      const app = client(req);
      if (!app) return badClient();
      const value = req.form.get('token');
      const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
      if (grant?.clientId === app.clientId) authority.revoke(value);
      return json(200, { status: 'success' });
    }),
    me: route('GET', '/v2/users/me', (req) =>
      authority.bearer(req)
        ? json(200, ZOOM_USER)
        : json(401, { code: 124, message: 'Invalid access token.' }),
    ),
  });
  origin = http.origin;
  return { http, authority };
}
