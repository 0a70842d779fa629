/**
 * Errors, in two tiers (STYLE.md point 3):
 *
 * - misuse by the caller is a `TypeError` carrying a {@link MisuseCode} in `code`;
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
  | 'OAUTH_NETWORK_ERROR';

/** Codes carried by the `TypeError`s thrown on misuse. */
export type MisuseCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_MISSING_OPTION'
  | 'ERR_NO_TOKEN';

/** A `TypeError` thrown on misuse, with a {@link MisuseCode}. */
export type MisuseError = TypeError & { code: MisuseCode };

/** @internal Makes a misuse error. */
export function misuse(message: string, code: MisuseCode = 'ERR_INVALID_ARG_VALUE'): MisuseError {
  return Object.assign(new TypeError(message), { code });
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
  code?: OAuth2ErrorCode;
}

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
  readonly error?: string;
  readonly errorDescription?: string;
  readonly errorUri?: string;
  readonly status?: number;
  readonly excerpt?: string;
  /** The raw Response (non-enumerable; its body is usually consumed). */
  declare readonly response?: Response;

  constructor(message: string, init: OAuth2ErrorInit = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.code = init.code ?? 'OAUTH_RESPONSE_ERROR';
    if (init.error !== undefined) this.error = init.error;
    if (init.errorDescription !== undefined) this.errorDescription = init.errorDescription;
    if (init.errorUri !== undefined) this.errorUri = init.errorUri;
    if (init.status !== undefined) this.status = init.status;
    if (init.excerpt !== undefined) this.excerpt = init.excerpt;
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
  override readonly code = 'OAUTH_TIMEOUT';
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
