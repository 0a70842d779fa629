/**
 * Refresh coordination: with single-use refresh tokens (GitHub, RFC 9700 section 4.14.2) two
 * requests or processes refreshing the same session at once would log the user out. For stored
 * sessions, only the holder of the store's {@link RefreshLock} refreshes (and writes the new
 * token); the others wait for its result. For sealed-cookie sessions, requests of the process
 * share one refresh.
 *
 * @module
 */

import { InvalidGrantError, OAuth2Error, TimeoutError } from '../errors.js';
import type { RefreshCoordinator } from '../options.js';
import { timingSafeEqual } from '../random.js';
import type { Token } from '../token.js';
import { tokenOf, withField } from './session-schema.js';
import { SharedRefreshes } from './shared-refresh.js';
import { replaceSession, type SessionStore } from './stores/store.js';

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
  lockTtlMs?: number;
  /** How often a waiting process re-reads the store. Default 50 ms. */
  pollIntervalMs?: number;
  /** Longest total wait before giving up with a TimeoutError. Default 15 000 ms. */
  maxWaitMs?: number;
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

/** The key under which a stored session's refresh is shared in this process. */
export const storedRefreshKey = (target: StoredSession, stale: Token): string =>
  `${target.id}\n${stale.access_token}`;

/** Coordinations under way in this process, per store, for {@link storeRefreshCoordinator}. */
const sharedByStore = new WeakMap<SessionStore, SharedRefreshes>();

function sharedFor(store: SessionStore): SharedRefreshes {
  let shared = sharedByStore.get(store);
  if (!shared) {
    shared = new SharedRefreshes();
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
 * one process takes the lock and polls the store once, not per request.
 */
export function storeRefreshCoordinator(
  target: CoordinatedSession,
  options: RefreshCoordinationOptions = {},
): RefreshCoordinator {
  const coordinate = storedSessionRefresh(target, options);
  const shared = sharedFor(target.store);
  return (refresh, stale) =>
    shared.share(storedRefreshKey(target, stale), () => coordinate(refresh, stale));
}

/**
 * The coordination of one stored session, without the in-process sharing (the caller shares):
 * under the store's lock when it has one; else the refresh and its write-back alone, which is
 * enough for a store that lives in one process. The new token is written to the store here,
 * once, before any waiter can read it.
 */
export function storedSessionRefresh(
  target: StoredSession,
  options: RefreshCoordinationOptions = {},
): RefreshCoordinator {
  const lock = target.store.refreshLock;
  if (!lock) return (refresh, stale) => refreshAsHolder(target, refresh, stale);
  const timing = { ...REFRESH_COORDINATION_DEFAULTS, ...options };
  const key = `oauth2-refresh:${target.id}`;
  return async (refresh, stale) => {
    const deadline = Date.now() + timing.maxWaitMs;
    for (;;) {
      const owner = await lock.acquire(key, timing.lockTtlMs);
      if (owner !== null) {
        try {
          return await refreshAsHolder(target, refresh, stale);
        } finally {
          await lock.release(key, owner);
        }
      }
      await sleep(timing.pollIntervalMs);
      const current = await currentToken(target);
      if (!sameToken(current, stale)) return current;
      if (Date.now() >= deadline)
        throw new RefreshCoordinationTimeoutError('refresh coordination timed out');
    }
  };
}

/** The stored token now; SessionEndedError when the session is gone. */
async function currentToken(target: StoredSession): Promise<Token> {
  const token = tokenOf(await target.store.get(target.id));
  if (!token) throw new SessionEndedError('session ended');
  return token;
}

async function refreshAsHolder(
  target: StoredSession,
  refresh: () => Promise<Token>,
  stale: Token,
): Promise<Token> {
  const data = await target.store.get(target.id);
  const current = tokenOf(data);
  if (!current) throw new SessionEndedError('session ended');
  if (!sameToken(current, stale)) return current; // another process refreshed first
  let token: Token;
  try {
    token = await refresh();
  } catch (error) {
    // Spent or revoked: end the session here, so waiting processes stop without a request.
    if (error instanceof InvalidGrantError) await target.store.delete(target.id);
    throw error;
  }
  // Only while the session exists: a logout during the refresh stays a logout.
  const fresh = withField(data, 'token', token);
  if (!(await replaceSession(target.store, target.id, fresh, target.ttlSeconds))) {
    throw new SessionEndedError('session ended');
  }
  return token;
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
