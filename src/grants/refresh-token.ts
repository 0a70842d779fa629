/**
 * Refresh token grant (RFC 6749 section 6), with its whole rules: the old refresh token is kept
 * when the answer brings none, and a refresh token the server refused is never sent again.
 *
 * @module
 */

import { InvalidGrantError, misuse } from '../errors.js';
import type { Token } from '../token.js';
import type { TokenRequester } from './token-requester.js';

/** The body parameters of a refresh request; `scope` only when narrowing it. */
export function refreshTokenParams(
  refreshToken: string,
  scope?: readonly string[],
): Record<string, string | undefined> {
  return { grant_type: 'refresh_token', refresh_token: refreshToken, scope: scope?.join(' ') };
}

/** One refresh: the token endpoint, the narrower scope if any, and extra body parameters. */
export interface RefreshCall {
  readonly url: URL;
  /** Sent in place of the session token's refresh token (requests-oauthlib's `refresh_token=`). */
  readonly refreshToken?: string | undefined;
  readonly scope?: readonly string[] | undefined;
  readonly extraParams?: Record<string, string> | undefined;
  readonly headers?: HeadersInit | undefined;
  readonly signal?: AbortSignal | undefined;
}

/** The refresh grant of one session: it remembers the refresh token the server refused. */
export class RefreshGrant {
  /** A refresh token the server answered invalid_grant for: never sent again. */
  #refused: string | undefined;

  /**
   * Refreshes `stale` (with `call.refreshToken` when given). Never retried here: a single-use
   * refresh token may be spent already. `extraParams` cannot replace `grant_type` or
   * `refresh_token`.
   *
   * @throws InvalidGrantError when the server refuses the refresh token, or refused it before
   */
  async refresh(
    request: TokenRequester,
    stale: Token | undefined,
    call: RefreshCall,
  ): Promise<Token> {
    const refreshToken = call.refreshToken ?? stale?.refresh_token;
    if (!refreshToken) throw misuse('token has no refresh_token', 'ERR_NO_TOKEN');
    if (refreshToken === this.#refused)
      throw new InvalidGrantError('refresh token was refused before', { error: 'invalid_grant' });
    const params = { ...call.extraParams, ...refreshTokenParams(refreshToken, call.scope) };
    try {
      const token = await request({ ...call, params, requestedScope: call.scope ?? stale?.scope });
      return { ...token, refresh_token: token.refresh_token ?? refreshToken };
    } catch (error) {
      if (error instanceof InvalidGrantError) this.#refused = refreshToken;
      throw error;
    }
  }
}
