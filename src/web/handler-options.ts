/**
 * The options of `createOAuthHandlers`, resolved once when the handlers are built: the server
 * description (the preset's or the app's, with the deprecated loose URLs folded in, in this one
 * place), the core client options forwarded whole to every `OAuth2Session`, the https rule on
 * every configured URL, and the handlers' own paths.
 *
 * @module
 */

import { misuse, requireString } from '../errors.js';
import type { ComplianceHooks } from '../hooks.js';
import { checkOptions, type OAuth2SessionOptions } from '../options.js';
import type { ProviderPreset, UserEndpoint } from '../provider.js';
import { type AuthorizationServer, checkServer } from '../server.js';
import type { Token } from '../token.js';
import { Transport } from '../transport.js';
import { isHttpsUrl } from './cookies.js';
import { createObserver, type OAuthEventHandler, type Observer } from './events.js';
import { consoleLogger, type Logger } from './logger.js';
import type { OpenIDLogin } from './openid.js';
import { type PageRenderers, resolvePages } from './pages.js';
import type { RefreshCoordinationOptions } from './refresh-coordinator.js';
import { byteLength, MAX_RETURN_PATH_BYTES, safeReturnPath } from './return-path.js';
import { OAUTH_ROUTE_PATHS } from './routes.js';
import type { SessionOptions } from './sessions.js';

/**
 * Endpoints and quirks of a provider, the first shape of `provider`.
 *
 * @deprecated pass a {@link ProviderPreset} (`githubProvider()`, `definePreset(...)`) or a `server`
 */
export interface ProviderEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  hooks?: ComplianceHooks | undefined;
}

/**
 * Fields of `OAuth2SessionOptions` the handlers set per request (the login's state and
 * verifier, the session's token and its refresh wiring), or hold as policy (PKCE S256 always),
 * or take in their own shape (`provider`, `issuer`, `requireIssuer`, `logger`: the handlers
 * report refreshes themselves, once per refresh, however many requests share it).
 *
 * @inline
 */
type NotForwarded =
  | 'state'
  | 'codeVerifier'
  | 'token'
  | 'onToken'
  | 'refreshCoordinator'
  | 'pkce'
  | 'provider'
  | 'issuer'
  | 'requireIssuer'
  | 'logger';

/** The core client options the handlers forward, unchanged, to every `OAuth2Session` they build. */
export type HandlerClientOptions = Omit<OAuth2SessionOptions, NotForwarded>;

/** Options of `createOAuthHandlers`: the core client options, plus the handlers' own. */
export interface OAuthHandlersOptions extends HandlerClientOptions {
  /**
   * A provider preset (`githubProvider()`, `definePreset(...)`): its server, hooks, client
   * authentication, default scope and user endpoint. `server` replaces its server description.
   */
  provider?: ProviderPreset | ProviderEndpoints | undefined;
  /** @deprecated use `server.authorization_endpoint` (or a `provider`) */
  authorizeUrl?: string | undefined;
  /** @deprecated use `server.token_endpoint` (or a `provider`) */
  tokenUrl?: string | undefined;
  /**
   * The provider's issuer identifier: a callback whose `iss` differs is a 400 error page, with
   * no token request (mix-up defence, RFC 9207; RFC 9700 section 4.4).
   *
   * @deprecated use `server.issuer`
   */
  issuer?: string | undefined;
  /**
   * The provider always sends `iss` (RFC 9207 section 3): a callback without it is refused.
   *
   * @deprecated use `server.authorization_response_iss_parameter_supported`
   */
  requireIssuer?: boolean | undefined;
  /** Extra authorization request parameters (e.g. `{ prompt: 'consent' }`). */
  authorizationParams?: Record<string, string> | undefined;
  /**
   * The app's public origin (`https://app.example`): cookies are `Secure` with the `__Host-`
   * prefix when it is https, and a POST logout must come from it (`Origin`). Default: the
   * origin of `redirectUri` for the cookies, and of the request URL (the adapter's `baseUrl`)
   * for the logout check. Set it, and give the adapters the same value as `baseUrl`.
   */
  appUrl?: string | undefined;
  /** Sessions; `secure` defaults to true when `appUrl` (else `redirectUri`) is https. */
  session: SessionOptions;
  /** Where the callback lands without a `return_to`. Default `'/'`. */
  afterLoginPath?: string | undefined;
  /** Where logout lands. Default `'/'`. */
  afterLogoutPath?: string | undefined;
  /** Where `withClient` sends a visitor with no token. Default `'/login'`. */
  loginPath?: string | undefined;
  /**
   * Called with the token on logout, after the revocation at the server's
   * `revocation_endpoint` when it has one; failures are ignored.
   */
  onLogout?: ((token: Token) => Promise<void> | void) | undefined;
  /** Cross-process refresh timing (when the store has a `refreshLock`). */
  refresh?: RefreshCoordinationOptions | undefined;
  /**
   * Sign users in with OpenID Connect: `openidLogin()` from `oauth2-session/oidc` (the web
   * entry itself never loads `jose`). The server must then have `issuer` and `jwks_uri`
   * (`discover()` answers both). Logins send a nonce (kept in the login transaction); the
   * callback verifies the ID token before anything is stored (a refused one is an error page,
   * no session); its claims are kept beside the token ({@link OAuthHandlers.claims}); every
   * refresh that brings an ID token verifies it against them (same `iss` and `sub`) and keeps
   * the new claims; logout sends the browser to the server's `end_session_endpoint` when it has
   * one.
   */
  openid?: OpenIDLogin | undefined;
  /**
   * Where the handlers report what the user does not see, one line per event (see
   * {@link OAuthEvent}): pino's shape, `debug/info/warn/error(fields, message)`, each level
   * optional (a pino instance fits). `info`: logins and refreshes that succeeded; `warn`: failed
   * logins (with their code), failed refreshes, failed revocations at logout, a refresh wait
   * that timed out; `debug`: waits for another process's refresh, 503 answers. Default
   * {@link consoleLogger}: `console.warn` / `console.error` with the plain message, nothing for
   * `debug` and `info`. Fields name events, error codes and hosts, never a token, secret, code,
   * state, cookie value or session id.
   */
  logger?: Logger | undefined;
  /** Called with every event the logger is given (for metrics or an audit trail). */
  onEvent?: OAuthEventHandler | undefined;
  /**
   * The handlers' pages (login error, logout refused, 503, and the app's logged-out and
   * profile pages through {@link OAuthHandlers.pages}), to brand them: a function per page
   * kind, given the page's data, answering HTML. Default {@link DEFAULT_PAGES}.
   */
  pages?: Partial<PageRenderers> | undefined;
}

