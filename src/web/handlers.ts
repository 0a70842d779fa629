/**
 * Login, callback, logout and an authenticated-route helper over Web Request / Response:
 * the seed's Flask routes, for any framework.
 *
 * @module
 */

import { OAuth2Error, TokenExpiredError } from '../errors.js';
import { type AuthorizationUrlResult, defaults } from '../options.js';
import { randomString } from '../random.js';
import { OAuth2Session } from '../session.js';
import type { Token } from '../token.js';
import { hasCsrfToken, newCsrfToken } from './csrf.js';
import { isDirectRequest, originMatches } from './fetch-metadata.js';
import {
  type HandlerConfig,
  type OAuthHandlersOptions,
  resolveHandlerConfig,
} from './handler-options.js';
import {
  isOAuth2Error,
  type LoginFailure,
  oauthFailure,
  transactionFailure,
} from './login-errors.js';
import { LoginTransactions, lockReplayGuard } from './login-transaction.js';
import { revokeAtLogout } from './logout-revocation.js';
import type { OpenIDClaims, OpenIDClient, OpenIDClientOptions } from './openid.js';
import { RefreshCoordinationTimeoutError, SessionEndedError } from './refresh-coordinator.js';
import { RefreshOwner } from './refresh-owner.js';
import {
  errorPage,
  jsonResponse,
  redirect,
  textResponse,
  withFramingDenied,
  withSetCookies,
} from './responses.js';
import { loginReturnPath, safeReturnPath } from './return-path.js';
import { getField, setField } from './session-schema.js';
import { type Session, SessionManager } from './sessions.js';
import { isFinalRefusal } from './shared-refresh.js';
import { SessionStoreUnavailableError } from './stores/store.js';

export {
  HANDLER_DEFAULTS,
  type HandlerClientOptions,
  type OAuthHandlersOptions,
  type ProviderEndpoints,
} from './handler-options.js';

/** Longest wait for the revocation at logout: logout must not hang on a slow provider. */
const REVOCATION_WAIT_MS = 5_000;

/** What a route given to {@link OAuthHandlers.withClient} also gets. */
export interface RouteContext {
  /** The request's session; changes are committed onto the route's Response. */
  session: Session;
  /**
   * The signed-in user's verified ID token claims (`iss`, `sub`, and whatever else the provider
   * put in it: `email`, `name`, ...), with `openid`; `undefined` without. Read when asked, so a
   * route that refreshed the token sees the claims of the new ID token.
   */
  readonly claims: OpenIDClaims | undefined;
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
  /**
   * Ends the session, revokes its refresh and access tokens where the server has a
   * `revocation_endpoint` (a failure logged), calls `onLogout`, 302 to `afterLogoutPath`. Only
   * the user's own request can log out (cross-site request forgery): a GET only from this
   * origin's pages or a typed URL (`Sec-Fetch-Site` `same-origin` or `none`, or none sent); a
   * POST only from `appUrl` (`Origin`) with the session's CSRF token (see `logoutForm`).
   * Anything else is a 403 page, the session untouched and nothing revoked.
   */
  logout(request: Request): Promise<Response>;
  /**
   * Runs `route` with an authenticated, auto-refreshing client; no token: login redirect or
   * 401. With `openid` the client is an `OpenIDSession` (its `userinfo()` checks `sub`), and a
   * refresh whose ID token is refused (another `sub` or `iss`, a bad signature) ends the
   * session like a refused refresh: nothing of it is kept, and the user logs in again.
   */
  withClient(request: Request, route: AuthenticatedRoute): Promise<Response>;
  /**
   * The signed-in user's verified ID token claims (with `openid`): those of the login, or of the
   * last refresh that brought an ID token. `undefined` when the request has no signed-in
   * session, or the handlers have no `openid`.
   *
   * @example
   * ```ts
   * const claims = await auth.claims(request);
   * if (!claims) return auth.login(request);
   * return new Response(`Hello ${claims.sub} of ${claims.iss}`);
   * ```
   * @throws SessionStoreUnavailableError when the session store cannot be reached
   */
  claims(request: Request): Promise<OpenIDClaims | undefined>;
  /** The session manager, for routes that read or write other session values. */
  readonly sessions: SessionManager;
}

