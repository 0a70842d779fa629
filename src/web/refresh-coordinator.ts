/**
 * Cross-process refresh coordination on a store's {@link RefreshLock}: with single-use refresh
 * tokens (GitHub, RFC 9700 section 4.14.2) two processes refreshing the same session at once
 * would log the user out, so only the lock holder refreshes; the others wait for its result.
 *
 * @module
 */

import { InvalidGrantError, OAuth2Error, TimeoutError } from '../errors.js';
import { timingSafeEqual } from '../random.js';
import type { RefreshCoordinator } from '../session.js';
import type { Token } from '../token.js';
import { replaceSession, type SessionData, type SessionStore } from './stores/store.js';

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

/** The session key holding the token. */
export const TOKEN_KEY = 'token';

/** What the coordinator works on: one stored session. */
export interface CoordinatedSession {
  store: SessionStore & { refreshLock: NonNullable<SessionStore['refreshLock']> };
  id: string;
  ttlSeconds: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The token a stored session holds, if any. */
export function tokenOf(data: SessionData | undefined): Token | undefined {
  const token = data?.[TOKEN_KEY] as Token | undefined;
  return typeof token?.access_token === 'string' ? token : undefined;
}

const sameToken = (a: Token, b: Token): boolean => timingSafeEqual(a.access_token, b.access_token);

/**
 * Builds the {@link RefreshCoordinator} for one stored session. The lock holder re-reads the
 * session (another process may have refreshed already), refreshes, writes the session, then
 * releases; the others poll the store until the token changes or the lock frees, then try
 * again. A session that disappeared meanwhile (logged out, or refused by another process)
 * is a {@link SessionEndedError} without any token request, so it is cleared only once.
 */
export function storeRefreshCoordinator(
  target: CoordinatedSession,
  options: RefreshCoordinationOptions = {},
): RefreshCoordinator {
  const timing = { ...REFRESH_COORDINATION_DEFAULTS, ...options };
  const key = `oauth2-refresh:${target.id}`;
  const coordinate: RefreshCoordinator = async (refresh, stale) => {
    const deadline = Date.now() + timing.maxWaitMs;
    for (;;) {
      const owner = await target.store.refreshLock.acquire(key, timing.lockTtlMs);
      if (owner !== null) {
        try {
          return await refreshAsHolder(target, refresh, stale);
        } finally {
          await target.store.refreshLock.release(key, owner);
        }
      }
      await sleep(timing.pollIntervalMs);
      const current = await currentToken(target);
      if (!sameToken(current, stale)) return current;
      if (Date.now() >= deadline)
        throw new RefreshCoordinationTimeoutError('refresh coordination timed out');
    }
  };
  // Every request builds its own OAuth2Session, so the core's single-flight does not span
  // requests: join the coordination already under way in this process for the same session
  // and stale token, so one process takes the lock and polls the store once, not per request.
  return (refresh, stale) =>
    joinUnderway(target.store, `${target.id}\n${stale.access_token}`, () =>
      coordinate(refresh, stale),
    );
}

/** Coordinations under way in this process, per store, by session id and stale token. */
const underway = new WeakMap<SessionStore, Map<string, Promise<Token>>>();

function joinUnderway(
  store: SessionStore,
  key: string,
  start: () => Promise<Token>,
): Promise<Token> {
  let byKey = underway.get(store);
  if (!byKey) {
    byKey = new Map();
    underway.set(store, byKey);
  }
  const running = byKey.get(key);
  if (running) return running;
  const started = start().finally(() => byKey.delete(key));
  byKey.set(key, started);
  return started;
}

/** The stored token now; SessionEndedError when the session is gone. */
async function currentToken(target: CoordinatedSession): Promise<Token> {
  const token = tokenOf(await target.store.get(target.id));
  if (!token) throw new SessionEndedError('session ended');
  return token;
}

async function refreshAsHolder(
  target: CoordinatedSession,
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
  const fresh = { ...data, [TOKEN_KEY]: token };
  if (!(await replaceSession(target.store, target.id, fresh, target.ttlSeconds))) {
    throw new SessionEndedError('session ended');
  }
  return token;
}

/** How long a refresh result is shared with requests that still carry the old token, in ms. */
const SHARED_RESULT_MS = 30_000;
/** Most refresh results remembered at once. */
const SHARED_RESULT_LIMIT = 10_000;

/**
 * A {@link RefreshCoordinator} within one process, for sessions without a store lock (sealed
 * cookies). Every request builds its own `OAuth2Session`, so the core's single-flight does not
 * span requests; this does: requests carrying the same stale access token share one refresh, and
 * for 30 seconds later ones (a browser that sent the old cookie) get its result instead of
 * spending the single-use refresh token again. A refusal is shared too, so it costs one request.
 */
export class InProcessRefreshCoordinator {
  readonly #results = new Map<string, { token: Promise<Token>; until: number }>();

  /** The coordinator to pass as `refreshCoordinator`. */
  readonly coordinate: RefreshCoordinator = (refresh, stale) => {
    // Keyed by the stale access token, not the refresh token: a provider that does not rotate
    // keeps one refresh token for the session's life, and the next refresh must not be answered
    // with the token it is replacing.
    const key = stale.access_token;
    const now = Date.now();
    const shared = this.#results.get(key);
    if (shared && shared.until > now) return shared.token;
    this.#makeRoom(now);
    const token = refresh();
    this.#results.set(key, { token, until: now + SHARED_RESULT_MS });
    token.catch((error: unknown) => {
      // Only a refusal is final; after a network error or timeout the next request may retry.
      if (!(error instanceof InvalidGrantError)) this.#results.delete(key);
    });
    return token;
  };

  #makeRoom(now: number): void {
    if (this.#results.size < SHARED_RESULT_LIMIT) return;
    for (const [key, entry] of this.#results) if (entry.until <= now) this.#results.delete(key);
    const oldest = this.#results.keys().next();
    if (this.#results.size >= SHARED_RESULT_LIMIT && !oldest.done)
      this.#results.delete(oldest.value);
  }
}
