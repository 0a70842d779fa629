/**
 * Login, callback, logout and an authenticated-route helper over Web Request / Response:
 * the seed's Flask routes, for any framework.
 *
 * @module
 */

import {
  InvalidGrantError,
  misuse,
  optionalString,
  requireString,
  TokenExpiredError,
} from '../errors.js';
import type { ComplianceHooks } from '../hooks.js';
import { randomString } from '../random.js';
import { defaults, OAuth2Session, type OAuth2SessionOptions } from '../session.js';
import type { Token } from '../token.js';
import { type FetchLike, insecureAllowed, secureUrl } from '../transport.js';
import { isHttpsUrl } from './cookies.js';
import {
  isOAuth2Error,
  type LoginFailure,
  oauthFailure,
  transactionFailure,
} from './login-errors.js';
import { LoginTransactions, lockReplayGuard } from './login-transaction.js';
import {
  type CoordinatedSession,
  InProcessRefreshCoordinator,
  type RefreshCoordinationOptions,
  RefreshCoordinationTimeoutError,
  SessionEndedError,
  storeRefreshCoordinator,
  TOKEN_KEY,
  tokenOf,
} from './refresh-coordinator.js';
import { errorPage, jsonResponse, redirect, textResponse, withSetCookies } from './responses.js';
import { safeReturnPath } from './return-path.js';
import { type Session, SessionManager, type SessionOptions } from './sessions.js';
import { SessionStoreUnavailableError } from './stores/store.js';

/** Endpoints and quirks of a provider, e.g. `github` from `oauth2-session/providers`. */
export interface ProviderEndpoints {
  authorizeUrl: string;
  tokenUrl: string;
  hooks?: ComplianceHooks;
}

/** Options of {@link createOAuthHandlers}. */
export interface OAuthHandlersOptions {
  clientId: string;
  clientSecret?: string;
  /** Endpoints (and hooks) of a preset; `authorizeUrl` / `tokenUrl` / `hooks` override it. */
  provider?: ProviderEndpoints;
  authorizeUrl?: string;
  tokenUrl?: string;
  /** Compliance hooks passed to every `OAuth2Session`. */
  hooks?: ComplianceHooks;
  /** From configuration, never from Host headers; unset = not sent (the registered one is used). */
  redirectUri?: string;
  scope?: string | readonly string[];
  /** Extra authorization request parameters (e.g. `{ prompt: 'consent' }`). */
  authorizationParams?: Record<string, string>;
  /** Sessions; `secure` defaults to true when `redirectUri` is https. */
  session: SessionOptions;
  /** Where the callback lands without a `return_to`. Default `'/'`. */
  afterLoginPath?: string;
  /** Where logout lands. Default `'/'`. */
  afterLogoutPath?: string;
  /** Where {@link OAuthHandlers.withClient} sends a visitor with no token. Default `'/login'`. */
  loginPath?: string;
  /** Called with the token on logout (e.g. to revoke it, RFC 7009); failures are ignored. */
  onLogout?: (token: Token) => Promise<void> | void;
  /** Cross-process refresh timing (when the store has a `refreshLock`). */
  refresh?: RefreshCoordinationOptions;
  fetch?: FetchLike;
  allowInsecureTransport?: boolean;
  /** Per token request, milliseconds. Default: the core's (30 000). */
  timeoutMs?: number;
  /**
   * The provider's issuer identifier: a callback whose `iss` differs is a 400 error page, with
   * no token request (mix-up defence, RFC 9207; RFC 9700 section 4.4).
   */
  issuer?: string;
  /** The provider always sends `iss` (RFC 9207 section 3): a callback without it is refused. */
  requireIssuer?: boolean;
}

/** What a route given to {@link OAuthHandlers.withClient} also gets. */
export interface RouteContext {
  /** The request's session; changes are committed onto the route's Response. */
  session: Session;
}

/** An authenticated route: answers a Response using the user's client. */
export type AuthenticatedRoute = (
  client: OAuth2Session,
  context: RouteContext,
) => Promise<Response>;

/** The handlers; each takes a Web Request and answers a Web Response. */
export interface OAuthHandlers {
  /** Starts a login: a transaction cookie and a 302 to the provider. Honours `?return_to=`. */
  login(request: Request): Promise<Response>;
  /** Finishes a login: checks state, exchanges the code, stores the token, 302 to the return path. */
  callback(request: Request): Promise<Response>;
  /** Ends the session (and calls `onLogout`), 302 to `afterLogoutPath`. */
  logout(request: Request): Promise<Response>;
  /** Runs `route` with an authenticated, auto-refreshing client; no token: login redirect or 401. */
  withClient(request: Request, route: AuthenticatedRoute): Promise<Response>;
  /** The session manager, for routes that read or write other session values. */
  readonly sessions: SessionManager;
}

