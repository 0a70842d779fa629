/**
 * Refresh coordination: with single-use refresh tokens (GitHub, RFC 9700 section 4.14.2) two
 * requests or processes refreshing the same session at once would log the user out. For stored
 * sessions, only the holder of the store's {@link RefreshLock} refreshes (and writes the new
 * token); the others wait for its result. For sealed-cookie sessions, requests of the process
 * share one refresh.
 *
 * @module
 */

import { type InvalidGrantError, OAuth2Error, TimeoutError } from '../errors.js';
import type { RefreshCoordinator } from '../options.js';
import { timingSafeEqual } from '../random.js';
import type { Token } from '../token.js';
import { NO_OBSERVER, type Observer, type WaitOutcome } from './events.js';
import type { OpenIDClaims } from './openid.js';
import { claimsOf, tokenOf, withField } from './session-schema.js';
import { isFinalRefusal, SharedRefreshes } from './shared-refresh.js';
import { replaceSession, type SessionData, type SessionStore } from './stores/store.js';

export { TOKEN_KEY, tokenOf } from './session-schema.js';

/**
 * Waiting for another process's refresh took longer than the coordinator allows. A
 * {@link TimeoutError} of its own class and code (`OAUTH_COORDINATION_TIMEOUT`), so the
 * handlers answer 503 by type, not by message.
 */
export class RefreshCoordinationTimeoutError extends TimeoutError {
  override name = 'RefreshCoordinationTimeoutError';
  override readonly code = 'OAUTH_COORDINATION_TIMEOUT';
}

/**
 * The stored session vanished while its refresh was coordinated (a logout, or another process
 * ended it after a refused refresh). Raised here, without any token request: the authorization
 * server said nothing. The handlers treat it like {@link InvalidGrantError}: the session is
 * destroyed and the user logs in again.
 */
export class SessionEndedError extends OAuth2Error {
  override name = 'SessionEndedError';
  override readonly code = 'OAUTH_SESSION_ENDED';
}

/** Timing of the coordination, in milliseconds. */
export interface RefreshCoordinationOptions {
  /** How long the lock is held at most (a crashed holder frees it by expiry). Default 10 000 ms. */
  lockTtlMs?: number | undefined;
  /** How often a waiting process re-reads the store. Default 50 ms. */
  pollIntervalMs?: number | undefined;
  /** Longest total wait before giving up with a TimeoutError. Default 15 000 ms. */
  maxWaitMs?: number | undefined;
}

/** Defaults of {@link RefreshCoordinationOptions}, in milliseconds. */
export const REFRESH_COORDINATION_DEFAULTS = Object.freeze({
  lockTtlMs: 10_000,
  pollIntervalMs: 50,
  maxWaitMs: 15_000,
});

/** What the coordinator works on: one stored session. */
export interface CoordinatedSession {
  store: SessionStore & { refreshLock: NonNullable<SessionStore['refreshLock']> };
  id: string;
  ttlSeconds: number;
}

