/**
 * The OpenID Connect errors: each names the check that failed, never the token.
 *
 * @module
 */

import { OAuth2Error, type OAuth2ErrorInit } from '../errors.js';

/** Which rule of OIDC Core section 3.1.3.7 (or 12.2, on refresh) an ID token broke. */
export type IdTokenCheck =
  /** Not a compact JWS, or a payload that is not a JSON object. */
  | 'format'
  /** Signed with an algorithm the client does not expect (`none` included). */
  | 'alg'
  /** No key of the provider's JWK Set matches the token's header, even after a refetch. */
  | 'kid'
  | 'signature'
  | 'iss'
  | 'aud'
  | 'azp'
  | 'exp'
  | 'iat'
  | 'sub'
  | 'nonce'
  | 'auth_time'
  | 'at_hash'
  | 'c_hash'
  /** `openid` was asked for and the token response carries no `id_token`. */
  | 'missing'
  /** A refreshed ID token names another issuer or subject than the session's (section 12.2). */
  | 'refresh';

/**
 * An ID token that must not be trusted; `check` names the rule it broke.
 *
 * @example
 * ```ts
 * try { await session.fetchToken({ authorizationResponse: req.url }); }
 * catch (e) { if (e instanceof IdTokenError) log.warn(`id token refused: ${e.check}`); }
 * ```
 * @see OpenID Connect Core 1.0 section 3.1.3.7
 */
export class IdTokenError extends OAuth2Error {
  override name = 'IdTokenError';
  readonly check: IdTokenCheck;
  constructor(check: IdTokenCheck, message: string, init: OAuth2ErrorInit = {}) {
    super(`id token: ${message}`, { ...init, code: 'OAUTH_INVALID_ID_TOKEN' });
    this.check = check;
  }
}

/** Which rule provider metadata broke. */
export type DiscoveryCheck = 'status' | 'format' | 'issuer' | 'required' | 'algorithm';

/**
 * Provider metadata that cannot be used: an error status, a body that is not a JSON object, an
 * `issuer` other than the one asked for, or a required field missing or of the wrong type.
 *
 * @see OpenID Connect Discovery 1.0 section 4.3, RFC 8414 section 3.3
 */
export class DiscoveryError extends OAuth2Error {
  override name = 'DiscoveryError';
  readonly check: DiscoveryCheck;
  constructor(check: DiscoveryCheck, message: string, init: OAuth2ErrorInit = {}) {
    super(`discovery: ${message}`, { ...init, code: 'OAUTH_DISCOVERY_ERROR' });
    this.check = check;
  }
}

/** A `jwks_uri` answer that is not a JWK Set (RFC 7517 section 5). */
export class JwksError extends OAuth2Error {
  override name = 'JwksError';
  constructor(message: string, init: OAuth2ErrorInit = {}) {
    super(`jwks: ${message}`, { ...init, code: 'OAUTH_INVALID_JWKS' });
  }
}

/** Which rule a userinfo answer broke. */
export type UserinfoCheck = 'status' | 'format' | 'signature' | 'iss' | 'aud' | 'sub';

/**
 * A userinfo answer that must not be trusted: `sub` not the ID token's, a signed answer that
 * does not verify, or no JSON object at all.
 *
 * @see OpenID Connect Core 1.0 section 5.3.4
 */
export class UserinfoError extends OAuth2Error {
  override name = 'UserinfoError';
  readonly check: UserinfoCheck;
  constructor(check: UserinfoCheck, message: string, init: OAuth2ErrorInit = {}) {
    super(`userinfo: ${message}`, { ...init, code: 'OAUTH_INVALID_USERINFO' });
    this.check = check;
  }
}
