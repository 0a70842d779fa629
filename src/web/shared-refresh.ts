/**
 * Refreshes shared within one process. The web layer builds an `OAuth2Session` per request, so
 * the core's single-flight (one per session object) does not span requests; this does, and it
 * is the web layer's only such table: every coordinator joins refreshes through it.
 *
 * @module
 */

import { InvalidGrantError, OAuth2Error } from '../errors.js';
import type { Token } from '../token.js';

/**
 * Whether a refresh failed for good: the grant was refused (`invalid_grant`), or the server
 * answered an ID token that must not be trusted (another subject than the session's, a bad
 * signature: `OAUTH_INVALID_ID_TOKEN`). Either ends the session; anything else may be retried.
 */
export function isFinalRefusal(error: unknown): boolean {
  return (
    error instanceof InvalidGrantError ||
    (error instanceof OAuth2Error && error.code === 'OAUTH_INVALID_ID_TOKEN')
  );
}

/** Most entries kept at once; past it the expired ones go, then the oldest. */
const ENTRY_LIMIT = 10_000;

interface Entry<T> {
  readonly token: Promise<T>;
  /** Epoch ms until which the entry answers callers; infinite while in flight without a keep time. */
  readonly until: number;
}

/**
 * Refreshes by key (a session and its stale access token): a caller bringing a key whose
 * refresh is under way joins it. With a keep time, the result, or a refusal
 * ({@link isFinalRefusal}), also answers callers that come later with the same key, for
 * that long; any other failure is forgotten when it happens, so the next caller may retry.
 * `T` is what a refresh answers: the token, or the token with what comes with it.
 */
export class SharedRefreshes<T = Token> {
  readonly #entries = new Map<string, Entry<T>>();

  /**
   * Joins the refresh under way for `key`, else starts one with `start`.
   *
   * @param keepMs how long a settled result keeps answering `key`, in ms; 0 = only while in flight
   */
  share(key: string, start: () => Promise<T>, keepMs = 0): Promise<T> {
    const now = Date.now();
    const shared = this.#entries.get(key);
    if (shared && shared.until > now) return shared.token;
    this.#makeRoom(now);
    const entry: Entry<T> = {
      token: attempt(start),
      until: keepMs > 0 ? now + keepMs : Number.POSITIVE_INFINITY,
    };
    this.#entries.set(key, entry);
    const forget = () => {
      if (this.#entries.get(key) === entry) this.#entries.delete(key);
    };
    entry.token.then(
      () => (keepMs > 0 ? undefined : forget()),
      // Only a refusal is final; after a network error or a timeout the next caller may retry.
      (error: unknown) => (keepMs > 0 && isFinalRefusal(error) ? undefined : forget()),
    );
    return entry.token;
  }

  #makeRoom(now: number): void {
    if (this.#entries.size < ENTRY_LIMIT) return;
    for (const [key, entry] of this.#entries) if (entry.until <= now) this.#entries.delete(key);
    const oldest = this.#entries.keys().next();
    if (this.#entries.size >= ENTRY_LIMIT && !oldest.done) this.#entries.delete(oldest.value);
  }
}

/** `start()`, its synchronous throw turned into a rejection so that it is shared like one. */
function attempt<T>(start: () => Promise<T>): Promise<T> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}
