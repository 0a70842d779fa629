/**
 * The relying party of the OIDC tests: an `OpenIDSession` for the hostile OP's one client, and
 * a whole login (authorizationUrl → the OP → fetchToken with the callback URL) that answers the
 * callback session and what `fetchToken` did.
 */
import {
  type IdTokenCheck,
  IdTokenError,
  OpenIDSession,
  type OpenIDSessionOptions,
} from 'oauth2-session/oidc';
import { expect } from 'vitest';
import { type HostileOp, OP_CLIENT } from '../harness/hostile-op.js';

/** An OpenIDSession for {@link OP_CLIENT} at `op`, with `extra` options. */
export function relyingParty(
  op: HostileOp,
  extra: Partial<OpenIDSessionOptions> = {},
): OpenIDSession {
  return new OpenIDSession({
    clientId: OP_CLIENT.clientId,
    clientSecret: OP_CLIENT.clientSecret,
    redirectUri: OP_CLIENT.redirectUri,
    server: op.metadata,
    ...extra,
  });
}

/** What one login came to: the callback's session, and its token or the error `fetchToken` threw. */
export interface LoginOutcome {
  session: OpenIDSession;
  error?: unknown;
}

/**
 * A login as an app makes one: the login request's session builds the URL, the OP redirects
 * back, and a new session (state, verifier and nonce restored) exchanges the code.
 */
export async function login(
  op: HostileOp,
  extra: Partial<OpenIDSessionOptions> = {},
): Promise<LoginOutcome> {
  const { url, state, codeVerifier, nonce } = await relyingParty(op, extra).authorizationUrl();
  const callback = await op.authorize(url);
  const session = relyingParty(op, { ...extra, state, codeVerifier, nonce });
  try {
    await session.fetchToken({ authorizationResponse: callback });
    return { session };
  } catch (error) {
    return { session, error };
  }
}

/**
 * The oracle of a refused ID token: an IdTokenError naming `check`, no token and no claims kept,
 * userinfo impossible (no verified token) and never asked.
 */
export async function expectRefused(
  op: HostileOp,
  outcome: LoginOutcome,
  check: IdTokenCheck,
): Promise<void> {
  expect(outcome.error).toBeInstanceOf(IdTokenError);
  expect((outcome.error as IdTokenError).check).toBe(check);
  expect((outcome.error as IdTokenError).code).toBe('OAUTH_INVALID_ID_TOKEN');
  expect(outcome.session.token).toBeUndefined();
  expect(outcome.session.idTokenClaims).toBeUndefined();
  await expect(outcome.session.userinfo()).rejects.toMatchObject({ code: 'ERR_NO_TOKEN' });
  expect(op.counts.userinfo).toBe(0);
}

/** Seconds since the epoch, now. */
export const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A clock the test moves by hand, in milliseconds since the epoch. */
export function manualClock(start = 1_800_000_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
