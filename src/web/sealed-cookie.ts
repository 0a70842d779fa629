/**
 * Sealed cookies: JSON encrypted and authenticated with AES-256-GCM, a key derived
 * by HKDF-SHA256 from each secret, a numbered key map for rotation (the newest key seals, every
 * key opens), the expiry inside the seal, and the cookie name bound as additional data so a
 * seal cannot be moved from one cookie to another.
 *
 * Format: `v1.<keyId>.<base64url iv>.<base64url ciphertext+tag>`. The cryptography is a value
 * ({@link SealCrypto}): Web Crypto by default, `node:crypto` once `oauth2-session/node` is loaded.
 *
 * @module
 */

import { misuse, requireOption } from '../errors.js';
import { randomBytes } from '../random.js';
import { BoundedCache } from './bounded-cache.js';
import { decodeBase64url, encodeBase64url } from './encoding.js';
import { defaultSealCrypto, type SealCrypto, type SealKey } from './seal-crypto.js';

/**
 * Session secrets, each at least 32 characters:
 * - one string;
 * - a list, newest first: the first seals, all open (key ids are derived from each secret, so
 *   the order may change without breaking existing seals);
 * - a numbered map `{ 1: old, 2: new }`: the highest number seals, all open, the number is the
 *   key id (iron-session's shape).
 */
export type SessionSecrets = string | readonly string[] | Readonly<Record<number, string>>;

/** Options of {@link Sealer}. */
export interface SealerOptions {
  /** Key material; see {@link SessionSecrets}. */
  secrets: SessionSecrets;
  /** The clock in epoch milliseconds. Default `Date.now`. */
  now?: (() => number) | undefined;
  /**
   * HKDF and AES-256-GCM. Default: Web Crypto, or `node:crypto` once
   * `oauth2-session/node` is loaded (the same seals either way).
   */
  crypto?: SealCrypto | undefined;
}

/** What {@link Sealer.unseal} answers. Callers treat any status but `ok` as "no session". */
export type UnsealResult<T = unknown> =
  | { status: 'ok'; data: T /** Epoch seconds. */; expiresAt: number }
  | { status: 'expired' | 'tampered' | 'unknown-key' | 'malformed' };

/** Shortest secret accepted, in characters (256 bits of base64 text is 43; 32 is the floor). */
export const MIN_SECRET_LENGTH = 32;

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
/** Longest seal we try to open: a cookie header is far below it, so longer is not ours. */
const MAX_SEAL_LENGTH = 64 * 1024;
const HKDF_SALT = new TextEncoder().encode('oauth2-session sealed-cookie');
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true });
/**
 * Authenticated seals remembered per {@link Sealer}, so that the same cookie coming back (every
 * request of a logged-in user) is not decrypted again: each Web Crypto call costs tens of
 * microseconds of thread-pool hand-off. Bounded in entries and in seal length (~4 MB at most).
 */
const OPENED_CACHE_ENTRIES = 512;
const OPENED_CACHE_MAX_SEAL_LENGTH = 4096;

/** A seal this Sealer made or authenticated: its plaintext payload JSON and expiry. */
interface OpenedSeal {
  readonly json: string;
  /** Epoch seconds, from inside the seal. */
  readonly expiresAt: number;
}

interface KeySet {
  /** Key id of the sealing key. */
  readonly current: string;
  readonly keys: ReadonlyMap<string, SealKey>;
}

/**
 * Seals and opens cookie values.
 *
 * @example
 * ```ts
 * const sealer = new Sealer({ secrets: [process.env.SESSION_SECRET!] });
 * const value = await sealer.seal('sid', { user: 'octocat' }, 3600);
 * const opened = await sealer.unseal('sid', value); // { status: 'ok', data: {...}, expiresAt }
 * ```
 */
export class Sealer {
  readonly #keys: Promise<KeySet>;
  readonly #now: () => number;
  /**
   * Keyed by the cookie name and the exact, full seal string. Only seals made by this Sealer
   * (so with its keys) or whose GCM tag verified under its keys get in: such a string opens to
   * exactly this payload, for this name only (the name is bound as AAD and part of the key).
   * The expiry inside the seal is checked on every hit, and each hit parses the JSON afresh so
   * no two requests share an object.
   */
  readonly #opened = new BoundedCache<string, OpenedSeal>(OPENED_CACHE_ENTRIES);

