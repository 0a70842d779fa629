/**
 * `oauth2-session/oidc`: an OpenID Connect relying party on the core's server description and
 * endpoint pipeline. Discovery (OIDC Discovery 1.0, RFC 8414), ID token validation (OIDC Core
 * section 3.1.3.7, with `jose`), a JWK Set cache with a refetch cooldown, userinfo with its
 * `sub` checked, and RP-Initiated Logout.
 *
 * @example
 * ```ts
 * import { discover, OpenIDSession } from 'oauth2-session/oidc';
 * const server = await discover('https://accounts.google.com');
 * const rp = new OpenIDSession({ clientId, clientSecret, server, redirectUri });
 * const { url, state, codeVerifier, nonce } = await rp.authorizationUrl();
 * ```
 *
 * @module oauth2-session/oidc
 */
export {
  checkMetadata,
  type DiscoveryOptions,
  discover,
  discoveryUrl,
  MetadataCache,
  type MetadataCacheOptions,
  type WellKnown,
} from './discovery.js';
export { type EndSessionRequest, endSessionUrl } from './end-session.js';
export {
  type DiscoveryCheck,
  DiscoveryError,
  type IdTokenCheck,
  IdTokenError,
  JwksError,
  type UserinfoCheck,
  UserinfoError,
} from './errors.js';
export {
  DEFAULT_CLOCK_TOLERANCE_SECONDS,
  type IdTokenClaims,
  type IdTokenExpectations,
  validateIdToken,
} from './id-token.js';
export { type KeySource, parseJwks, RemoteJwks, type RemoteJwksOptions } from './jwks.js';
export {
  type OpenIDAuthorizationUrlOptions,
  type OpenIDAuthorizationUrlResult,
  OpenIDSession,
  type OpenIDSessionOptions,
} from './openid-session.js';
export {
  fetchUserinfo,
  type TokenFetcher,
  type UserinfoClaims,
  type UserinfoExpectations,
} from './userinfo.js';
export { type OpenIDLoginOptions, openidLogin } from './web-login.js';
