/**
 * The Fitbit Web API's authorization as its documentation describes it: the developer guide
 * (https://dev.fitbit.com/build/reference/web-api/developer-guide/authorization/), the token,
 * refresh and revoke endpoints
 * (https://dev.fitbit.com/build/reference/web-api/authorization/oauth2-token/,
 * https://dev.fitbit.com/build/reference/web-api/authorization/refresh-token/,
 * https://dev.fitbit.com/build/reference/web-api/authorization/revoke-token/), the error messages
 * (https://dev.fitbit.com/build/reference/web-api/troubleshooting-guide/error-messages/) and Get
 * Profile (https://dev.fitbit.com/build/reference/web-api/user/get-profile/).
 *
 * - `/oauth2/authorize`: `client_id`, `response_type=code`, `scope` (space-separated),
 *   `redirect_uri`, `state`, and PKCE, required, `S256` only;
 * - `/oauth2/token`: a form with `client_id` (required in the body for the code), `code`,
 *   `code_verifier`, `grant_type`, `redirect_uri`; a server application by Basic only, a client
 *   application by `client_id` alone; answers `token_type: "Bearer"`, `expires_in: 28800`,
 *   `scope`, `user_id` and a refresh token, which works once (the answer carries the next);
 * - errors: `{"errors": [{"errorType": "invalid_grant", "message": "…"}], "success": false}`
 *   (400; `invalid_client` and 401 for the client's credentials);
 * - `/oauth2/revoke`: `token`, the client as at the token endpoint; `{}`; the whole grant ends;
 * - `/1/user/-/profile.json`: Bearer, scope `profile`; `{"user": {...}}`; a bad token is a 401
 *   with `errorType` `invalid_token` (or `expired_token`).
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
  text,
} from './toolkit.js';

/** The signed-in user, as `GET /1/user/-/profile.json` answers them (in `user`). */
export const FITBIT_USER = {
  encodedId: 'GGNJL9',
  displayName: 'Jill K.',
  fullName: 'Jill Kumar',
  timezone: 'America/Los_Angeles',
  memberSince: '2016-04-23',
} as const;

const MORE =
  'Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.';

/** Fitbit's error answer. */
const fitbitError = (status: number, errorType: string, message: string) =>
  json(status, { errors: [{ errorType, message: `${message} ${MORE}` }], success: false });

/**
 * Starts the Fitbit emulator on a free loopback port (the authorization page and the API on one
 * origin), with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startFitbit([client]);
 * const preset = fitbitProvider({ baseUrl: http.origin, apiUrl: http.origin });
 * ```
 */
export async function startFitbit(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 28800, refreshTokens: 'rotate' });

  const client = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_basic', 'none']);
    return auth.ok ? auth.client : undefined;
  };
  const badClient = () =>
    fitbitError(
      401,
      'invalid_client',
      'Invalid authorization header format. The header was not recognized to be a valid header for any of known implementations or a client_id was not specified in case of a public client Received header = null.',
    );

  const issued = (tokens: object, scope: readonly string[]) =>
    json(200, {
      ...tokens,
      scope: scope.join(' '),
      token_type: 'Bearer',
      user_id: FITBIT_USER.encodedId,
    });

  const token = (req: EmulatorRequest) => {
    const app = client(req);
    if (!app) return badClient();
    const f = req.form;
    if (f.get('grant_type') === 'authorization_code') {
      if (f.get('client_id') !== app.clientId)
        return fitbitError(400, 'invalid_request', 'Missing parameters: client_id.');
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: app.clientId,
        redirectUri: f.get('redirect_uri'),
        verifier: f.get('code_verifier'),
      });
      if (!redeemed.ok)
        return fitbitError(400, 'invalid_grant', `Authorization code invalid: ${f.get('code')}.`);
      return issued(authority.issueTokens(redeemed.grant), redeemed.grant.scope);
    }
    if (f.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(f.get('refresh_token'), app.clientId);
      if (!refreshed.ok)
        return fitbitError(
          400,
          'invalid_grant',
          `Refresh token invalid: ${f.get('refresh_token')}.`,
        );
      return issued(refreshed.tokens, refreshed.grant.scope);
    }
    return fitbitError(400, 'unsupported_grant_type', 'The grant type is not supported.');
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/authorize', (req) => {
      if (req.url.searchParams.get('code_challenge_method') !== 'S256')
        return text(400, 'The code_challenge is missing or its method is not S256.');
      return authorize(req, authority, FITBIT_USER.encodedId, { pkceMethods: ['S256'] });
    }),
    token: route('POST', '/oauth2/token', token),
    revoke: route('POST', '/oauth2/revoke', (req) => {
      const app = client(req);
      if (!app) return badClient();
      const value = req.form.get('token');
      const grant = authority.anyAccessGrant(value) ?? authority.refreshGrant(value);
      if (grant?.clientId === app.clientId) authority.revoke(value);
      return json(200, {});
    }),
    profile: route('GET', '/1/user/-/profile.json', (req) => {
      const grant = authority.bearer(req);
      if (!grant) return fitbitError(401, 'invalid_token', 'Access token invalid.');
      if (!grant.scope.includes('profile'))
        return fitbitError(
          403,
          'insufficient_scope',
          'This application does not have permission to access profile data.',
        );
      return json(200, { user: FITBIT_USER });
    }),
  });
  return { http, authority };
}
