/**
 * An in-process session store, for development, tests and single-process apps.
 *
 * @module
 */

import { checkNumber } from '../../errors.js';
import { createObserver, type Observer, type ObserverOptions } from '../events.js';
import {
  assertKey,
  assertLockTtl,
  assertTtl,
  decodeSession,
  encodeSession,
  ttlToMs,
} from './codec.js';
import { randomBase64url } from './id.js';
import type { RefreshLock, SessionData, SessionStore } from './store.js';

/**
 * Options of {@link MemoryStore}. `logger` (pino's shape) gets one `warn` line the first time
 * the store is full and starts evicting live sessions (`oauth2.store.full`); `onEvent` too.
 */
export interface MemoryStoreOptions extends ObserverOptions {
  /** Most sessions kept; past it, the oldest written is evicted. Default 10 000 sessions. */
  maxEntries?: number | undefined;
  /** The clock, in epoch milliseconds; pass one to test expiry without waiting. Default `Date.now`. */
  now?: (() => number) | undefined;
}

/** Defaults of {@link MemoryStoreOptions}. */
export const MEMORY_STORE_DEFAULTS = Object.freeze({ maxEntries: 10_000, now: Date.now });

interface Entry {
  /** JSON text: a stored session cannot be mutated through a reference a caller holds. */
  readonly json: string;
  /** Epoch milliseconds. */
  readonly expiresAt: number;
}

/**
 * A {@link SessionStore} in this process's memory: TTL honoured on read, bounded in size,
 * values copied in and out (as JSON, exactly as the Redis store does), and an in-process
 * {@link RefreshLock}. Sessions are lost on restart and not shared between processes: use
 * `RedisStore` from `oauth2-session/redis` for that.
 *
 * @example
 * ```ts
 * const store = new MemoryStore({ maxEntries: 1000 });
 * await store.set(newSessionId(), { user: 'octocat' }, 3600);
 * ```
 */
export class MemoryStore implements SessionStore {
  /** Insertion order = write order, so the first key is the oldest written. */
  readonly #entries = new Map<string, Entry>();
  readonly #maxEntries: number;
  readonly #now: () => number;
  readonly #observer: Observer;
  #reportedFull = false;
  /** An in-process lock with expiry and owner token. */
  readonly refreshLock: MemoryRefreshLock;

  constructor(options: MemoryStoreOptions = {}) {
    const maxEntries = options.maxEntries ?? MEMORY_STORE_DEFAULTS.maxEntries;
    checkNumber(maxEntries, 'maxEntries must be a positive integer', { min: 1, integer: true });
    this.#maxEntries = maxEntries;
    this.#now = options.now ?? MEMORY_STORE_DEFAULTS.now;
    this.#observer = createObserver(options.logger, options.onEvent);
    this.refreshLock = new MemoryRefreshLock(this.#now);
  }

  /** Number of sessions held, expired ones not yet swept included. */
  get size(): number {
    return this.#entries.size;
  }

  /** Reads a copy of a session; `undefined` when absent or expired. */
  async get(id: string): Promise<SessionData | undefined> {
    assertKey('id', id);
    const entry = this.#entries.get(id);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.#now()) {
      this.#entries.delete(id);
      return undefined;
    }
    return decodeSession(entry.json);
  }

  /** Writes a copy of a session for `ttlSeconds` seconds; zero or less deletes it. */
  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    assertKey('id', id);
    assertTtl('ttlSeconds', ttlSeconds);
    const json = encodeSession(data); // before any change, so a bad value leaves the old one
    this.#entries.delete(id); // re-insert at the end: it is now the newest written
    if (ttlSeconds <= 0) return;
    this.#makeRoom();
    this.#entries.set(id, { json, expiresAt: this.#now() + ttlToMs(ttlSeconds) });
  }

  /** Deletes a session; a missing one is not an error. */
  async delete(id: string): Promise<void> {
    assertKey('id', id);
    this.#entries.delete(id);
  }

  /** Writes a session only if it exists (and has not expired); answers whether it did. */
  async replace(id: string, data: SessionData, ttlSeconds: number): Promise<boolean> {
    assertKey('id', id);
    assertTtl('ttlSeconds', ttlSeconds);
    encodeSession(data); // a bad value throws before anything else happens
    if ((await this.get(id)) === undefined) return false;
    await this.set(id, data, ttlSeconds);
    return true;
  }

  /** Drops every expired session now; answers how many. Also done when the store is full. */
  sweep(): number {
    const now = this.#now();
    let dropped = 0;
    for (const [id, entry] of this.#entries) {
      if (entry.expiresAt <= now) {
        this.#entries.delete(id);
        dropped++;
      }
    }
    return dropped;
  }

  /** Frees one slot when full: expired sessions go first, then the oldest written. */
  #makeRoom(): void {
    if (this.#entries.size < this.#maxEntries) return;
    if (this.sweep() > 0) return;
    const oldest = this.#entries.keys().next();
    if (!oldest.done) this.#entries.delete(oldest.value);
    // Once: a store at its limit stays there, and every write from now on evicts a live session.
    if (this.#reportedFull) return;
    this.#reportedFull = true;
    this.#observer.emit({ type: 'store.full', store: 'memory', maxEntries: this.#maxEntries });
  }
}

/** Lock entries kept before expired ones are swept on the next acquire. */
const LOCK_SWEEP_THRESHOLD = 1000;

/**
 * A {@link RefreshLock} within one process: expiry and owner token, like the Redis lock, so the
 * web layer's refresh coordinator can be tested without Redis.
 */
export class MemoryRefreshLock implements RefreshLock {
  readonly #locks = new Map<string, { owner: string; expiresAt: number }>();
  readonly #now: () => number;

  /** @param now - the clock in epoch milliseconds. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Takes the lock for `ttlMs` milliseconds; answers the owner token, or `null` when held. */
  async acquire(key: string, ttlMs: number): Promise<string | null> {
    assertKey('key', key);
    assertLockTtl(ttlMs);
    const now = this.#now();
    const held = this.#locks.get(key);
    if (held && held.expiresAt > now) return null;
    if (this.#locks.size >= LOCK_SWEEP_THRESHOLD) this.#sweep(now);
    const owner = randomBase64url(16);
    this.#locks.set(key, { owner, expiresAt: now + Math.ceil(ttlMs) });
    return owner;
  }

  /** Releases the lock if `owner` still holds it (and it has not expired); answers whether it did. */
  async release(key: string, owner: string): Promise<boolean> {
    assertKey('key', key);
    const held = this.#locks.get(key);
    if (!held || held.owner !== owner) return false;
    this.#locks.delete(key);
    return held.expiresAt > this.#now();
  }

  #sweep(now: number): void {
    for (const [key, lock] of this.#locks) if (lock.expiresAt <= now) this.#locks.delete(key);
  }
}
