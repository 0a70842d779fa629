/**
 * Ending the grant at logout: the refresh token is revoked first (RFC 7009 section 2.1: a
 * compliant server then ends the whole grant, its access tokens included), then the access
 * token too, for servers that do not (the RFC says SHOULD) and for those that revoke only access
 * tokens (GitHub's API: its preset turns either call into its DELETE, whose 404 for a token
 * already gone counts as done). Each answer is checked; a failure is one log line naming the
 * error code and the provider's host. The caller has ended the local session already.
 *
 * @module
 */

import { OAuth2Error } from '../errors.js';
import type { TokenTypeHint } from '../revocation.js';
import type { OAuth2Session } from '../session.js';
import type { Token } from '../token.js';
import { errorCode, type Observer } from './events.js';

/** What {@link revokeAtLogout} needs. */
export interface LogoutRevocation {
  /** A client holding `token` for each call (a successful call forgets its token). */
  client: (token: Token) => OAuth2Session;
  token: Token;
  /** The revocation endpoint's host, for the log line. */
  host: string;
  /** Where a failure is reported (`logout.revocation_failed`). */
  observer: Observer;
  /** Bounds both calls together: logout must not hang on a slow provider. */
  signal: AbortSignal;
}

/** The values to revoke, in order: the refresh token first (it ends the grant). */
export function revocationOrder(token: Token): TokenTypeHint[] {
  return token.refresh_token ? ['refresh_token', 'access_token'] : ['access_token'];
}

/** Revokes the refresh token (when there is one) and the access token; never throws. */
export async function revokeAtLogout(call: LogoutRevocation): Promise<void> {
  let grantEnded = false;
  for (const hint of revocationOrder(call.token)) {
    const error = await attempt(call, hint);
    if (error === undefined) {
      grantEnded ||= hint === 'refresh_token';
    } else if (!(grantEnded && isUnsupportedTokenType(error))) {
      // A server that revokes only refresh tokens answers unsupported_token_type for the access
      // token once the grant has ended (RFC 7009 section 2.2.1): nothing failed then.
      report(call, hint, error);
    }
  }
}

/** One revocation; answers its error, if any. */
async function attempt(call: LogoutRevocation, hint: TokenTypeHint): Promise<unknown> {
  try {
    await call
      .client(call.token)
      .revokeToken(undefined, { tokenTypeHint: hint, signal: call.signal });
    return undefined;
  } catch (error) {
    return error ?? new Error('revocation failed');
  }
}

function isUnsupportedTokenType(error: unknown): boolean {
  return error instanceof OAuth2Error && error.error === 'unsupported_token_type';
}

/** The one event (and log line): the code and the host, never the token or the server's free text. */
function report(call: LogoutRevocation, hint: TokenTypeHint, error: unknown): void {
  call.observer.emit({
    type: 'logout.revocation_failed',
    host: call.host,
    hint,
    code: errorCode(error),
  });
}
