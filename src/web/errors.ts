/**
 * Misuse errors of the web layer: a `TypeError` with a stable `code` (STYLE.md point 3).
 * Protocol failures stay the core's `OAuth2Error` classes; store outages are
 * `SessionStoreUnavailableError` from the store contract.
 *
 * @module
 */

/** Codes carried by the web layer's misuse `TypeError`s. */
export type WebMisuseCode =
  | 'ERR_INVALID_ARG_TYPE'
  | 'ERR_INVALID_ARG_VALUE'
  | 'ERR_MISSING_OPTION'
  /** A session secret shorter than 32 characters. */
  | 'ERR_SECRET_TOO_SHORT'
  /** A session that does not fit in the allowed number of cookie chunks. */
  | 'ERR_SESSION_TOO_LARGE';

/** A `TypeError` thrown on misuse of the web layer, with a {@link WebMisuseCode}. */
export type WebMisuseError = TypeError & { code: WebMisuseCode };

/** @internal Makes a misuse error; the message names the option and never holds a secret. */
export function webMisuse(
  message: string,
  code: WebMisuseCode = 'ERR_INVALID_ARG_VALUE',
): WebMisuseError {
  return Object.assign(new TypeError(message), { code });
}