  /**
   * @throws TypeError with a code on bad secrets: `ERR_MISSING_OPTION` (none given),
   * `ERR_SECRET_TOO_SHORT`, `ERR_INVALID_ARG_TYPE` (not a string) or `ERR_INVALID_ARG_VALUE`
   * (a bad map key).
   */
  constructor(options: SealerOptions) {
    const entries = normalizeSecrets(options.secrets);
    this.#keys = deriveKeySet(entries, options.crypto ?? defaultSealCrypto());
    this.#keys.catch(() => {}); // surfaced on first use; no unhandled rejection meanwhile
    this.#now = options.now ?? Date.now;
  }

  /** Seals `data` (JSON) for the cookie `name`, valid for `ttlSeconds` seconds. */
  async seal(name: string, data: unknown, ttlSeconds: number): Promise<string> {
    const { current, keys } = await this.#keys;
    const expiresAt = Math.floor(this.#now() / 1000 + ttlSeconds);
    const json = JSON.stringify({ e: expiresAt, d: data });
    const iv = randomBytes(IV_BYTES); // fresh bytes from the pool, never handed out twice
    const ciphertext = await keys
      .get(current)!
      .encrypt(iv, encoder.encode(json), aad(current, name));
    const sealed = `${VERSION}.${current}.${encodeBase64url(iv)}.${encodeBase64url(ciphertext)}`;
    this.#remember(name, sealed, { json, expiresAt });
    return sealed;
  }

  /** Opens a seal made for the cookie `name`; never throws on bad input. */
  async unseal<T = unknown>(name: string, sealed: string): Promise<UnsealResult<T>> {
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: `false`,
    // `''` and `!==` on a string never ask the cache, which changes no answer: it holds only
    // authenticated seals, opened again with the same checks. The variants that ask it for a
    // non-string (`true`, `!==`) fail the lookalike test (sealed-cookie-rules)
    const known = typeof sealed === 'string' ? this.#opened.get(cacheKey(name, sealed)) : undefined;
    // Stryker disable next-line ConditionalExpression: `false` skips the cache (the seal is opened
    // again, same answer); `true` reads an entry that is not there and fails every unseal test
    if (known) return this.#fromCache<T>(name, sealed, known);
    const parts = splitSeal(sealed);
    if (!parts) return { status: 'malformed' };
    const key = (await this.#keys).keys.get(parts.keyId);
    if (!key) return { status: 'unknown-key' };
    let plaintext: Uint8Array;
    try {
      plaintext = await key.decrypt(parts.iv, parts.ciphertext, aad(parts.keyId, name));
    } catch {
      return { status: 'tampered' }; // the GCM tag did not verify: altered, truncated or moved
    }
    let json: string;
    try {
      json = decoder.decode(plaintext);
    } /* Stryker disable next-line BlockStatement: undefined fails JSON.parse: malformed */ catch {
      return { status: 'malformed' };
    }
    const result = this.#readPayload<T>(json);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: remembering
    // a refused payload, or none, changes no answer: a remembered one is read with the same checks
    if (result.status === 'ok') this.#remember(name, sealed, { json, expiresAt: result.expiresAt });
    return result;
  }

  #readPayload<T>(json: string): UnsealResult<T> {
    let payload: unknown;
    try {
      payload = JSON.parse(json);
    } /* Stryker disable next-line BlockStatement: undefined is no payload: malformed too */ catch {
      return { status: 'malformed' };
    }
    if (!isPayload(payload)) return { status: 'malformed' };
    if (payload.e * 1000 <= this.#now()) return { status: 'expired' };
    return { status: 'ok', data: payload.d as T, expiresAt: payload.e };
  }

  // Stryker disable next-line BlockStatement: a seal not remembered is opened again, same answer
  #remember(name: string, sealed: string, opened: OpenedSeal): void {
    // Stryker disable next-line ConditionalExpression,EqualityOperator: the bound only limits
    // memory; a seal remembered or not gets the same answer
    if (sealed.length <= OPENED_CACHE_MAX_SEAL_LENGTH)
      this.#opened.set(cacheKey(name, sealed), opened);
  }

  /** A remembered seal: the same checks as a decrypted one (expiry first), a fresh parse. */
  #fromCache<T>(name: string, sealed: string, known: OpenedSeal): UnsealResult<T> {
    const result = this.#readPayload<T>(known.json);
    // Stryker disable next-line ConditionalExpression,EqualityOperator,StringLiteral: forgetting a
    // seal only frees room: remembered or not, it is read with the same checks
    if (result.status !== 'ok') this.#opened.delete(cacheKey(name, sealed));
    return result;
  }
}

