/**
 * The login transaction: `state`, the PKCE verifier, the OpenID Connect nonce (when the login
 * is one) and the return path, bound to the browser
 * in their own short-lived sealed cookie between the login redirect and the callback
 * (RFC 6749 section 10.12, RFC 7636, OIDC Core section 3.1.2.1). Each transaction has its own cookie, named after a hash
 * of its state, so several tabs can log in at once; each is used once and deleted on the
 * callback whatever the outcome.
 *
 * @module
 */

import { misuse } from '../errors.js';
import { timingSafeEqual } from '../random.js';
import { sha256 } from '../sha256.js';
import { BoundedCache } from './bounded-cache.js';
import {
  type CookieAttributes,
  cookieName,
  expireCookie,
  requestCookies,
  serializeCookie,
} from './cookies.js';
import { encodeBase64url } from './encoding.js';
import { byteLength, MAX_RETURN_PATH_BYTES } from './return-path.js';
import type { Sealer } from './sealed-cookie.js';
import type { RefreshLock } from './stores/store.js';

/** What a login transaction remembers. */
export interface LoginTransaction {
  state: string;
  /** `undefined` when PKCE is off. */
  codeVerifier: string | undefined;
  /**
   * The nonce the authorization request carried (OpenID Connect logins): the ID token must
   * echo it. Sealed like the rest, so it cannot be swapped for another login's.
   */
  nonce?: string | undefined;
  /** A safe same-origin path (see `safeReturnPath`). */
  returnTo: string;
  /**
   * The authorization request asked for `response_mode=form_post`: the callback is a POST
   * from the provider's page, a cross-site request a `SameSite=Lax` cookie is not sent on, so
   * this transaction's cookie is `SameSite=None` (with `Secure`; on plain http it stays `Lax`,
   * which browsers require of a cookie that is not `Secure`). Only such a login's callback may
   * be a POST.
   */
  formPost?: boolean | undefined;
}

/** What {@link LoginTransactions.open} answers; `clear` deletes the cookie in every case. */
export type OpenedTransaction =
  | { status: 'ok'; transaction: LoginTransaction; clear: string[] }
  | { status: 'missing' | 'invalid' | 'replayed'; clear: string[] };

/** Transaction lifetime in seconds: 10 minutes, GitHub's code lifetime. */
export const TRANSACTION_TTL_SECONDS = 600;
const NAME_PREFIX = 'oauth2_tx_';
const MAX_STATE_LENGTH = 512;
/**
 * Pending transactions (login cookies) one browser may hold at once; a login started past it
 * clears the others. Without a bound, a page that sends the browser to the login URL again and
 * again piles up cookies until every request to the app exceeds the header limit (431) for
 * the transactions' 10 minutes.
 */
export const MAX_PENDING_TRANSACTIONS = 4;
/**
 * Largest transaction cookie, in bytes of its `name=value` pair as the browser sends it back:
 * room for a 512-byte return path ({@link MAX_RETURN_PATH_BYTES}, measured after encoding), a
 * 43-character state, the longest PKCE verifier (128 characters) and a 43-character OpenID
 * nonce, sealed. A larger one is
 * refused when it is made, never sent.
 */
export const MAX_TRANSACTION_COOKIE_BYTES = 1200;
/**
 * The most the login transactions of one browser add to its `Cookie` header, in bytes, whatever
 * links it follows: {@link MAX_PENDING_TRANSACTIONS} cookies of at most
 * {@link MAX_TRANSACTION_COOKIE_BYTES}, plus their `; ` separators. It leaves the session
 * cookie room under the 8 KB request-header limits common in front of apps (Node's own is
 * 16 KB): before it, four crafted login links made every request of a browser answer 431.
 */
export const MAX_TRANSACTION_COOKIES_BYTES =
  MAX_PENDING_TRANSACTIONS * (MAX_TRANSACTION_COOKIE_BYTES + 2);
/** Cookie names remembered from `begin` for the callback (on Web Crypto a digest is a thread-pool round trip). */
const NAME_CACHE_ENTRIES = 1024;

