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
 * @module oauth2-session
 */

export {
  type AuthorizationPreset,
  type AuthorizationRequest,
  buildAuthorizationUrl,
} from './authorization-request.js';
export { type IssuerCheck, readAuthorizationResponse } from './authorization-response.js';
export {
  applyClientAuth,
  type ClientAuthentication,
  type ClientAuthMethod,
  type ClientAuthRequest,
  type ClientCredentials,
  type ClientSecretBasicOptions,
  clientAuthMethod,
  clientSecretBasic,
  clientSecretPost,
  noClientAuth,
  resolveClientAuth,
} from './client-auth.js';
export {
  checkAnswer,
  type EndpointParams,
  endpointInit,
  endpointRequest,
  type ReadAnswer,
  readAnswer,
  readEndpointAnswer,
} from './endpoint.js';
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
  EndpointName,
  EndpointParsedHook,
  EndpointRequest,
  EndpointRequestHook,
  EndpointResponseHook,
  HookContext,
  HookStage,
  ParsedContext,
  ProtectedRequestHook,
  ProtectedRequestParts,
  ResourceRequest,
  ResourceRequestHook,
  TokenRequestHook,
  TokenRequestParts,
  TokenResponseHook,
} from './hooks.js';
export {
  type AuthorizationUrlOptions,
  type AuthorizationUrlResult,
  type ClientCredentialsOptions,
  defaults,
  type FetchTokenOptions,
  type Logger,
  type LogMethod,
  type OAuth2SessionOptions,
  type PasswordTokenOptions,
  type RefreshCoordinator,
  type RefreshTokenOptions,
  type RevokeTokenOptions,
  type ScopeChange,
  type SessionRequestInit,
  type TokenRequestOptions,
} from './options.js';
export { codeChallengeS256, createCodeVerifier } from './pkce.js';
export type { PresetDefinition, ProviderPreset, UserEndpoint } from './provider.js';
export {
  readRevocationResponse,
  revocationRequest,
  type TokenTypeHint,
} from './revocation.js';
export type { AuthorizationServer } from './server.js';
export { OAuth2Session } from './session.js';
export type { Sha256 } from './sha256.js';
export {
  assertTokenType,
  BEARER_ONLY,
  isExpired,
  normalizeToken,
  parseBody,
  parseScope,
  type Token,
} from './token.js';
export {
  attachToken,
  bearer,
  bearerInBody,
  bearerInQuery,
  type TokenAttachment,
} from './token-attachment.js';
export {
  type ReadTokenOptions,
  readTokenResponse,
  type TokenParams,
  toFetchArgs,
  tokenRequest,
} from './token-endpoint.js';
export { isTransient } from './token-lifecycle.js';
export {
  type FetchLike,
  isLoopback,
  type OutboundRequest,
  readBounded,
  redactedExcerpt,
  secureUrl,
  Transport,
  type TransportOptions,
} from './transport.js';
