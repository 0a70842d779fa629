/**
 * Errors, in two tiers:
 *
 * - misuse by the caller is a `TypeError` carrying a {@link MisuseCode} in `code`, made by
 *   {@link misuse} and the shared checks below in every layer (core, web, stores, dev provider);
 * - protocol failures are {@link OAuth2Error} subclasses with a stable {@link OAuth2ErrorCode}.
 *
 * Messages are short, lowercase and never hold a token, secret or code.
 *
 * @module
 */

/** Stable codes of {@link OAuth2Error} and its subclasses. */
export type OAuth2ErrorCode =
  | 'OAUTH_INVALID_REQUEST'
  | 'OAUTH_INVALID_CLIENT'
  | 'OAUTH_INVALID_GRANT'
  | 'OAUTH_UNAUTHORIZED_CLIENT'
  | 'OAUTH_UNSUPPORTED_GRANT_TYPE'
  | 'OAUTH_INVALID_SCOPE'
  | 'OAUTH_ACCESS_DENIED'
  | 'OAUTH_UNSUPPORTED_RESPONSE_TYPE'
  | 'OAUTH_SERVER_ERROR'
  | 'OAUTH_TEMPORARILY_UNAVAILABLE'
  /** An `error` code the RFC does not define (GitHub's `bad_verification_code`, ...). */
  | 'OAUTH_RESPONSE_ERROR'
  /** A non-2xx answer without an OAuth error body. */
  | 'OAUTH_HTTP_ERROR'
  /** A body that is not a well-formed token response (bad JSON, bad field types). */
  | 'OAUTH_INVALID_RESPONSE'
  | 'OAUTH_RESPONSE_TOO_LARGE'
  | 'OAUTH_UNEXPECTED_REDIRECT'
  | 'OAUTH_MISMATCHING_STATE'
  /** The callback's `iss` is not the expected authorization server's (RFC 9207). */
  | 'OAUTH_ISSUER_MISMATCH'
  | 'OAUTH_MISSING_CODE'
  | 'OAUTH_MISSING_TOKEN'
  | 'OAUTH_TOKEN_EXPIRED'
  | 'OAUTH_UNSUPPORTED_TOKEN_TYPE'
  | 'OAUTH_INSECURE_TRANSPORT'
  | 'OAUTH_TIMEOUT'
  /** The network request itself failed (DNS, connection refused, reset). */
  | 'OAUTH_NETWORK_ERROR'
  /**
   * The stored session vanished (logout, or another process ended it) while a refresh was
   * coordinated: a local condition, not an answer of the authorization server.
   */
  | 'OAUTH_SESSION_ENDED'
  /** Waiting for another process's refresh of the same session took too long. */
  | 'OAUTH_COORDINATION_TIMEOUT'
  /** OpenID Connect (`oauth2-session/oidc`): provider metadata that cannot be used. */
  | 'OAUTH_DISCOVERY_ERROR'
  /** OpenID Connect: a JWK Set that is not one. */
  | 'OAUTH_INVALID_JWKS'
  /** OpenID Connect: an ID token that failed a check of OIDC Core section 3.1.3.7. */
  | 'OAUTH_INVALID_ID_TOKEN'
  /** OpenID Connect: a userinfo answer that failed a check of OIDC Core section 5.3. */
  | 'OAUTH_INVALID_USERINFO';

/**
 * Codes carried by the `TypeError`s thrown on misuse, the same in every layer. The rule:
 * absent is `ERR_MISSING_OPTION`, present but of the wrong type is `ERR_INVALID_ARG_TYPE`,
 * the right type with a value out of bounds is `ERR_INVALID_ARG_VALUE`.
 */
