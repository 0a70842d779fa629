/**
 * `OAuth2Session`: the facade. It holds one client's configuration and composes the modules
 * that hold the rules: the authorization request and response, the grants, the endpoint
 * pipeline, the token lifecycle and resource requests, all over one transport.
 *
 * @module
 */

import { buildAuthorizationUrl } from './authorization-request.js';
import { readAuthorizationResponse } from './authorization-response.js';
import { type ClientAuthentication, resolveClientAuth } from './client-auth.js';
import type { EndpointClient } from './endpoint.js';
import { misuse } from './errors.js';
import { exchangeCode } from './grants/authorization-code.js';
import { ClientCredentialsGrant } from './grants/client-credentials.js';
import { passwordParams } from './grants/password.js';
import { RefreshGrant } from './grants/refresh-token.js';
import type { GrantRequest } from './grants/token-requester.js';
import { type ComplianceHookMap, type ComplianceHookName, HookRegistry } from './hooks.js';
import {
  checkOptions,
  checkToken,
  defaults,
  type OAuth2SessionOptions,
  type ResolvedOptions,
  resolveOptions,
  type TokenRequestOptions,
} from './options.js';
import { codeChallengeS256, createCodeVerifier } from './pkce.js';
import { randomString } from './random.js';
import { fetchWithToken, type ResourceClient } from './resource.js';
import { revoke, type TokenTypeHint } from './revocation.js';
import { checkServer, endpointUrl, type ServerEndpoint } from './server.js';
import { parseScope, sameScope, type Token } from './token.js';
import { bearer } from './token-attachment.js';
import { requestToken } from './token-endpoint.js';
import { type Renewal, TokenLifecycle } from './token-lifecycle.js';
import { Transport } from './transport.js';

export {
  defaults,
  type OAuth2SessionOptions,
  type RefreshCoordinator,
  type ScopeChange,
  type TokenRequestOptions,
} from './options.js';

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
type UrlArg = string | URL | undefined;

const spaceScope = (s: string | readonly string[] | undefined) => parseScope(s, /\s+/);
/** `fetchToken(options)` as well as `fetchToken(url, options)`, now that a server gives the URL. */
const isUrl = (v: unknown): v is string | URL => typeof v === 'string' || v instanceof URL;

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
export class OAuth2Session {
  readonly clientId: string;
  readonly #o: ResolvedOptions;
  readonly #transport: Transport;
  readonly #hooks: HookRegistry;
  readonly #lifecycle: TokenLifecycle;
  readonly #refresh = new RefreshGrant();
  #clientSecret: string | undefined;
  #state: string | undefined;
  #codeVerifier: string | undefined;
  #clientCredentials: ClientCredentialsGrant | undefined;
  readonly #resource: ResourceClient;

