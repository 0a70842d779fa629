/**
 * `OAuth2Session`: the facade. It holds one client's configuration and composes the modules
 * that hold the rules: the authorization request and response, the grants, the endpoint
 * pipeline, the token lifecycle and resource requests, all over one transport.
 *
 * @module
 */

import { buildAuthorizationUrl, newState } from './authorization-request.js';
import { codeOf } from './authorization-response.js';
import { type EndpointClient, sessionClient } from './endpoint.js';
import { misuse, OAuth2Error } from './errors.js';
import { exchangeCode } from './grants/authorization-code.js';
import { ClientCredentialsGrant } from './grants/client-credentials.js';
import { passwordParams } from './grants/password.js';
import { RefreshGrant } from './grants/refresh-token.js';
import { type ComplianceHookMap, type ComplianceHookName, HookRegistry } from './hooks.js';
import {
  type AuthorizationUrlOptions,
  type AuthorizationUrlResult,
  type ClientCredentialsOptions,
  checkOptions,
  checkToken,
  type FetchTokenOptions,
  type Logger,
  type OAuth2SessionOptions,
  type PasswordTokenOptions,
  type RefreshTokenOptions,
  type ResolvedOptions,
  type RevokeTokenOptions,
  resolveOptions,
  type SessionRequestInit,
  spaceScope,
  type TokenRequestOptions,
  type UrlArg,
  urlAndOptions,
} from './options.js';
import { codeChallengeS256, createCodeVerifier } from './pkce.js';
import {
  fetchWithToken,
  type ResourceClient,
  ResourceMethods,
  resourceClient,
} from './resource.js';
import { revoke } from './revocation.js';
import { checkedEndpoint, checkServer, type ServerEndpoint } from './server.js';
import type { Token } from './token.js';
import { bearer } from './token-attachment.js';
import { grantRequester } from './token-endpoint.js';
import { type Renewal, TokenLifecycle } from './token-lifecycle.js';
import { Transport } from './transport.js';