/** Defaults of {@link OAuthHandlersOptions}. */
export const HANDLER_DEFAULTS = Object.freeze({
  afterLoginPath: '/',
  afterLogoutPath: '/',
  loginPath: '/login',
});

/**
 * Creates the login / callback / logout handlers and the authenticated-route helper.
 *
 * @example
 * ```ts
 * const auth = createOAuthHandlers({
 *   clientId, clientSecret, provider: github,
 *   session: { secrets: process.env.SESSION_SECRET! },
 * });
 * // GET /login -> auth.login, GET /callback -> auth.callback, GET /logout -> auth.logout
 * const profile = (req: Request) =>
 *   auth.withClient(req, (client) => client.get(github.userUrl));
 * ```
 * @throws TypeError with a code on missing or bad options; InsecureTransportError for a
 *   plain-http endpoint on a non-loopback host (unless `allowInsecureTransport`).
 */
export function createOAuthHandlers(options: OAuthHandlersOptions): OAuthHandlers {
  const config = resolveConfig(options);
  const sessions = new SessionManager({ ...options.session, secure: config.secure });
  const lock = options.session.store?.refreshLock;
  const transactions = new LoginTransactions({
    sealer: sessions.sealer,
    secure: config.secure,
    replayGuard: lock ? lockReplayGuard(lock) : undefined,
  });
  const inProcess = new InProcessRefreshCoordinator();
  const context: HandlerContext = { options, config, sessions, transactions, inProcess };
  return {
    sessions,
    login: (request) => guard(() => login(context, request)),
    callback: (request) => guard(() => callback(context, request)),
    logout: (request) => guard(() => logout(context, request)),
    withClient: (request, route) => guard(() => withClient(context, request, route)),
  };
}

interface ResolvedConfig {
  authorizeUrl: string;
  tokenUrl: string;
  hooks: ComplianceHooks | undefined;
  secure: boolean;
  afterLoginPath: string;
  afterLogoutPath: string;
  loginPath: string;
}

interface HandlerContext {
  options: OAuthHandlersOptions;
  config: ResolvedConfig;
  sessions: SessionManager;
  transactions: LoginTransactions;
  /** Shares refreshes between this process's requests when no store lock does it. */
  inProcess: InProcessRefreshCoordinator;
}

function resolveConfig(options: OAuthHandlersOptions): ResolvedConfig {
  requireString(options?.clientId, 'clientId');
  const authorizeUrl = options.authorizeUrl ?? options.provider?.authorizeUrl;
  const tokenUrl = options.tokenUrl ?? options.provider?.tokenUrl;
  if (!authorizeUrl) throw misuse('authorizeUrl (or provider) is required', 'ERR_MISSING_OPTION');
  if (!tokenUrl) throw misuse('tokenUrl (or provider) is required', 'ERR_MISSING_OPTION');
  if (!options.session) throw misuse('session options are required', 'ERR_MISSING_OPTION');
  optionalString(options.issuer, 'issuer');
  if (options.requireIssuer && options.issuer === undefined)
    throw misuse('requireIssuer needs issuer', 'ERR_MISSING_OPTION');
  // Refused when built, not on the first login: plain http to another host is a start-up error.
  const insecure = insecureAllowed(options.allowInsecureTransport);
  secureUrl(authorizeUrl, 'authorizeUrl', insecure);
  secureUrl(tokenUrl, 'tokenUrl', insecure);
  return {
    authorizeUrl,
    tokenUrl,
    hooks: options.hooks ?? options.provider?.hooks,
    secure: options.session.secure ?? isHttpsUrl(options.redirectUri),
    afterLoginPath: safeReturnPath(options.afterLoginPath ?? HANDLER_DEFAULTS.afterLoginPath),
    afterLogoutPath: safeReturnPath(options.afterLogoutPath ?? HANDLER_DEFAULTS.afterLogoutPath),
    loginPath: safeReturnPath(options.loginPath ?? HANDLER_DEFAULTS.loginPath),
  };
}

/** A store outage (or a refresh we waited too long for) answers 503 and writes nothing. */
async function guard(handler: () => Promise<Response>): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError) {
      return textResponse(503, 'Session storage is unavailable. Please try again shortly.');
    }
    if (error instanceof RefreshCoordinationTimeoutError) {
      return textResponse(503, 'Please try again shortly.');
    }
    throw error;
  }
}

/** A new OAuth2Session with the handlers' client options plus `extra`. */
function newClient(context: HandlerContext, extra: Partial<OAuth2SessionOptions>): OAuth2Session {
  const { options, config } = context;
  return new OAuth2Session({
    clientId: options.clientId,
    clientSecret: options.clientSecret,
    redirectUri: options.redirectUri,
    scope: options.scope,
    hooks: config.hooks,
    fetch: options.fetch,
    allowInsecureTransport: options.allowInsecureTransport,
    timeoutMs: options.timeoutMs,
    ...extra,
  });
}

