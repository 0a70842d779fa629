/**
 * Reading the authorization response, the callback URL (RFC 6749 section 4.1.2). State is
 * checked before anything else, so a forged callback never reaches the network.
 *
 * @module
 */

import { errorFromParams, MismatchingStateError, MissingCodeError, misuse } from './errors.js';
import { timingSafeEqual } from './random.js';

/**
 * Checks a callback URL against the expected state and answers its code. Tokens in the
 * callback (`access_token`, `id_token`: an implicit-flow injection) are never read.
 *
 * @param callback the full callback URL (its query string is what counts)
 * @param expectedState the state the session sent
 * @throws MismatchingStateError when `state` is missing, differs, or `state`/`code` appear twice
 * @throws AccessDeniedError (and the other RFC 6749 4.1.2.1 classes) for an `error=` callback
 * @throws MissingCodeError when there is no code
 */
export function readAuthorizationResponse(callback: string | URL, expectedState: string): string {
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
  if (params.has('error')) {
    throw errorFromParams('authorization failed', Object.fromEntries(params));
  }
  const code = params.get('code');
  if (!code) throw new MissingCodeError('authorization response has no code');
  return code;
}
