/**
 * What the handlers need of an OpenID Connect login, as types only: the value is made by
 * `openidLogin()` of `oauth2-session/oidc` and passed in (`createOAuthHandlers({ openid })`), so
 * the web entry never loads `jose` for apps that do not sign users in with OpenID Connect.
 *
 * @module
 */

import type {
  AuthorizationUrlOptions,
  AuthorizationUrlResult,
  OAuth2SessionOptions,
} from '../options.js';
import type { OAuth2Session } from '../session.js';
import type { Token } from '../token.js';

/**
 * The verified claims of the signed-in user's ID token (wire names; the provider's other
 * claims kept): `oauth2-session/oidc`'s `IdTokenClaims`, declared here so the web entry needs
 * nothing of that entry.
 *
 * @see OpenID Connect Core 1.0 section 2
 */
export interface OpenIDClaims {
  /** The issuer: the provider that signed the user in. */
  iss: string;
  /** The user's identifier at that issuer; `iss` and `sub` together name the user. */
  sub: string;
  aud: string | string[];
  /** Expiry of the ID token, epoch seconds. */
  exp: number;
  /** When the ID token was issued, epoch seconds. */
  iat: number;
  auth_time?: number | undefined;
  nonce?: string | undefined;
  azp?: string | undefined;
  [claim: string]: unknown;
}

/** What the end-session request of {@link OpenIDClient.endSessionUrl} takes. */
export interface OpenIDEndSession {
  idTokenHint?: string | undefined;
  postLogoutRedirectUri?: string | undefined;
  state?: string | undefined;
}

/**
 * The relying-party session the handlers build per request (`OpenIDSession` of
 * `oauth2-session/oidc` is one): an `OAuth2Session` whose authorization URLs carry a nonce and
 * whose token requests verify the ID token before the token is kept.
 */
export interface OpenIDClient extends OAuth2Session {
  /** The verified claims of the session's ID token; `undefined` before a login. */
  readonly idTokenClaims: OpenIDClaims | undefined;
  authorizationUrl(
    url?: string | URL,
    extraParams?: Record<string, string>,
    options?: AuthorizationUrlOptions,
  ): Promise<AuthorizationUrlResult & { nonce: string }>;
  /** The provider's end-session URL; `undefined` when it has no `end_session_endpoint`. */
  endSessionUrl(request?: OpenIDEndSession): URL | undefined;
}

/** What {@link OpenIDLogin.client} is given: the handlers' client options and the request's. */
export interface OpenIDClientOptions extends OAuth2SessionOptions {
  /** The nonce of the login under way (from the login transaction). */
  nonce?: string | undefined;
  /** The claims stored with the session's token, when the session is rebuilt from storage. */
  idTokenClaims?: OpenIDClaims | undefined;
}

/**
 * An OpenID Connect login for `createOAuthHandlers` (option `openid`); make one with
 * `openidLogin()` from `oauth2-session/oidc`.
 *
 * @example
 * ```ts
 * import { discover, openidLogin } from 'oauth2-session/oidc';
 * const server = await discover('https://accounts.google.com');
 * const auth = createOAuthHandlers({ clientId, clientSecret, server, redirectUri, session,
 *   openid: openidLogin() });
 * ```
 */
export interface OpenIDLogin {
  /**
   * Builds the relying-party session of one request. Called once by `createOAuthHandlers` with
   * its own options, so a server without `issuer` or `jwks_uri` is refused at start-up.
   *
   * @throws TypeError with a code when the server or the options cannot serve an OpenID login
   */
  client(options: OpenIDClientOptions): OpenIDClient;
  /**
   * The claims of `token.id_token`, for a token one of this login's clients answered from a
   * token request: the client verified that ID token before it answered the token (a refused
   * one throws instead), so these are verified claims. The handlers call it with such tokens
   * only (a refresh's), to keep the claims with the token before the request's session adopts
   * it. `undefined` when the token has no ID token.
   */
  claimsOf(token: Token): OpenIDClaims | undefined;
  /**
   * Where the provider sends the browser after its own logout (`post_logout_redirect_uri`, an
   * absolute URL registered with the provider): the app's logged-out page. Unset: none is sent,
   * and the provider shows its own page.
   */
  readonly postLogoutRedirectUri?: string | undefined;
}
