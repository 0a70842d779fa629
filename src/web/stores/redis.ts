/**
 * `oauth2-session/redis`: server-side sessions and a distributed refresh lock on Redis, so
 * several app processes share sessions and only one of them refreshes a token at a time.
 *
 * @module oauth2-session/redis
 */

import { Redis } from 'ioredis';
import { misuse } from '../../errors.js';
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
import {
  type RefreshLock,
  type SessionData,
  type SessionStore,
  SessionStoreUnavailableError,
} from './store.js';

export { newSessionId } from './id.js';
export type { RefreshLock, SessionData, SessionStore } from './store.js';
export { SessionStoreUnavailableError } from './store.js';

/**
 * Options of {@link RedisStore}. `logger` (pino's shape) gets one `error` line when Redis becomes
 * unreachable (`oauth2.store.unavailable`, with its host, port and the reason) and one `info`
 * line when it answers again (`oauth2.store.recovered`), never one per failed command or
 * reconnection attempt, and never the password or the URL; `onEvent` gets the same events.
 */
export interface RedisStoreOptions extends ObserverOptions {
  /** Prefix of every key this store writes. Default `'oauth2-session:'`. */
  prefix?: string | undefined;
  /**
   * Longest wait for one Redis reply, in milliseconds; past it the operation fails with
   * {@link SessionStoreUnavailableError}. Default 1000 ms. Only applies to clients the store
   * creates from a URL.
   */
  commandTimeoutMs?: number | undefined;
  /** Longest pause between reconnection attempts, in milliseconds. Default 2000 ms. URL only. */
  maxReconnectDelayMs?: number | undefined;
  /**
   * Called with each connection error (already stripped of anything but its reason), so the
   * app can log why Redis is unreachable. Default: ignored, since every failed operation throws.
   */
  onError?: ((error: SessionStoreUnavailableError) => void) | undefined;
}

/** Defaults of {@link RedisStoreOptions}. */
export const REDIS_STORE_DEFAULTS = Object.freeze({
  prefix: 'oauth2-session:',
  commandTimeoutMs: 1000,
  maxReconnectDelayMs: 2000,
});

/** ioredis options that make a store fail fast while Redis is down and heal when it is back. */
function clientOptions(options: RedisStoreOptions) {
  const cap = options.maxReconnectDelayMs ?? REDIS_STORE_DEFAULTS.maxReconnectDelayMs;
  const timeout = options.commandTimeoutMs ?? REDIS_STORE_DEFAULTS.commandTimeoutMs;
  return {
    enableOfflineQueue: false, // no queueing while disconnected: a request gets its 503 now
    maxRetriesPerRequest: 1,
    commandTimeout: timeout,
    connectTimeout: Math.max(timeout, 1000),
    retryStrategy: (times: number) => Math.min(50 * 2 ** Math.min(times, 10), cap), // never gives up
  };
}

/**
 * Compare-and-delete: removes the lock only while it still holds the caller's owner token, so
 * a holder whose lock expired (and was taken by another) cannot release the new holder's lock.
 */
const RELEASE_SCRIPT = `if redis.call('get', KEYS[1]) == ARGV[1] then
  return redis.call('del', KEYS[1])
end
return 0`;

/**
 * Turns any client error into a {@link SessionStoreUnavailableError} whose message names only
 * the reason. The original error is not kept as `cause`: ioredis attaches the command's
 * arguments to some errors, and those arguments hold session data (tokens).
 */
function toUnavailable(error: unknown): SessionStoreUnavailableError {
  if (error instanceof SessionStoreUnavailableError) return error;
  return new SessionStoreUnavailableError(`redis unavailable: ${reasonOf(error)}`);
}

