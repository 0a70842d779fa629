/**
 * `oauth2-session/web`: sealed-cookie sessions, the login transaction and login / callback /
 * logout handlers over Web `Request` / `Response`, for any framework (adapters in
 * `oauth2-session/express` and `oauth2-session/hono`).
 *
 * @module oauth2-session/web
 */

export { CHUNK_LIMITS, readChunked, writeChunked } from './chunks.js';
export {
  COOKIE_DEFAULTS,
  type CookieAttributes,
  cookieName,
  expireCookie,
  parseCookies,
  serializeCookie,
} from './cookies.js';
export {
  CSRF_FIELD,
  CSRF_HEADER,
  csrfToken,
  hasCsrfToken,
  type LogoutFormOptions,
  logoutForm,
} from './csrf.js';
export type { WebMisuseCode, WebMisuseError } from './errors.js';
export {
  createObserver,
  errorCode,
  type OAuthEvent,
  type OAuthEventHandler,
  type Observer,
  type ObserverOptions,
  type UnavailableCause,
  type WaitOutcome,
} from './events.js';
export {
  type AuthenticatedRoute,
  createOAuthHandlers,
  HANDLER_DEFAULTS,
  type HandlerClientOptions,
  type OAuthHandlers,
  type OAuthHandlersOptions,
  type ProviderEndpoints,
  type RouteContext,
} from './handlers.js';
export {
  consoleLogger,
  type HandlerLogger,
  type Logger,
  type LogLevel,
  type LogMethod,
  silentLogger,
} from './logger.js';
export {
  type LoginTransaction,
  LoginTransactions,
  type LoginTransactionsOptions,
  lockReplayGuard,
  MAX_PENDING_TRANSACTIONS,
  MAX_TRANSACTION_COOKIE_BYTES,
  MAX_TRANSACTION_COOKIES_BYTES,
  MemoryReplayGuard,
  type OpenedTransaction,
  type ReplayGuard,
  TRANSACTION_TTL_SECONDS,
} from './login-transaction.js';
export { prefersHtml } from './media-preference.js';
export type {
  OpenIDClaims,
  OpenIDClient,
  OpenIDClientOptions,
  OpenIDEndSession,
  OpenIDLogin,
} from './openid.js';
export {
  DEFAULT_PAGES,
  describeExpiry,
  type ErrorPageData,
  type LoggedOutPageData,
  PAGE_STYLE,
  type PageContext,
  type PageData,
  type PageKind,
  type PageRenderers,
  type PageResponseOptions,
  type ProfilePageData,
  pageDocument,
  pagePolicy,
  pageResponse,
  renderPage,
  type UnavailablePageData,
} from './pages.js';
export {
  type CoordinatedSession,
  InProcessRefreshCoordinator,
  REFRESH_COORDINATION_DEFAULTS,
  type RefreshCoordinationOptions,
  RefreshCoordinationTimeoutError,
  SessionEndedError,
  storeRefreshCoordinator,
} from './refresh-coordinator.js';
export { escapeHtml, FRAMING_HEADERS, htmlResponse } from './responses.js';
export { loginReturnPath, MAX_RETURN_PATH_BYTES, safeReturnPath } from './return-path.js';
export {
  OAUTH_ROUTE_PATHS,
  OAUTH_ROUTES,
  type OAuthRoute,
  type OAuthRouteMethod,
  type OAuthRouteName,
  type OAuthRoutePaths,
  oauthRouteTable,
} from './routes.js';
export type { HkdfInput, SealCrypto, SealKey } from './seal-crypto.js';
export {
  MIN_SECRET_LENGTH,
  Sealer,
  type SealerOptions,
  type SessionSecrets,
  type UnsealResult,
} from './sealed-cookie.js';
export {
  claimsOf,
  getField,
  readField,
  SESSION_KEYS,
  type SessionField,
  type SessionSchema,
  setField,
  TOKEN_KEY,
  tokenOf,
  withField,
} from './session-schema.js';
export { SESSION_DEFAULTS, Session, SessionManager, type SessionOptions } from './sessions.js';
export {
  MemoryStore,
  type MemoryStoreOptions,
  newSessionId,
  type RefreshLock,
  type SessionData,
  type SessionStore,
  SessionStoreUnavailableError,
} from './stores/index.js';
export { DEFAULT_BASE_URL } from './trusted-url.js';
export { safeImageUrl, type UserProfile, userProfile } from './user-profile.js';
