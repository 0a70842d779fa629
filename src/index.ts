/**
 * `oauth2-session`: the core entry. An OAuth 2.0 client with no runtime dependencies and no
 * `node:` imports; it runs wherever `fetch` and Web Crypto exist.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth2-session';
 * const session = new OAuth2Session({ clientId, clientSecret, scope: ['read:user'] });
 * const { url, state, codeVerifier } = await session.authorizationUrl(AUTHORIZE_URL);
 * ```
 * @module
 */

export { type AuthorizationRequest, buildAuthorizationUrl } from './authorization-request.js';
export { type IssuerCheck, readAuthorizationResponse } from './authorization-response.js';
export {
  applyClientAuth,
  type ClientAuthMethod,
  type ClientCredentials,
  clientAuthMethod,
} from './client-auth.js';
export {
  AccessDeniedError,
  InsecureTransportError,
  InvalidClientError,
  InvalidGrantError,
  InvalidRequestError,
  InvalidScopeError,
  MismatchingIssuerError,
  MismatchingStateError,
  MissingCodeError,
  MissingTokenError,
  type MisuseCode,
  type MisuseError,
  OAuth2Error,
  type OAuth2ErrorCode,
  type OAuth2ErrorInit,
  ServerError,
  TemporarilyUnavailableError,
  TimeoutError,
  TokenExpiredError,
  UnauthorizedClientError,
  UnsupportedGrantTypeError,
  UnsupportedResponseTypeError,
  UnsupportedTokenTypeError,
} from './errors.js';
export type {
  ComplianceHookMap,
  ComplianceHookName,
  ComplianceHooks,
  ProtectedRequestHook,
  ProtectedRequestParts,
  TokenRequestHook,
  TokenRequestParts,
  TokenResponseHook,
} from './hooks.js';
export { codeChallengeS256, createCodeVerifier } from './pkce.js';
export { randomString, timingSafeEqual } from './random.js';
export {
  readRevocationResponse,
  revocationRequest,
  type TokenTypeHint,
} from './revocation.js';
export {
  type AuthorizationUrlResult,
  type ClientCredentialsOptions,
  defaults,
  type FetchTokenOptions,
  OAuth2Session,
  type OAuth2SessionOptions,
  type PasswordTokenOptions,
  type RefreshCoordinator,
  type RefreshTokenOptions,
  type RevokeTokenOptions,
  type ScopeChange,
  type TokenRequestOptions,
} from './session.js';
export { isExpired, normalizeToken, parseBody, parseScope, type Token } from './token.js';
export {
  type ReadTokenOptions,
  readTokenResponse,
  type TokenParams,
  toFetchArgs,
  tokenRequest,
} from './token-endpoint.js';
export {
  type FetchLike,
  isLoopback,
  readBounded,
  redactedExcerpt,
  secureUrl,
} from './transport.js';