/** A short reason without secrets: a system error code, or one of ioredis's fixed messages. */
function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return 'unknown error';
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z0-9_]{2,32}$/.test(code)) return code.toLowerCase();
  if (/timed out/i.test(error.message)) return 'command timed out';
  if (/enableOfflineQueue|Connection is closed|connection close/i.test(error.message)) {
    return 'not connected';
  }
  if (error.name === 'MaxRetriesPerRequestError') return 'not connected';
  if (error.name === 'ReplyError') return `server error ${firstWord(error.message)}`;
  return error.name || 'error';
}

/** The error code Redis puts first in a reply error (`WRONGTYPE`, `OOM`, `LOADING`, ...). */
function firstWord(message: string): string {
  const word = /^[A-Z]{2,20}\b/.exec(message);
  return word ? word[0] : 'ERR';
}

/** How long an operation waits for a connection under way: one command timeout. */
function waitMs(options: RedisStoreOptions): number {
  return options.commandTimeoutMs ?? REDIS_STORE_DEFAULTS.commandTimeoutMs;
}

/** Client states in which a connection attempt is under way and may succeed any moment. */
const CONNECTING = new Set(['wait', 'connecting', 'connect']);

/**
 * Waits (at most `timeoutMs`) while the client is still connecting, so the first requests after
 * start-up do not fail just because the socket is not open yet. With the offline queue off, a
 * client that is down (`reconnecting`) is not waited for: its callers fail at once.
 */
function whenConnected(client: Redis, timeoutMs: number): Promise<void> {
  if (!CONNECTING.has(client.status)) return Promise.resolve();
  // one shared wait per client: a burst of requests at start-up adds one set of listeners
  let wait = pendingWaits.get(client);
  if (!wait) {
    wait = waitForConnection(client, timeoutMs).finally(() => pendingWaits.delete(client));
    pendingWaits.set(client, wait);
  }
  return wait;
}

const pendingWaits = new WeakMap<Redis, Promise<void>>();

/** Resolves when the connection attempt ends either way, or after `timeoutMs`. */
function waitForConnection(client: Redis, timeoutMs: number): Promise<void> {
  if (client.status === 'wait') client.connect().catch(() => {}); // lazyConnect client
  return waitForEvent(client, ['ready', 'close', 'end'], timeoutMs);
}

/** Resolves on the first of `events`, or after `timeoutMs`, whichever comes first. */
function waitForEvent(client: Redis, events: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      for (const event of events) client.off(event, done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    for (const event of events) client.once(event, done);
  });
}

/**
 * Where a client's outages are reported: once when it becomes unreachable, once when it
 * answers again, whatever the number of failed commands and reconnection attempts between.
 */
class OutageWatch {
  #down = false;
  readonly #place: { store: string; host?: string; port?: number };

  constructor(
    client: Redis,
    private readonly observer: Observer,
  ) {
    this.#place = placeOf(client);
  }