/**
 * An OAuth 2.0 client session (RFC 6749), after requests-oauthlib's `OAuth2Session`, with PKCE
 * S256 on, state checked before any network call, typed errors and coalesced refresh. With a
 * `server` (or a `provider` preset), every method's URL argument may be left out.
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
export class OAuth2Session extends ResourceMethods {
  /** Read-only: it identifies the client in every stored token, state and PKCE binding. */
  readonly clientId: string;
  readonly #o: OAuth2SessionOptions;
  /** What the preset and the server settle. */
  #r: ResolvedOptions;
  readonly #transport: Transport;
  readonly #hooks: HookRegistry;
  readonly #lifecycle: TokenLifecycle;
  readonly #refresh = new RefreshGrant();
  #client: EndpointClient | undefined;
  #resource: ResourceClient | undefined;
  #clientSecret: string | undefined;
  #state: string | undefined;
  #codeVerifier: string | undefined;
  #clientCredentials: ClientCredentialsGrant | undefined;

  constructor(o: OAuth2SessionOptions) {
    super();
    checkOptions(o);
    this.#o = o;
    this.#r = resolveOptions(o);
    this.clientId = o.clientId;
    this.#clientSecret = o.clientSecret;
    this.#state = typeof o.state === 'string' ? o.state : undefined;
    this.#codeVerifier = o.codeVerifier;
    this.#transport = new Transport(o);
    if (this.#r.server) checkServer(this.#r.server, this.#transport);
    this.#hooks = new HookRegistry(o.provider?.hooks, o.hooks);
    this.#lifecycle = new TokenLifecycle(o);
  }

  /** The session's side of the endpoint pipeline, made on first use (a web app builds a session per request). */
  get #endpointClient(): EndpointClient {
    const o = { ...this.#r, clientId: this.clientId, maxResponseBytes: this.#o.maxResponseBytes };
    this.#client ??= sessionClient(o, this.#transport, this.#hooks, () => this.#clientSecret);
    return this.#client;
  }

  get #resourceClient(): ResourceClient {
    this.#resource ??= resourceClient(
      this.clientId,
      this.#transport,
      this.#hooks,
      this.#o.tokenAttachment ?? bearer,
      this.#lifecycle,
      (token) => this.#renewal(token),
    );
    return this.#resource;
  }

  /** The current token, or undefined. Setting it does not call `onToken`. */
  get token(): Token | undefined {
    return this.#lifecycle.token;
  }
  set token(token: Token | undefined) {
    if (token !== undefined) checkToken(token);
    this.#lifecycle.token = token;
  }
  /**
   * The current access token, or undefined. Setting it replaces the token's `access_token` (or
   * makes a `Bearer` token), without calling `onToken`.
   */
  get accessToken(): string | undefined {
    return this.token?.access_token;
  }
  set accessToken(value: string) {
    this.token = { token_type: 'Bearer', ...this.token, access_token: value };
  }
  /** Whether the session holds an access token (expired or not). */
  get authorized(): boolean {
    return !!this.token?.access_token;
  }
  /** The state of the last authorization URL (or the one given in options). */
  get state(): string | undefined {
    return this.#state;
  }
  /** The PKCE verifier of the last authorization URL (or the one given in options). */
  get codeVerifier(): string | undefined {
    return this.#codeVerifier;
  }
  /** The requested scope, as a list; set a list or space-separated text for later requests. */
  get scope(): string[] {
    return spaceScope(this.#r.scope);
  }
  set scope(scope: string | readonly string[]) {
    this.#r = { ...this.#r, scope: spaceScope(scope) };
  }

  /** Adds a compliance hook; hooks run in registration order (the preset's, then options', first). */
  registerComplianceHook<K extends ComplianceHookName>(name: K, fn: ComplianceHookMap[K]): void {
    this.#hooks.register(name, fn);
  }

  /**
   * Builds the authorization URL (RFC 6749 section 4.1.1) with a fresh state and PKCE S256
   * challenge, and keeps both on the session.
   *
   * @param url default the server's `authorization_endpoint`
   * @param options.state this URL's state (a non-empty string), in place of a fresh one
   * @throws TypeError when `extraParams` tries to set a reserved parameter, or for an empty state
   */
  async authorizationUrl(
    url?: string | URL,
    extraParams?: Record<string, string>,
    options?: AuthorizationUrlOptions,
  ): Promise<AuthorizationUrlResult> {
    const endpoint = this.#endpoint(url, 'authorization');
    const state = newState(options?.state ?? this.#o.state);
    const codeVerifier =
      this.#o.pkce !== false ? (this.#o.codeVerifier ?? createCodeVerifier()) : undefined;
    const codeChallenge = codeVerifier && (await codeChallengeS256(codeVerifier));
    this.#state = state;
    this.#codeVerifier = codeVerifier;
    const built = buildAuthorizationUrl(
      endpoint,
      {
        clientId: this.clientId,
        redirectUri: this.#o.redirectUri,
        scope: this.scope,
        state,
        codeChallenge,
        extraParams,
      },
      this.#o.provider,
    );
    return { url: built.href, state, codeVerifier };
  }

  /**
   * A fresh state of 256 random bits, kept on the session as {@link authorizationUrl} keeps its
   * own (requests-oauthlib's `new_state`): for an authorization URL built elsewhere.
   */
  newState(): string {
    this.#state = newState(undefined);
    return this.#state;
  }

  /**
   * Exchanges an authorization code for a token (RFC 6749 section 4.1.3). With
   * `authorizationResponse`, the callback's state (then `iss`, with `issuer`) is checked first,
   * with no network call on failure.
   *
   * @param url default the server's `token_endpoint`; may be left out: `fetchToken(options)`
   * @throws MismatchingStateError, MismatchingIssuerError, MissingCodeError, AccessDeniedError
   *   (...) from the callback
   * @throws OAuth2Error subclasses from the token endpoint
   */
  async fetchToken(
    url?: UrlArg | FetchTokenOptions,
    options: FetchTokenOptions = {},
  ): Promise<Token> {
    const [target, o] = urlAndOptions(url, options);
    const code = codeOf(o, o.state ?? this.#state, this.#r);
    return this.#lifecycle.adopt(
      await exchangeCode(this.#requester(o), {
        ...o,
        url: this.#endpoint(target, 'token'),
        code,
        redirectUri: o.redirectUri ?? this.#o.redirectUri,
        codeVerifier: o.codeVerifier ?? this.#codeVerifier,
        pkce: this.#o.pkce !== false,
        scope: this.scope,
      }),
    );
  }

  /**
   * Client credentials grant (RFC 6749 section 4.4). The session remembers the request and
   * fetches a new token the same way when this one expires (there is no refresh token).
   *
   * @param url default the server's `token_endpoint`; may be left out
   */
  async fetchClientCredentialsToken(
    url?: UrlArg | ClientCredentialsOptions,
    options: ClientCredentialsOptions = {},
  ): Promise<Token> {
    const [target, { signal, ...kept }] = urlAndOptions(url, options);
    const scope = spaceScope(kept.scope ?? this.#r.scope);
    const call = { ...kept, url: this.#endpoint(target, 'token'), scope };
    this.#clientCredentials = new ClientCredentialsGrant(call);
    return this.#lifecycle.adopt(
      await this.#clientCredentials.request(this.#requester(kept), signal),
    );
  }

  /**
   * Resource owner password credentials grant (RFC 6749 section 4.3).
   *
   * @deprecated Legacy: RFC 9700 section 2.4 says it MUST NOT be used; for migrations only.
   */
  async fetchPasswordToken(url: UrlArg, options: PasswordTokenOptions): Promise<Token> {
    const scope = spaceScope(options.scope ?? this.#r.scope);
    const params = passwordParams(options.username, options.password, scope);
    const call = { ...options, url: this.#endpoint(url, 'token'), params, requestedScope: scope };
    return this.#lifecycle.adopt(await this.#requester(options)(call));
  }

  /**
   * Refreshes the token (RFC 6749 section 6), with client authentication, keeping the old
   * refresh token when the answer has none. Concurrent calls share one request; a refresh is
   * never retried (the old refresh token may already be spent).
   *
   * @param url the token endpoint; default `autoRefreshUrl`, else the server's `token_endpoint`
   * @throws InvalidGrantError when the server refuses the refresh token (it is not sent again)
   */
  refreshToken(url?: UrlArg, options: RefreshTokenOptions = {}): Promise<Token> {
    return this.#lifecycle.renew(() => this.#refreshCall(url, options));
  }

  /**
   * Revokes the session's token (RFC 7009) and forgets it: afterwards the session has no token.
   * The client authenticates as for the token endpoint. A server that does not know the token
   * still answers 200, so revoking twice is not an error.
   *
   * @param url default the server's `revocation_endpoint`
   * @see RFC 7009
   * @throws OAuth2Error (`unsupported_token_type`, `invalid_client`, `OAUTH_HTTP_ERROR`, ...)
   */
  async revokeToken(url?: UrlArg, options: RevokeTokenOptions = {}): Promise<void> {
    const token = this.token;
    if (!token) throw misuse('session has no token', 'ERR_NO_TOKEN');
    const target = this.#endpoint(url, 'revocation');
    await revoke(this.#endpointClient, {
      ...options,
      url: target,
      token,
      hint: options.tokenTypeHint,
    });
    this.#lifecycle.token = undefined;
  }

  /**
   * `fetch` with the token attached by the session's strategy (Bearer, RFC 6750 section 2.1),
   * renewed first when about to expire and once after a 401 `invalid_token` (then retried, when
   * the body can be sent again). The timeout and the caller's signal bound the whole exchange,
   * body included; a redirect to another origin never carries the token. A
   * {@link SessionRequestInit} with `withholdToken: true` sends one request without it (typed as
   * the global `fetch` takes it; the verb methods take a `SessionRequestInit` literal).
   *
   * @throws TokenExpiredError, UnsupportedTokenTypeError, InsecureTransportError, TimeoutError
   */
  override fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    return fetchWithToken(this.#resourceClient, input, init);
  }

  /** The URL given, else the server's; held to the transport's rule either way. */
  #endpoint(url: UrlArg, endpoint: ServerEndpoint): URL {
    return checkedEndpoint(this.#transport, this.#r.server, url, endpoint);
  }

  /** The token requests of one call, after its `clientSecret` (remembered for later refreshes). */
  #requester(options: TokenRequestOptions) {
    if (options.clientSecret !== undefined) this.#clientSecret = options.clientSecret;
    return grantRequester(this.#endpointClient, this.#o);
  }

  #refreshCall(url: UrlArg, options: RefreshTokenOptions): Promise<Token> {
    const target = url ?? this.#r.autoRefreshUrl;
    if (!target) throw misuse('refreshToken needs a url or autoRefreshUrl', 'ERR_MISSING_OPTION');
    const checked = this.#transport.checkUrl(target, 'token url');
    const refreshing = this.#refresh.refresh(this.#requester(options), this.token, {
      ...options,
      url: checked,
      scope: options.scope === undefined ? undefined : spaceScope(options.scope),
      extraParams: { ...this.#o.autoRefreshParams, ...options.extraParams },
    });
    return this.#o.logger ? logRefresh(this.#o.logger, refreshing, checked.host) : refreshing;
  }

  /** How the current token can be renewed: refresh when possible, else client credentials again. */
  #renewal(token: Token): Renewal {
    if (token.refresh_token && this.#r.autoRefreshUrl)
      return () => this.#refreshCall(undefined, {});
    const grant = this.#clientCredentials;
    return grant && (() => grant.request(this.#requester({})));
  }
}

/** Only RFC-shaped codes are logged (a server's `error` is its own text). */
const LOGGED_CODE = /^[a-z0-9_.-]{1,64}$/i;

/** One line per refresh that reached the token endpoint: its outcome and host, no token. */
async function logRefresh(logger: Logger, refreshing: Promise<Token>, host: string) {
  try {
    const token = await refreshing;
    bestEffort(() =>
      logger.info?.(
        { event: 'oauth2.refresh.succeeded', host },
        `refresh at ${host}: token renewed`,
      ),
    );
    return token;
  } catch (error) {
    const rfc = error instanceof OAuth2Error ? error.error : undefined;
    const own = error instanceof OAuth2Error ? error.code : 'unknown_error';
    const code = rfc && LOGGED_CODE.test(rfc) ? rfc : own;
    bestEffort(() =>
      logger.warn?.(
        { event: 'oauth2.refresh.failed', host, code },
        `refresh at ${host} failed (${code})`,
      ),
    );
    throw error;
  }
}

/** A logger that throws must not turn a refresh into a failure (or hide the real one). */
function bestEffort(write: () => void): void {
  try {
    write();
  } catch {
    // logging is best effort
  }
}
