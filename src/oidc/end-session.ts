/**
 * Logout at the provider (OpenID Connect RP-Initiated Logout 1.0): the URL the browser is sent
 * to so the provider ends its own session too.
 *
 * @module
 */

import { misuse } from '../errors.js';
import type { AuthorizationServer } from '../server.js';
import { Transport, type TransportOptions } from '../transport.js';

/** The parameters of an end-session request (section 2). */
export interface EndSessionRequest {
  /** The ID token the provider issued for this login: it tells the provider whose session ends. */
  idTokenHint?: string | undefined;
  /** Where the provider sends the browser after: registered with the provider beforehand. */
  postLogoutRedirectUri?: string | undefined;
  /** Echoed back on the redirect to `postLogoutRedirectUri`. */
  state?: string | undefined;
  /** The client id; recommended with `postLogoutRedirectUri` when there is no hint. */
  clientId?: string | undefined;
  logoutHint?: string | undefined;
  uiLocales?: string | undefined;
}

/**
 * The end-session URL, or `undefined` when the server has no `end_session_endpoint` (then only
 * the app's own session can end).
 *
 * @throws InsecureTransportError for an http endpoint to a non-loopback host
 * @example
 * ```ts
 * const url = endSessionUrl(server, { idTokenHint: token.id_token, postLogoutRedirectUri, state });
 * if (url) return Response.redirect(url, 303);
 * ```
 * @see OpenID Connect RP-Initiated Logout 1.0 section 2
 */
export function endSessionUrl(
  server: AuthorizationServer,
  request: EndSessionRequest,
  options: TransportOptions = {},
): URL | undefined {
  const endpoint = server.end_session_endpoint;
  if (endpoint === undefined) return undefined;
  if (request.state !== undefined && request.postLogoutRedirectUri === undefined)
    throw misuse('state is only sent with postLogoutRedirectUri');
  const url = new Transport(options).checkUrl(endpoint, 'end_session_endpoint');
  const params: [string, string | undefined][] = [
    ['id_token_hint', request.idTokenHint],
    ['client_id', request.clientId],
    ['post_logout_redirect_uri', request.postLogoutRedirectUri],
    ['state', request.state],
    ['logout_hint', request.logoutHint],
    ['ui_locales', request.uiLocales],
  ];
  for (const [name, value] of params) if (value !== undefined) url.searchParams.set(name, value);
  return url;
}
