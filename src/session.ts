/**
 * `OAuth2Session`: composes the pure request/response steps into the client lifecycle
 * (authorization URL, code exchange, refresh, client credentials, authenticated fetch).
 *
 * @module
 */

import { buildAuthorizationUrl } from './authorization-request.js';
import { readAuthorizationResponse } from './authorization-response.js';
import { type ClientAuthMethod, type ClientCredentials, clientAuthMethod } from './client-auth.js';
import {
  InvalidGrantError,
  misuse,
  OAuth2Error,
  TokenExpiredError,
  UnsupportedTokenTypeError,
} from './errors.js';
import { authorizationCodeParams } from './grants/authorization-code.js';
import { clientCredentialsParams } from './grants/client-credentials.js';
import { passwordParams } from './grants/password.js';
import { refreshTokenParams } from './grants/refresh-token.js';
import {
  type ComplianceHookMap,
  type ComplianceHookName,
  type ComplianceHooks,
  HookRegistry,
  type ProtectedRequestParts,
  type TokenRequestParts,
} from './hooks.js';
import { assertCodeVerifier, codeChallengeS256, createCodeVerifier } from './pkce.js';
import { randomString } from './random.js';
import { readRevocationResponse, revocationRequest, type TokenTypeHint } from './revocation.js';
import { SingleFlight } from './single-flight.js';
import { isExpired, parseScope, sameScope, type Token } from './token.js';
import {
  readTokenResponse,
  type TokenParams,
  toFetchArgs,
  tokenRequest,
} from './token-endpoint.js';
import {
  callerSignal,
  checkRequestUrl,
  deadline,
  type FetchLike,
  failure,
  insecureAllowed,
  secureUrl,
  send,
} from './transport.js';

/**
 * The defaults, frozen. Units are in the names: `timeoutMs` milliseconds,
 * `expiryLeewaySeconds` seconds, `maxResponseBytes` bytes.
 */
export const defaults = Object.freeze({
  /** PKCE method: S256 (RFC 7636); `plain` is never offered. */
  pkce: 'S256' as const,
  /**
   * Per-request timeout in milliseconds (0 = none): a token request's whole exchange, body
   * included; an authenticated request until its response headers arrive.
   */
  timeoutMs: 30_000,
  /** Refresh this many seconds before `expires_at`. */
  expiryLeewaySeconds: 60,
  /** Largest token response body read, in bytes. */
  maxResponseBytes: 65_536,
  /** Random bytes in a generated `state` (256 bits). */
  stateBytes: 32,
});

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

/** Options of {@link OAuth2Session}. */
export interface OAuth2SessionOptions {
  clientId: string;
  clientSecret?: string | undefined;
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
  /** Token endpoint for automatic refresh; without it an expired token is a TokenExpiredError. */
  autoRefreshUrl?: string | undefined;
  /** Extra body parameters for refresh requests. */
  autoRefreshParams?: Record<string, string> | undefined;
  /** Called (and awaited) with every new token, e.g. to save it. */
  onToken?: ((token: Token) => void | Promise<void>) | undefined;
  /** Called when the granted scope differs from the requested one. */
  onScopeChanged?: ((change: ScopeChange) => void) | undefined;
  /** Cross-process refresh coordination (see {@link RefreshCoordinator}). */
  refreshCoordinator?: RefreshCoordinator | undefined;
  /** Default `client_secret_basic` with a secret, `none` without. */
  clientAuth?: ClientAuthMethod | undefined;
  /** Allow plain http to non-loopback hosts (else `OAUTH2_INSECURE_TRANSPORT=1`). */
  allowInsecureTransport?: boolean | undefined;
  /** The fetch to use; default the global one, looked up at call time. */
  fetch?: FetchLike | undefined;
  /** Per-request timeout, milliseconds; default 30000; 0 disables it. */
  timeoutMs?: number | undefined;
  /** Refresh this many seconds before expiry; default 60. */
  expiryLeewaySeconds?: number | undefined;
  /** The current time in epoch milliseconds; default `Date.now`. */
  clock?: (() => number) | undefined;
  /** Largest token response body read, in bytes; default 65536. */
  maxResponseBytes?: number | undefined;
  hooks?: ComplianceHooks | undefined;
  /**
   * The authorization server's issuer identifier (its metadata's `issuer`). A callback whose
   * `iss` differs is a `MismatchingIssuerError`, before any network call (mix-up
   * defence, RFC 9700 section 4.4). Unset: `iss` is ignored.
   *
   * @see RFC 9207
   */
  issuer?: string | undefined;
  /**
   * The server sends `iss` in every authorization response (it advertises
   * `authorization_response_iss_parameter_supported`): a callback without it is refused.
   * Needs `issuer`. Default false.
   *
   * @see RFC 9207 section 3
   */
  requireIssuer?: boolean | undefined;
}