/** One stored session, in a store that may or may not have a {@link RefreshLock}. */
export interface StoredSession {
  store: SessionStore;
  id: string;
  ttlSeconds: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const sameToken = (a: Token, b: Token): boolean => timingSafeEqual(a.access_token, b.access_token);

/**
 * What one refresh leaves in a session: the new token and, when the answer carried an ID token
 * (OpenID Connect), its verified claims; `undefined` claims leave the stored ones as they are.
 */
export interface RefreshResult {
  token: Token;
  claims?: OpenIDClaims | undefined;
}

/**
 * A coordinator of the web layer's own: like a `RefreshCoordinator`, but the refresh and the
 * answer carry the ID token's claims with the token, so they are written and shared together.
 */
export type SessionRefresher = (
  refresh: () => Promise<RefreshResult>,
  stale: Token,
) => Promise<RefreshResult>;

/** A core refresh as a {@link RefreshResult} without claims. */
const tokenOnly =
  (refresh: () => Promise<Token>): (() => Promise<RefreshResult>) =>
  async () => ({ token: await refresh() });

/** The key under which a stored session's refresh is shared in this process. */
export const storedRefreshKey = (target: StoredSession, stale: Token): string =>
  `${target.id}\n${stale.access_token}`;

/** Coordinations under way in this process, per store, for {@link storeRefreshCoordinator}. */
const sharedByStore = new WeakMap<SessionStore, SharedRefreshes<RefreshResult>>();

function sharedFor(store: SessionStore): SharedRefreshes<RefreshResult> {
  let shared = sharedByStore.get(store);
  if (!shared) {
    shared = new SharedRefreshes<RefreshResult>();
    sharedByStore.set(store, shared);
  }
  return shared;
}

/**
 * Builds the {@link RefreshCoordinator} for one stored session. The lock holder re-reads the
 * session (another process may have refreshed already), refreshes, writes the session, then
 * releases; the others poll the store until the token changes or the lock frees, then try
 * again. A session that disappeared meanwhile (logged out, or refused by another process)
 * is a {@link SessionEndedError} without any token request, so it is cleared only once.
 * Requests of this process for the same session and stale token join one coordination, so
 * one process takes the lock and polls the store once, not per request. Each wait for another
 * process is reported to `observer` (`refresh.waited`, with how long and how it ended).
 */
export function storeRefreshCoordinator(
  target: CoordinatedSession,
  options: RefreshCoordinationOptions = {},
  observer: Observer = NO_OBSERVER,
): RefreshCoordinator {
  const coordinate = storedSessionRefresh(target, options, observer);
  const shared = sharedFor(target.store);
  return async (refresh, stale) => {
    const key = storedRefreshKey(target, stale);
    return (await shared.share(key, () => coordinate(tokenOnly(refresh), stale))).token;
  };
}

/**
 * The coordination of one stored session, without the in-process sharing (the caller shares):
 * under the store's lock when it has one; else the refresh and its write-back alone, which is
 * enough for a store that lives in one process. The new token (and the claims of its ID token)
 * is written to the store here, once, before any waiter can read it.
 */
export function storedSessionRefresh(
  target: StoredSession,
  options: RefreshCoordinationOptions = {},
  observer: Observer = NO_OBSERVER,
): SessionRefresher {
  const lock = target.store.refreshLock;
  if (!lock) return (refresh, stale) => refreshAsHolder(target, refresh, stale);
  // `??`, not a spread: an option given as `undefined` keeps its default.
  const timing = {
    lockTtlMs: options.lockTtlMs ?? REFRESH_COORDINATION_DEFAULTS.lockTtlMs,
    pollIntervalMs: options.pollIntervalMs ?? REFRESH_COORDINATION_DEFAULTS.pollIntervalMs,
    maxWaitMs: options.maxWaitMs ?? REFRESH_COORDINATION_DEFAULTS.maxWaitMs,
  };
  const key = `oauth2-refresh:${target.id}`;
  return async (refresh, stale) => {
    const started = Date.now();
    const deadline = started + timing.maxWaitMs;
    // Reported once the wait is over, however it ended: how long requests queue behind another
    // process's refresh is what an operator tunes `maxWaitMs` and `lockTtlMs` by.
    let waited = false;
    const waitEnded = (outcome: WaitOutcome) => {
      if (waited)
        observer.emit({ type: 'refresh.waited', waitedMs: Date.now() - started, outcome });
    };
    for (;;) {
      const owner = await lock.acquire(key, timing.lockTtlMs);
      if (owner !== null) {
        waitEnded('acquired');
        try {
          return await refreshAsHolder(target, refresh, stale);
        } finally {
          await lock.release(key, owner);
        }
      }
      waited = true;
      await sleep(timing.pollIntervalMs);
      const current = await currentResult(target).catch((error: unknown) => {
        if (error instanceof SessionEndedError) waitEnded('ended');
        throw error;
      });
      if (!sameToken(current.token, stale)) {
        waitEnded('adopted');
        return current;
      }
      if (Date.now() >= deadline) {
        waitEnded('timed_out');
        throw new RefreshCoordinationTimeoutError('refresh coordination timed out');
      }
    }
  };
}

/** The stored token (and claims) now; SessionEndedError when the session is gone. */
async function currentResult(target: StoredSession): Promise<RefreshResult> {
  const data = await target.store.get(target.id);
  const token = tokenOf(data);
  if (!token) throw new SessionEndedError('session ended');
  return { token, claims: claimsOf(data) };
}

async function refreshAsHolder(
  target: StoredSession,
  refresh: () => Promise<RefreshResult>,
  stale: Token,
): Promise<RefreshResult> {
  const data = await target.store.get(target.id);
  const current = tokenOf(data);
  if (!current) throw new SessionEndedError('session ended');
  // Another process refreshed first.
  if (!sameToken(current, stale)) return { token: current, claims: claimsOf(data) };
  let result: RefreshResult;
  try {
    result = await refresh();
  } catch (error) {
    // Spent or revoked (or an ID token of another user): end the session here, so waiting
    // processes stop without a request.
    if (isFinalRefusal(error)) await target.store.delete(target.id);
    throw error;
  }
  // Only while the session exists: a logout during the refresh stays a logout.
  const fresh = withResult(data, result);
  if (!(await replaceSession(target.store, target.id, fresh, target.ttlSeconds))) {
    throw new SessionEndedError('session ended');
  }
  return { token: result.token, claims: claimsOf(fresh) };
}

/** `data` with the refresh's token, and its claims when it brought new ones. */
function withResult(data: SessionData | undefined, result: RefreshResult): SessionData {
  const fresh = withField(data, 'token', result.token);
  return result.claims ? withField(fresh, 'idTokenClaims', result.claims) : fresh;
}

/** How long a refresh result is shared with requests that still carry the old token, in ms. */
export const SHARED_RESULT_MS = 30_000;

/**
 * A {@link RefreshCoordinator} within one process, for sessions without a store (sealed
 * cookies): requests carrying the same stale access token share one refresh, and for 30
 * seconds later ones (a browser that sent the old cookie) get its result instead of spending
 * the single-use refresh token again. A refusal is shared too, so it costs one request.
 */
export class InProcessRefreshCoordinator {
  readonly #shared = new SharedRefreshes();

  /** The coordinator to pass as `refreshCoordinator`. */
  readonly coordinate: RefreshCoordinator = (refresh, stale) =>
    // Keyed by the stale access token, not the refresh token: a provider that does not rotate
    // keeps one refresh token for the session's life, and the next refresh must not be answered
    // with the token it is replacing.
    this.#shared.share(stale.access_token, refresh, SHARED_RESULT_MS);
}
