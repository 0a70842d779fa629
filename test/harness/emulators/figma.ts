/**
 * Figma's OAuth 2 and REST API as its documentation describes them: Authentication
 * (https://developers.figma.com/docs/rest-api/authentication/), Scopes
 * (https://developers.figma.com/docs/rest-api/scopes/), and the OpenAPI description of the REST
 * API (https://github.com/figma/rest-api-spec, `securitySchemes.OAuth2` and `GET /v1/me`).
 *
 * - `www.figma.com/oauth`: `client_id`, `redirect_uri` (registered), `scope`, `state`,
 *   `response_type=code`; scopes from the documented list (an unknown one is `invalid_scope`);
 * - `api.figma.com/v1/oauth/token`: the client's credentials in `Authorization: Basic` only
 *   (Figma's migration notice: no longer as parameters); a form with `redirect_uri`, `code`,
 *   `grant_type=authorization_code`; answers `access_token`, `token_type`, `expires_in`,
 *   `refresh_token` and `user_id`;
 * - `api.figma.com/v1/oauth/refresh`: Basic, a form with `refresh_token` (and
 *   `grant_type=refresh_token`): a new access token and `expires_in`;
 * - `GET api.figma.com/v1/me` with `Authorization: Bearer`: the user (`id`, `handle`, `img_url`,
 *   `email`); refused as 403 `{"status": 403, "err": "Invalid token"}`.
 *
 * Undocumented, assumed (as the preset's file lists them): errors of the OAuth endpoints in the
 * REST API's `{"error": true, "status", "message"}` shape; space- or comma-separated scopes both
 * read; PKCE with `S256` honoured when sent; the refresh answer without a new refresh token;
 * 90-day access tokens; no revocation endpoint.
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
} from './toolkit.js';

/** The signed-in user, as `GET /v1/me` answers them. */
export const FIGMA_USER = {
  id: '1234567890123456789',
  handle: 'Ada Lovelace',
  img_url: 'https://s3-alpha.figma.com/profile/ada',
  email: 'ada@example.com',
} as const;

/** The scopes of the OpenAPI description's `OAuth2` scheme. */
const SCOPES = new Set([
  'current_user:read',
  'file_comments:read',
  'file_comments:write',
  'file_content:read',
  'file_dev_resources:read',
  'file_dev_resources:write',
  'file_metadata:read',
  'file_variables:read',
  'file_variables:write',
  'file_versions:read',
  'files:read',
  'library_analytics:read',
  'library_assets:read',
  'library_content:read',
  'projects:read',
  'team_library_content:read',
  'webhooks:read',
  'webhooks:write',
]);

/** Figma's error payload with the boolean `error`. */
const figmaError = (status: number, message: string) =>
  json(status, { error: true, status, message });

/**
 * Starts the Figma emulator on a free loopback port (the authorization page, the OAuth API and
 * the REST API on one origin), with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startFigma([client]);
 * const preset = figmaProvider({ baseUrl: http.origin, apiUrl: http.origin });
 * ```
 */
export async function startFigma(clients: readonly EmulatedClient[]) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: 90 * 24 * 3600,
    refreshTokens: 'omit',
  });

  /** The form as Figma reads it: no client credentials among the parameters. */
  const basicOnly = (req: EmulatorRequest) => {
    if (req.contentType !== 'application/x-www-form-urlencoded')
      return { refused: figmaError(400, 'Content-Type must be application/x-www-form-urlencoded') };
    if (req.form.has('client_secret'))
      return { refused: figmaError(400, 'Send OAuth credentials in the Authorization header') };
    const auth = authenticateClient(req, authority, ['client_secret_basic']);
    if (!auth.ok) return { refused: figmaError(401, 'Invalid client credentials') };
    return { client: auth.client };
  };

  const token = (req: EmulatorRequest) => {
    const checked = basicOnly(req);
    if (!checked.client) return checked.refused;
    const f = req.form;
    if (f.get('grant_type') !== 'authorization_code')
      return figmaError(400, 'Parameter grant_type must be authorization_code');
    const redeemed = authority.redeemCode(f.get('code'), {
      clientId: checked.client.clientId,
      redirectUri: f.get('redirect_uri'),
      verifier: f.get('code_verifier'),
    });
    if (!redeemed.ok) return figmaError(400, 'Invalid code');
    const tokens = authority.issueTokens(redeemed.grant);
    return json(200, { user_id: FIGMA_USER.id, token_type: 'bearer', ...tokens });
  };

  const refresh = (req: EmulatorRequest) => {
    const checked = basicOnly(req);
    if (!checked.client) return checked.refused;
    const grantType = req.form.get('grant_type');
    if (grantType !== null && grantType !== 'refresh_token')
      return figmaError(400, 'Parameter grant_type must be refresh_token');
    const refreshed = authority.refresh(req.form.get('refresh_token'), checked.client.clientId);
    if (!refreshed.ok) return figmaError(400, 'Invalid refresh token');
    return json(200, { token_type: 'bearer', ...refreshed.tokens });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth', (req) => {
      const scope = req.url.searchParams.get('scope') ?? '';
      const unknown = scope.split(/[\s,]+/).filter((s) => s && !SCOPES.has(s));
      return authorize(req, authority, FIGMA_USER.id, {
        scopeSeparator: /[\s,]+/,
        // An unknown scope sends the browser back with `invalid_scope`.
        refuseScope: unknown.length ? /[\s\S]*/ : undefined,
        pkceMethods: ['S256'],
      });
    }),
    token: route('POST', '/v1/oauth/token', token),
    refresh: route('POST', '/v1/oauth/refresh', refresh),
    me: route('GET', '/v1/me', (req) =>
      authority.bearer(req)
        ? json(200, FIGMA_USER)
        : json(403, { status: 403, err: 'Invalid token' }),
    ),
  });
  return { http, authority };
}
