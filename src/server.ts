/**
 * The authorization server, described once, with the field names of RFC 8414 (OAuth 2.0
 * Authorization Server Metadata) and OpenID Connect Discovery 1.0. Presets and discovery produce
 * this same value; a session takes it and defaults every endpoint URL from it.
 *
 * @module
 */

import { misuse } from './errors.js';
import type { EndpointName } from './hooks.js';
import type { Transport } from './transport.js';

/**
 * Authorization server metadata (RFC 8414 section 2; OpenID Connect Discovery 1.0 section 3).
 * Every field is optional here, so a provider that publishes no metadata (GitHub) is described
 * by the endpoints it documents; unknown fields are kept.
 *
 * @example
 * ```ts
 * const server: AuthorizationServer = {
 *   issuer: 'https://login.example',
 *   authorization_endpoint: 'https://login.example/authorize',
 *   token_endpoint: 'https://login.example/token',
 *   revocation_endpoint: 'https://login.example/revoke',
 * };
 * const session = new OAuth2Session({ clientId, server });
 * const { url } = await session.authorizationUrl(); // at authorization_endpoint
 * ```
 * @see RFC 8414 section 2
 */
export interface AuthorizationServer {
  /** The issuer identifier; a callback's `iss` must equal it (RFC 9207). */
  issuer?: string | undefined;
  authorization_endpoint?: string | undefined;
  token_endpoint?: string | undefined;
  /** RFC 7009. */
  revocation_endpoint?: string | undefined;
  /** RFC 7662. */
  introspection_endpoint?: string | undefined;
  /** OpenID Connect Core 1.0 section 5.3. */
  userinfo_endpoint?: string | undefined;
  jwks_uri?: string | undefined;
  /** OpenID Connect RP-Initiated Logout 1.0. */
  end_session_endpoint?: string | undefined;
  /** RFC 8628. */
  device_authorization_endpoint?: string | undefined;
  /** RFC 9126. */
  pushed_authorization_request_endpoint?: string | undefined;
  registration_endpoint?: string | undefined;
  /** RFC 9207: every authorization response carries `iss`. */
  authorization_response_iss_parameter_supported?: boolean | undefined;
  /** RFC 9126: authorization requests must be pushed. */
  require_pushed_authorization_requests?: boolean | undefined;
  code_challenge_methods_supported?: readonly string[] | undefined;
  token_endpoint_auth_methods_supported?: readonly string[] | undefined;
  token_endpoint_auth_signing_alg_values_supported?: readonly string[] | undefined;
  revocation_endpoint_auth_methods_supported?: readonly string[] | undefined;
  introspection_endpoint_auth_methods_supported?: readonly string[] | undefined;
  grant_types_supported?: readonly string[] | undefined;
  response_types_supported?: readonly string[] | undefined;
  response_modes_supported?: readonly string[] | undefined;
  scopes_supported?: readonly string[] | undefined;
  id_token_signing_alg_values_supported?: readonly string[] | undefined;
  /** RFC 9449. */
  dpop_signing_alg_values_supported?: readonly string[] | undefined;
  [field: string]: unknown;
}

/** @internal Every endpoint a server can describe: those of the endpoint pipeline and those a browser or API client visits. */
export type ServerEndpoint = EndpointName | 'authorization' | 'userinfo' | 'end_session';

/** @internal The metadata field of an endpoint: RFC 8414 and its extensions all name it `<endpoint>_endpoint`. */
export const endpointField = (endpoint: ServerEndpoint) => `${endpoint}_endpoint` as const;

/** @internal The URL of one endpoint of `server`, or undefined when it does not describe it. */
export function endpointUrl(
  server: AuthorizationServer | undefined,
  endpoint: ServerEndpoint,
): string | undefined {
  const value = server?.[endpointField(endpoint)];
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * The URL a method was given, else the server's `endpoint`, held to the transport's https rule.
 *
 * @throws TypeError `ERR_MISSING_OPTION` when neither is there; InsecureTransportError
 * @internal
 */
export function checkedEndpoint(
  transport: Transport,
  server: AuthorizationServer | undefined,
  url: string | URL | undefined,
  endpoint: ServerEndpoint,
): URL {
  const what = `${endpoint} url`;
  const target = url ?? endpointUrl(server, endpoint);
  if (target === undefined)
    throw misuse(`${what} is required (or a server with one)`, 'ERR_MISSING_OPTION');
  return transport.checkUrl(target, what);
}

/**
 * Holds every endpoint URL of `server` (and `jwks_uri`) to the transport's https rule, so an
 * insecure one is refused when configured, not on its first use.
 *
 * @throws InsecureTransportError, or a TypeError for a URL that does not parse
 * @internal
 */
export function checkServer(server: AuthorizationServer, transport: Transport): void {
  if (strictlyChecked.has(server)) return;
  for (const [field, url] of Object.entries(server)) {
    if (/_endpoint$|^jwks_uri$/.test(field) && typeof url === 'string')
      transport.checkUrl(url, field);
  }
  if (!transport.insecureAllowed) strictlyChecked.add(server);
}

/**
 * Server descriptions that passed the strict rule (no insecure switch): they pass any later check
 * too, so a web app that builds a session per request parses their URLs once, not per request.
 * Every URL is still held to the rule when it is used.
 */
const strictlyChecked = new WeakSet<AuthorizationServer>();