/** Defaults of {@link OAuthHandlersOptions}. */
export const HANDLER_DEFAULTS = Object.freeze({
  afterLoginPath: '/',
  afterLogoutPath: '/',
  loginPath: OAUTH_ROUTE_PATHS.login,
});

/** The handlers' options, resolved and checked. */
export interface HandlerConfig {
  /** What every `OAuth2Session` of the handlers is built with, before its per-request fields. */
  client: OAuth2SessionOptions;
  server: AuthorizationServer;
  secure: boolean;
  /** The origin of `appUrl`, when configured. */
  appOrigin: string | undefined;
  /** Where events go: the logger (default the console's) and `onEvent`. */
  observer: Observer;
  /** The page renderers, defaults filled in. */
  pages: PageRenderers;
  afterLoginPath: string;
  afterLogoutPath: string;
  loginPath: string;
  /** The OpenID Connect login, when the handlers sign users in with it. */
  openid: OpenIDLogin | undefined;
}

/**
 * Every forwarded option, by name; options not here never reach the core (a JavaScript caller's
 * `pkce: false` included). A `Record` over every key, so a core option added later and not
 * listed here fails the type check.
 */
const FORWARDED_NAMES: Readonly<Record<keyof HandlerClientOptions, true>> = {
  clientId: true,
  clientSecret: true,
  server: true,
  redirectUri: true,
  scope: true,
  autoRefreshUrl: true,
  autoRefreshParams: true,
  onScopeChanged: true,
  clientAuth: true,
  tokenAttachment: true,
  allowInsecureTransport: true,
  fetch: true,
  timeoutMs: true,
  expiryLeewaySeconds: true,
  clock: true,
  maxResponseBytes: true,
  hooks: true,
};
const FORWARDED = Object.keys(FORWARDED_NAMES) as (keyof HandlerClientOptions)[];

/**
 * Resolves and checks the options: refused at start-up, not on the first login.
 *
 * @throws TypeError with a code on missing or bad options; InsecureTransportError for a
 *   plain-http URL on a non-loopback host (unless `allowInsecureTransport`)
 */
export function resolveHandlerConfig(options: OAuthHandlersOptions): HandlerConfig {
  requireString(options?.clientId, 'clientId');
  if (!options.session) throw misuse('session options are required', 'ERR_MISSING_OPTION');
  const server = handlerServer(options);
  if (options.requireIssuer && server.issuer === undefined)
    throw misuse('requireIssuer needs issuer', 'ERR_MISSING_OPTION');
  const preset = presetOf(options.provider);
  const client = clientOptions(options, server, preset);
  checkOptions(client);
  checkUrls(server, preset?.user, new Transport(options));
  const openid = checkOpenID(options.openid, client);
  const appOrigin = appOriginOf(options.appUrl);
  return {
    client,
    server,
    secure: options.session.secure ?? isHttpsUrl(appOrigin ?? options.redirectUri),
    appOrigin,
    observer: createObserver(options.logger ?? consoleLogger, options.onEvent),
    pages: resolvePages(options.pages),
    afterLoginPath: afterLoginPathOf(options.afterLoginPath),
    afterLogoutPath: safeReturnPath(options.afterLogoutPath ?? HANDLER_DEFAULTS.afterLogoutPath),
    loginPath: safeReturnPath(options.loginPath ?? HANDLER_DEFAULTS.loginPath),
    openid,
  };
}

