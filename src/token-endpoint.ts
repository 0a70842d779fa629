/**
 * The token endpoint (RFC 6749 section 3.2), as two pure steps: make the request, read the
 * response. Both are testable with canned values; `OAuth2Session` composes them.
 *
 * @module
 */

import { applyClientAuth, type ClientCredentials } from './client-auth.js';
import { errorFromParams, OAuth2Error } from './errors.js';
import type { TokenRequestParts } from './hooks.js';
import { normalizeToken, parseBody, type Token } from './token.js';
import { readBounded, redactedExcerpt } from './transport.js';

/** Token request parameters; `undefined` values are left out. */
export type TokenParams = Record<string, string | undefined>;

/**
 * Makes the parts of a token request: form body with the grant's parameters, client
 * authentication, `Accept: application/json`.
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
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(params))
    if (value !== undefined) body.set(name, value);
  const h = new Headers(headers);
  h.set('accept', 'application/json');
  h.set('content-type', 'application/x-www-form-urlencoded;charset=UTF-8');
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

function isRedirect(response: Response): boolean {
  return response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400);
}

/**
 * Reads what an OAuth endpoint answered to a form POST (token and revocation endpoints): refuses
 * a redirect, throws the OAuth error an `error` field names whatever the status (GitHub answers
 * errors with 200), and a non-2xx answer without one as `OAUTH_HTTP_ERROR` with the status and
 * a redacted excerpt. Answers the parsed fields (`undefined` when the body is neither JSON nor
 * form data).
 *
 * @param endpoint Names the endpoint in messages (`token`, `revocation`).
 * @see RFC 6749 section 5.2, RFC 7009 section 2.2.1
 */
export async function readEndpointAnswer(
  response: Response,
  endpoint: string,
  maxBytes: number,
): Promise<Record<string, unknown> | undefined> {
  const { status } = response;
  if (isRedirect(response)) {
    void response.body?.cancel().catch(() => {});
    throw new OAuth2Error(`${endpoint} endpoint answered a redirect`, {
      code: 'OAUTH_UNEXPECTED_REDIRECT',
      status,
      response,
    });
  }
  const text = await readBounded(response, maxBytes);
  const fields = parseBody(text, response.headers.get('content-type'));
  const error = fields?.['error'];
  if (typeof error === 'string') {
    throw errorFromParams(`${endpoint} request failed`, fields!, status, response);
  }
  // An `error` that is not a string is still no success: never read a token beside it.
  if (error !== undefined && error !== null) {
    throw new OAuth2Error(`${endpoint} response has a malformed error`, {
      code: 'OAUTH_INVALID_RESPONSE',
      status,
      response,
    });
  }
  if (!response.ok) {
    throw new OAuth2Error(`${endpoint} endpoint answered ${status}`, {
      code: 'OAUTH_HTTP_ERROR',
      status,
      excerpt: redactedExcerpt(text),
      response,
    });
  }
  return fields;
}

/**
 * Reads a token response: JSON or form-encoded; errors as {@link readEndpointAnswer} reads them.
 *
 * @see RFC 6749 sections 5.1 and 5.2
 * @throws OAuth2Error (or its RFC subclass), MissingTokenError
 */
export async function readTokenResponse(
  response: Response,
  options: ReadTokenOptions,
): Promise<Token> {
  const fields = await readEndpointAnswer(response, 'token', options.maxBytes);
  if (!fields) {
    throw new OAuth2Error('token response is not json or form data', {
      code: 'OAUTH_INVALID_RESPONSE',
      status: response.status,
      response,
    });
  }
  return normalizeToken(fields, options.nowSeconds, options.requestedScope);
}