/** Options every token request takes. */
export interface TokenRequestOptions {
  /** Overrides the session's secret; remembered for later refreshes. */
  clientSecret?: string | undefined;
  /** Extra body parameters (they cannot replace the grant's own). */
  extraParams?: Record<string, string> | undefined;
  headers?: HeadersInit | undefined;
  signal?: AbortSignal | undefined;
}

/** Options of {@link OAuth2Session.revokeToken}. */
export interface RevokeTokenOptions {
  /**
   * Which token to revoke; default the refresh token when the session has one (revoking it ends
   * the grant, RFC 7009 section 2.1), else the access token.
   */
  tokenTypeHint?: TokenTypeHint | undefined;
  headers?: HeadersInit | undefined;
  signal?: AbortSignal | undefined;
}

/** Options of {@link OAuth2Session.fetchToken} (authorization code grant). */
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

/** Options of {@link OAuth2Session.refreshToken}. */
export interface RefreshTokenOptions extends TokenRequestOptions {
  /** Ask for a narrower scope (RFC 6749 section 6). */
  scope?: string | readonly string[] | undefined;
}

/** Options of {@link OAuth2Session.fetchClientCredentialsToken}. */
export interface ClientCredentialsOptions extends TokenRequestOptions {
  scope?: string | readonly string[] | undefined;
}

/** Options of {@link OAuth2Session.fetchPasswordToken}. @deprecated legacy grant. */
export interface PasswordTokenOptions extends TokenRequestOptions {
  username: string;
  password: string;
  scope?: string | readonly string[] | undefined;
}

/** What {@link OAuth2Session.authorizationUrl} answers; keep `state` and `codeVerifier`. */
export interface AuthorizationUrlResult {
  url: string;
  state: string;
  codeVerifier: string | undefined;
}

type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** RFC 6750 section 3.1: the resource server says the token is bad, so a refresh may help. */
const INVALID_TOKEN = /\bbearer\b[\s\S]*?\berror\s*=\s*"?invalid_token\b/i;
const spaceScope = (s: string | readonly string[] | undefined) => parseScope(s, /\s+/);

