/**
 * The options of `OAuth2Session`, their defaults (one frozen object, units in the names) and
 * their checks, made once when a session is built.
 *
 * @module
 */

import type { ClientAuthentication, ClientAuthMethod } from './client-auth.js';
import { resolveClientAuth } from './client-auth.js';
import { misuse, optionalString, requireString } from './errors.js';
import type { ComplianceHooks } from './hooks.js';
import { assertCodeVerifier } from './pkce.js';
import type { ProviderPreset } from './provider.js';
import type { TokenTypeHint } from './revocation.js';
import type { AuthorizationServer } from './server.js';
import { parseScope, type Token } from './token.js';
import type { TokenAttachment } from './token-attachment.js';
import type { FetchLike } from './transport.js';

export { defaults } from './defaults.js';

/**
 * Runs in place of a direct refresh, behind the in-process single-flight. It either calls
 * `refresh()` (which performs the token request and answers the new token) or answers a token
 * that another process obtained. The session then adopts the answered token and, when its
 * access_token differs from the one it had, calls `onToken` with it.
 */
export type RefreshCoordinator = (refresh: () => Promise<Token>, stale: Token) => Promise<Token>;

/** A granted scope that differs from the requested one (RFC 6749 section 3.3), reported not thrown. */
export interface ScopeChange {
  requested: string[];
  granted: string[];
  token: Token;
}

/** One log method of pino's shape: the fields first, then the message. */
export type LogMethod = (fields: Record<string, unknown>, message: string) => void;

/**
 * A logger of pino's shape (`debug/info/warn/error(fields, message)`): a pino or bunyan
 * instance fits as it is, and so does `{ warn: (fields, message) => ... }`, since every level
 * is optional (a level left out is not written). Fields name events, codes and hosts, never a
 * token, secret, code, state, verifier or cookie value.
 */
export interface Logger {
  debug?: LogMethod | undefined;
  info?: LogMethod | undefined;
  warn?: LogMethod | undefined;
  error?: LogMethod | undefined;
}

/** Options of `OAuth2Session`. */
export interface OAuth2SessionOptions {
  clientId: string;
  clientSecret?: string | undefined;
  /**
   * The authorization server's metadata (RFC 8414 names): every method's URL defaults from it,
   * `issuer` is checked in callbacks, `authorization_response_iss_parameter_supported` requires
   * it, and `token_endpoint` is the default `autoRefreshUrl`.
   */
  server?: AuthorizationServer | undefined;
  /**
   * A provider preset: its `server`, `hooks` (run before `hooks`), `clientAuth` and default
   * `scope`, each unless set here.
   */
  provider?: ProviderPreset | undefined;
  /** Sent in the authorization and token requests only when set. */
  redirectUri?: string | undefined;
  /** A list, or space-separated text. */
  scope?: string | readonly string[] | undefined;
  /** A fixed state (e.g. restored in the callback) or a factory; default: 256 random bits. */
  state?: string | (() => string) | undefined;
  /** A PKCE verifier (restored in the callback); default: a fresh one per authorization URL. */
  codeVerifier?: string | undefined;
  /**
   * `'S256'` (default) or `false` (confidential clients only: a public client without PKCE is
   * refused, RFC 9700 section 2.1.1). `'plain'` is refused with a TypeError.
   */
  pkce?: 'S256' | false | undefined;
  token?: Token | undefined;
  /** Token endpoint for automatic refresh; default `server.token_endpoint`; without either an expired token is a TokenExpiredError. */
  autoRefreshUrl?: string | undefined;
  /** Extra body parameters for refresh requests. */
  autoRefreshParams?: Record<string, string> | undefined;
  /** Called (and awaited) with every new token, e.g. to save it. */
  onToken?: ((token: Token) => void | Promise<void>) | undefined;
  /** Called when the granted scope differs from the requested one. */
  onScopeChanged?: ((change: ScopeChange) => void) | undefined;
  /** Cross-process refresh coordination (see {@link RefreshCoordinator}). */
  refreshCoordinator?: RefreshCoordinator | undefined;
  /**
   * How the client authenticates at the server's endpoints: a strategy
   * (`clientSecretBasic(secret)`, ...) or its name. Default `client_secret_basic` with a secret
   * (`client_secret_post` when the server lists only that), `none` without.
   */
  clientAuth?: ClientAuthMethod | ClientAuthentication | undefined;
  /** How the token is attached to resource requests; default Bearer in the header. */
  tokenAttachment?: TokenAttachment | undefined;
  /** Allow plain http to non-loopback hosts (else `OAUTH2_INSECURE_TRANSPORT=1`). */
  allowInsecureTransport?: boolean | undefined;
  /** The fetch to use; default the global one, looked up at call time. */
  fetch?: FetchLike | undefined;
  /** Per-request timeout, milliseconds, over the whole exchange; default 30000; 0 disables it. */
  timeoutMs?: number | undefined;
  /** Refresh this many seconds before expiry; default 60. */
  expiryLeewaySeconds?: number | undefined;
  /** The current time in epoch milliseconds; default `Date.now`. */
  clock?: (() => number) | undefined;
  /** Largest token endpoint answer read, in bytes; default 65536. */
  maxResponseBytes?: number | undefined;
  hooks?: ComplianceHooks | undefined;
  /**
   * Where refreshes are reported: `info` when a refresh renewed the token
   * (`oauth2.refresh.succeeded`), `warn` when it failed (`oauth2.refresh.failed`, with the
   * error's code), both with the token endpoint's host. Default: nothing is logged (the
   * failure is thrown to the caller anyway).
   */
  logger?: Logger | undefined;
  /**
   * The authorization server's issuer identifier; default `server.issuer`. A callback whose
   * `iss` differs is a `MismatchingIssuerError`, before any network call (mix-up defence, RFC
   * 9700 section 4.4). Unset: `iss` is ignored.
   *
   * @see RFC 9207
   */
  issuer?: string | undefined;
  /**
   * The server sends `iss` in every authorization response: a callback without it is refused.
   * Needs `issuer`. Default `server.authorization_response_iss_parameter_supported`, else false.
   *
   * @see RFC 9207 section 3
   */
  requireIssuer?: boolean | undefined;
}

