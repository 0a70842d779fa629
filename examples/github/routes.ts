/**
 * The seed's routes as Web handlers (Request in, Response out), shared by the Express and Hono
 * versions of the app:
 *
 * - `GET /`: redirect to the provider (the seed's `demo()`, step 1);
 * - `GET /callback`: exchange the code, keep the token in the session, go to `/profile` (step 3);
 *   `POST /callback` for a login that asked for `response_mode=form_post` (Sign in with Apple),
 *   answered with a 303;
 * - `GET /profile`: the provider's user JSON, read through the session (its token, refreshed
 *   when due) at the preset's user endpoint; not logged in: back to `/`. With `OAUTH_ISSUER`
 *   (OpenID Connect): the userinfo answer, its `sub` checked against the ID token's (or the ID
 *   token's verified claims when the provider has no userinfo endpoint, as Sign in with Apple,
 *   a due token refreshed first). A browser (an `Accept`
 *   preferring `text/html` to JSON) gets a page instead: the user's name, login and avatar (read
 *   by the common field names, so every preset's answer works), when the token expires, and the
 *   log-out button; any other client gets the JSON, exactly as before;
 * - `GET /account`: a small HTML page for a logged-in user, with the log-out button (a POST
 *   form carrying the session's CSRF token); not logged in: back to `/`;
 * - `POST /logout` (the button), and `GET /logout` from this app's own links or a typed URL
 *   (another site's link is refused): end the session (and revoke the tokens where the preset
 *   describes how), then a page saying so (not `/`, which would log in again); with
 *   `OAUTH_ISSUER`, by way of the provider's end-session endpoint when it has one, which sends
 *   the browser back to that page.
 *
 * Every page carries the anti-framing headers (`htmlResponse`, and `withClient` for the
 * routes it runs) and the handlers' look (`auth.pages`: one stylesheet, lang, viewport).
 */
import { OAuth2Error, type OAuth2Session, readBounded } from 'oauth2-session';
import { envProxyFetch } from 'oauth2-session/node';
import { type ProviderPreset, userRequest } from 'oauth2-session/providers';
import {
  createOAuthHandlers,
  type Logger,
  logoutForm,
  type OAuthHandlers,
  type OpenIDClaims,
  type OpenIDClient,
  pageDocument,
  pageResponse,
  prefersHtml,
  renderPage,
  type Session,
  type SessionStore,
  userProfile,
} from 'oauth2-session/web';
import type { AppContext } from './server.js';

/** A Web handler. */
export type Route = (request: Request) => Promise<Response>;

/** An HTTP method the app answers. */
export type RouteMethod = 'GET' | 'POST';

/** A route: its handler and the methods it answers. */
export interface RouteEntry {
  readonly handler: Route;
  readonly methods: readonly RouteMethod[];
}

/** The app's routing table: path -> handler and methods. */
export type Routes = Readonly<Record<string, RouteEntry>>;

/** Where `/logout` lands. */
export const LOGGED_OUT_PATH = '/logged-out';
/** The logged-in page with the log-out button. */
export const ACCOUNT_PATH = '/account';
/** The logout route (the button posts there). */
export const LOGOUT_PATH = '/logout';

/** The logged-in page: where the profile is, and the log-out button (POST + CSRF token). */
function accountPage(session: Session): Promise<Response> {
  const form = logoutForm(session, { action: LOGOUT_PATH });
  const body = `<h1>You are logged in</h1><p class="muted">Your session is active on this site.</p><div class="actions"><a class="button" href="/profile">Your profile</a>${form}</div>`;
  const page = pageResponse(200, (nonce) => pageDocument('Logged in', body, nonce), {
    referrerPolicy: 'same-origin', // the log-out form's POST must show its origin
  });
  return Promise.resolve(page);
}

/**
 * The profile as a page, from the JSON answer the route would send (a failure, a redirect or an
 * answer that is not JSON is sent as it is): the user's name, login and avatar, the token's
 * expiry and the log-out button. The avatar's origin alone is added to the page's `img-src`.
 */
async function profilePage(
  auth: OAuthHandlers,
  answer: Response,
  client: OAuth2Session,
  session: Session,
): Promise<Response> {
  if (answer.status !== 200) return answer;
  let user: unknown;
  try {
    user = JSON.parse(await answer.text());
  } catch {
    user = undefined;
  }
  const profile = userProfile(user);
  const page = renderPage(
    auth.pages,
    'profile',
    200,
    {
      ...profile,
      expiresAt: client.token?.expires_at,
      logoutForm: logoutForm(session, { action: LOGOUT_PATH }),
    },
    { imageOrigins: profile.avatarUrl ? [new URL(profile.avatarUrl).origin] : [] },
  );
  // The same URL answers JSON to other clients.
  page.headers.set('vary', 'accept');
  return page;
}

