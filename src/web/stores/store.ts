/**
 * The server-side session store contract. Every store (memory, Redis, ...) implements it and
 * passes the one shared contract suite in `test/web/store-contract.ts`.
 *
 * @module
 */

/** What a session holds: plain JSON, so any store can serialize it. */
export type SessionData = Record<string, unknown>;

/**
 * A server-side session store. The cookie then carries only an opaque id.
 *
 * Stores throw {@link SessionStoreUnavailableError} when their backend cannot be reached, so the
 * web layer can answer 503 instead of crashing or writing half a session.
 */
export interface SessionStore {
  /** Reads a session; `undefined` when there is none (or it expired). */
  get(id: string): Promise<SessionData | undefined>;
  /** Writes a whole session atomically; it expires after `ttlSeconds` (seconds). */
  set(id: string, data: SessionData, ttlSeconds: number): Promise<void>;
  /** Deletes a session; deleting a missing one is not an error. */
  delete(id: string): Promise<void>;
  /**
   * Writes a whole session only if it still exists, atomically; answers whether it did. Used
   * for write-backs (a refreshed token), so that a session deleted meanwhile by another request
   * or process (a logout) is not brought back to life. Stores without it get a read-then-write
   * from the web layer, which leaves a small window.
   */
  replace?(id: string, data: SessionData, ttlSeconds: number): Promise<boolean>;
  /**
   * A lock shared by every process that uses this store, so that only one of them refreshes a
   * session's token at a time. Stores that live in one process may omit it: the in-process
   * single-flight of `OAuth2Session` is then enough.
   */
  readonly refreshLock?: RefreshLock | undefined;
}

/**
 * A lock with an expiry and an owner token (the Redlock single-instance pattern): only the
 * owner releases it, and a holder that dies releases it by expiry.
 */
export interface RefreshLock {
  /** Takes the lock for `ttlMs` milliseconds; answers the owner token, or `null` when held. */
  acquire(key: string, ttlMs: number): Promise<string | null>;
  /** Releases the lock if `owner` still holds it; answers whether it did. */
  release(key: string, owner: string): Promise<boolean>;
}

/**
 * Writes a session only while it exists: the store's atomic {@link SessionStore.replace} when it
 * has one, else a read then a write. Answers whether it wrote.
 */
export async function replaceSession(
  store: SessionStore,
  id: string,
  data: SessionData,
  ttlSeconds: number,
): Promise<boolean> {
  if (store.replace) return store.replace(id, data, ttlSeconds);
  if ((await store.get(id)) === undefined) return false;
  await store.set(id, data, ttlSeconds);
  return true;
}

/** The store's backend cannot be reached; the web layer answers 503 and writes nothing. */
export class SessionStoreUnavailableError extends Error {
  readonly code = 'SESSION_STORE_UNAVAILABLE';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SessionStoreUnavailableError';
  }
}