/**
 * The `RequestInit` of a request through a session (`OAuth2Session.fetch` and its verbs).
 *
 * @example
 * ```ts
 * await session.get(JWKS_URL, { withholdToken: true }); // a public resource: no token sent
 * ```
 */
export interface SessionRequestInit extends RequestInit {
  /**
   * Send this one request without the token (requests-oauthlib's `withhold_token`): none
   * attached, no renewal, no retry after a 401; still through the transport and its rules.
   */
  withholdToken?: boolean | undefined;
}

/** Options every token request takes. */
export interface TokenRequestOptions {
  /** Overrides the session's secret; remembered for later refreshes. */
  clientSecret?: string | undefined;
  /** Extra body parameters (they cannot replace the grant's own). */
  extraParams?: Record<string, string> | undefined;
  headers?: HeadersInit | undefined;
  /** Ends the whole exchange; its reason is what the call rejects with. */
  signal?: AbortSignal | undefined;
}

/** Options of `OAuth2Session.revokeToken`. */
export interface RevokeTokenOptions {
  /**
   * Which token to revoke; default the refresh token when the session has one (revoking it ends
   * the grant, RFC 7009 section 2.1), else the access token.
   */
  tokenTypeHint?: TokenTypeHint | undefined;
  headers?: HeadersInit | undefined;
  signal?: AbortSignal | undefined;
}

/** Options of `OAuth2Session.fetchToken` (authorization code grant). */
export interface FetchTokenOptions extends TokenRequestOptions {
  /** The full callback URL; its state is checked before any network call. */
  authorizationResponse?: string | URL | undefined;
  /** The code itself, when the caller has checked state already. */
  code?: string | undefined;
  /** Overrides the session's state for the check. */
  state?: string | undefined;
  codeVerifier?: string | undefined;
  redirectUri?: string | undefined;
}

/** Options of `OAuth2Session.refreshToken`. */
export interface RefreshTokenOptions extends TokenRequestOptions {
  /**
   * The refresh token to send this time, in place of the session token's (requests-oauthlib's
   * `refresh_token=`); one the server refused before is not sent again either.
   */
  refreshToken?: string | undefined;
  /** Ask for a narrower scope (RFC 6749 section 6). */
  scope?: string | readonly string[] | undefined;
}

/** Options of `OAuth2Session.fetchClientCredentialsToken`. */
export interface ClientCredentialsOptions extends TokenRequestOptions {
  scope?: string | readonly string[] | undefined;
}

/** Options of `OAuth2Session.fetchPasswordToken`. @deprecated legacy grant. */
export interface PasswordTokenOptions extends TokenRequestOptions {
  username: string;
  password: string;
  scope?: string | readonly string[] | undefined;
}

