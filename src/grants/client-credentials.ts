/**
 * Client credentials grant (RFC 6749 section 4.4). The answer has no refresh token: the grant
 * remembers how it was asked, so the session can ask again the same way when the token expires.
 *
 * @module
 */

import type { Token } from '../token.js';
import type { TokenRequester } from './token-requester.js';

/** The body parameters of a client credentials token request. */
export function clientCredentialsParams(
  scope?: readonly string[],
): Record<string, string | undefined> {
  return { grant_type: 'client_credentials', scope: scope?.length ? scope.join(' ') : undefined };
}

/** How a client credentials token was asked for (the caller's signal is not kept). */
export interface ClientCredentialsCall {
  readonly url: URL;
  readonly scope: readonly string[];
  readonly extraParams?: Record<string, string> | undefined;
  readonly headers?: HeadersInit | undefined;
}

/** A client credentials grant that can be asked again. */
export class ClientCredentialsGrant {
  readonly #call: ClientCredentialsCall;

  constructor(call: ClientCredentialsCall) {
    this.#call = call;
  }

  /** Asks for a token, as first asked. */
  request(request: TokenRequester, signal?: AbortSignal): Promise<Token> {
    const { scope } = this.#call;
    const params = clientCredentialsParams(scope);
    return request({ ...this.#call, params, requestedScope: scope, signal });
  }
}
