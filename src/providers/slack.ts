/**
 * Slack preset: "Sign in with Slack", Slack's OpenID Connect flow (`openid`, `email`,
 * `profile`), with token rotation when the app has it on.
 *
 * Documented behaviour, and where it is handled:
 * - the token method (`openid.connect.token`) answers every outcome with HTTP 200 and says which
 *   in `ok`: an error is `{"ok": false, "error": "invalid_code"}`. The core reads `error`
 *   whatever the status; Slack's codes become their RFC 6749 equivalents (`token.parsed`), so a
 *   used code or a spent refresh token is an `InvalidGrantError` and a wrong secret an
 *   `InvalidClientError`;
 * - with token rotation, access tokens expire (`expires_in`) and the answer has a single-use
 *   `refresh_token` (`xoxe-1-…`), refreshed at the same method: the core keeps the newest;
 * - the user is `openid.connect.userInfo`, which Slack documents as a POST; it too answers
 *   refusals with HTTP 200 (`{"ok": false, "error": "invalid_auth"}`), so check `ok` in the body;
 * - revocation is `auth.revoke`, which revokes the token that authenticates the call: RFC 7009's
 *   form request becomes that call with the access token as Bearer (`revocation.request`), and
 *   its `invalid_auth` / `token_revoked` for a token already gone is success, as RFC 7009
 *   section 2.2 has it (`revocation.parsed`);
 * - requests-oauthlib's `slack` compliance fix put the token in a `token` parameter because
 *   Slack once read no `Authorization` header. Slack now documents the header as the way to send
 *   it (and refuses tokens in query strings for new apps), so this preset sends the header;
 *   `fixes.slack` restores the POST parameter for code that needs it;
 * - OpenID Connect: `issuer`, `jwks_uri` and `userinfo_endpoint` are in the server description
 *   (ID tokens are verified by `oauth2-session/oidc`); no PKCE is documented.
 *
 * @see https://docs.slack.dev/authentication/sign-in-with-slack/
 * @see https://docs.slack.dev/reference/methods/openid.connect.token
 * @see https://docs.slack.dev/reference/methods/auth.revoke
 * @module
 */

import type { EndpointRequest, HookContext } from '../hooks.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { renameErrors, trimUrl } from './quirks.js';

/** Options of {@link slackProvider}. */
export interface SlackProviderOptions {
  /** Where Slack lives; default `https://slack.com` (an emulator on loopback in tests). */
  baseUrl?: string | undefined;
  /** A workspace id: the user signs in to that workspace, without choosing one. */
  team?: string | undefined;
}

/** Slack error codes of `openid.connect.token` and their RFC 6749 equivalents. */
const RFC_CODES = {
  invalid_code: 'invalid_grant',
  invalid_refresh_token: 'invalid_grant',
  bad_redirect_uri: 'invalid_grant',
  invalid_client_id: 'invalid_client',
  bad_client_secret: 'invalid_client',
  invalid_grant_type: 'unsupported_grant_type',
};

/** Slack's answers when the token presented is already no good. */
const GONE = new Set(['invalid_auth', 'token_revoked', 'token_expired', 'not_authed']);

/** `{"ok": false}` without a code is still a failure. */
function failureWithoutCode(fields: Record<string, unknown>): void {
  if (fields['ok'] === false && fields['error'] === undefined) fields['error'] = 'invalid_request';
}

/** RFC 7009's request as `auth.revoke`: the access token authenticates the call it revokes. */
function authRevoke(request: EndpointRequest, { token }: HookContext): void {
  if (token?.access_token) request.headers.set('authorization', `Bearer ${token.access_token}`);
  for (const name of ['token', 'token_type_hint', 'client_id', 'client_secret'])
    request.body.delete(name);
}

/**
 * Makes a Slack preset ("Sign in with Slack").
 *
 * @example
 * ```ts
 * const sl = slackProvider({ team: 'T0R7GR' });
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: sl });
 * const info = await (await session.fetch(...userRequest(sl))).json(); // check info.ok
 * ```
 */
export function slackProvider(options: SlackProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? 'https://slack.com');
  return definePreset({
    id: 'slack',
    server: {
      issuer: base,
      authorization_endpoint: `${base}/openid/connect/authorize`,
      token_endpoint: `${base}/api/openid.connect.token`,
      userinfo_endpoint: `${base}/api/openid.connect.userInfo`,
      revocation_endpoint: `${base}/api/auth.revoke`,
      jwks_uri: `${base}/openid/connect/keys`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'client_secret_basic'],
      response_types_supported: ['code'],
      scopes_supported: ['openid', 'profile', 'email'],
    },
    scope: ['openid', 'email', 'profile'],
    user: { url: `${base}/api/openid.connect.userInfo`, method: 'POST' },
    ...(options.team ? { authorizationParams: { team: options.team } } : {}),
    hooks: {
      'token.parsed': [failureWithoutCode, renameErrors(RFC_CODES)],
      'revocation.request': authRevoke,
      'revocation.parsed': (fields) => {
        if (typeof fields['error'] === 'string' && GONE.has(fields['error'])) {
          delete fields['error'];
          return;
        }
        failureWithoutCode(fields);
      },
    },
  });
}

/**
 * The preset for slack.com.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId, clientSecret, redirectUri, provider: slack });
 * ```
 */
export const slack: ProviderPreset = slackProvider();
