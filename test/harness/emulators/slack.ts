/**
 * Slack's "Sign in with Slack" (OpenID Connect) as its documentation describes it:
 * https://docs.slack.dev/authentication/sign-in-with-slack/ and the methods
 * `openid.connect.token` (https://docs.slack.dev/reference/methods/openid.connect.token),
 * `openid.connect.userInfo` (https://docs.slack.dev/reference/methods/openid.connect.userInfo)
 * and `auth.revoke` (https://docs.slack.dev/reference/methods/auth.revoke), with token rotation
 * (https://docs.slack.dev/authentication/using-token-rotation/).
 *
 * - `/openid/connect/authorize`: `response_type=code`, `scope` with `openid` (and `email`,
 *   `profile`), `client_id`, `state`, `nonce`, `redirect_uri`, `team`; no PKCE documented;
 * - `openid.connect.token`: form or JSON; `client_id`/`client_secret` in the body or by Basic
 *   (the discovery document lists both); `redirect_uri` required when the authorization request
 *   had one; answers HTTP 200 `{"ok": true, "access_token": "xoxp-…", "token_type": "Bearer",
 *   "id_token": …}`, with token rotation also `refresh_token` (`xoxe-1-…`, used once) and
 *   `expires_in: 43200`; errors are HTTP 200 too: `{"ok": false, "error": "invalid_code"}`;
 * - `openid.connect.userInfo`: POST, the token in the `Authorization` header or a `token` POST
 *   parameter; answers `{"ok": true, "sub": …, "https://slack.com/user_id": …, …}`, or HTTP 200
 *   `{"ok": false, "error": "invalid_auth"}` / `token_revoked`;
 * - `auth.revoke`: revokes the token that authenticates the call: `{"ok": true, "revoked":
 *   true}`;
 * - the ID token is RS256, its keys at `/openid/connect/keys`.
 */
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  type Grant,
  json,
  route,
  startEmulator,
} from './toolkit.js';

/** The signed-in user, as `openid.connect.userInfo` answers them. */
export const SLACK_USER = {
  sub: 'U0R7JM',
  'https://slack.com/user_id': 'U0R7JM',
  'https://slack.com/team_id': 'T0R7GR',
  email: 'krane@slack-corp.com',
  email_verified: true,
  name: 'krane',
  given_name: 'Bront',
  family_name: 'Labradoodle',
  locale: 'en-US',
  'https://slack.com/team_name': 'kraneflannel',
  'https://slack.com/team_domain': 'kraneflannel',
} as const;

/** Slack's Web API answers every outcome with HTTP 200; `ok` says which it was. */
const fail = (error: string) => json(200, { ok: false, error });

/** One RSA key for every emulator of a test file: making one takes a while. */
let signingKey: ReturnType<typeof generateKeyPair> | undefined;

/** How the Slack emulator is configured: token rotation on or off. */
export interface SlackEmulatorOptions {
  /** Token rotation on: expiring access tokens and single-use refresh tokens. */
  readonly rotation?: boolean | undefined;
}

/**
 * Starts the Slack emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startSlack([client], { rotation });
 * const preset = slackProvider({ baseUrl: http.origin });
 * ```
 */
export async function startSlack(
  clients: readonly EmulatedClient[],
  options: SlackEmulatorOptions = {},
) {
  const authority = new Authority({
    clients,
    tokenPrefix: 'xoxp-',
    ...(options.rotation ? { accessTokenSeconds: 43200, refreshTokens: 'rotate' as const } : {}),
  });
  signingKey ??= generateKeyPair('RS256');
  const { privateKey, publicKey } = await signingKey;
  const jwk = { ...(await exportJWK(publicKey)), kid: 'slack-emulator-1', alg: 'RS256' };
  let origin = '';

  const idToken = (grant: Grant) =>
    new SignJWT({
      ...SLACK_USER,
      ...(grant.extras['nonce'] ? { nonce: grant.extras['nonce'] } : {}),
      auth_time: Math.floor(authority.now() / 1000),
    })
      .setProtectedHeader({ alg: 'RS256', kid: jwk.kid })
      .setIssuer(origin)
      .setSubject(SLACK_USER.sub)
      .setAudience(grant.clientId)
      .setIssuedAt()
      .setExpirationTime('1h')
      .sign(privateKey);

  const token = async (req: EmulatorRequest) => {
    const body =
      req.contentType === 'application/json'
        ? new URLSearchParams(Object.entries((req.json ?? {}) as Record<string, string>))
        : req.form;
    const auth = authenticateClient(
      req,
      authority,
      ['client_secret_basic', 'client_secret_post'],
      body,
    );
    if (!auth.ok)
      return fail(auth.reason === 'bad_secret' ? 'bad_client_secret' : 'invalid_client_id');
    const grantType = body.get('grant_type') ?? 'authorization_code';
    if (grantType === 'authorization_code') {
      const redeemed = authority.redeemCode(body.get('code'), {
        clientId: auth.client.clientId,
        redirectUri: body.get('redirect_uri'),
      });
      if (!redeemed.ok)
        return fail(redeemed.reason === 'redirect_mismatch' ? 'bad_redirect_uri' : 'invalid_code');
      const tokens = authority.issueTokens(redeemed.grant);
      return json(200, {
        ok: true,
        ...tokens,
        token_type: 'Bearer',
        id_token: await idToken(redeemed.grant),
      });
    }
    if (grantType === 'refresh_token') {
      const refreshed = authority.refresh(body.get('refresh_token'), auth.client.clientId);
      if (!refreshed.ok) return fail('invalid_refresh_token');
      return json(200, { ok: true, ...refreshed.tokens, token_type: 'Bearer' });
    }
    return fail('invalid_grant_type');
  };

  /** A Web API method's token: the `Authorization` header, else a `token` POST parameter. */
  const caller = (req: EmulatorRequest) => {
    const header = req.headers.get('authorization');
    if (header) return authority.bearer(req);
    return authority.accessGrant(req.form.get('token'));
  };
  const presented = (req: EmulatorRequest) =>
    req.headers.get('authorization')?.replace(/^Bearer\s+/i, '') ?? req.form.get('token');

  const http = await startEmulator({
    authorize: route('GET', '/openid/connect/authorize', (req) => {
      const scope = req.url.searchParams.get('scope') ?? '';
      if (!scope.split(' ').includes('openid'))
        return { status: 400, text: 'Sign in with Slack needs the openid scope' };
      return authorize(req, authority, SLACK_USER.sub, { extras: ['nonce', 'team'] });
    }),
    token: route('POST', '/api/openid.connect.token', token),
    userinfo: route('POST', '/api/openid.connect.userInfo', (req) => {
      const grant = caller(req);
      if (grant) return json(200, { ok: true, ...SLACK_USER });
      const given = presented(req);
      return fail(given && authority.anyAccessGrant(given) ? 'token_revoked' : 'invalid_auth');
    }),
    revoke: route(['GET', 'POST'], '/api/auth.revoke', (req) => {
      const given = presented(req);
      if (!caller(req))
        return fail(given && authority.anyAccessGrant(given) ? 'token_revoked' : 'invalid_auth');
      authority.revoke(given);
      return json(200, { ok: true, revoked: true });
    }),
    keys: route('GET', '/openid/connect/keys', () => json(200, { keys: [jwk] })),
  });
  origin = http.origin;
  return { http, authority, jwk };
}
