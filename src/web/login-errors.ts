/**
 * How a failed login is shown: each failure gets a status and a message fit for a user,
 * never the provider's free text (it comes from the callback URL, which anyone can craft).
 *
 * @module
 */

import { OAuth2Error } from '../errors.js';
import type { ErrorPageContent } from './responses.js';

/** A failed callback's status and page (without the retry path). */
export interface LoginFailure {
  status: number;
  content: Omit<ErrorPageContent, 'retryPath'>;
}

const TITLE = 'Login failed';

/** The transaction cookie is missing, unreadable, expired or already used. */
export function transactionFailure(status: 'missing' | 'invalid' | 'replayed'): LoginFailure {
  const message =
    status === 'replayed'
      ? 'This login link was already used. Please start the login again.'
      : 'The login request was not found or has expired. Please start the login again.';
  return { status: 400, content: { title: TITLE, message, code: `transaction_${status}` } };
}

/** Status per error code: the user's refusal, our misconfiguration, the provider's trouble. */
const STATUS_BY_CODE: Partial<Record<OAuth2Error['code'], number>> = {
  OAUTH_ACCESS_DENIED: 403,
  OAUTH_INVALID_CLIENT: 500,
  OAUTH_UNAUTHORIZED_CLIENT: 500,
  OAUTH_INSECURE_TRANSPORT: 500,
  OAUTH_SERVER_ERROR: 502,
  OAUTH_HTTP_ERROR: 502,
  OAUTH_INVALID_RESPONSE: 502,
  OAUTH_RESPONSE_TOO_LARGE: 502,
  OAUTH_UNEXPECTED_REDIRECT: 502,
  OAUTH_NETWORK_ERROR: 502,
  OAUTH_MISSING_TOKEN: 502,
  /** A token type we cannot use is the provider's answer, not the user's doing. */
  OAUTH_UNSUPPORTED_TOKEN_TYPE: 502,
  OAUTH_TIMEOUT: 504,
  OAUTH_TEMPORARILY_UNAVAILABLE: 503,
  /** A callback from another authorization server (RFC 9207): refused like a state mismatch. */
  OAUTH_ISSUER_MISMATCH: 400,
  /**
   * An ID token refused (OpenID Connect): a forgery, a replay or another login's are as likely
   * as a provider's fault, so it is refused like a state mismatch, never kept.
   */
  OAUTH_INVALID_ID_TOKEN: 400,
  /** The provider's keys could not be read: its trouble. */
  OAUTH_INVALID_JWKS: 502,
};

/** Messages of their own; the others follow the status. */
const MESSAGE_BY_CODE: Partial<Record<OAuth2Error['code'], string>> = {
  OAUTH_ACCESS_DENIED: 'Access was denied at the provider.',
  // Says which step failed, names no token and none of its claims.
  OAUTH_INVALID_ID_TOKEN:
    'The sign-in answer from the provider could not be verified, so you were not signed in. Please start the login again.',
};

/** Only RFC-shaped codes are shown. */
const SAFE_CODE = /^[a-z0-9_.-]{1,64}$/i;

/** The page for an OAuth2Error raised by the callback's state check or code exchange. */
export function oauthFailure(error: OAuth2Error): LoginFailure {
  const status = STATUS_BY_CODE[error.code] ?? 400;
  const message =
    MESSAGE_BY_CODE[error.code] ??
    (status >= 500
      ? 'The provider could not complete the login. Please try again later.'
      : 'The provider did not accept this login. Please start the login again.');
  const code = error.error && SAFE_CODE.test(error.error) ? error.error : error.code;
  return { status, content: { title: TITLE, message, code } };
}

/** Whether a thrown value is a protocol failure the callback answers with a page. */
export const isOAuth2Error = (value: unknown): value is OAuth2Error => value instanceof OAuth2Error;