export type MisuseCode =
  /** A value of the wrong type, or an empty string where a non-empty string is required. */
  | 'ERR_INVALID_ARG_TYPE'
  /** A value of the right type that is out of range, malformed or not one of the choices. */
  | 'ERR_INVALID_ARG_VALUE'
  /** A required option is absent, or an option is set without the one it needs. */
  | 'ERR_MISSING_OPTION'
  /** The call needs a token (or refresh token) the session does not hold. */
  | 'ERR_NO_TOKEN'
  /** A session secret shorter than the minimum length (32 characters). */
  | 'ERR_SECRET_TOO_SHORT'
  /** A session that does not fit in the allowed number of cookie chunks. */
  | 'ERR_SESSION_TOO_LARGE';

/** A `TypeError` thrown on misuse, with a {@link MisuseCode}. */
export type MisuseError = TypeError & { code: MisuseCode };

/**
 * @internal Makes a misuse error. The message is short, lowercase, names the parameter and
 * never holds a secret.
 */
export function misuse(message: string, code: MisuseCode = 'ERR_INVALID_ARG_VALUE'): MisuseError {
  return Object.assign(new TypeError(message), { code });
}

/**
 * @internal Checks a required option: `undefined` (absent) is `ERR_MISSING_OPTION`; `name` is
 * the option's name as the caller spells it.
 */
export function requireOption<T>(value: T | undefined, name: string): asserts value is T {
  if (value === undefined) throw misuse(`${name} is required`, 'ERR_MISSING_OPTION');
}

/**
 * @internal Checks a required non-empty string option: `undefined` is `ERR_MISSING_OPTION`;
 * anything else that is not a non-empty string is `ERR_INVALID_ARG_TYPE`.
 */
export function requireString(value: unknown, name: string): asserts value is string {
  requireOption(value, name);
  optionalString(value, name);
}

/**
 * @internal Checks an optional non-empty string option: `undefined` passes; anything else that
 * is not a non-empty string is `ERR_INVALID_ARG_TYPE`.
 */
export function optionalString(value: unknown, name: string): asserts value is string | undefined {
  if (value !== undefined && (typeof value !== 'string' || value.length === 0))
    throw misuse(`${name} must be a non-empty string`, 'ERR_INVALID_ARG_TYPE');
}

/** @internal Bounds for {@link checkNumber}, both included. */
export interface NumberBounds {
  /** Smallest value allowed. */
  min?: number | undefined;
  /** Largest value allowed. */
  max?: number | undefined;
  /** Whether fractions are refused. */
  integer?: boolean | undefined;
}

/**
 * @internal Checks a number: not a number is `ERR_INVALID_ARG_TYPE`; `NaN`, an infinity, a value
 * outside `bounds` or a fraction where an integer is wanted is `ERR_INVALID_ARG_VALUE`. Both
 * carry `message`, which names the parameter and the rule ("port must be an integer from 0 to
 * 65535").
 */
export function checkNumber(
  value: unknown,
  message: string,
  bounds: NumberBounds = {},
): asserts value is number {
  if (typeof value !== 'number') throw misuse(message, 'ERR_INVALID_ARG_TYPE');
  const { min = -Infinity, max = Infinity, integer = false } = bounds;
  if (
    !Number.isFinite(value) ||
    value < min ||
    value > max ||
    (integer && !Number.isInteger(value))
  )
    throw misuse(message, 'ERR_INVALID_ARG_VALUE');
}

/** What an {@link OAuth2Error} is built from. */
export interface OAuth2ErrorInit {
  /** The `error` field (RFC 6749 section 5.2 / 4.1.2.1). */
  error?: string | undefined;
  errorDescription?: string | undefined;
  errorUri?: string | undefined;
  /** HTTP status of the answer, when there was one. */
  status?: number | undefined;
  /** A short, redacted excerpt of a non-OAuth error body. */
  excerpt?: string | undefined;
  cause?: unknown;
  /** The raw answer; kept non-enumerable so it is never printed or serialized. */
  response?: Response | undefined;
  /** Overrides the class's code (only for the generic {@link OAuth2Error}). */
  code?: OAuth2ErrorCode | undefined;
}