  down(error: SessionStoreUnavailableError): void {
    if (this.#down) return;
    this.#down = true;
    const reason = error.message.replace(/^redis unavailable: /, '');
    this.observer.emit({ type: 'store.unavailable', ...this.#place, reason });
  }

  up(): void {
    if (!this.#down) return;
    this.#down = false;
    this.observer.emit({ type: 'store.recovered', ...this.#place });
  }
}

/**
 * The store's place in events: `redis`, its host and port (from the client's options, which
 * ioredis fills from the URL), never the URL itself (it may carry a password).
 */
function placeOf(client: Redis): { store: string; host?: string; port?: number } {
  const { host, port, path } = client.options ?? {};
  if (typeof path === 'string' && path !== '') return { store: 'redis', host: 'unix socket' };
  const place: { store: string; host?: string; port?: number } = { store: 'redis' };
  if (typeof host === 'string') place.host = host;
  if (typeof port === 'number') place.port = port;
  return place;
}

/**
 * Runs Redis calls on one client: waits out a connection in progress, then maps any failure to
 * {@link SessionStoreUnavailableError}; an unreachable client is reported to the watch.
 */
class Runner {
  constructor(
    readonly client: Redis,
    private readonly connectWaitMs: number,
    private readonly watch?: OutageWatch | undefined,
  ) {}

  async run<T>(op: (client: Redis) => Promise<T>): Promise<T> {
    let result: T;
    try {
      await whenConnected(this.client, this.connectWaitMs);
      result = await op(this.client);
    } catch (error) {
      const unavailable = toUnavailable(error);
      if (isOutage(error)) this.watch?.down(unavailable);
      throw unavailable;
    }
    this.watch?.up();
    return result;
  }
}

/** A reply error (WRONGTYPE, OOM, ...) comes from a Redis that answers: not an outage. */
function isOutage(error: unknown): boolean {
  return !(error instanceof Error && error.name === 'ReplyError');
}

/**
 * A {@link SessionStore} on Redis (ioredis): each session is one key `prefix + 'sess:' + id`
 * holding JSON, written whole with one `SET ... PX` (atomic, with its TTL), read defensively
 * (corrupt JSON reads as no session). Fails fast with {@link SessionStoreUnavailableError}
 * while Redis is unreachable, and works again by itself when Redis is back.
 *
 * @example
 * ```ts
 * import { RedisStore } from 'oauth2-session/redis';
 * const store = new RedisStore(process.env.SESSION_STORE ?? 'redis://127.0.0.1:6379');
 * await store.set(newSessionId(), { token }, 3600);
 * // on shutdown:
 * await store.close();
 * ```
 */
export class RedisStore implements SessionStore {
  /** The ioredis client in use (the one passed in, or the one created from the URL). */
  readonly client: Redis;
  /** Prefix of every key this store writes. */
  readonly prefix: string;
  /** A lock shared by every process that uses the same Redis and prefix. */
  readonly refreshLock: RedisRefreshLock;
  readonly #ownsClient: boolean;
  readonly #redis: Runner;
  readonly #closeWaitMs: number;

  /**
   * @param redis - a Redis URL (`redis://[:password@]host:port/db`, `rediss://` for TLS), or an
   *   ioredis client you created (then configure it to fail fast yourself:
   *   `enableOfflineQueue: false`, `maxRetriesPerRequest`, `commandTimeout`; and close it yourself).
   */
  constructor(redis: string | Redis, options: RedisStoreOptions = {}) {
    this.prefix = options.prefix ?? REDIS_STORE_DEFAULTS.prefix;
    if (typeof this.prefix !== 'string')
      throw misuse('prefix must be a string', 'ERR_INVALID_ARG_TYPE');
    this.#ownsClient = typeof redis === 'string';
    this.client = typeof redis === 'string' ? createClient(redis, options) : redis;
    const watch = new OutageWatch(this.client, createObserver(options.logger, options.onEvent));
    if (this.#ownsClient) watchErrors(this.client, options.onError, watch);
    this.#redis = new Runner(this.client, waitMs(options), watch);
    this.#closeWaitMs = waitMs(options);
    this.refreshLock = new RedisRefreshLock(this.client, `${this.prefix}lock:`, options);
  }

  /** Reads a session; `undefined` when absent, expired or not a JSON object. */
  async get(id: string): Promise<SessionData | undefined> {
    assertKey('id', id);
    return decodeSession(await this.#redis.run((c) => c.get(this.#key(id))));
  }

  /** Writes a whole session with one atomic `SET`, for `ttlSeconds`; zero or less deletes it. */
  async set(id: string, data: SessionData, ttlSeconds: number): Promise<void> {
    assertKey('id', id);
    assertTtl('ttlSeconds', ttlSeconds);
    const json = encodeSession(data);
    if (ttlSeconds <= 0) return this.delete(id);
    await this.#redis.run((c) => c.set(this.#key(id), json, 'PX', ttlToMs(ttlSeconds)));
  }

  /** Deletes a session; a missing one is not an error. */
  async delete(id: string): Promise<void> {
    assertKey('id', id);
    await this.#redis.run((c) => c.del(this.#key(id)));
  }

  /**
   * Writes a session only if its key still exists, with one atomic `SET ... PX ... XX`; answers
   * whether it did. A session deleted meanwhile (logout in another process) stays deleted.
   */
  async replace(id: string, data: SessionData, ttlSeconds: number): Promise<boolean> {
    assertKey('id', id);
    assertTtl('ttlSeconds', ttlSeconds);
    const json = encodeSession(data);
    if (ttlSeconds <= 0) {
      const deleted = await this.#redis.run((c) => c.del(this.#key(id)));
      return deleted === 1;
    }
    const ok = await this.#redis.run((c) =>
      c.set(this.#key(id), json, 'PX', ttlToMs(ttlSeconds), 'XX'),
    );
    return ok === 'OK';
  }

  /**
   * Closes the connection if this store opened it (from a URL), and stops reconnecting; a
   * passed-in client is left open. Resolves once the connection has ended (bounded).
   */
  async close(): Promise<void> {
    if (!this.#ownsClient || this.client.status === 'end') return;
    const ended = waitForEvent(this.client, ['end'], this.#closeWaitMs);
    try {
      await this.client.quit();
    } catch {
      this.client.disconnect(); // Redis is down: QUIT cannot be sent, so just drop the socket
    }
    // while reconnecting there is no socket to close and no 'end' to wait for
    if (this.client.status !== 'reconnecting') await ended;
  }

  /** Same as {@link RedisStore.close}. */
  quit(): Promise<void> {
    return this.close();
  }

  #key(id: string): string {
    return `${this.prefix}sess:${id}`;
  }
}

/** Creates a fail-fast, self-healing client from a URL. */
function createClient(url: string, options: RedisStoreOptions): Redis {
  if (!/^rediss?:\/\//.test(url)) throw misuse('redis url must start with redis:// or rediss://');
  return new Redis(url, clientOptions(options));
}

/**
 * Listens to the client's `error` events: without a listener ioredis prints every reconnection
 * failure to the console; with one, the app decides (it gets the reason only, never a secret),
 * and the watch reports the outage once. `ready` ends it.
 */
function watchErrors(
  client: Redis,
  onError: RedisStoreOptions['onError'],
  watch: OutageWatch,
): void {
  client.on('error', (error: unknown) => {
    const unavailable = toUnavailable(error);
    watch.down(unavailable);
    onError?.(unavailable);
  });
  client.on('ready', () => watch.up());
}

/**
 * A {@link RefreshLock} on Redis (single-instance Redlock): `SET key owner NX PX ttl` takes it,
 * a compare-and-delete script releases it, expiry frees it when a holder dies.
 *
 * @see https://redis.io/docs/latest/develop/use/patterns/distributed-locks/
 */
export class RedisRefreshLock implements RefreshLock {
  readonly #redis: Runner;
  readonly #prefix: string;

  /**
   * @param client - the ioredis client
   * @param prefix - prepended to every lock key
   * @param options - `commandTimeoutMs` bounds the wait for a connection under way
   */
  constructor(client: Redis, prefix: string, options: RedisStoreOptions = {}) {
    this.#redis = new Runner(client, waitMs(options));
    this.#prefix = prefix;
  }

  /** Takes the lock for `ttlMs` milliseconds; answers the owner token, or `null` when held. */
  async acquire(key: string, ttlMs: number): Promise<string | null> {
    assertKey('key', key);
    assertLockTtl(ttlMs);
    const owner = randomBase64url(16);
    const ok = await this.#redis.run((c) =>
      c.set(this.#prefix + key, owner, 'PX', Math.ceil(ttlMs), 'NX'),
    );
    return ok === 'OK' ? owner : null;
  }

  /** Releases the lock if `owner` still holds it; answers whether it did. */
  async release(key: string, owner: string): Promise<boolean> {
    assertKey('key', key);
    if (typeof owner !== 'string' || owner.length === 0) return false;
    const deleted = await this.#redis.run((c) =>
      c.eval(RELEASE_SCRIPT, 1, this.#prefix + key, owner),
    );
    return deleted === 1;
  }
}
