/**
 * Reading the authorization response, the callback URL (RFC 6749 section 4.1.2). State, then
 * the issuer (RFC 9207), are checked before anything else, so a forged callback never reaches
 * the network.
 *
 * @module
 */

import {
  errorFromParams,
  MismatchingIssuerError,
  MismatchingStateError,
  MissingCodeError,
  misuse,
} from './errors.js';
import { timingSafeEqual } from './random.js';

/**
 * The authorization server the response must come from (mix-up defence, RFC 9700 section 4.4).
 *
 * @see RFC 9207
 */
export interface IssuerCheck {
  /**
   * The expected issuer identifier (the AS metadata's `issuer`). An `iss` that differs is
   * refused; an `iss` with no issuer configured is ignored (RFC 9207 section 2.4).
   */
  issuer?: string | undefined;
  /**
   * The AS advertises `authorization_response_iss_parameter_supported`: a response without
   * `iss` is refused. Needs `issuer`. Default false.
   */
  requireIssuer?: boolean | undefined;
}

/**
 * @internal Refuses a response from another authorization server (RFC 9207 section 2.4):
 * `iss` differs from `issuer` (simple string comparison), appears twice, or is missing when
 * `requireIssuer` is set.
 */
function checkIssuer(params: URLSearchParams, check: IssuerCheck): void {
  const { issuer, requireIssuer } = check;
  if (issuer === undefined) {
    if (requireIssuer) throw misuse('requireIssuer needs issuer', 'ERR_MISSING_OPTION');
    return;
  }
  const values = params.getAll('iss');
  if (values.length === 0 && !requireIssuer) return;
  if (values.length !== 1 || values[0] !== issuer) {
    throw new MismatchingIssuerError('issuer mismatch in authorization response');
  }
}

/**
 * Checks a callback URL against the expected state and answers its code. Tokens in the
 * callback (`access_token`, `id_token`: an implicit-flow injection) are never read.
 *
 * @param callback the full callback URL (its query string is what counts)
 * @param expectedState the state the session sent
 * @param issuerCheck the expected issuer, checked after state and before `error` / `code`
 * @throws MismatchingStateError when `state` is missing, differs, or `state`/`code` appear twice
 * @throws MismatchingIssuerError when `iss` differs from `issuer`, appears twice, or is missing
 *   with `requireIssuer` (an `error=` callback too: a forged error is not believed)
 * @throws AccessDeniedError (and the other RFC 6749 4.1.2.1 classes) for an `error=` callback
 * @throws MissingCodeError when there is no code
 */
export function readAuthorizationResponse(
  callback: string | URL,
  expectedState: string,
  issuerCheck: IssuerCheck = {},
): string {
  let params: URLSearchParams;
  try {
    params = new URL(callback).searchParams;
  } catch {
    throw misuse('authorizationResponse is not a valid url');
  }
  const states = params.getAll('state');
  if (states.length !== 1 || !timingSafeEqual(states[0]!, expectedState)) {
    throw new MismatchingStateError('state mismatch in authorization response');
  }
  if (params.getAll('code').length > 1 || params.getAll('error').length > 1) {
    throw new MismatchingStateError('duplicated parameters in authorization response');
  }
  checkIssuer(params, issuerCheck);
  if (params.has('error')) {
    throw errorFromParams('authorization failed', Object.fromEntries(params));
  }
  const code = params.get('code');
  if (!code) throw new MissingCodeError('authorization response has no code');
  return code;
}

/** Where a code exchange takes its code from: the callback URL (checked), or the code itself. */
export interface CodeSource {
  /** The full callback URL; its state is checked before any network call. */
  authorizationResponse?: string | URL | undefined;
  /** The code itself, when the caller has checked state already. */
  code?: string | undefined;
}

/**
 * The code of an exchange: read from the callback URL against the expected state (and issuer),
 * or the code given as is.
 *
 * @throws TypeError `ERR_MISSING_OPTION` without a state for the callback, or without either source
 * @throws what {@link readAuthorizationResponse} throws
 */
export function codeOf(source: CodeSource, state: string | undefined, check: IssuerCheck): string {
  if (source.authorizationResponse !== undefined) {
    if (!state)
      throw misuse('state is required to check authorizationResponse', 'ERR_MISSING_OPTION');
    return readAuthorizationResponse(source.authorizationResponse, state, check);
  }
  if (typeof source.code === 'string' && source.code) return source.code;
  throw misuse('fetchToken needs authorizationResponse or code', 'ERR_MISSING_OPTION');
}
