/**
 * The token endpoint (RFC 6749 section 3.2): a token request through the endpoint pipeline,
 * and the first pure steps (make the request, read the response) for callers that send it
 * themselves.
 *
 * @module
 */

import { applyClientAuth, type ClientCredentials } from './client-auth.js';
import {
  callEndpoint,
  type EndpointClient,
  type EndpointParams,
  endpointRequest,
  readEndpointAnswer,
} from './endpoint.js';
import { OAuth2Error } from './errors.js';
import type { GrantRequest, TokenRequester } from './grants/token-requester.js';
import type { TokenRequestParts } from './hooks.js';
import type { ScopeChange } from './options.js';
import { normalizeToken, scopeChange, type Token } from './token.js';

/** Token request parameters; `undefined` values are left out. */
export type TokenParams = EndpointParams;

/** @internal One token request: the grant's parameters and how to read the answer. */
export interface TokenCall {
  /** The token endpoint, already held to the transport's rule. */
  readonly url: URL;
  readonly params: TokenParams;
  readonly headers?: HeadersInit | undefined;
  readonly signal?: AbortSignal | undefined;
  /** The current time in epoch seconds (for `expires_at`). */
  readonly nowSeconds: number;
  /** Assumed granted when the answer names no scope (RFC 6749 section 5.1). */
  readonly requestedScope?: readonly string[] | undefined;
  /** The token types the client can send (its token attachment's); default Bearer only. */
  readonly tokenTypes?: readonly string[] | undefined;
}

const notFields = (response: Response) =>
  new OAuth2Error('token response is not json or form data', {
    code: 'OAUTH_INVALID_RESPONSE',
    status: response.status,
    response,
  });

/**
 * Requests a token through the endpoint pipeline and reads it.
 *
 * @see RFC 6749 sections 5.1 and 5.2
 * @throws OAuth2Error (or its RFC subclass), MissingTokenError, UnsupportedTokenTypeError
 * @internal
 */
export async function requestToken(client: EndpointClient, call: TokenCall): Promise<Token> {
  const { url, params, headers, signal } = call;
  const sent = { endpoint: 'token' as const, url, params, headers, signal };
  const { fields, response } = await callEndpoint(client, sent);
  if (!fields) throw notFields(response);
  return normalizeToken(fields, call.nowSeconds, call.requestedScope, call.tokenTypes);
}

/** @internal What {@link grantRequester} binds: the client's clock, token attachment and scope report. */
export interface GrantRequesterOptions {
  readonly clock?: (() => number) | undefined;
  /** Its `tokenTypes` are the ones accepted; default Bearer only. */
  readonly tokenAttachment?: { readonly tokenTypes: readonly string[] } | undefined;
  readonly onScopeChanged?: ((change: ScopeChange) => void) | undefined;
}

/**
 * The {@link TokenRequester} a grant uses: the grant's parameters over its extra ones, the token
 * endpoint pipeline, and a granted scope other than the requested one reported.
 *
 * @internal
 */
export function grantRequester(client: EndpointClient, o: GrantRequesterOptions): TokenRequester {
  return async (request: GrantRequest): Promise<Token> => {
    const params = { ...request.extraParams, ...request.params };
    const nowSeconds = (o.clock ?? Date.now)() / 1000;
    const { url, headers, signal, requestedScope } = request;
    const tokenTypes = o.tokenAttachment?.tokenTypes;
    const call = { url, params, headers, signal, requestedScope, nowSeconds, tokenTypes };
    const token = await requestToken(client, call);
    const change = scopeChange(requestedScope, token);
    if (change) o.onScopeChanged?.(change);
    return token;
  };
}

/**
 * Makes the parts of a token request: form body with the grant's parameters, client
 * authentication (a string method), `Accept: application/json`.
 *
 * @example
 * ```ts
 * const parts = tokenRequest(new URL(tokenUrl), { grant_type: 'client_credentials' }, { clientId, clientSecret });
 * const response = await fetch(...toFetchArgs(parts));
 * ```
 */
export function tokenRequest(
  url: URL,
  params: TokenParams,
  client: ClientCredentials,
  headers?: HeadersInit,
): TokenRequestParts {
  const { headers: h, body } = endpointRequest('token', url, params, headers);
  applyClientAuth(client, h, body);
  return { url, headers: h, body };
}

/** The `fetch` arguments for token request parts: a POST that never follows redirects. */
export function toFetchArgs(parts: TokenRequestParts): [string, RequestInit] {
  return [
    parts.url.href,
    { method: 'POST', headers: parts.headers, body: parts.body.toString(), redirect: 'manual' },
  ];
}

/** What {@link readTokenResponse} needs besides the Response. */
export interface ReadTokenOptions {
  /** The current time in epoch seconds (for `expires_at`). */
  nowSeconds: number;
  /** Assumed granted when the answer names no scope (RFC 6749 section 5.1). */
  requestedScope?: readonly string[] | undefined;
  /** Largest body read, in bytes. */
  maxBytes: number;
}

/**
 * Reads a token response: JSON or form-encoded; a redirect, an `error` field (whatever the
 * status) or a non-2xx answer is a typed error.
 *
 * @see RFC 6749 sections 5.1 and 5.2
 * @throws OAuth2Error (or its RFC subclass), MissingTokenError
 */
export async function readTokenResponse(
  response: Response,
  options: ReadTokenOptions,
): Promise<Token> {
  const fields = await readEndpointAnswer(response, 'token', options.maxBytes);
  if (!fields) throw notFields(response);
  return normalizeToken(fields, options.nowSeconds, options.requestedScope);
}
