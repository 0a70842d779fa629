/**
 * `openidLogin()`: OpenID Connect for the web layer's handlers. The handlers declare what they
 * need (`OpenIDLogin`, types only, in `oauth2-session/web`); this entry makes it out of
 * {@link OpenIDSession}, so only apps that sign users in with OpenID Connect load `jose`.
 *
 * @module
 */

import { decodeJwt } from 'jose';
import type { OAuth2SessionOptions } from '../options.js';
import type { Token } from '../token.js';
import type {
  OpenIDClaims,
  OpenIDClient,
  OpenIDClientOptions,
  OpenIDLogin,
} from '../web/openid.js';
import type { IdTokenClaims } from './id-token.js';
import { type KeySource, RemoteJwks, type RemoteJwksOptions } from './jwks.js';
import { OpenIDSession, type OpenIDSessionOptions } from './openid-session.js';

/** Options of {@link openidLogin}; units in the names. */
export interface OpenIDLoginOptions {
  /**
   * The provider's keys. Default one {@link RemoteJwks} on the server's `jwks_uri`, made at the
   * handlers' start and shared by all their requests (one cache, one refetch cooldown).
   */
  jwks?: KeySource | undefined;
  /** Options of that default {@link RemoteJwks} (cooldown, age); its transport is the handlers'. */
  jwksOptions?:
    | Omit<RemoteJwksOptions, 'fetch' | 'allowInsecureTransport' | 'timeoutMs'>
    | undefined;
  /** The algorithm ID tokens are signed with (`id_token_signed_response_alg`). Default `RS256`. */
  idTokenSignedResponseAlg?: string | undefined;
  /** The algorithm of signed userinfo answers; default the ID token's. */
  userinfoSignedResponseAlg?: string | undefined;
  /** Sent as `max_age`, in seconds: the ID token's `auth_time` must be no older. */
  maxAgeSeconds?: number | undefined;
  /** Allowed clock difference with the provider, in seconds. Default 30. */
  clockToleranceSeconds?: number | undefined;
  /**
   * The app's logged-out page as an absolute URL, registered with the provider as a
   * post-logout redirect URI: sent as `post_logout_redirect_uri` (with a fresh `state`) when
   * logout sends the browser to the provider's `end_session_endpoint`. Unset: none is sent.
   */
  postLogoutRedirectUri?: string | undefined;
}

/**
 * An OpenID Connect login for `createOAuthHandlers({ openid })`: logins carry a nonce, the
 * callback verifies the ID token (OIDC Core section 3.1.3.7) before a session exists, the
 * session keeps its claims, refreshes verify new ID tokens against them (section 12.2), and
 * logout sends the browser to the provider's `end_session_endpoint` (RP-Initiated Logout 1.0).
 * The handlers' server must have `issuer` and `jwks_uri`, as {@link discover} answers it.
 *
 * @example
 * ```ts
 * import { discover, openidLogin } from 'oauth2-session/oidc';
 * import { createOAuthHandlers } from 'oauth2-session/web';
 *
 * const server = await discover('https://accounts.google.com');
 * const auth = createOAuthHandlers({
 *   clientId, clientSecret, server, redirectUri: 'https://app.example/callback',
 *   scope: 'openid profile email', session: { secrets },
 *   openid: openidLogin({ postLogoutRedirectUri: 'https://app.example/logged-out' }),
 * });
 * const claims = await auth.claims(request); // { iss, sub, email, ... }, verified
 * ```
 * @see OpenID Connect Core 1.0 section 3.1, RP-Initiated Logout 1.0
 */
export function openidLogin(options: OpenIDLoginOptions = {}): OpenIDLogin {
  let shared: { uri: string; keys: KeySource } | undefined;
  /** One key set per `jwks_uri`, made with the first client's transport options. */
  const keysFor = (client: OAuth2SessionOptions): KeySource | undefined => {
    if (options.jwks) return options.jwks;
    const uri = client.server?.jwks_uri;
    if (uri === undefined) return undefined; // OpenIDSession says what is missing
    if (shared?.uri !== uri) shared = { uri, keys: new RemoteJwks(uri, jwksOptions(client)) };
    return shared.keys;
  };
  const { jwks: _jwks, jwksOptions: _o, postLogoutRedirectUri, ...rules } = options;
  return Object.freeze({
    postLogoutRedirectUri,
    claimsOf: verifiedClaimsOf,
    client: (client: OpenIDClientOptions): OpenIDClient =>
      new OpenIDSession({
        ...client,
        ...rules,
        server: client.server as OpenIDSessionOptions['server'],
        jwks: keysFor(client),
        idTokenClaims: client.idTokenClaims as IdTokenClaims | undefined,
      }),
  });

  /**
   * The claims of a token's ID token: only called for a token an `OpenIDSession` answered, which
   * verified that very ID token at `token.parsed` before answering (see `OpenIDLogin.claimsOf`).
   */
  function verifiedClaimsOf(token: Token): OpenIDClaims | undefined {
    const idToken = token.id_token;
    return typeof idToken === 'string' ? (decodeJwt(idToken) as OpenIDClaims) : undefined;
  }

  function jwksOptions(client: OAuth2SessionOptions): RemoteJwksOptions {
    const { fetch, allowInsecureTransport, timeoutMs } = client;
    return { ...options.jwksOptions, fetch, allowInsecureTransport, timeoutMs };
  }
}