/**
 * Creates the login / callback / logout handlers and the authenticated-route helper.
 *
 * @example
 * ```ts
 * const auth = createOAuthHandlers({
 *   clientId, clientSecret, provider: github,
 *   session: { secrets: process.env.SESSION_SECRET! },
 * });
 * // the routes of OAUTH_ROUTES: GET /login, GET /callback, GET|POST /logout
 * const profile = (req: Request) =>
 *   auth.withClient(req, (client) => client.fetch(...userRequest(github)));
 * ```
 * @throws TypeError with a code on missing or bad options; InsecureTransportError for a
 *   plain-http URL (any endpoint of the server, the preset's user endpoint) on a non-loopback
 *   host (unless `allowInsecureTransport`).
 */
export function createOAuthHandlers(options: OAuthHandlersOptions): OAuthHandlers {
  const config = resolveHandlerConfig(options);
  const sessions = new SessionManager({ ...options.session, secure: config.secure });
  const lock = options.session.store?.refreshLock;
  const transactions = new LoginTransactions({
    sealer: sessions.sealer,
    secure: config.secure,
    replayGuard: lock ? lockReplayGuard(lock) : undefined,
  });
  const refreshes = new RefreshOwner(sessions, options.refresh);
  const context: HandlerContext = { options, config, sessions, transactions, refreshes };
  return {
    sessions,
    login: (request) => guard(() => login(context, request)),
    callback: (request) => guard(() => callback(context, request)),
    logout: (request) => guard(() => logout(context, request)),
    withClient: (request, route) => guard(() => withClient(context, request, route)),
    claims: (request) => claims(context, request),
  };
}