async function login(context: HandlerContext, request: Request): Promise<Response> {
  const requested = new URL(request.url).searchParams.get('return_to');
  const returnTo = requested === null ? context.config.afterLoginPath : safeReturnPath(requested);
  // The state is made here (as the core would: 256 random bits) so that the transaction's
  // cookie name (a digest of it) is derived alongside the PKCE challenge, not after it.
  const state = randomString(defaults.stateBytes);
  const client = newClient(context, { state });
  const [{ url, codeVerifier }] = await Promise.all([
    client.authorizationUrl(context.config.authorizeUrl, context.options.authorizationParams),
    context.transactions.prepare(state),
  ]);
  const cookie = await context.transactions.begin({ state, codeVerifier, returnTo });
  const pruned = context.transactions.prune(request);
  return redirect(url, [...pruned, cookie], { 'referrer-policy': 'no-referrer' });
}

async function callback(context: HandlerContext, request: Request): Promise<Response> {
  const state = new URL(request.url).searchParams.get('state');
  const opened = await context.transactions.open(request, state);
  if (opened.status !== 'ok')
    return failurePage(context, transactionFailure(opened.status), opened.clear);
  const { transaction } = opened;
  let token: Token;
  try {
    const client = newClient(context, {
      state: transaction.state,
      codeVerifier: transaction.codeVerifier,
      issuer: context.options.issuer,
      requireIssuer: context.options.requireIssuer,
    });
    token = await client.fetchToken(context.config.tokenUrl, {
      authorizationResponse: request.url,
    });
  } catch (error) {
    if (isOAuth2Error(error)) return failurePage(context, oauthFailure(error), opened.clear);
    throw error;
  }
  const session = await context.sessions.load(request);
  session.regenerate(); // a new id at login: a planted pre-login id is worthless (fixation)
  session.set(TOKEN_KEY, token);
  const cookies = await context.sessions.commit(session);
  return redirect(transaction.returnTo, [...opened.clear, ...cookies], {
    'referrer-policy': 'no-referrer',
  });
}

function failurePage(context: HandlerContext, failure: LoginFailure, clear: string[]): Response {
  const retryPath = context.config.loginPath;
  return errorPage(failure.status, { ...failure.content, retryPath }, clear);
}

async function logout(context: HandlerContext, request: Request): Promise<Response> {
  const session = await context.sessions.load(request);
  const token = tokenOf(session.data);
  session.destroy();
  const cookies = await context.sessions.commit(session);
  if (token && context.options.onLogout) {
    try {
      await context.options.onLogout(token);
    } catch {
      // The local session is gone either way; a failed revocation must not keep the user in.
    }
  }
  return redirect(context.config.afterLogoutPath, cookies);
}

async function withClient(
  context: HandlerContext,
  request: Request,
  route: AuthenticatedRoute,
): Promise<Response> {
  const session = await context.sessions.load(request);
  const token = tokenOf(session.data);
  if (!token) return unauthenticated(context, request, []);
  const client = newClient(context, {
    token,
    autoRefreshUrl: context.config.tokenUrl,
    onToken: (fresh) => session.set(TOKEN_KEY, fresh),
    refreshCoordinator: coordinatorFor(context, session),
  });
  let response: Response;
  try {
    response = await route(client, { session });
  } catch (error) {
    const ended =
      error instanceof InvalidGrantError ||
      error instanceof SessionEndedError ||
      error instanceof TokenExpiredError;
    if (!ended) throw error;
    session.destroy(); // the grant is gone: log out, so the user logs in again
    return unauthenticated(context, request, await context.sessions.commit(session));
  }
  return withSetCookies(response, await context.sessions.commit(session));
}

function coordinatorFor(context: HandlerContext, session: Session) {
  const store = context.sessions.store;
  if (!store?.refreshLock || !session.loadedId) return context.inProcess.coordinate;
  const target: CoordinatedSession = {
    store: store as CoordinatedSession['store'], // narrowed: refreshLock checked just above
    id: session.loadedId,
    ttlSeconds: context.sessions.ttlSeconds,
  };
  return storeRefreshCoordinator(target, context.options.refresh);
}

/** No usable token: a page navigation goes to login and comes back; anything else gets 401. */
function unauthenticated(context: HandlerContext, request: Request, cookies: string[]): Response {
  const url = new URL(request.url);
  const accept = request.headers.get('accept') ?? '';
  const wantsPage = request.method === 'GET' && !/application\/json/.test(accept);
  if (!wantsPage) return jsonResponse(401, { error: 'unauthenticated' }, cookies);
  const back = safeReturnPath(url.pathname + url.search);
  const joiner = context.config.loginPath.includes('?') ? '&' : '?';
  const location = `${context.config.loginPath}${joiner}return_to=${encodeURIComponent(back)}`;
  return redirect(location, cookies);
}
