/**
 * What a grant needs of its session: one token request, with the session's client, transport,
 * hooks and clock already bound.
 *
 * @module
 */

import type { Token } from '../token.js';

/** One token request as a grant makes it. */
export interface GrantRequest {
  readonly url: URL;
  readonly params: Record<string, string | undefined>;
  /** Extra body parameters (they cannot replace the grant's own). */
  readonly extraParams?: Record<string, string> | undefined;
  readonly headers?: HeadersInit | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Assumed granted when the answer names no scope. */
  readonly requestedScope?: readonly string[] | undefined;
}

/** Sends a token request and reads the token (the session's `token` endpoint pipeline). */
export type TokenRequester = (request: GrantRequest) => Promise<Token>;
