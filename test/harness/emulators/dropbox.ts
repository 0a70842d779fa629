/**
 * Dropbox as its documentation describes it: the OAuth guide
 * (https://developers.dropbox.com/oauth-guide) and the HTTP API reference for
 * `/oauth2/authorize`, `/oauth2/token`, `/2/auth/token/revoke` and
 * `/2/users/get_current_account` (https://www.dropbox.com/developers/documentation/http/documentation).
 *
 * - `/oauth2/authorize`: `client_id`, `response_type=code`, `redirect_uri`, `state`,
 *   `token_access_type` (`offline` adds a long-lived refresh token; `online` and the default
 *   do not), `scope` (space-separated), PKCE (`S256`, `plain`);
 * - `/oauth2/token`: `code`, `grant_type`, `redirect_uri`, `code_verifier`, the client by Basic
 *   or `client_id`/`client_secret` in the body (a PKCE client sends `client_id` alone); answers
 *   `token_type: "bearer"`, `expires_in: 14400`, `scope`, `account_id`, `uid`; a refresh answers a
 *   new access token and no refresh token; errors are RFC 6749's;
 * - RPC endpoints (`/2/...`) are POSTs whose body is JSON; an endpoint without arguments takes
 *   no body or the JSON `null`, and refuses other content types with a 400 naming the header;
 * - `/2/auth/token/revoke` disables the access token that authenticates the call, its refresh
 *   token and that refresh token's other access tokens; answers `null`;
 * - a bad token is a 401 `{"error_summary": "invalid_access_token/...", "error": {".tag":
 *   "invalid_access_token"}}`.
 */
import {
  Authority,
  authenticateClient,
  authorize,
  type EmulatedClient,
  type EmulatorRequest,
  json,
  oauthError,
  type Reply,
  route,
  startEmulator,
  text,
} from './toolkit.js';

/** The signed-in user, as `/2/users/get_current_account` answers them. */
export const DROPBOX_ACCOUNT = {
  account_id: 'dbid:AAH4f99T0taONIb-OurWxbNQ6ywGRopQngc',
  name: {
    given_name: 'Franz',
    surname: 'Ferdinand',
    familiar_name: 'Franz',
    display_name: 'Franz Ferdinand (Personal)',
    abbreviated_name: 'FF',
  },
  email: 'franz@dropbox.com',
  email_verified: true,
  disabled: false,
  locale: 'en',
  country: 'US',
  account_type: { '.tag': 'basic' },
} as const;

const badToken = () =>
  json(401, {
    error_summary: 'invalid_access_token/...',
    error: { '.tag': 'invalid_access_token' },
  });

/** A call without arguments: no body, or the JSON `null`. */
function noArguments(req: EmulatorRequest, name: string): Reply | undefined {
  const type = req.headers.get('content-type');
  if (type === null && req.text === '') return undefined;
  if (req.contentType === 'application/json' && req.json === null) return undefined;
  if (req.contentType !== 'application/json')
    return text(
      400,
      `Error in call to API function "${name}": Bad HTTP "Content-Type" header: "${type}".  Expecting one of "application/json", "application/json; charset=utf-8", "text/plain; charset=dropbox-cors-hack".`,
    );
  return text(
    400,
    `Error in call to API function "${name}": request body: could not decode input as JSON`,
  );
}

/**
 * Starts the Dropbox emulator on a free loopback port, with `clients` registered; its routes are
 * counted and recorded by name in `http.counts` and `http.requests`.
 *
 * @example
 * ```ts
 * const { http, authority } = await startDropbox([client]);
 * const preset = dropboxProvider({ baseUrl: http.origin });
 * ```
 */
export async function startDropbox(clients: readonly EmulatedClient[]) {
  const authority = new Authority({
    clients,
    accessTokenSeconds: 14400,
    refreshTokens: 'omit',
    tokenPrefix: 'sl.',
  });

  const token = (req: EmulatorRequest) => {
    const auth = authenticateClient(req, authority, [
      'client_secret_basic',
      'client_secret_post',
      'none',
    ]);
    if (!auth.ok) return oauthError(400, 'invalid_client', 'Invalid client_id or client_secret');
    const f = req.form;
    const fields = (tokens: object, scope: readonly string[]) => ({
      ...tokens,
      token_type: 'bearer',
      scope: scope.join(' '),
    });
    if (f.get('grant_type') === 'authorization_code') {
      const redeemed = authority.redeemCode(f.get('code'), {
        clientId: auth.client.clientId,
        redirectUri: f.get('redirect_uri'),
        verifier: f.get('code_verifier'),
      });
      if (!redeemed.ok)
        return oauthError(400, 'invalid_grant', "code doesn't exist or has expired");
      const offline = redeemed.grant.extras['token_access_type'] === 'offline';
      const tokens = authority.issueTokens(redeemed.grant, { refresh: offline });
      return json(200, {
        ...fields(tokens, redeemed.grant.scope),
        account_id: DROPBOX_ACCOUNT.account_id,
        uid: '12345',
      });
    }
    if (f.get('grant_type') === 'refresh_token') {
      const refreshed = authority.refresh(f.get('refresh_token'), auth.client.clientId);
      if (!refreshed.ok)
        return oauthError(400, 'invalid_grant', 'refresh token is invalid or revoked');
      return json(200, fields(refreshed.tokens, refreshed.grant.scope));
    }
    return oauthError(400, 'unsupported_grant_type');
  };

  const rpc = (name: string, handle: (req: EmulatorRequest) => Reply) => (req: EmulatorRequest) =>
    noArguments(req, name) ?? handle(req);

  const http = await startEmulator({
    authorize: route('GET', '/oauth2/authorize', (req) =>
      authorize(req, authority, DROPBOX_ACCOUNT.account_id, {
        pkceMethods: ['S256', 'plain'],
        extras: ['token_access_type'],
      }),
    ),
    token: route('POST', '/oauth2/token', token),
    revoke: route(
      'POST',
      '/2/auth/token/revoke',
      rpc('auth/token/revoke', (req) => {
        if (!authority.bearer(req)) return badToken();
        authority.revoke(req.headers.get('authorization')?.replace(/^Bearer\s+/i, ''));
        return json(200, null);
      }),
    ),
    account: route(
      'POST',
      '/2/users/get_current_account',
      rpc('users/get_current_account', (req) =>
        authority.bearer(req) ? json(200, DROPBOX_ACCOUNT) : badToken(),
      ),
    ),
  });
  return { http, authority };
}
