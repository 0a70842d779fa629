/**
 * Building the authorization request URL (RFC 6749 section 4.1.1, RFC 7636 section 4.3).
 *
 * @module
 */

import { defaults } from './defaults.js';
import { misuse } from './errors.js';
import { randomString } from './random.js';

/** What goes into an authorization URL. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri?: string | undefined;
  scope?: readonly string[] | undefined;
  state: string;
  /** The S256 challenge; omitted when PKCE is off. */
  codeChallenge?: string | undefined;
  /** Other parameters (`prompt`, `login`, ...); they may not replace the ones above. */
  extraParams?: Record<string, string> | undefined;
}

/** Parameters the library sets itself; letting `extraParams` replace them reopens CSRF traps. */
const RESERVED = new Set([
  'response_type',
  'client_id',
  'redirect_uri',
  'scope',
  'state',
  'code_challenge',
  'code_challenge_method',
]);

/**
 * Builds the authorization URL: `response_type=code`, `client_id`, `redirect_uri` (only when
 * set), `scope` (space-joined), `state`, and the S256 challenge.
 *
 * @throws TypeError when `extraParams` tries to set one of those.
 */
export function buildAuthorizationUrl(endpoint: URL, request: AuthorizationRequest): URL {
  const url = new URL(endpoint);
  const q = url.searchParams;
  q.set('response_type', 'code');
  q.set('client_id', request.clientId);
  if (request.redirectUri !== undefined) q.set('redirect_uri', request.redirectUri);
  if (request.scope?.length) q.set('scope', request.scope.join(' '));
  q.set('state', request.state);
  if (request.codeChallenge !== undefined) {
    q.set('code_challenge', request.codeChallenge);
    q.set('code_challenge_method', 'S256');
  }
  for (const [name, value] of Object.entries(request.extraParams ?? {})) {
    if (RESERVED.has(name)) throw misuse(`extraParams may not set ${name}`);
    q.set(name, value);
  }
  return url;
}

/**
 * The state of a new authorization request: the given one, the factory's, or 256 random bits
 * (RFC 9700 section 2.1: state binds the callback to this browser).
 *
 * @throws TypeError `ERR_INVALID_ARG_TYPE` when the given or made state is not a non-empty string
 */
export function newState(given: string | (() => string) | undefined): string {
  const state =
    typeof given === 'function' ? given() : (given ?? randomString(defaults.stateBytes));
  if (typeof state !== 'string' || !state)
    throw misuse('state must be a non-empty string', 'ERR_INVALID_ARG_TYPE');
  return state;
}
