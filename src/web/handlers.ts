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
import { errorCode, idTokenCheck, type UnavailableCause } from './events.js';
import { isDirectRequest, originMatches } from './fetch-metadata.js';
import {
  callbackUrlOf,
  FORM_POST,
  formPostRefused,
  readCallbackForm,
  seeOther,
} from './form-post-callback.js';
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
import { prefersHtml } from './media-preference.js';
import type { OpenIDClaims, OpenIDClient, OpenIDClientOptions } from './openid.js';
import { type PageRenderers, renderPage } from './pages.js';
import { RefreshCoordinationTimeoutError, SessionEndedError } from './refresh-coordinator.js';
import { RefreshOwner } from './refresh-owner.js';
import {
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
  /**
   * Finishes a login: checks state, exchanges the code, stores the token, 302 to the return
   * path. A login that asked for `response_mode=form_post` (Sign in with Apple) may call back
   * with a POST of an `application/x-www-form-urlencoded` form (at most 16 KiB), answered with
   * a 303; a POST for any other login, of another content type or larger, is a 400 page.
   */
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
  /**
   * The page renderers (the `pages` option over the defaults), so the app's own pages (its
   * logged-out page, a profile page) look like the handlers'.
   *
   * @example
   * ```ts
   * const loggedOut = () => renderPage(auth.pages, 'loggedOut', 200, { loginPath: '/login' });
   * ```
   */
  readonly pages: PageRenderers;
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
 * // the routes of OAUTH_ROUTES: GET /login, GET|POST /callback, GET|POST /logout
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
  const tokenHost = hostOf(config.server.token_endpoint, 'the token endpoint');
  const refreshes = new RefreshOwner(sessions, options.refresh, {
    observer: config.observer,
    host: tokenHost,
  });
  const context: HandlerContext = { options, config, sessions, transactions, refreshes, tokenHost };
  return {
    sessions,
    pages: config.pages,
    login: (request) => guard(context, request, () => login(context, request)),
    callback: (request) => guard(context, request, () => callback(context, request)),
    logout: (request) => guard(context, request, () => logout(context, request)),
    withClient: (request, route) =>
      guard(context, request, () => withClient(context, request, route)),
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
  /** The token endpoint's host, named in the login and refresh events. */
  tokenHost: string;
}

/** A store outage (or a refresh we waited too long for) answers 503 and writes nothing. */
async function guard(
  context: HandlerContext,
  request: Request,
  handler: () => Promise<Response>,
): Promise<Response> {
  try {
    return await handler();
  } catch (error) {
    if (error instanceof SessionStoreUnavailableError) {
      return unavailable(context, request, 'store', 'Session storage is unavailable.');
    }
    if (error instanceof RefreshCoordinationTimeoutError) {
      return unavailable(context, request, 'refresh_coordination', 'The sign-in is busy.');
    }
    throw error;
  }
}

/**
 * The 503: a page for a browser (one that prefers HTML), the same words as plain text for
 * anything else. The store reports its own outage; this line only counts the answers.
 */
function unavailable(
  context: HandlerContext,
  request: Request,
  cause: UnavailableCause,
  reason: string,
): Response {
  context.config.observer.emit({ type: 'request.unavailable', cause });
  const message = `${reason} Please try again shortly.`;
  if (!prefersHtml(request)) return textResponse(503, message);
  const retryPath = safeReturnPath(new URL(request.url).pathname);
  const response = renderPage(context.config.pages, 'unavailable', 503, { message, retryPath });
  response.headers.set('retry-after', '5');
  return response;
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
  // Only a login that asked for it may call back with a POST (its cookie is then SameSite=None).
  const formPost = new URL(url).searchParams.get('response_mode') === FORM_POST;
  const cookie = await context.transactions.begin({
    state,
    codeVerifier,
    nonce,
    returnTo,
    ...(formPost ? { formPost } : {}),
  });
  const pruned = context.transactions.prune(request);
  return redirect(url, [...pruned, cookie], { 'referrer-policy': 'no-referrer' });
}

/**
 * The callback: a GET with the answer in the query, or, for a login that asked for
 * `response_mode=form_post`, a POST with it in a form (./form-post-callback.ts), answered
 * with a 303 so a reload does not post it again.
 */
async function callback(context: HandlerContext, request: Request): Promise<Response> {
  if (request.method !== 'POST') return finishLogin(context, request, request.url);
  const form = await readCallbackForm(request);
  if (!(form instanceof URLSearchParams)) return failurePage(context, form, []);
  const answer = await finishLogin(context, request, callbackUrlOf(request.url, form));
  return answer.status === 302 ? seeOther(answer) : answer;
}

/** Checks the answer at `callbackUrl` against the request's transaction, then logs in. */
async function finishLogin(
  context: HandlerContext,
  request: Request,
  callbackUrl: string,
): Promise<Response> {
  const state = new URL(callbackUrl).searchParams.get('state');
  const opened = await context.transactions.open(request, state);
  if (opened.status !== 'ok')
    return failurePage(context, transactionFailure(opened.status), opened.clear);
  const { transaction } = opened;
  // Used up by now (the replay guard), so a refused POST cannot be retried as a GET either.
  if (request.method === 'POST' && transaction.formPost !== true)
    return failurePage(context, formPostRefused(), opened.clear);
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
    token = await client.fetchToken({ authorizationResponse: callbackUrl });
    claims = verifiedClaims(context, client);
  } catch (error) {
    if (!isOAuth2Error(error)) throw error;
    return failurePage(context, oauthFailure(error), opened.clear, idTokenCheck(error));
  }
  const session = await context.sessions.load(request);
  session.regenerate(); // a new id at login: a planted pre-login id is worthless (fixation)
  setField(session, 'token', token);
  if (claims) setField(session, 'idTokenClaims', claims);
  setField(session, 'csrf', newCsrfToken()); // a new one at login, like the session id
  const cookies = await context.sessions.commit(session);
  context.config.observer.emit({ type: 'login.succeeded', host: context.tokenHost });
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

/**
 * The page of a failed callback, and its one event (`login.failed`, with the page's code; for a
 * refused ID token, the rule it broke, never the token or its claims).
 */
function failurePage(
  context: HandlerContext,
  failure: LoginFailure,
  clear: string[],
  check?: string | undefined,
): Response {
  const { status, content } = failure;
  const code = content.code ?? 'unknown_error';
  context.config.observer.emit({ type: 'login.failed', code, status, ...(check ? { check } : {}) });
  const retryPath = context.config.loginPath;
  return renderPage(
    context.config.pages,
    'error',
    status,
    { status, ...content, retryPath },
    {
      setCookies: clear,
    },
  );
}

async function logout(context: HandlerContext, request: Request): Promise<Response> {
  if (!isDirectRequest(request)) return logoutRefused(context, request);
  const session = await context.sessions.load(request);
  const token = getField(session, 'token');
  // A POST must be the app's own form; one that finds nothing to end changes nothing anyway.
  const guarded = request.method === 'POST' && !session.empty;
  if (guarded && !(await isOwnLogoutForm(context, request, session)))
    return logoutRefused(context, request);
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
    const code = error instanceof OAuth2Error ? error.code : errorCode(error);
    context.config.observer.emit({ type: 'logout.end_session_skipped', code });
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
function logoutRefused(context: HandlerContext, request: Request): Response {
  return renderPage(context.config.pages, 'error', 403, {
    status: 403,
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
      host: hostOf(endpoint, 'the revocation endpoint'),
      observer: context.config.observer,
      signal: AbortSignal.timeout(REVOCATION_WAIT_MS),
    });
  }
  const onLogout = context.options.onLogout;
  if (onLogout) await ignoringFailure(() => onLogout(token));
}

/** An endpoint's host, for events; `fallback` when it has none. */
function hostOf(url: string | undefined, fallback: string): string {
  try {
    return url === undefined ? fallback : new URL(url).host;
  } catch {
    return fallback;
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
    // The refresh that ended it was reported where it was made (once, however many requests
    // shared it).
    if (!endsSession(error)) throw error;
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
