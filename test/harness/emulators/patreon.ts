/**
 * Patreon's OAuth and API v2 as its documentation describes them: https://docs.patreon.com/#oauth
 * and https://docs.patreon.com/#get-api-oauth2-v2-identity.
 *
 * - `/oauth2/authorize`: `response_type=code`, `client_id`, `redirect_uri`, `scope`, `state`;
 *   no PKCE documented (ignored);
 * - `/api/oauth2/token`: `code`, `grant_type`, `client_id`, `client_secret`, `redirect_uri`
 *   (or `refresh_token`); answers `access_token`, `refresh_token`, `expires_in`, `scope`,
 *   `token_type: "Bearer"`; a refresh answers a new refresh token (the old one spent here);
 * - `/api/oauth2/v2/identity`: Bearer; JSON:API `{data: {id, type: "user", attributes}}` whose
 *   attributes are only the `fields[user]` asked for (`email` only with `identity[email]`); a
 *   bad token is a 401 with JSON:API `errors`.
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
  tokenGrant,
} from './toolkit.js';

/** The signed-in user's attributes, as API v2 holds them. */
export const PATREON_USER = {
  id: '12345689',
  attributes: {
    email: 'corgi@example.com',
    full_name: 'Corgi The Dev',
    first_name: 'Corgi',
    last_name: 'The Dev',
    image_url: 'https://c8.patreon.com/2/200/12345689',
    url: 'https://www.patreon.com/corgithedev',
    vanity: 'corgithedev',
  },
} as const;

/**
 * Starts the Patreon emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startPatreon([client]);
 * const preset = patreonProvider({ baseUrl: http.origin });
 * ```
 */
export async function startPatreon(clients: readonly EmulatedClient[]) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: 2678400,
    refreshTokens: 'rotate',
  });
  const issued = (grant: Grant, tokens: object) =>
    json(200, { ...tokens, scope: grant.scope.join(' '), token_type: 'Bearer', version: '0.0.1' });

  const token = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, ['client_secret_post']);
    if (!auth.ok) return oauthError(401, 'invalid_client');
    const f = req.form;
    return tokenGrant(authority, auth.client.clientId, f, {
      issued,
      badCode: () => oauthError(400, 'invalid_grant'),
      badRefresh: () => oauthError(400, 'invalid_grant'),
      unsupported: () => oauthError(400, 'unsupported_grant_type'),
    });
  };

  const identity = (req: EmulatorRequest) => {
    const grant = authority.bearer(req);
    if (!grant)
      return json(401, {
        errors: [{ code: 1, code_name: 'Unauthorized', status: '401', title: 'Unauthorized' }],
      });
    const asked = (req.url.searchParams.get('fields[user]') ?? '').split(',').filter(Boolean);
    const attributes = Object.fromEntries(
      Object.entries(PATREON_USER.attributes).filter(
        ([k]) => asked.includes(k) && (k !== 'email' || grant.scope.includes('identity[email]')),
      ),
    );
    return json(200, {
      data: { id: PATREON_USER.id, type: 'user', attributes },
      links: { self: `https://www.patreon.com/api/oauth2/v2/user/${PATREON_USER.id}` },
    });
  };

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/authorize', (req) =>
      authorize(req, authority, PATREON_USER.id),
    ),
    token: route('POST', '/api/oauth2/token', token),
    identity: route('GET', '/api/oauth2/v2/identity', identity),
  });
  return { http, authority };
}
