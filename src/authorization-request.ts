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

/**
 * What a provider preset adds to every authorization URL it is used for (a `ProviderPreset` is
 * one): parameters the provider needs there, and its scope separator.
 */
export interface AuthorizationPreset {
  /** Sent with every authorization request (`access_type=offline`, ...); `extraParams` win. */
  readonly authorizationParams?: Readonly<Record<string, string>> | undefined;
  /** Joins the scopes in the URL; default a space (RFC 6749 section 3.3). */
  readonly scopeSeparator?: string | undefined;
}

/**
 * Builds the authorization URL: `response_type=code`, `client_id`, `redirect_uri` (only when
 * set), `scope` (joined by the preset's separator, else a space), `state`, the S256 challenge,
 * then the preset's `authorizationParams` and `extraParams` (the call's win).
 *
 * @example
 * ```ts
 * const url = buildAuthorizationUrl(new URL('https://www.strava.com/oauth/authorize'), {
 *   clientId, state, scope: ['read', 'activity:read'],
 * }, { scopeSeparator: ',', authorizationParams: { approval_prompt: 'auto' } });
 * ```
 * @throws TypeError when the preset or `extraParams` tries to set one of the library's own.
 */
export function buildAuthorizationUrl(
  endpoint: URL,
  request: AuthorizationRequest,
  preset?: AuthorizationPreset,
): URL {
  const url = new URL(endpoint);
  const challenge = request.codeChallenge;
  // The library's own parameters, left out when unset; replacing one reopens CSRF traps.
  const own: Record<string, string | undefined> = {
    response_type: 'code',
    client_id: request.clientId,
    redirect_uri: request.redirectUri,
    scope: request.scope?.length ? request.scope.join(preset?.scopeSeparator ?? ' ') : undefined,
    state: request.state,
    code_challenge: challenge,
    code_challenge_method: challenge === undefined ? undefined : 'S256',
  };
  for (const [name, value] of Object.entries(own))
    if (value !== undefined) url.searchParams.set(name, value);
  const extra = { ...preset?.authorizationParams, ...request.extraParams };
  for (const [name, value] of Object.entries(extra)) {
    if (Object.hasOwn(own, name)) throw misuse(`extraParams may not set ${name}`);
    url.searchParams.set(name, value);
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
