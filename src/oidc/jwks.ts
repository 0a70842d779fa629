/**
 * The provider's signing keys (`jwks_uri`, RFC 7517): fetched through the one transport,
 * cached, refetched when a token names a key the cache does not have, with a cooldown so a
 * flood of unknown `kid`s costs the provider at most one request per cooldown.
 *
 * @module
 */

import {
  createLocalJWKSet,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import { defaults } from '../defaults.js';
import { checkNumber } from '../errors.js';
import { SingleFlight } from '../single-flight.js';
import { readBounded, Transport, type TransportOptions } from '../transport.js';
import { JwksError } from './errors.js';

/** Options of {@link RemoteJwks}; units in the names. */
export interface RemoteJwksOptions extends TransportOptions {
  /**
   * The least time between two fetches, in milliseconds: unknown `kid`s within it are refused
   * without a request. Default 30 000; at most 60 000, so a provider that rotates its key is
   * followed within a minute.
   */
  cooldownMs?: number | undefined;
  /** How long a fetched set is used before it is fetched again, in milliseconds. Default 10 minutes. */
  maxAgeMs?: number | undefined;
  /** The largest JWK Set read, in bytes. Default 65 536. */
  maxResponseBytes?: number | undefined;
  /** The clock, in milliseconds since the epoch. Default `Date.now`. */
  clock?: (() => number) | undefined;
}

/** What selects the key that verifies a JWS: a {@link RemoteJwks}, or any object with `getKey`. */
export interface KeySource {
  /** The key (or the secret of an HS* algorithm) for a JWS header. */
  getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey | Uint8Array>;
}

type LocalSet = ReturnType<typeof createLocalJWKSet>;

/** jose's key-selection errors that are about the token, not the set. */
const TOKEN_ERRORS = new Set([
  'ERR_JWKS_NO_MATCHING_KEY',
  'ERR_JWKS_MULTIPLE_MATCHING_KEYS',
  'ERR_JOSE_NOT_SUPPORTED',
]);

/**
 * A set's key for a header. jose's answers about the token (no key, several keys, an alg no key
 * serves) pass; a matching key that cannot be imported (no modulus, a private key) is the set's
 * fault: a JwksError, never the Web Crypto or jose error itself.
 */
async function lookup(
  set: LocalSet,
  header: JWSHeaderParameters,
  token: FlattenedJWSInput,
): Promise<CryptoKey> {
  try {
    return await set(header, token);
  } catch (error) {
    if (TOKEN_ERRORS.has(String((error as { code?: unknown }).code))) throw error;
    throw new JwksError('a key of the set cannot be used', { cause: error });
  }
}

/**
 * A provider's JWK Set behind `jwks_uri`. Share one per provider: every session and request
 * that verifies its tokens then shares the cache and the cooldown.
 *
 * @example
 * ```ts
 * const jwks = new RemoteJwks(server.jwks_uri!);
 * const session = new OpenIDSession({ clientId, server, jwks });
 * ```
 */
export class RemoteJwks {
  readonly #url: URL;
  readonly #transport: Transport;
  readonly #o: RemoteJwksOptions;
  readonly #cooldownMs: number;
  readonly #maxAgeMs: number;
  readonly #flight = new SingleFlight<LocalSet>();
  #set: LocalSet | undefined;
  /** When the last fetch started (0: never), for the cooldown and the age. */
  #fetchedAt = 0;
  /** A fetch is under way: a lookup that misses meanwhile waits for it instead of being refused. */
  #fetching = false;
  /** The key picked for each alg and kid from the current set: found keys only, so bounded by it. */
  #chosen = new Map<string, CryptoKey>();

  constructor(jwksUri: string | URL, options: RemoteJwksOptions = {}) {
    this.#cooldownMs = options.cooldownMs ?? 30_000;
    this.#maxAgeMs = options.maxAgeMs ?? 600_000;
    checkNumber(this.#cooldownMs, 'cooldownMs must be from 0 to 60000 (ms)', {
      min: 0,
      max: 60_000,
    });
    checkNumber(this.#maxAgeMs, 'maxAgeMs must be a number of ms, 0 or more', { min: 0 });
    this.#o = options;
    this.#transport = new Transport(options);
    this.#url = this.#transport.checkUrl(jwksUri, 'jwks_uri');
  }

  /**
   * The key for a JWS header (jose's key-resolver shape). A `kid` the cached set lacks makes one
   * refetch, unless the last fetch is younger than the cooldown.
   *
   * @throws jose's `JWKSNoMatchingKey` when no key matches, JwksError for a bad set (or a
   *   matching key that cannot be used), and the transport's errors when the provider cannot be
   *   reached
   */
  async getKey(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    const now = this.#now();
    if (!this.#set || now - this.#fetchedAt >= this.#maxAgeMs) await this.#refetch();
    const set = this.#set!;
    // jose picks by alg and kid alone (the unprotected header's winning, as here), so the key it
    // picked once is the one it picks again from the same set: every token skips the search.
    const { alg, kid } = { ...header, ...token?.header };
    const id = `${alg} ${kid ?? ''}`;
    const chosen = this.#chosen.get(id);
    if (chosen) return chosen;
    try {
      const key = await lookup(set, header, token);
      if (this.#set === set) this.#chosen.set(id, key);
      return key;
    } catch (error) {
      const unknown = (error as { code?: string | undefined }).code === 'ERR_JWKS_NO_MATCHING_KEY';
      if (!unknown) throw error;
      // The cooldown counts from the start of a fetch: a miss during it, or against the set it
      // replaced, is answered by that fetch, not refused.
      if (this.#fetching) await this.#refetch();
      else if (this.#set === set) {
        if (this.#now() - this.#fetchedAt < this.#cooldownMs) throw error;
        await this.#refetch();
      }
      return lookup(this.#set!, header, token);
    }
  }

  #now(): number {
    return (this.#o.clock ?? Date.now)();
  }

  #refetch(): Promise<LocalSet> {
    return this.#flight.run(async () => {
      this.#fetchedAt = this.#now();
      this.#fetching = true;
      try {
        this.#set = createLocalJWKSet(await this.#fetch());
        this.#chosen = new Map();
      } finally {
        this.#fetching = false;
      }
      return this.#set;
    });
  }

  async #fetch(): Promise<JSONWebKeySet> {
    const headers = new Headers({ accept: 'application/jwk-set+json, application/json' });
    const response = await this.#transport.request({
      url: this.#url.href,
      init: { method: 'GET', headers },
    });
    const limit = this.#o.maxResponseBytes ?? defaults.maxResponseBytes;
    const text = await readBounded(response, limit);
    if (response.status !== 200)
      throw new JwksError(`status ${response.status}`, { status: response.status });
    return parseJwks(text);
  }
}

/**
 * A JWK Set from text: a JSON object whose `keys` is a list of objects each with a string `kty`.
 *
 * @throws JwksError
 */
export function parseJwks(text: string): JSONWebKeySet {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JwksError('the answer is not JSON');
  }
  const keys = (value as { keys?: unknown } | null)?.keys;
  const isKey = (k: unknown) =>
    typeof k === 'object' && k !== null && typeof (k as { kty?: unknown }).kty === 'string';
  if (!Array.isArray(keys) || !keys.every(isKey))
    throw new JwksError('the answer is not a JWK Set (keys must be a list of keys)');
  return { keys } as JSONWebKeySet;
}