/**
 * Marks transactions as used, so a replayed callback (same URL, same cookie) is refused before
 * any token request. `consume` answers false when the id was consumed before.
 */
export interface ReplayGuard {
  /** Marks `id` used for `ttlMs` milliseconds; false when it was used already (a replay). */
  consume(id: string, ttlMs: number): Promise<boolean>;
}

/** Ids remembered by the in-process guard; past it the oldest are forgotten. */
const MEMORY_GUARD_LIMIT = 10_000;

/**
 * An in-process {@link ReplayGuard}: enough for one process; with several processes behind a
 * load balancer, give the handlers a store with a `refreshLock` (then that lock marks ids).
 */
export class MemoryReplayGuard implements ReplayGuard {
  readonly #used = new Map<string, number>();
  readonly #now: () => number;

  /** @param now - the clock in epoch milliseconds. */
  constructor(now: () => number = Date.now) {
    this.#now = now;
  }

  /** Marks `id` used for `ttlMs` milliseconds; false when it already was. */
  async consume(id: string, ttlMs: number): Promise<boolean> {
    const now = this.#now();
    const until = this.#used.get(id);
    // Stryker disable next-line ConditionalExpression: undefined > now is false, so dropping the
    // undefined test changes nothing; the other variants fail the replay guard tests
    if (until !== undefined && until > now) return false;
    // Stryker disable next-line ConditionalExpression: forgetting on every call drops expired
    // ids early, and an expired id answers true whether it is held or not; the eviction under it
    // is bounded by the size test either way. Never forgetting fails the bound tests
    if (this.#used.size >= MEMORY_GUARD_LIMIT) this.#forgetOldest(now);
    // Deleted before set so that an id marked again goes to the newest end of the Map, the end
    // forgotten last: left where it was first marked, it would be evicted before ids marked since.
    this.#used.delete(id);
    this.#used.set(id, now + ttlMs);
    return true;
  }

  #forgetOldest(now: number): void {
    for (const [id, until] of this.#used) if (until <= now) this.#used.delete(id);
    const oldest = this.#used.keys().next();
    if (this.#used.size >= MEMORY_GUARD_LIMIT && !oldest.done) this.#used.delete(oldest.value);
  }
}

/** A {@link ReplayGuard} on a shared lock: `acquire` is atomic, and never released. */
export function lockReplayGuard(lock: RefreshLock): ReplayGuard {
  return {
    consume: async (id, ttlMs) => (await lock.acquire(`oauth2-tx-used:${id}`, ttlMs)) !== null,
  };
}

/** Options of {@link LoginTransactions}. */
export interface LoginTransactionsOptions {
  sealer: Sealer;
  /** Secure cookies with the `__Host-` prefix. */
  secure: boolean;
  replayGuard?: ReplayGuard | undefined;
}

/** Starts and finishes login transactions. */
export class LoginTransactions {
  readonly #sealer: Sealer;
  readonly #secure: boolean;
  readonly #guard: ReplayGuard;
  readonly #attributes: CookieAttributes;
  /**
   * state -> cookie name, for states this process began (never ones a callback brings), used
   * once: the name is a pure function of the state, so remembering it changes no answer.
   */
  readonly #names = new BoundedCache<string, string>(NAME_CACHE_ENTRIES);

  constructor(options: LoginTransactionsOptions) {
    this.#sealer = options.sealer;
    this.#secure = options.secure;
    this.#guard = options.replayGuard ?? new MemoryReplayGuard();
    this.#attributes = { secure: options.secure, maxAgeSeconds: TRANSACTION_TTL_SECONDS };
  }

  /**
   * Starts deriving the cookie name of a transaction with `state` (and remembers it for
   * {@link begin} and the callback), so it can run alongside other Web Crypto work.
   */
  async prepare(state: string): Promise<string> {
    const name = this.#names.get(state) ?? (await this.#name(state));
    this.#names.set(state, name);
    return name;
  }

  /**
   * `Set-Cookie` values expiring the request's pending transaction cookies when it already
   * holds {@link MAX_PENDING_TRANSACTIONS} of them (see there why); none otherwise.
   */
  prune(request: Request): string[] {
    const prefix = cookieName(NAME_PREFIX, this.#secure);
    const pending = [...requestCookies(request).keys()].filter((n) => n.startsWith(prefix));
    if (pending.length < MAX_PENDING_TRANSACTIONS) return [];
    return pending.map((name) => expireCookie(name, this.#attributes));
  }

  /**
   * The `Set-Cookie` value that stores a new transaction.
   *
   * @throws TypeError `ERR_INVALID_ARG_VALUE` when the return path is over
   *   {@link MAX_RETURN_PATH_BYTES} or the cookie would be over
   *   {@link MAX_TRANSACTION_COOKIE_BYTES} (the handlers drop a long return path before)
   */
  async begin(transaction: LoginTransaction): Promise<string> {
    if (byteLength(transaction.returnTo) > MAX_RETURN_PATH_BYTES)
      throw misuse(`returnTo must be at most ${MAX_RETURN_PATH_BYTES} bytes`);
    const name = await this.prepare(transaction.state);
    const sealed = await this.#sealer.seal(name, transaction, TRANSACTION_TTL_SECONDS);
    if (name.length + 1 + sealed.length > MAX_TRANSACTION_COOKIE_BYTES)
      throw misuse(`login transaction must fit in ${MAX_TRANSACTION_COOKIE_BYTES} bytes`);
    return serializeCookie(name, sealed, this.#cookieAttributes(transaction));
  }

  /** The cookie of a form_post login is sent on the provider's cross-site POST (see `formPost`). */
  #cookieAttributes(transaction: LoginTransaction): CookieAttributes {
    if (transaction.formPost !== true || !this.#secure) return this.#attributes;
    return { ...this.#attributes, sameSite: 'none' };
  }

  /**
   * Finds, opens and consumes the transaction the callback's `state` names. Never throws on
   * bad input (a store-backed replay guard may throw SessionStoreUnavailableError).
   */
  async open(request: Request, state: string | null): Promise<OpenedTransaction> {
    if (!state || state.length > MAX_STATE_LENGTH) return { status: 'missing', clear: [] };
    const name = this.#names.get(state) ?? (await this.#name(state));
    this.#names.delete(state);
    const clear = [expireCookie(name, this.#attributes)];
    const sealed = requestCookies(request).get(name);
    if (sealed === undefined) return { status: 'missing', clear: [] };
    const opened = await this.#sealer.unseal<LoginTransaction>(name, sealed);
    // Stryker disable next-line ConditionalExpression: a seal that did not open has no data,
    // which the transaction check below refuses the same way
    if (opened.status !== 'ok') return { status: 'invalid', clear };
    const transaction = opened.data;
    if (!isTransaction(transaction) || !timingSafeEqual(transaction.state, state)) {
      return { status: 'invalid', clear };
    }
    if (!(await this.#guard.consume(suffixOf(name), TRANSACTION_TTL_SECONDS * 1000))) {
      return { status: 'replayed', clear };
    }
    return { status: 'ok', transaction, clear };
  }

  /** `oauth2_tx_` + 128 bits of SHA-256(state): one cookie per transaction, state not shown. */
  async #name(state: string): Promise<string> {
    const digest = await sha256(new TextEncoder().encode(state));
    const suffix = encodeBase64url(digest.slice(0, 16));
    return cookieName(NAME_PREFIX + suffix, this.#secure);
  }
}

function suffixOf(name: string): string {
  return name.slice(name.indexOf(NAME_PREFIX) + NAME_PREFIX.length);
}

function isTransaction(value: unknown): value is LoginTransaction {
  const t = value as Partial<LoginTransaction> | null;
  return (
    // Stryker disable next-line ConditionalExpression: a JSON value that is not an object has no
    // string state either
    typeof t === 'object' &&
    t !== null &&
    typeof t.state === 'string' &&
    typeof t.returnTo === 'string' &&
    (t.codeVerifier === undefined || typeof t.codeVerifier === 'string') &&
    (t.nonce === undefined || (typeof t.nonce === 'string' && t.nonce.length > 0)) &&
    (t.formPost === undefined || typeof t.formPost === 'boolean')
  );
}