/** The cache key: a seal has no line feed (base64url and dots), so the pair is unambiguous. */
function cacheKey(name: string, sealed: string): string {
  return `${name}\n${sealed}`;
}

function isPayload(value: unknown): value is { e: number; d: unknown } {
  return (
    // Stryker disable next-line ConditionalExpression: a JSON value that is not an object has no
    // numeric e either
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { e?: unknown }).e === 'number' &&
    'd' in value
  );
}

/** The authenticated header: version, key id and cookie name. */
function aad(keyId: string, cookieName: string): Uint8Array {
  return encoder.encode(`${VERSION}.${keyId}.${cookieName}`);
}

interface SealParts {
  keyId: string;
  iv: Uint8Array;
  ciphertext: Uint8Array;
}

/** Splits and decodes a seal's fields; `undefined` when it is not shaped like one. */
function splitSeal(sealed: string): SealParts | undefined {
  if (typeof sealed !== 'string' || sealed.length > MAX_SEAL_LENGTH) return undefined;
  const [version, keyId, ivText, ctText, extra] = sealed.split('.');
  // Stryker disable next-line ConditionalExpression: the parts are positional, so ivText is
  // undefined only when ctText is too; the variants that pass a bad shape fail the shape tests
  if (version !== VERSION || !keyId || ivText === undefined || ctText === undefined) return;
  if (extra !== undefined) return undefined;
  const iv = decodeBase64url(ivText);
  const ciphertext = decodeBase64url(ctText);
  if (iv?.length !== IV_BYTES || !ciphertext || ciphertext.length < TAG_BYTES) return undefined;
  return { keyId, iv, ciphertext };
}

/** A secret with its key id (`undefined`: derive the id from the secret). */
interface SecretEntry {
  id: string | undefined;
  secret: string;
}

/** Validates secrets and orders them newest first. */
function normalizeSecrets(secrets: SessionSecrets): SecretEntry[] {
  requireOption(secrets, 'secrets');
  let entries: SecretEntry[];
  if (typeof secrets === 'string') entries = [{ id: undefined, secret: secrets }];
  else if (Array.isArray(secrets)) entries = secrets.map((secret) => ({ id: undefined, secret }));
  else if (typeof secrets === 'object' && secrets !== null) entries = numberedSecrets(secrets);
  else throw misuse('secrets must be a string, a list or a numbered map', 'ERR_INVALID_ARG_TYPE');
  if (entries.length === 0) throw misuse('secrets must not be empty', 'ERR_MISSING_OPTION');
  for (const { secret } of entries) {
    const short = `each session secret must be a string of at least ${MIN_SECRET_LENGTH} characters`;
    if (typeof secret !== 'string') throw misuse(short, 'ERR_INVALID_ARG_TYPE');
    if (secret.length < MIN_SECRET_LENGTH) throw misuse(short, 'ERR_SECRET_TOO_SHORT');
  }
  return entries;
}

function numberedSecrets(map: Readonly<Record<number, string>>): SecretEntry[] {
  const ids = Object.keys(map);
  if (!ids.every((id) => /^[1-9][0-9]{0,8}$/.test(id))) {
    throw misuse('secret map keys must be positive integers');
  }
  return ids
    .sort((a, b) => Number(b) - Number(a))
    .map((id) => ({ id, secret: (map as Record<string, string>)[id]! }));
}

async function deriveKeySet(entries: SecretEntry[], suite: SealCrypto): Promise<KeySet> {
  const keys = new Map<string, SealKey>();
  let current: string | undefined;
  for (const entry of entries) {
    const secret = encoder.encode(entry.secret);
    const id = entry.id ?? (await keyFingerprint(suite, secret));
    current ??= id;
    keys.set(id, await suite.deriveKey(hkdf(secret, `${VERSION} aes-256-gcm`)));
  }
  return { current: current!, keys };
}

function hkdf(secret: Uint8Array, info: string) {
  return { secret, salt: HKDF_SALT, info: encoder.encode(info) };
}

/** A 48-bit id from its own HKDF output: names the key without revealing the AES key. */
async function keyFingerprint(suite: SealCrypto, secret: Uint8Array): Promise<string> {
  return encodeBase64url(await suite.deriveBytes(hkdf(secret, `${VERSION} key-id`), 6));
}