/**
 * The OpenID login, tried once with the handlers' own options: a server it cannot serve (no
 * `issuer`, no `jwks_uri`, an algorithm it does not advertise) is refused at start-up, and so
 * is a `postLogoutRedirectUri` that is not an absolute http(s) URL.
 */
function checkOpenID(
  openid: OpenIDLogin | undefined,
  client: OAuth2SessionOptions,
): OpenIDLogin | undefined {
  if (openid === undefined) return undefined;
  if (typeof openid?.client !== 'function')
    throw misuse('openid must be an openidLogin() value', 'ERR_INVALID_ARG_TYPE');
  const after = openid.postLogoutRedirectUri;
  if (after !== undefined && !isHttpUrl(after))
    throw misuse('openid.postLogoutRedirectUri must be an absolute http or https url');
  openid.client(client);
  return openid;
}

function isHttpUrl(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  try {
    const { protocol } = new URL(value);
    return protocol === 'https:' || protocol === 'http:';
  } catch {
    return false;
  }
}

/** The origin of `appUrl`; refused unless it is an absolute http or https URL. */
function appOriginOf(appUrl: string | undefined): string | undefined {
  if (appUrl === undefined) return undefined;
  requireString(appUrl, 'appUrl');
  let url: URL | undefined;
  try {
    url = new URL(appUrl);
  } catch {}
  if (url?.protocol !== 'https:' && url?.protocol !== 'http:')
    throw misuse('appUrl must be an absolute http or https url');
  return url.origin;
}

/** The after-login path, which a login remembers when it has no (or too long a) return path. */
function afterLoginPathOf(path: string | undefined): string {
  const safe = safeReturnPath(path ?? HANDLER_DEFAULTS.afterLoginPath);
  if (byteLength(safe) > MAX_RETURN_PATH_BYTES)
    throw misuse(`afterLoginPath must be at most ${MAX_RETURN_PATH_BYTES} bytes`);
  return safe;
}

function presetOf(provider: OAuthHandlersOptions['provider']): ProviderPreset | undefined {
  return provider && 'server' in provider ? provider : undefined;
}

/**
 * The one server description of the handlers: `server`, else the preset's, with the
 * deprecated loose options (`authorizeUrl`, `tokenUrl`, `issuer`, `requireIssuer`, a
 * {@link ProviderEndpoints} provider) laid over it.
 */
export function handlerServer(options: OAuthHandlersOptions): AuthorizationServer {
  const provider = options.provider;
  const legacy = provider && !('server' in provider) ? provider : undefined;
  const base = options.server ?? presetOf(provider)?.server ?? {};
  const server: AuthorizationServer = { ...base };
  const authorize = options.authorizeUrl ?? legacy?.authorizeUrl;
  const token = options.tokenUrl ?? legacy?.tokenUrl;
  if (authorize !== undefined) server.authorization_endpoint = authorize;
  if (token !== undefined) server.token_endpoint = token;
  if (options.issuer !== undefined) server.issuer = options.issuer;
  if (options.requireIssuer !== undefined)
    server.authorization_response_iss_parameter_supported = options.requireIssuer;
  return server;
}

/** The forwarded options, with the resolved server and the preset. */
function clientOptions(
  options: OAuthHandlersOptions,
  server: AuthorizationServer,
  preset: ProviderPreset | undefined,
): OAuth2SessionOptions {
  const forwarded: Record<string, unknown> = {};
  for (const name of FORWARDED) if (options[name] !== undefined) forwarded[name] = options[name];
  const legacy = preset ? undefined : (options.provider as ProviderEndpoints | undefined);
  return {
    ...(forwarded as HandlerClientOptions),
    clientId: options.clientId,
    server,
    provider: preset,
    // A ProviderEndpoints provider's hooks stood in for `hooks`; a preset's run before them.
    hooks: options.hooks ?? legacy?.hooks,
  };
}

/** Both endpoints of the flow exist, and every configured URL keeps the https rule. */
function checkUrls(
  server: AuthorizationServer,
  user: UserEndpoint | undefined,
  transport: Transport,
): void {
  if (!server.authorization_endpoint)
    throw misuse('server.authorization_endpoint (or provider) is required', 'ERR_MISSING_OPTION');
  if (!server.token_endpoint)
    throw misuse('server.token_endpoint (or provider) is required', 'ERR_MISSING_OPTION');
  checkServer(server, transport);
  if (user) transport.checkUrl(user.url, 'user url');
}
