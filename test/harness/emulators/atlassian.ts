/**
 * Atlassian's OAuth 2.0 (3LO) as its documentation describes it:
 * https://developer.atlassian.com/cloud/jira/platform/oauth-2-3lo-apps/ (authorization,
 * token exchange, rotating refresh tokens, accessible resources) and the user identity API's
 * `/me` (https://developer.atlassian.com/cloud/admin/user-management/rest/api-group-users/).
 *
 * - `/authorize`: `audience=api.atlassian.com` and `prompt=consent` required, `client_id`,
 *   `scope`, `redirect_uri`, `state`, `response_type=code`; no PKCE documented (ignored);
 * - `/oauth/token`: a JSON body with `grant_type`, `client_id`, `client_secret`, `code`,
 *   `redirect_uri` (or `refresh_token`); answers `access_token`, `expires_in: 3600`, `scope`,
 *   and a `refresh_token` with `offline_access`; refresh tokens rotate (a spent one is refused);
 *   refusals are 403 `invalid_grant`;
 * - `api`'s `/oauth/token/accessible-resources` and `/me`: Bearer; 401 for a bad token.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  type Grant,
  json,
  oauthError,
  route,
  startEmulator,
  text,
} from './toolkit.js';

/** The signed-in user, as `/me` answers them. */
export const ATLASSIAN_USER = {
  account_type: 'atlassian',
  account_id: '112233aa-bb11-cc22-33dd-445566abcabc',
  email: 'mia@example.com',
  name: 'Mia Krystof',
  picture: 'https://avatar-management--avatars.us-west-2.prod.public.atl-paas.net/default.png',
  account_status: 'active',
  nickname: 'mkrystof',
} as const;

/** The one site the grant reaches, as `accessible-resources` lists it. */
export const ATLASSIAN_SITE = {
  id: '1324a887-45db-1bf4-1e99-ef0ff456d421',
  name: 'Site name',
  url: 'https://your-domain.atlassian.net',
  scopes: ['read:me'],
  avatarUrl: 'https://site-admin-avatar-cdn.prod.public.atl-paas.net/avatars/240/flag.png',
} as const;

/**
 * Starts the Atlassian emulator (the authorization server and the API on one loopback port).
 *
 * @example
 * ```ts
 * const { http } = await startAtlassian([client]);
 * const preset = atlassianProvider({ authUrl: http.origin, apiUrl: http.origin });
 * ```
 */
export async function startAtlassian(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, accessTokenSeconds: 3600, refreshTokens: 'rotate' });

  const issued = (grant: Grant, tokens: { refresh_token?: string | undefined }) => {
    const answer: Record<string, unknown> = { ...tokens, scope: grant.scope.join(' ') };
    if (!grant.scope.includes('offline_access')) delete answer['refresh_token'];
    return json(200, { ...answer, token_type: 'Bearer' });
  };

  const token = (req: EmulatorRequest) => {
    if (req.contentType !== 'application/json')
      return oauthError(400, 'invalid_request', 'the token request is a JSON body');
    const body = new URLSearchParams(
      Object.entries((req.json ?? {}) as Record<string, unknown>).map(([k, v]) => [k, String(v)]),
    );
    const auth = authenticateClient(req, authority, ['client_secret_post'], body);
    if (!auth.ok) return oauthError(401, 'access_denied', 'Unauthorized');
    if (body.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(body.get('code'), {
        clientId: auth.client.clientId,
        redirectUri: body.get('redirect_uri'),
      });
      if (!redeemed.ok) return oauthError(403, 'invalid_grant', 'Invalid authorization code');
      return issued(redeemed.grant, authority.issueTokens(redeemed.grant));
    }
    if (body.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(body.get('refresh_token'), auth.client.clientId);
      if (!refreshed.ok)
        return oauthError(403, 'invalid_grant', 'Unknown or invalid refresh token.');
      return issued(refreshed.grant, refreshed.tokens);
    }
    return oauthError(403, 'unsupported_grant_type', 'Unsupported grant type');
  };

  const bearer = (req: EmulatorRequest, answer: unknown) =>
    authority.bearer(req) ? json(200, answer) : text(401, 'Unauthorized');

  const http = await startEmulator({
    authorize: route('GET', '/authorize', (req) => {
      const q = req.url.searchParams;
      if (q.get('audience') !== 'api.atlassian.com' || q.get('prompt') !== 'consent')
        return text(400, 'audience=api.atlassian.com and prompt=consent are required');
      return authorize(req, authority, ATLASSIAN_USER.account_id);
    }),
    token: route('POST', '/oauth/token', token),
    resources: route('GET', '/oauth/token/accessible-resources', (req) =>
      bearer(req, [ATLASSIAN_SITE]),
    ),
    user: route('GET', '/me', (req) => bearer(req, ATLASSIAN_USER)),
  });
  return { http, authority };
}