/**
 * The most `/profile` reads of the provider's user answer, in bytes after content decoding
 * (1 MiB; GitHub's user JSON is about 1.5 kB): a larger answer, or a compressed bomb, is a 502
 * and the upstream connection is closed, so a hostile API cannot grow the app's memory.
 */
export const PROFILE_MAX_BYTES = 1024 * 1024;

/**
 * The deadline of each request the app makes (the core's `timeoutMs`: the user answer, body
 * included, and each token and revocation request), 10 s: a server that drips its answer is a
 * 504 on `/profile`. It starts when the request is sent, so time spent waiting for another
 * process's refresh does not count against the user request.
 */
export const PROFILE_TIMEOUT_MS = 10_000;

/** Failures of the user API itself (as opposed to the session's): the route answers them. */
const UPSTREAM_FAILURES: ReadonlySet<string> = new Set([
  'OAUTH_NETWORK_ERROR',
  'OAUTH_UNEXPECTED_REDIRECT',
  'OAUTH_INSECURE_TRANSPORT',
]);

const PROFILE_HEADERS = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
});

/** A short JSON error instead of the user JSON: nothing of the provider's answer in it. */
function profileFailure(status: 502 | 504, error: string): Response {
  return new Response(JSON.stringify({ error }), { status, headers: PROFILE_HEADERS });
}

/**
 * The profile route: the user JSON as the provider answers it, read with `readBounded` (at
 * most {@link PROFILE_MAX_BYTES}) within the session's deadline ({@link PROFILE_TIMEOUT_MS}), and given up when the
 * visitor goes away (`signal`). A body too large, a timeout, a network failure or a refused
 * redirect is a 502 or 504 JSON error, never a partial body; the session's own failures (an
 * ended grant, a store down) are the handlers'.
 */
async function showProfile(
  client: OAuth2Session,
  preset: ProviderPreset,
  session: { destroy(): void },
  signal?: AbortSignal,
): Promise<Response> {
  const [url, init] = userRequest(preset);
  let status: number;
  let body: string;
  try {
    const upstream = await client.fetch(url, signal ? { ...init, signal } : init);
    if (upstream.status === 401) {
      void upstream.body?.cancel().catch(() => {});
      return tokenRefused(session);
    }
    status = upstream.ok ? 200 : 502;
    body = await readBounded(upstream, PROFILE_MAX_BYTES);
  } catch (error) {
    return upstreamFailure(error, signal);
  }
  // Passed through as the provider wrote it (the seed re-encodes it; nothing is gained by that).
  return new Response(body, { status, headers: PROFILE_HEADERS });
}

/** The provider no longer accepts the token (revoked): log out, so `/` can log in afresh. */
function tokenRefused(session: { destroy(): void }): Response {
  session.destroy();
  return new Response(null, { status: 302, headers: { location: '/' } });
}

/**
 * A failure of the user API as a short JSON error (a timeout, a body too large, a network
 * failure, the visitor gone); anything else is the handlers' (thrown again).
 */
function upstreamFailure(error: unknown, signal: AbortSignal | undefined): Response {
  if (error instanceof OAuth2Error && error.code === 'OAUTH_TIMEOUT')
    return profileFailure(504, 'upstream_timeout');
  if (error instanceof OAuth2Error && error.code === 'OAUTH_RESPONSE_TOO_LARGE')
    return profileFailure(502, 'upstream_response_too_large');
  // The visitor went away (nobody reads this answer), or the user API failed.
  if (signal?.aborted || (error instanceof OAuth2Error && UPSTREAM_FAILURES.has(error.code)))
    return profileFailure(502, 'upstream_unavailable');
  throw error;
}

/** What the profile route uses of an `OpenIDSession` (the client `withClient` gives with `openid`). */
interface UserinfoClient {
  userinfo(signal?: AbortSignal): Promise<Record<string, unknown>>;
}

/**
 * The OpenID Connect profile: the userinfo answer, believed only when its `sub` is the ID
 * token's (`OpenIDSession.userinfo`); with no userinfo endpoint, the ID token's verified claims.
 * A refused answer (another `sub`, a bad signature) is a 502 JSON error, never shown.
 */
