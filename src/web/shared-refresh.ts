/**
 * Refreshes shared within one process. The web layer builds an `OAuth2Session` per request, so
 * the core's single-flight (one per session object) does not span requests; this does, and it
 * is the web layer's only such table: every coordinator joins refreshes through it.
 *
 * @module
 */

import { InvalidGrantError } from '../errors.js';
import type { Token } from '../token.js';

/** Most entries kept at once; past it the expired ones go, then the oldest. */
const ENTRY_LIMIT = 10_000;

interface Entry {
  readonly token: Promise<Token>;
  /** Epoch ms until which the entry answers callers; infinite while in flight without a keep time. */
  readonly until: number;
}

/**
 * Refreshes by key (a session and its stale access token): a caller bringing a key whose
 * refresh is under way joins it. With a keep time, the result, or a refusal
 * ({@link InvalidGrantError}), also answers callers that come later with the same key, for
 * that long; any other failure is forgotten when it happens, so the next caller may retry.
 */
export class SharedRefreshes {
  readonly #entries = new Map<string, Entry>();

  /**
   * Joins the refresh under way for `key`, else starts one with `start`.
   *
   * @param keepMs how long a settled result keeps answering `key`, in ms; 0 = only while in flight
   */
  share(key: string, start: () => Promise<Token>, keepMs = 0): Promise<Token> {
    const now = Date.now();
    const shared = this.#entries.get(key);
    if (shared && shared.until > now) return shared.token;
    this.#makeRoom(now);
    const entry: Entry = {
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
      (error: unknown) => (keepMs > 0 && error instanceof InvalidGrantError ? undefined : forget()),
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
function attempt(start: () => Promise<Token>): Promise<Token> {
  try {
    return start();
  } catch (error) {
    return Promise.reject(error);
  }
}