  constructor(options: OAuth2SessionOptions) {
    checkOptions(options);
    const o = resolveOptions(options);
    this.#o = o;
    this.clientId = o.clientId;
    this.#clientSecret = o.clientSecret;
    this.#state = typeof o.state === 'string' ? o.state : undefined;
    this.#codeVerifier = o.codeVerifier;
    this.#transport = new Transport(o);
    if (o.server) checkServer(o.server, this.#transport);
    this.#hooks = new HookRegistry(o.provider?.hooks, o.hooks);
    this.#lifecycle = new TokenLifecycle({
      token: o.token,
      onToken: o.onToken,
      coordinator: o.refreshCoordinator,
      leewaySeconds: o.expiryLeewaySeconds ?? defaults.expiryLeewaySeconds,
      now: o.clock ?? Date.now,
    });
    this.#resource = this.#resourceClient();
  }

  /** The current token, or undefined. Setting it does not call `onToken`. */
  get token(): Token | undefined {
    return this.#lifecycle.token;
  }
  set token(token: Token | undefined) {
    if (token !== undefined) checkToken(token);
    this.#lifecycle.token = token;
  }
  /** The current access token, or undefined. */
  get accessToken(): string | undefined {
    return this.token?.access_token;
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
  /** The requested scope, as a list. */
  get scope(): string[] {
    return spaceScope(this.#o.scope);
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
   * @throws TypeError when `extraParams` tries to set a reserved parameter
   */
  async authorizationUrl(
    url?: string | URL,
    extraParams?: Record<string, string>,
  ): Promise<AuthorizationUrlResult> {
    const endpoint = this.#endpoint(url, 'authorization', 'authorization url');
    const given = this.#o.state;
    const state =
      typeof given === 'function' ? given() : (given ?? randomString(defaults.stateBytes));
    if (typeof state !== 'string' || !state)
      throw misuse('state must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
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
   * @param url default the server's `token_endpoint`
   * @throws MismatchingStateError, MismatchingIssuerError, MissingCodeError, AccessDeniedError
   *   (...) from the callback
   * @throws OAuth2Error subclasses from the token endpoint
   */
  async fetchToken(
    url?: UrlArg | FetchTokenOptions,
    options: FetchTokenOptions = {},
  ): Promise<Token> {
    if (!isUrl(url) && url !== undefined) return this.fetchToken(undefined, url);
    const code = this.#codeFrom(options);
    const token = await exchangeCode(this.#requester(options), {
      ...options,
      url: this.#endpoint(url, 'token', 'token url'),
      code,
      redirectUri: options.redirectUri ?? this.#o.redirectUri,
      codeVerifier: options.codeVerifier ?? this.#codeVerifier,
      pkce: this.#pkce,
      scope: this.scope,
    });
    return this.#lifecycle.adopt(token);
  }

  /**
   * Client credentials grant (RFC 6749 section 4.4). The session remembers the request and
   * fetches a new token the same way when this one expires (there is no refresh token).
   *
   * @param url default the server's `token_endpoint`
   */
  async fetchClientCredentialsToken(
    url?: UrlArg | ClientCredentialsOptions,
    options: ClientCredentialsOptions = {},
  ): Promise<Token> {
    if (!isUrl(url) && url !== undefined) return this.fetchClientCredentialsToken(undefined, url);
    const { signal, ...kept } = options;
    const scope = options.scope === undefined ? this.scope : spaceScope(options.scope);
    const endpoint = this.#endpoint(url, 'token', 'token url');
    this.#clientCredentials = new ClientCredentialsGrant({ ...kept, url: endpoint, scope });
    return this.#lifecycle.adopt(
      await this.#clientCredentials.request(this.#requester(options), signal),
    );
  }

  /**
   * Resource owner password credentials grant (RFC 6749 section 4.3).
   *
   * @deprecated Legacy: RFC 9700 section 2.4 says it MUST NOT be used; for migrations only.
   */
  async fetchPasswordToken(url: UrlArg, options: PasswordTokenOptions): Promise<Token> {
    const scope = options.scope === undefined ? this.scope : spaceScope(options.scope);
    const params = passwordParams(options.username, options.password, scope);
    const endpoint = this.#endpoint(url, 'token', 'token url');
    const requester = this.#requester(options);
    const token = await requester({ ...options, url: endpoint, params, requestedScope: scope });
    return this.#lifecycle.adopt(token);
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
   * @example
   * ```ts
   * await session.revokeToken(REVOCATION_URL); // the refresh token when there is one
   * ```
   * @param url default the server's `revocation_endpoint`
   * @see RFC 7009
   * @throws OAuth2Error (`unsupported_token_type`, `invalid_client`, `OAUTH_HTTP_ERROR`, ...)
   */
  async revokeToken(url?: UrlArg, options: RevokeTokenOptions = {}): Promise<void> {
    const token = this.token;
    if (!token) throw misuse('session has no token', 'ERR_NO_TOKEN');
    const endpoint = this.#endpoint(url, 'revocation', 'revocation url');
    await revoke(this.#endpointClient(), {
      ...options,
      url: endpoint,
      token,
      hint: options.tokenTypeHint,
    });
    this.#lifecycle.token = undefined;
  }

  /**
   * `fetch` with the access token: same shape as the global fetch, the token attached by the
   * session's strategy (`Authorization: Bearer`, RFC 6750 section 2.1). Refreshes first when the
   * token is about to expire, and once more on a 401 `invalid_token` challenge, then retries once
   * (only when the body can be replayed). The timeout and the caller's signal bound the whole
   * exchange, body included; redirects to another origin never carry the token.
   *
   * @throws TokenExpiredError, UnsupportedTokenTypeError, InsecureTransportError, TimeoutError
   */
  fetch(input: RequestInfo | URL, init: RequestInit = {}): Promise<Response> {
    return fetchWithToken(this.#resource, input, init);
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

  /** The URL given, else the server's; held to the transport's rule either way. */
  #endpoint(url: UrlArg, endpoint: ServerEndpoint, what: string): URL {
    const target = url ?? endpointUrl(this.#o.server, endpoint);
    if (target === undefined)
      throw misuse(`${what} is required (or a server with one)`, 'ERR_MISSING_OPTION');
    return this.#transport.checkUrl(target, what);
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

  /** The client's side of the endpoint pipeline, with the secret as it stands now. */
  #endpointClient(): EndpointClient {
    return {
      clientId: this.clientId,
      auth: this.#auth(),
      server: this.#o.server,
      transport: this.#transport,
      hooks: this.#hooks,
      maxResponseBytes: this.#o.maxResponseBytes ?? defaults.maxResponseBytes,
    };
  }

  #auth(): ClientAuthentication {
    return resolveClientAuth(this.#o.clientAuth, this.#clientSecret, this.#o.server);
  }

  /** The token requests of one call, after its `clientSecret` (remembered for later refreshes). */
  #requester(options: TokenRequestOptions) {
    if (options.clientSecret !== undefined) this.#clientSecret = options.clientSecret;
    const client = this.#endpointClient();
    return async (request: GrantRequest): Promise<Token> => {
      const params = { ...request.extraParams, ...request.params };
      const nowSeconds = (this.#o.clock ?? Date.now)() / 1000;
      const token = await requestToken(client, { ...request, params, nowSeconds });
      this.#reportScope(request.requestedScope, token);
      return token;
    };
  }

  #reportScope(requested: readonly string[] | undefined, token: Token): void {
    const granted = token.scope;
    if (!requested?.length || !granted || sameScope(requested, granted)) return;
    this.#o.onScopeChanged?.({ requested: [...requested], granted: [...granted], token });
  }

  #refreshCall(url: UrlArg, options: RefreshTokenOptions): Promise<Token> {
    const stale = this.token;
    if (!stale?.refresh_token) throw misuse('token has no refresh_token', 'ERR_NO_TOKEN');
    const target = url ?? this.#o.autoRefreshUrl;
    if (!target) throw misuse('refreshToken needs a url or autoRefreshUrl', 'ERR_MISSING_OPTION');
    const scope = options.scope === undefined ? undefined : spaceScope(options.scope);
    return this.#refresh.refresh(this.#requester(options), stale, {
      ...options,
      url: this.#transport.checkUrl(target, 'token url'),
      scope,
      extraParams: { ...this.#o.autoRefreshParams, ...options.extraParams },
    });
  }

  /** How the current token can be renewed: refresh when possible, else client credentials again. */
  #renewal(token: Token): Renewal {
    if (token.refresh_token && this.#o.autoRefreshUrl)
      return () => this.#refreshCall(undefined, {});
    const grant = this.#clientCredentials;
    return grant ? () => grant.request(this.#requester({})) : undefined;
  }

  #resourceClient(): ResourceClient {
    return {
      clientId: this.clientId,
      transport: this.#transport,
      hooks: this.#hooks,
      attachment: this.#o.tokenAttachment ?? bearer,
      fresh: () => this.#lifecycle.fresh(this.token && this.#renewal(this.token)),
      renewAfterRejection: (rejected) => {
        const renewal = this.#renewal(rejected);
        return renewal && this.#lifecycle.afterRejection(rejected, renewal);
      },
    };
  }
}