interface HandlerContext {
  options: OAuthHandlersOptions;
  config: HandlerConfig;
  sessions: SessionManager;
  transactions: LoginTransactions;
  /** Every refresh of these handlers' sessions, shared and written once. */
  refreshes: RefreshOwner;
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

/**
 * A new OAuth2Session with the handlers' client options plus the request's `extra`: the one
 * place sessions are built; an `OpenIDSession` (of the `openid` option) when configured.
 */
function newClient(context: HandlerContext, extra: Partial<OpenIDClientOptions>): OAuth2Session {
  const options = { ...context.config.client, ...extra };
  const openid = context.config.openid;
  return openid ? openid.client(options) : new OAuth2Session(options);
}

/** The client as the OpenID relying party it is, when the handlers have `openid`. */
function openidOf(context: HandlerContext, client: OAuth2Session): OpenIDClient | undefined {
  return context.config.openid ? (client as OpenIDClient) : undefined;
}

async function login(context: HandlerContext, request: Request): Promise<Response> {
  const requested = new URL(request.url).searchParams.get('return_to');
  // Bounded after encoding (it goes into the transaction cookie): a long one is dropped.
  const returnTo = loginReturnPath(requested, context.config.afterLoginPath);
  // The state is made here (as the core would: 256 random bits) so that the transaction's
  // cookie name (a digest of it) is derived alongside the PKCE challenge, not after it.
  const state = randomString(defaults.stateBytes);
  const client = newClient(context, { state });
  // With `openid` the answer carries the nonce, kept in the transaction like the verifier.
  const [{ url, codeVerifier, nonce }] = await Promise.all([
    client.authorizationUrl(undefined, context.options.authorizationParams) as Promise<
      AuthorizationUrlResult & { nonce?: string | undefined }
    >,
    context.transactions.prepare(state),
  ]);
  const cookie = await context.transactions.begin({ state, codeVerifier, nonce, returnTo });
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
  let claims: OpenIDClaims | undefined;
  try {
    const client = newClient(context, {
      state: transaction.state,
      codeVerifier: transaction.codeVerifier,
      nonce: transaction.nonce,
    });
    // With `openid`, the ID token is verified inside (at the token endpoint pipeline): a
    // refused one throws here, before anything is stored.
    token = await client.fetchToken({ authorizationResponse: request.url });
    claims = verifiedClaims(context, client);
  } catch (error) {
    if (!isOAuth2Error(error)) throw error;
    reportRefusedIdToken(context, error, 'login');
    return failurePage(context, oauthFailure(error), opened.clear);
  }
  const session = await context.sessions.load(request);
  session.regenerate(); // a new id at login: a planted pre-login id is worthless (fixation)
  setField(session, 'token', token);
  if (claims) setField(session, 'idTokenClaims', claims);
  setField(session, 'csrf', newCsrfToken()); // a new one at login, like the session id
  const cookies = await context.sessions.commit(session);
  return redirect(transaction.returnTo, [...opened.clear, ...cookies], {
    'referrer-policy': 'no-referrer',
  });
}

/**
 * The claims the OpenID client verified at the code exchange; without `openid`, none. An
 * OpenID login without them is refused (the client would have thrown already: belt and braces).
 */
function verifiedClaims(context: HandlerContext, client: OAuth2Session): OpenIDClaims | undefined {
  const openid = openidOf(context, client);
  if (!openid) return undefined;
  const claims = openid.idTokenClaims;
  if (!claims)
    throw new OAuth2Error('id token: none was verified', { code: 'OAUTH_INVALID_ID_TOKEN' });
  return claims;
}

/** Only enumerated names reach the log (`IdTokenError.check`: `signature`, `nonce`, ...). */
const CHECK_NAME = /^[a-z_]{1,32}$/;

/**
 * One log line for a refused ID token, naming the rule it broke and where (login or refresh),
 * never the token or its claims: the user sees only that the login failed.
 */
function reportRefusedIdToken(
  context: HandlerContext,
  error: OAuth2Error,
  during: 'login' | 'refresh',
): void {
  if (error.code !== 'OAUTH_INVALID_ID_TOKEN') return;
  const raw = (error as { check?: unknown }).check;
  const check = typeof raw === 'string' && CHECK_NAME.test(raw) ? raw : 'unknown';
  context.config.logger.warn(
    { code: error.code, check, during },
    `id token refused at ${during}: ${check}`,
  );
}

function failurePage(context: HandlerContext, failure: LoginFailure, clear: string[]): Response {
  const retryPath = context.config.loginPath;
  return errorPage(failure.status, { ...failure.content, retryPath }, clear);
}

async function logout(context: HandlerContext, request: Request): Promise<Response> {
  if (!isDirectRequest(request)) return logoutRefused(request);
  const session = await context.sessions.load(request);
  const token = getField(session, 'token');
  // A POST must be the app's own form; one that finds nothing to end changes nothing anyway.
  const guarded = request.method === 'POST' && !session.empty;
  if (guarded && !(await isOwnLogoutForm(context, request, session))) return logoutRefused(request);
  session.destroy();
  const cookies = await context.sessions.commit(session);
  if (!token) return redirect(context.config.afterLogoutPath, cookies);
  await endGrant(context, token);
  return redirect(endSessionLocation(context, token) ?? context.config.afterLogoutPath, cookies);
}

/**
 * With `openid` and a server with an `end_session_endpoint`, where the browser goes next so the
 * provider ends its session too (RP-Initiated Logout 1.0): the ID token as `id_token_hint`, and
 * `post_logout_redirect_uri` with a fresh `state` when the app has a logged-out page. Called
 * once the app's own session has ended: a failure here is logged, and the user lands on
 * `afterLogoutPath`, logged out of the app.
 */
function endSessionLocation(context: HandlerContext, token: Token): string | undefined {
  const openid = context.config.openid;
  if (!openid) return undefined;
  const postLogoutRedirectUri = openid.postLogoutRedirectUri;
  try {
    const client = openidOf(context, newClient(context, { token }));
    const state = postLogoutRedirectUri ? randomString(defaults.stateBytes) : undefined;
    return client?.endSessionUrl({ postLogoutRedirectUri, state })?.href;
  } catch (error) {
    const code = error instanceof OAuth2Error ? error.code : 'error';
    context.config.logger.warn({ code }, `end-session redirect skipped: ${code}`);
    return undefined;
  }
}

/**
 * A POST logout is the app's own form: sent from the app's origin (`appUrl`, else the request
 * URL's, which the adapter builds on its configured `baseUrl`) with the session's CSRF token.
 */
async function isOwnLogoutForm(
  context: HandlerContext,
  request: Request,
  session: Session,
): Promise<boolean> {
  const origin = context.config.appOrigin ?? new URL(request.url).origin;
  return originMatches(request, origin) && (await hasCsrfToken(request, session));
}

/** The page for a logout another site asked for: 403, nothing changed. */
function logoutRefused(request: Request): Response {
  return errorPage(403, {
    title: 'Logout refused',
    message:
      'This logout request did not come from this site, so you are still logged in. To log out, use the button on this site.',
    code: 'logout_refused',
    // A link on this page is a same-origin request: following it logs out.
    retryPath: new URL(request.url).pathname,
  });
}

/**
 * Revokes the token where the server describes a revocation endpoint (through the core, with
 * the preset's hooks: GitHub's own API included), then calls `onLogout`.
 */
async function endGrant(context: HandlerContext, token: Token): Promise<void> {
  const endpoint = context.config.server.revocation_endpoint;
  if (endpoint) {
    await revokeAtLogout({
      client: (held) => newClient(context, { token: held }),
      token,
      host: hostOf(endpoint),
      logger: context.config.logger,
      signal: AbortSignal.timeout(REVOCATION_WAIT_MS),
    });
  }
  const onLogout = context.options.onLogout;
  if (onLogout) await ignoringFailure(() => onLogout(token));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the revocation endpoint';
  }
}

