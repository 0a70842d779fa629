/**
 * Login, callback, logout and an authenticated-route helper over Web Request / Response:
 * the seed's Flask routes, for any framework.
 *
 * @module
 */

import { InvalidGrantError, TokenExpiredError } from '../errors.js';
import { defaults, type OAuth2SessionOptions } from '../options.js';
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
  /** Runs `route` with an authenticated, auto-refreshing client; no token: login redirect or 401. */
  withClient(request: Request, route: AuthenticatedRoute): Promise<Response>;
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

/** A new OAuth2Session with the handlers' client options plus the request's `extra`. */
function newClient(context: HandlerContext, extra: Partial<OAuth2SessionOptions>): OAuth2Session {
  return new OAuth2Session({ ...context.config.client, ...extra });
}

async function login(context: HandlerContext, request: Request): Promise<Response> {
  const requested = new URL(request.url).searchParams.get('return_to');
  // Bounded after encoding (it goes into the transaction cookie): a long one is dropped.
  const returnTo = loginReturnPath(requested, context.config.afterLoginPath);
  // The state is made here (as the core would: 256 random bits) so that the transaction's
  // cookie name (a digest of it) is derived alongside the PKCE challenge, not after it.
  const state = randomString(defaults.stateBytes);
  const client = newClient(context, { state });
  const [{ url, codeVerifier }] = await Promise.all([
    client.authorizationUrl(undefined, context.options.authorizationParams),
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
    });
    token = await client.fetchToken({ authorizationResponse: request.url });
  } catch (error) {
    if (isOAuth2Error(error)) return failurePage(context, oauthFailure(error), opened.clear);
    throw error;
  }
  const session = await context.sessions.load(request);
  session.regenerate(); // a new id at login: a planted pre-login id is worthless (fixation)
  setField(session, 'token', token);
  setField(session, 'csrf', newCsrfToken()); // a new one at login, like the session id
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
  if (!isDirectRequest(request)) return logoutRefused(request);
  const session = await context.sessions.load(request);
  const token = getField(session, 'token');
  // A POST must be the app's own form; one that finds nothing to end changes nothing anyway.
  const guarded = request.method === 'POST' && !session.empty;
  if (guarded && !(await isOwnLogoutForm(context, request, session))) return logoutRefused(request);
  session.destroy();
  const cookies = await context.sessions.commit(session);
  if (token) await endGrant(context, token);
  return redirect(context.config.afterLogoutPath, cookies);
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
  if (!token) return unauthenticated(context, request, []);
  const client = newClient(context, { token, ...context.refreshes.forSession(session) });
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
  return withFramingDenied(withSetCookies(response, await context.sessions.commit(session)));
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