function checkOptions(o: OAuth2SessionOptions): void {
  if (typeof o?.clientId !== 'string' || !o.clientId)
    throw misuse('clientId must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
  if (o.pkce !== undefined && o.pkce !== 'S256' && o.pkce !== false)
    throw misuse('pkce must be S256 or false');
  // RFC 9700 section 2.1.1: a public client has nothing but PKCE to bind the code to itself.
  if (o.pkce === false && !o.clientSecret)
    throw misuse('pkce cannot be turned off for a public client (no clientSecret)');
  if (o.codeVerifier !== undefined) assertCodeVerifier(o.codeVerifier);
  if (o.clientAuth !== undefined)
    clientAuthMethod({ ...o, method: o.clientAuth, clientSecret: 'x' });
  for (const n of ['timeoutMs', 'expiryLeewaySeconds', 'maxResponseBytes'] as const) {
    const v = o[n];
    if (v !== undefined && !(typeof v === 'number' && v >= 0))
      throw misuse(`${n} must be a number >= 0`);
  }
  if (o.token !== undefined) checkToken(o.token);
  if (o.issuer !== undefined && (typeof o.issuer !== 'string' || !o.issuer))
    throw misuse('issuer must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
  if (o.requireIssuer && o.issuer === undefined)
    throw misuse('requireIssuer needs issuer', 'ERR_MISSING_OPTION');
}

function checkToken(token: Token): void {
  if (typeof token?.access_token !== 'string')
    throw misuse('token.access_token must be a string', 'ERR_INVALID_ARG_TYPE');
}

/**
 * An OAuth 2.0 client session (RFC 6749), after requests-oauthlib's `OAuth2Session`, with PKCE
 * S256 on, state checked before any network call, typed errors and coalesced refresh.
 *
 * @example
 * ```ts
 * const github = new OAuth2Session({ clientId, clientSecret, scope: ['read:user'] });
 * const { url, state, codeVerifier } = await github.authorizationUrl(AUTHORIZE_URL);
 * // in the callback:
 * const cb = new OAuth2Session({ clientId, state, codeVerifier });
 * const token = await cb.fetchToken(TOKEN_URL, { clientSecret, authorizationResponse: req.url });
 * // later:
 * const api = new OAuth2Session({ clientId, token, autoRefreshUrl: TOKEN_URL, onToken: save });
 * const user = await (await api.get('https://api.github.com/user')).json();
 * ```
 */
export class OAuth2Session {
  readonly clientId: string;
  readonly #o: OAuth2SessionOptions;
  #clientSecret: string | undefined;
  #token: Token | undefined;
  #state: string | undefined;
  #codeVerifier: string | undefined;
  readonly #hooks: HookRegistry;
  readonly #flight = new SingleFlight<Token>();
  /** Set by fetchClientCredentialsToken: how to get a new token when it expires. */
  #clientCredentials: { url: string | URL; options: ClientCredentialsOptions } | undefined;
  /** A refresh token the server answered invalid_grant for: never sent again. */
  #spentRefreshToken: string | undefined;

  constructor(options: OAuth2SessionOptions) {
    checkOptions(options);
    this.#o = options;
    this.clientId = options.clientId;
    this.#clientSecret = options.clientSecret;
    this.#token = options.token;
    this.#state = typeof options.state === 'string' ? options.state : undefined;
    this.#codeVerifier = options.codeVerifier;
    this.#hooks = new HookRegistry(options.hooks);
  }

  /** The current token, or undefined. Setting it does not call `onToken`. */
  get token(): Token | undefined {
    return this.#token;
  }
  set token(token: Token | undefined) {
    if (token !== undefined) checkToken(token);
    this.#token = token;
  }
  /** The current access token, or undefined. */
  get accessToken(): string | undefined {
    return this.#token?.access_token;
  }
  /** Whether the session holds an access token (expired or not). */
  get authorized(): boolean {
    return !!this.#token?.access_token;
  }
  /** The state of the last authorization URL (or the one given in options). */
  get state(): string | undefined {
    return this.#state;
  }
  /** The PKCE verifier of the last authorization URL (or the one given in options). */
  get codeVerifier(): string | undefined {
    return this.#codeVerifier;
  }
  /** The requested scope, as a list. */
  get scope(): string[] {
    return spaceScope(this.#o.scope);
  }

  /** Adds a compliance hook; hooks run in registration order (options' hooks first). */
  registerComplianceHook<K extends ComplianceHookName>(name: K, fn: ComplianceHookMap[K]): void {
    this.#hooks.register(name, fn);
  }

  /**
   * Builds the authorization URL (RFC 6749 section 4.1.1) with a fresh state and PKCE S256
   * challenge, and keeps both on the session.
   *
   * @throws TypeError when `extraParams` tries to set a reserved parameter
   */
  async authorizationUrl(
    url: string | URL,
    extraParams?: Record<string, string>,
  ): Promise<AuthorizationUrlResult> {
    const endpoint = secureUrl(url, 'authorization url', this.#insecure);
    const given = this.#o.state;
    const state =
      typeof given === 'function' ? given() : (given ?? randomString(defaults.stateBytes));
    if (typeof state !== 'string' || !state) throw misuse('state must be a non-empty string');
    const codeVerifier = this.#pkce ? (this.#o.codeVerifier ?? createCodeVerifier()) : undefined;
    const codeChallenge = codeVerifier && (await codeChallengeS256(codeVerifier));
    this.#state = state;
    this.#codeVerifier = codeVerifier;
    const built = buildAuthorizationUrl(endpoint, {
      clientId: this.clientId,
      redirectUri: this.#o.redirectUri,
      scope: this.scope,
      state,
      codeChallenge,
      extraParams,
    });
    return { url: built.href, state, codeVerifier };
  }

  /**
   * Exchanges an authorization code for a token (RFC 6749 section 4.1.3). With
   * `authorizationResponse`, the callback's state (then `iss`, with `issuer`) is checked first,
   * with no network call on failure.
   *
   * @throws MismatchingStateError, MismatchingIssuerError, MissingCodeError, AccessDeniedError
   *   (...) from the callback
   * @throws OAuth2Error subclasses from the token endpoint
   */
  async fetchToken(url: string | URL, options: FetchTokenOptions = {}): Promise<Token> {
    const code = this.#codeFrom(options);
    const codeVerifier = options.codeVerifier ?? this.#codeVerifier;
    if (this.#pkce && !codeVerifier)
      throw misuse('codeVerifier is required (or pkce: false)', 'ERR_MISSING_OPTION');
    const params = authorizationCodeParams({
      code,
      redirectUri: options.redirectUri ?? this.#o.redirectUri,
      codeVerifier: this.#pkce ? codeVerifier : undefined,
    });
    return this.#adopt(await this.#tokenCall('accessToken', url, params, options, this.scope));
  }

  /**
   * Client credentials grant (RFC 6749 section 4.4). The session remembers the request and
   * fetches a new token the same way when this one expires (there is no refresh token).
   */
  async fetchClientCredentialsToken(
    url: string | URL,
    options: ClientCredentialsOptions = {},
  ): Promise<Token> {
    const { signal: _ignored, ...kept } = options;
    this.#clientCredentials = { url, options: kept };
    return this.#adopt(await this.#clientCredentialsCall(options));
  }

  /**
   * Resource owner password credentials grant (RFC 6749 section 4.3).
   *
   * @deprecated Legacy: RFC 9700 section 2.4 says it MUST NOT be used; for migrations only.
   */
  async fetchPasswordToken(url: string | URL, options: PasswordTokenOptions): Promise<Token> {
    const scope = options.scope === undefined ? this.scope : spaceScope(options.scope);
    const params = passwordParams(options.username, options.password, scope);
    return this.#adopt(await this.#tokenCall('accessToken', url, params, options, scope));
  }

  /**
   * Refreshes the token (RFC 6749 section 6), with client authentication, keeping the old
   * refresh token when the answer has none. Concurrent calls share one request; a refresh is
   * never retried (the old refresh token may already be spent).
   *
   * @param url the token endpoint; default `autoRefreshUrl`
   * @throws InvalidGrantError when the server refuses the refresh token (it is not sent again)
   */
  refreshToken(url?: string | URL, options: RefreshTokenOptions = {}): Promise<Token> {
    return this.#flight.run(() => this.#coordinated(() => this.#refreshCall(url, options)));
  }

  /**
   * Revokes the session's token at `url` (RFC 7009) and forgets it: afterwards the session has
   * no token. The client authenticates as for the token endpoint. A server that does not know
   * the token still answers 200, so revoking twice is not an error.
   *
   * @example
   * ```ts
   * await session.revokeToken(REVOCATION_URL); // the refresh token when there is one
   * ```
   * @see RFC 7009
   * @throws OAuth2Error (`unsupported_token_type`, `invalid_client`, `OAUTH_HTTP_ERROR`, ...)
   */
  async revokeToken(url: string | URL, options: RevokeTokenOptions = {}): Promise<void> {
    const token = this.#token;
    if (!token) throw misuse('session has no token', 'ERR_NO_TOKEN');
    const hint = options.tokenTypeHint ?? (token.refresh_token ? 'refresh_token' : 'access_token');
    const value = hint === 'refresh_token' ? token.refresh_token : token.access_token;
    if (!value) throw misuse('token has no refresh_token', 'ERR_NO_TOKEN');
    const endpoint = secureUrl(url, 'revocation url', this.#insecure);
    const parts = revocationRequest(endpoint, value, hint, this.#client(), options.headers);
    await this.#post(parts, options.signal, (response) =>
      readRevocationResponse(response, this.#maxResponseBytes),
    );
    this.#token = undefined;
  }

  /**
   * `fetch` with the access token: same shape as the global fetch, plus `Authorization: Bearer`
   * (RFC 6750 section 2.1). Refreshes first when the token is about to expire, and once more
   * on a 401 `invalid_token` challenge, then retries once (only when the body can be replayed:
   * a `ReadableStream` body is not, and the 401 is answered as is).
   *
   * @throws TokenExpiredError, UnsupportedTokenTypeError, InsecureTransportError
   */
  async fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    const isRequest = input instanceof Request;
    checkRequestUrl(isRequest ? input.url : String(input), 'request url', () => this.#insecure);
    // A Request's body is read by the first send; a clone keeps it for the retry.
    const spare = isRequest && input.body ? input.clone() : undefined;
    const token = await this.#freshToken();
    const response = await this.#sendWith(input, init, token);
    if (response.status !== 401 || !this.#canRenew(token) || !replayable(init)) return response;
    if (!INVALID_TOKEN.test(response.headers.get('www-authenticate') ?? '')) return response;
    void response.body?.cancel().catch(() => {});
    return this.#sendWith(spare ?? input, init, await this.#renewAfterRejection(token));
  }

  /** `fetch(url, { ...init, method: 'GET' })`. */
  get(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.#method('GET', url, init);
  }
  /** `fetch(url, { ...init, method: 'POST' })`. */
  post(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.#method('POST', url, init);
  }
  /** `fetch(url, { ...init, method: 'PUT' })`. */
  put(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.#method('PUT', url, init);
  }
  /** `fetch(url, { ...init, method: 'PATCH' })`. */
  patch(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.#method('PATCH', url, init);
  }
  /** `fetch(url, { ...init, method: 'DELETE' })`. */
  delete(url: string | URL, init?: RequestInit): Promise<Response> {
    return this.#method('DELETE', url, init);
  }

  #method(method: HttpMethod, url: string | URL, init?: RequestInit): Promise<Response> {
    return this.fetch(url, { ...init, method });
  }

  get #pkce(): boolean {
    return this.#o.pkce !== false;
  }
  get #insecure(): boolean {
    return insecureAllowed(this.#o.allowInsecureTransport);
  }
  get #fetchImpl(): FetchLike {
    return this.#o.fetch ?? globalFetch;
  }
  #now(): number {
    return this.#o.clock ? this.#o.clock() : Date.now();
  }

  #codeFrom(options: FetchTokenOptions): string {
    if (options.authorizationResponse !== undefined) {
      const state = options.state ?? this.#state;
      if (!state)
        throw misuse('state is required to check authorizationResponse', 'ERR_MISSING_OPTION');
      return readAuthorizationResponse(options.authorizationResponse, state, {
        issuer: this.#o.issuer,
        requireIssuer: this.#o.requireIssuer,
      });
    }
    if (typeof options.code === 'string' && options.code) return options.code;
    throw misuse('fetchToken needs authorizationResponse or code', 'ERR_MISSING_OPTION');
  }

  /** One token endpoint round trip: build, hooks, send (no redirects), hooks, read. */
  async #tokenCall(
    kind: 'accessToken' | 'refreshToken',
    url: string | URL,
    params: TokenParams,
    options: TokenRequestOptions,
    requestedScope: string[] | undefined,
  ): Promise<Token> {
    if (options.clientSecret !== undefined) this.#clientSecret = options.clientSecret;
    const endpoint = secureUrl(url, 'token url', this.#insecure);
    let parts = tokenRequest(
      endpoint,
      { ...options.extraParams, ...params },
      this.#client(),
      options.headers,
    );
    parts = await this.#hooks.request(`${kind}Request`, parts);
    parts.url = secureUrl(parts.url, 'token url', this.#insecure);
    const token = await this.#post(parts, options.signal, async (sent) =>
      readTokenResponse(await this.#hooks.response(`${kind}Response`, sent), {
        nowSeconds: this.#now() / 1000,
        requestedScope,
        maxBytes: this.#maxResponseBytes,
      }),
    );
    this.#reportScope(requestedScope, token);
    return token;
  }

  /** The client's identity and authentication method for endpoint requests. */
  #client(): ClientCredentials {
    return {
      clientId: this.clientId,
      clientSecret: this.#clientSecret,
      method: this.#o.clientAuth,
    };
  }

  /**
   * POSTs endpoint request parts (no redirects) and reads the answer within one deadline: it
   * covers the body read too, so a server that drips an endless body times out.
   */
  async #post<T>(
    parts: TokenRequestParts,
    signal: AbortSignal | undefined,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const [href, init] = toFetchArgs(parts);
    const limit = deadline(this.#timeoutMs, signal);
    try {
      return await read(await send(this.#fetchImpl, href, init, limit));
    } catch (error) {
      throw failure(error, limit, signal);
    } finally {
      limit.clear();
    }
  }

  get #maxResponseBytes(): number {
    return this.#o.maxResponseBytes ?? defaults.maxResponseBytes;
  }

  get #timeoutMs(): number {
    return this.#o.timeoutMs ?? defaults.timeoutMs;
  }

  #reportScope(requested: string[] | undefined, token: Token): void {
    const granted = token.scope;
    if (!requested?.length || !granted || sameScope(requested, granted)) return;
    this.#o.onScopeChanged?.({ requested: [...requested], granted: [...granted], token });
  }

  async #adopt(token: Token): Promise<Token> {
    this.#token = token;
    await this.#o.onToken?.(token);
    return token;
  }

  /** Lets the coordinator answer (or obtain) the new token, then adopts it. */
  async #coordinated(direct: () => Promise<Token>): Promise<Token> {
    const stale = this.#token;
    const coordinator = this.#o.refreshCoordinator;
    if (!coordinator || !stale) return this.#adopt(await direct());
    const token = await coordinator(direct, stale);
    if (token.access_token !== stale.access_token) return this.#adopt(token);
    this.#token = token;
    return token;
  }

  async #refreshCall(url: string | URL | undefined, options: RefreshTokenOptions): Promise<Token> {
    const stale = this.#token;
    const refreshToken = stale?.refresh_token;
    if (!refreshToken) throw misuse('token has no refresh_token', 'ERR_NO_TOKEN');
    const target = url ?? this.#o.autoRefreshUrl;
    if (!target) throw misuse('refreshToken needs a url or autoRefreshUrl', 'ERR_MISSING_OPTION');
    if (refreshToken === this.#spentRefreshToken)
      throw new InvalidGrantError('refresh token was refused before', { error: 'invalid_grant' });
    const scope = options.scope === undefined ? undefined : spaceScope(options.scope);
    const params = { ...this.#o.autoRefreshParams, ...refreshTokenParams(refreshToken, scope) };
    try {
      const token = await this.#tokenCall(
        'refreshToken',
        target,
        params,
        options,
        scope ?? stale.scope,
      );
      return { ...token, refresh_token: token.refresh_token ?? refreshToken };
    } catch (error) {
      if (error instanceof InvalidGrantError) this.#spentRefreshToken = refreshToken;
      throw error;
    }
  }

  #clientCredentialsCall(options: ClientCredentialsOptions): Promise<Token> {
    const scope = options.scope === undefined ? this.scope : spaceScope(options.scope);
    const url = this.#clientCredentials!.url;
    return this.#tokenCall('accessToken', url, clientCredentialsParams(scope), options, scope);
  }

  #canRenew(token: Token): boolean {
    return !!this.#clientCredentials || !!(this.#o.autoRefreshUrl && token.refresh_token);
  }

  /** Renews through the single-flight: refresh when possible, else client credentials again. */
  #renew(stale: Token): Promise<Token> {
    return this.#flight.run(() =>
      this.#coordinated(() =>
        stale.refresh_token && this.#o.autoRefreshUrl
          ? this.#refreshCall(undefined, {})
          : this.#clientCredentialsCall(this.#clientCredentials!.options),
      ),
    );
  }

  async #freshToken(): Promise<Token> {
    const token = this.#token;
    if (!token) throw misuse('session has no token', 'ERR_NO_TOKEN');
    const now = this.#now();
    if (!isExpired(token, now, this.#o.expiryLeewaySeconds ?? defaults.expiryLeewaySeconds))
      return token;
    if (this.#canRenew(token)) return this.#renewEarly(token, now);
    if (isExpired(token, now)) throw new TokenExpiredError('access token expired');
    return token;
  }

  /**
   * Renews a token that is about to expire. When the renewal fails for a transient reason (5xx,
   * timeout, network) while the token is still valid, the token is used as is: the next request
   * tries again, and the session is not lost to a provider hiccup (issue 5, case 14). A refused
   * grant, or a token already expired, is the caller's error.
   */
  async #renewEarly(token: Token, now: number): Promise<Token> {
    try {
      return await this.#renew(token);
    } catch (error) {
      if (isExpired(token, now) || !isTransient(error)) throw error;
      return token;
    }
  }

  /** After a 401: renew unless another caller already replaced the rejected token. */
  #renewAfterRejection(rejected: Token): Promise<Token> {
    const current = this.#token;
    if (current && current.access_token !== rejected.access_token) return Promise.resolve(current);
    return this.#renew(rejected);
  }

  async #sendWith(input: RequestInfo | URL, init: RequestInit, token: Token): Promise<Response> {
    if (token.token_type.toLowerCase() !== 'bearer') {
      throw new UnsupportedTokenTypeError('unsupported token_type');
    }
    const headers = new Headers(input instanceof Request ? input.headers : undefined);
    if (init.headers) copyHeaders(new Headers(init.headers), headers);
    headers.set('authorization', `Bearer ${token.access_token}`);
    let target = input;
    if (this.#hooks.has('protectedRequest')) target = await this.#protectedHooks(input, headers);
    // The deadline ends with the response headers: the body belongs to the caller, who bounds
    // a long download with its own signal.
    const limit = deadline(this.#timeoutMs, callerSignal(input, init));
    try {
      return await send(this.#fetchImpl, target, { ...init, headers }, limit);
    } finally {
      limit.clear();
    }
  }

  async #protectedHooks(input: RequestInfo | URL, headers: Headers): Promise<RequestInfo | URL> {
    const url = input instanceof Request ? input.url : String(input);
    const parts: ProtectedRequestParts = await this.#hooks.request('protectedRequest', {
      url,
      headers,
    });
    if (parts.headers !== headers) copyHeaders(parts.headers, headers);
    if (parts.url === url) return input;
    secureUrl(parts.url, 'request url', this.#insecure);
    return input instanceof Request ? new Request(parts.url, input) : parts.url;
  }
}

/** The global fetch, looked up at call time (so a later stub or polyfill is used). */
const globalFetch: FetchLike = (input, init) => globalThis.fetch(input, init);

/** Failures that say nothing about the grant: the provider or the network had trouble. */
const TRANSIENT = new Set<OAuth2Error['code']>([
  'OAUTH_SERVER_ERROR',
  'OAUTH_TEMPORARILY_UNAVAILABLE',
  'OAUTH_TIMEOUT',
  'OAUTH_NETWORK_ERROR',
]);

function isTransient(error: unknown): boolean {
  if (!(error instanceof OAuth2Error)) return false;
  if (error.code === 'OAUTH_HTTP_ERROR') return (error.status ?? 0) >= 500;
  return TRANSIENT.has(error.code);
}

function copyHeaders(from: Headers, to: Headers): void {
  for (const [name, value] of from) to.set(name, value);
}

/** A ReadableStream body cannot be sent twice; everything else fetch accepts can. */
function replayable(init: RequestInit): boolean {
  return !(init.body instanceof ReadableStream);
}
