/**
 * Salesforce's OAuth 2.0 web server flow as its documentation describes it:
 * https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_oauth_web_server_flow.htm&type=5,
 * the identity URL (https://help.salesforce.com/s/articleView?id=xcloud.remoteaccess_using_openid.htm&type=5)
 * and revocation
 * (https://developer.salesforce.com/docs/platform/mobile-sdk/guide/oauth-revoking-tokens.html).
 *
 * - `/services/oauth2/authorize`: `response_type=code`, `client_id`, `redirect_uri`, `scope`
 *   (`refresh_token` for a refresh token), `state`, PKCE `S256`;
 * - `/services/oauth2/token`: `client_id` and `client_secret` in the body; answers
 *   `access_token`, `refresh_token` (with that scope), `signature`, `scope`, `instance_url`,
 *   `id` (the identity URL), `token_type: "Bearer"`, `issued_at` in milliseconds, and no
 *   `expires_in`; a refresh answers no refresh token; errors `invalid_client_id` ("client
 *   identifier invalid"), `invalid_client`, `invalid_grant`, `redirect_uri_mismatch`;
 * - `/services/oauth2/revoke`: `token` alone; 200, or 400 `unsupported_token_type` /
 *   `invalid_token`; a refresh token revokes its access tokens too;
 * - the identity URL `/id/{orgId}/{userId}`: Bearer; a bad token is a 403 `Bad_OAuth_Token`.
 */
import { randomBytes } from 'node:crypto';
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

const ORG = '00Dx0000000BV7z';
const USER = '005x00000012Q9P';

/** The signed-in user, as the identity URL answers them. */
export const SALESFORCE_USER = {
  user_id: USER,
  organization_id: ORG,
  username: 'admin@acme.example',
  display_name: 'Admin User',
  email: 'admin@acme.example',
  active: true,
} as const;

/**
 * Starts the Salesforce emulator on a free loopback port, with `clients` registered.
 *
 * @example
 * ```ts
 * const { http } = await startSalesforce([client]);
 * const preset = salesforceProvider({ loginUrl: http.origin });
 * ```
 */
export async function startSalesforce(clients: readonly EmulatedClient[]) {
  const authority = new Authority({ clients, refreshTokens: 'omit' });
  let origin = '';

  const issued = (grant: Grant, tokens: { refresh_token?: string | undefined }) => {
    const answer: Record<string, unknown> = { ...tokens };
    if (!grant.scope.includes('refresh_token') && !grant.scope.includes('offline_access'))
      delete answer['refresh_token'];
    return json(200, {
      ...answer,
      signature: randomBytes(32).toString('base64'),
      scope: grant.scope.join(' '),
      instance_url: origin,
      id: `${origin}/id/${ORG}/${USER}`,
      token_type: 'Bearer',
      issued_at: String(authority.now()),
    });
  };

  const token = (req: EmulatorRequest) => {
    const f = req.form;
    const auth = authenticateClient(req, authority, ['client_secret_post', 'none']);
    if (!auth.ok)
      return auth.reason === 'unknown_client' || auth.reason === 'missing'
        ? oauthError(400, 'invalid_client_id', 'client identifier invalid')
        : oauthError(400, 'invalid_client', 'invalid client credentials');
    if (f.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: auth.client.clientId,
        redirectUri: f.get('redirect_uri'),
        verifier: f.get('code_verifier'),
      });
      if (!redeemed.ok)
        return redeemed.reason === 'redirect_mismatch'
          ? oauthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration')
          : oauthError(400, 'invalid_grant', 'expired authorization code');
      return issued(redeemed.grant, authority.issueTokens(redeemed.grant));
    }
    if (f.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(f.get('refresh_token'), auth.client.clientId);
      if (!refreshed.ok) return oauthError(400, 'invalid_grant', 'expired access/refresh token');
      return issued(refreshed.grant, refreshed.tokens);
    }
    return oauthError(400, 'unsupported_grant_type', 'grant type not supported');
  };

  const identity = (req: EmulatorRequest) =>
    authority.bearer(req) ? json(200, SALESFORCE_USER) : text(403, 'Bad_OAuth_Token');

  const http = await startEmulator({
    authorize: route('GET', '/services/oauth2/authorize', (req) =>
      authorize(req, authority, USER, { pkceMethods: ['S256'] }),
    ),
    token: route('POST', '/services/oauth2/token', token),
    revoke: route('POST', '/services/oauth2/revoke', (req) => {
      const value = req.form.get('token');
      if (!value) return oauthError(400, 'unsupported_token_type', 'Token type not supported');
      const grant = authority.accessGrant(value) ?? authority.refreshGrant(value);
      if (!grant || grant.revoked) return oauthError(400, 'invalid_token', 'Token was invalid');
      authority.revoke(value);
      return { status: 200 };
    }),
    identity: route('GET', `/id/${ORG}/${USER}`, identity),
    userinfo: route(['GET', 'POST'], '/services/oauth2/userinfo', (req) =>
      authority.bearer(req)
        ? json(200, { sub: `${origin}/id/${ORG}/${USER}`, ...SALESFORCE_USER })
        : text(403, 'Bad_OAuth_Token'),
    ),
    keys: route('GET', '/id/keys', () => json(200, { keys: [] })),
  });
  origin = http.origin;
  return { http, authority };
}