/** Options of `OAuth2Session.authorizationUrl` (requests-oauthlib's `state=`). */
export interface AuthorizationUrlOptions {
  /** This URL's state, a non-empty string; default a fresh one (see the `state` option). */
  state?: string | undefined;
}

/** What `OAuth2Session.authorizationUrl` answers; keep `state` and `codeVerifier`. */
export interface AuthorizationUrlResult {
  url: string;
  state: string;
  codeVerifier: string | undefined;
}

/**
 * A method's URL argument: left out, the server's endpoint is used.
 *
 * @inline
 */
export type UrlArg = string | URL | undefined;

/**
 * Scopes as options write them: a list, or space-separated text (RFC 6749 section 3.3).
 *
 * @throws TypeError `ERR_INVALID_ARG_TYPE` for anything else
 */
export function spaceScope(s: string | readonly string[] | undefined): string[] {
  if (s !== undefined && typeof s !== 'string' && !Array.isArray(s))
    throw misuse('scope must be a list or text', 'ERR_INVALID_ARG_TYPE');
  return parseScope(s, /\s+/);
}

/** `(url, options)` or, now that a server gives the URL, `(options)`. */
export function urlAndOptions<O>(url: UrlArg | O, options: O): [UrlArg, O] {
  return typeof url === 'object' && !(url instanceof URL)
    ? [undefined, url as O]
    : [url as UrlArg, options];
}

/** What the preset and the server description settle, under the explicit options. */
export interface ResolvedOptions {
  readonly server: AuthorizationServer | undefined;
  readonly clientAuth: ClientAuthMethod | ClientAuthentication | undefined;
  readonly scope: string | readonly string[] | undefined;
  readonly issuer: string | undefined;
  readonly requireIssuer: boolean | undefined;
  readonly autoRefreshUrl: string | undefined;
}

/** Applies the provider preset and the server description under the explicit options. */
export function resolveOptions(o: OAuth2SessionOptions): ResolvedOptions {
  const p = o.provider;
  const server = o.server ?? p?.server;
  const issuer = o.issuer ?? server?.issuer;
  return {
    server,
    clientAuth: o.clientAuth ?? p?.clientAuth,
    scope: o.scope ?? p?.scope,
    issuer,
    requireIssuer:
      o.requireIssuer ??
      (issuer ? server?.authorization_response_iss_parameter_supported : undefined),
    autoRefreshUrl: o.autoRefreshUrl ?? server?.token_endpoint,
  };
}

/** Refuses options that cannot work, with a coded TypeError naming the option. */
export function checkOptions(o: OAuth2SessionOptions): void {
  if (typeof o !== 'object' || o === null)
    throw misuse('options must be an object', 'ERR_INVALID_ARG_TYPE');
  requireString(o.clientId, 'clientId');
  if (o.pkce !== undefined && o.pkce !== 'S256' && o.pkce !== false)
    throw misuse('pkce must be S256 or false');
  // RFC 9700 section 2.1.1: a public client has nothing but PKCE to bind the code to itself.
  if (o.pkce === false && isPublicClient(o))
    throw misuse('pkce cannot be turned off for a public client (no clientSecret)');
  if (o.codeVerifier !== undefined) assertCodeVerifier(o.codeVerifier);
  if (o.clientAuth !== undefined) resolveClientAuth(o.clientAuth, o.clientSecret ?? 'x');
  for (const n of ['timeoutMs', 'expiryLeewaySeconds', 'maxResponseBytes'] as const) {
    const v = o[n];
    if (v !== undefined && !(typeof v === 'number' && v >= 0))
      throw misuse(`${n} must be a number >= 0`);
  }
  if (o.token !== undefined) checkToken(o.token);
  optionalString(o.issuer, 'issuer');
  if (o.requireIssuer && (o.issuer ?? o.server?.issuer ?? o.provider?.server.issuer) === undefined)
    throw misuse('requireIssuer needs issuer', 'ERR_MISSING_OPTION');
}

/** A client that cannot authenticate: no secret, and no strategy other than `none`. */
function isPublicClient(o: OAuth2SessionOptions): boolean {
  const auth = o.clientAuth ?? o.provider?.clientAuth;
  const method = typeof auth === 'function' ? auth.method : auth;
  return !o.clientSecret && (auth === undefined || method === 'none');
}

/** Refuses a token without a string `access_token`. */
export function checkToken(token: Token): void {
  if (typeof token?.access_token !== 'string')
    throw misuse('token.access_token must be a string', 'ERR_INVALID_ARG_TYPE');
}