const INIT_FIELDS = ['error', 'errorDescription', 'errorUri', 'status', 'excerpt'] as const;

/**
 * A protocol failure. Subclasses narrow {@link OAuth2Error.code}.
 *
 * @see RFC 6749 section 5.2
 * @example
 * ```ts
 * try { await session.refreshToken(); }
 * catch (e) { if (e instanceof InvalidGrantError) forceLogin(); }
 * ```
 */
export class OAuth2Error extends Error {
  override name = 'OAuth2Error';
  readonly code: OAuth2ErrorCode;
  declare readonly error?: string;
  declare readonly errorDescription?: string;
  declare readonly errorUri?: string;
  declare readonly status?: number;
  declare readonly excerpt?: string;
  /** The raw Response (non-enumerable; its body is usually consumed). */
  declare readonly response?: Response;

  constructor(message: string, init: OAuth2ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code ?? 'OAUTH_RESPONSE_ERROR';
    // Only the fields that were given become properties, so a printed error shows no blanks.
    for (const field of INIT_FIELDS) {
      if (init[field] !== undefined)
        Object.defineProperty(this, field, { value: init[field], enumerable: true });
    }
    Object.defineProperty(this, 'response', { value: init.response, enumerable: false });
  }
}

/** `invalid_request` (RFC 6749 5.2, 4.1.2.1). */
export class InvalidRequestError extends OAuth2Error {
  override name = 'InvalidRequestError';
  override readonly code = 'OAUTH_INVALID_REQUEST';
}
/** `invalid_client`: client authentication failed (RFC 6749 5.2). */
export class InvalidClientError extends OAuth2Error {
  override name = 'InvalidClientError';
  override readonly code = 'OAUTH_INVALID_CLIENT';
}
/** `invalid_grant`: the code or refresh token is invalid, expired, revoked or spent (RFC 6749 5.2). */
export class InvalidGrantError extends OAuth2Error {
  override name = 'InvalidGrantError';
  override readonly code = 'OAUTH_INVALID_GRANT';
}
/** `unauthorized_client` (RFC 6749 5.2, 4.1.2.1). */
export class UnauthorizedClientError extends OAuth2Error {
  override name = 'UnauthorizedClientError';
  override readonly code = 'OAUTH_UNAUTHORIZED_CLIENT';
}
/** `unsupported_grant_type` (RFC 6749 5.2). */
export class UnsupportedGrantTypeError extends OAuth2Error {
  override name = 'UnsupportedGrantTypeError';
  override readonly code = 'OAUTH_UNSUPPORTED_GRANT_TYPE';
}
/** `invalid_scope` (RFC 6749 5.2, 4.1.2.1). */
export class InvalidScopeError extends OAuth2Error {
  override name = 'InvalidScopeError';
  override readonly code = 'OAUTH_INVALID_SCOPE';
}
/** `access_denied`: the user or server refused (RFC 6749 4.1.2.1). */
export class AccessDeniedError extends OAuth2Error {
  override name = 'AccessDeniedError';
  override readonly code = 'OAUTH_ACCESS_DENIED';
}
/** `unsupported_response_type` (RFC 6749 4.1.2.1). */
export class UnsupportedResponseTypeError extends OAuth2Error {
  override name = 'UnsupportedResponseTypeError';
  override readonly code = 'OAUTH_UNSUPPORTED_RESPONSE_TYPE';
}
/** `server_error` (RFC 6749 4.1.2.1). */
export class ServerError extends OAuth2Error {
  override name = 'ServerError';
  override readonly code = 'OAUTH_SERVER_ERROR';
}
/** `temporarily_unavailable` (RFC 6749 4.1.2.1). */
export class TemporarilyUnavailableError extends OAuth2Error {
  override name = 'TemporarilyUnavailableError';
  override readonly code = 'OAUTH_TEMPORARILY_UNAVAILABLE';
}
/** The callback's `state` is missing, differs from the session's, or appears twice (CSRF). */
export class MismatchingStateError extends OAuth2Error {
  override name = 'MismatchingStateError';
  override readonly code = 'OAUTH_MISMATCHING_STATE';
}
/**
 * The callback's `iss` differs from the configured issuer, appears twice, or is missing while
 * `requireIssuer` is set: the response may come from another authorization server (mix-up).
 *
 * @see RFC 9207 section 2.4
 * @see RFC 9700 section 4.4
 */