async function showOpenIDProfile(
  client: OAuth2Session,
  claims: OpenIDClaims | undefined,
  hasUserinfo: boolean,
  session: { destroy(): void },
  signal?: AbortSignal,
): Promise<Response> {
  if (!hasUserinfo) return idTokenProfile(client, claims);
  let user: Record<string, unknown>;
  try {
    user = await (client as unknown as UserinfoClient).userinfo(signal);
  } catch (error) {
    if (error instanceof OAuth2Error && error.code === 'OAUTH_INVALID_USERINFO') {
      if (error.status === 401) return tokenRefused(session);
      return profileFailure(502, 'userinfo_refused');
    }
    return upstreamFailure(error, signal);
  }
  return new Response(JSON.stringify(user), { headers: PROFILE_HEADERS });
}

/** Seconds before its expiry a token is renewed (the core's own leeway). */
const RENEW_LEEWAY_SECONDS = 60;

/**
 * The profile of a provider without a userinfo endpoint (Sign in with Apple): the verified ID
 * token's claims. A token due for renewal is refreshed first, which asks the provider whether
 * the grant still stands (nothing else would: no user endpoint is ever called) and brings a new
 * ID token, verified against the session's; a refused refresh ends the session (the handlers').
 */
async function idTokenProfile(
  client: OAuth2Session,
  claims: OpenIDClaims | undefined,
): Promise<Response> {
  const expiresAt = client.token?.expires_at;
  const due = expiresAt !== undefined && expiresAt - Date.now() / 1000 < RENEW_LEEWAY_SECONDS;
  const current = due && client.token?.refresh_token ? await renewedClaims(client) : claims;
  return new Response(JSON.stringify(current ?? claims), { headers: PROFILE_HEADERS });
}

/** Refreshes the token; the claims of the ID token it brought (the client verified it). */
async function renewedClaims(client: OAuth2Session): Promise<OpenIDClaims | undefined> {
  await client.refreshToken();
  // With `openid`, `withClient` gives an OpenID client, whose claims are the refreshed ID token's.
  return (client as OpenIDClient).idTokenClaims;
}

const get = (handler: Route): RouteEntry => ({ handler, methods: ['GET'] });

/** The preset, with `OAUTH_REVOCATION_URL` as its revocation endpoint when set. */
function serverOf(context: AppContext) {
  const { server } = context.provider.preset;
  const revocation = context.config.revocationUrl;
  return revocation ? { ...server, revocation_endpoint: revocation } : undefined;
}

/**
 * Builds the routes from the settled configuration and the session store (if any); `logger`
 * gets one line per failed login (with its code), refresh failure and failed revocation.
 */
export function createRoutes(
  context: AppContext,
  store: SessionStore | undefined,
  logger?: Logger | undefined,
): Routes {
  const { config, provider } = context;
  const auth = createOAuthHandlers({
    clientId: provider.clientId,
    clientSecret: provider.clientSecret,
    provider: provider.preset,
    server: serverOf(context),
    // Cookie security and the logout's origin check follow the app's own origin.
    appUrl: context.appUrl,
    redirectUri: config.redirectUri,
    scope: config.scope.length > 0 ? config.scope : undefined,
    session: { secrets: config.sessionSecret, store },
    afterLoginPath: '/profile',
    afterLogoutPath: LOGGED_OUT_PATH,
    // The seed's login route is `/`: a visitor without a session is sent there.
    loginPath: '/',
    allowInsecureTransport: config.allowInsecureTransport,
    timeoutMs: PROFILE_TIMEOUT_MS,
    fetch: envProxyFetch(),
    // With OAUTH_ISSUER: ID tokens verified, claims kept, logout through the provider.
    openid: provider.openid?.login(new URL(LOGGED_OUT_PATH, context.appUrl).href),
    logger,
  });
  const hasUserinfo = provider.preset.server.userinfo_endpoint !== undefined;
  return {
    '/': get(auth.login),
    // POST too: Sign in with Apple calls back with a form (`response_mode=form_post`).
    '/callback': { handler: auth.callback, methods: ['GET', 'POST'] },
    '/profile': get((request) =>
      auth.withClient(request, async (client, { session, claims }) => {
        const answer = await (provider.openid
          ? showOpenIDProfile(client, claims, hasUserinfo, session, request.signal)
          : showProfile(client, provider.preset, session, request.signal));
        return prefersHtml(request) ? profilePage(auth, answer, client, session) : answer;
      }),
    ),
    [ACCOUNT_PATH]: get((request) =>
      auth.withClient(request, (_client, { session }) => accountPage(session)),
    ),
    [LOGOUT_PATH]: { handler: auth.logout, methods: ['GET', 'POST'] },
    [LOGGED_OUT_PATH]: get(async () =>
      renderPage(auth.pages, 'loggedOut', 200, { loginPath: '/' }),
    ),
  };
}