/** The local session is gone either way: a failing `onLogout` must not keep the user in. */
async function ignoringFailure(step: () => Promise<void> | void): Promise<void> {
  try {
    await step();
  } catch {
    // ignored on purpose (see above)
  }
}

async function withClient(
  context: HandlerContext,
  request: Request,
  route: AuthenticatedRoute,
): Promise<Response> {
  const session = await context.sessions.load(request);
  const token = getField(session, 'token');
  const idTokenClaims = getField(session, 'idTokenClaims');
  const openid = context.config.openid;
  // With `openid`, a session is signed in only with the claims of a verified ID token.
  if (!token || (openid && !idTokenClaims)) return unauthenticated(context, request, []);
  const claimsAfter = openid ? (fresh: Token) => openid.claimsOf(fresh) : undefined;
  const refresh = context.refreshes.forSession(session, claimsAfter);
  const client = newClient(context, { token, idTokenClaims, ...refresh });
  const routeContext: RouteContext = {
    session,
    get claims() {
      return getField(session, 'idTokenClaims');
    },
  };
  let response: Response;
  try {
    response = await route(client, routeContext);
  } catch (error) {
    if (!endsSession(error)) throw error;
    reportRefusedIdToken(context, error as OAuth2Error, 'refresh');
    session.destroy(); // the grant is gone: log out, so the user logs in again
    return unauthenticated(context, request, await context.sessions.commit(session));
  }
  return withFramingDenied(withSetCookies(response, await context.sessions.commit(session)));
}

/**
 * Failures after which the session is over: the grant refused or gone, the token expired with
 * no way to renew it, or a refreshed ID token refused (another user's, or a forgery): its
 * token is never kept, and the session that asked for it ends.
 */
function endsSession(error: unknown): boolean {
  return (
    isFinalRefusal(error) ||
    error instanceof SessionEndedError ||
    error instanceof TokenExpiredError
  );
}

/** The verified claims of the request's signed-in session (see {@link OAuthHandlers.claims}). */
async function claims(
  context: HandlerContext,
  request: Request,
): Promise<OpenIDClaims | undefined> {
  if (!context.config.openid) return undefined;
  const session = await context.sessions.load(request);
  return getField(session, 'token') ? getField(session, 'idTokenClaims') : undefined;
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