export class MismatchingIssuerError extends OAuth2Error {
  override name = 'MismatchingIssuerError';
  override readonly code = 'OAUTH_ISSUER_MISMATCH';
}
/** The callback carries neither `code` nor `error`. */
export class MissingCodeError extends OAuth2Error {
  override name = 'MissingCodeError';
  override readonly code = 'OAUTH_MISSING_CODE';
}
/** A successful token response without `access_token`. */
export class MissingTokenError extends OAuth2Error {
  override name = 'MissingTokenError';
  override readonly code = 'OAUTH_MISSING_TOKEN';
}
/** The token expired and the session has no way to refresh it. */
export class TokenExpiredError extends OAuth2Error {
  override name = 'TokenExpiredError';
  override readonly code = 'OAUTH_TOKEN_EXPIRED';
}
/** The token's `token_type` is not one this library can send (only Bearer, RFC 6750). */
export class UnsupportedTokenTypeError extends OAuth2Error {
  override name = 'UnsupportedTokenTypeError';
  override readonly code = 'OAUTH_UNSUPPORTED_TOKEN_TYPE';
}
/** A plain-http URL to a non-loopback host (RFC 6749 section 10.3, 10.4). */
export class InsecureTransportError extends OAuth2Error {
  override name = 'InsecureTransportError';
  override readonly code = 'OAUTH_INSECURE_TRANSPORT';
}
/** The request took longer than `timeoutMs`. */
export class TimeoutError extends OAuth2Error {
  override name = 'TimeoutError';
  /** `OAUTH_TIMEOUT`; a subclass for a wait of its own (refresh coordination) has its own code. */
  override readonly code: 'OAUTH_TIMEOUT' | 'OAUTH_COORDINATION_TIMEOUT' = 'OAUTH_TIMEOUT';
}

type OAuth2ErrorClass = new (message: string, init?: OAuth2ErrorInit) => OAuth2Error;

const BY_ERROR: Record<string, OAuth2ErrorClass> = {
  invalid_request: InvalidRequestError,
  invalid_client: InvalidClientError,
  invalid_grant: InvalidGrantError,
  unauthorized_client: UnauthorizedClientError,
  unsupported_grant_type: UnsupportedGrantTypeError,
  invalid_scope: InvalidScopeError,
  access_denied: AccessDeniedError,
  unsupported_response_type: UnsupportedResponseTypeError,
  server_error: ServerError,
  temporarily_unavailable: TemporarilyUnavailableError,
};

/** Only RFC-shaped codes reach a message; anything else is summarised. */
const SAFE_ERROR = /^[a-z0-9_.-]{1,64}$/i;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/**
 * @internal Turns an OAuth error body (`error`, `error_description`, `error_uri`) into its
 * typed error; unknown codes give a generic {@link OAuth2Error} with `.error` set.
 */
export function errorFromParams(
  where: string,
  params: Record<string, unknown>,
  status?: number,
  response?: Response,
): OAuth2Error {
  const error = String(params['error']);
  const Class = Object.hasOwn(BY_ERROR, error) ? BY_ERROR[error]! : OAuth2Error;
  return new Class(`${where}: ${SAFE_ERROR.test(error) ? error : 'error'}`, {
    error,
    errorDescription: str(params['error_description']),
    errorUri: str(params['error_uri']),
    status,
    response,
  });
}
