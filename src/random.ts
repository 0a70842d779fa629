/**
 * CSPRNG strings and constant-time comparison, on Web Crypto only.
 *
 * @module
 */

/** @internal base64url without padding (RFC 4648 section 5). */
export function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A random base64url string from `bytes` bytes of `crypto.getRandomValues`
 * (32 bytes = 256 bits = 43 characters by default).
 *
 * @example
 * ```ts
 * const state = randomString(); // 43 characters, 256 bits
 * ```
 *
 * @internal
 */
export function randomString(bytes = 32): string {
  return base64url(randomBytes(bytes));
}

/** Bytes drawn per `crypto.getRandomValues` call for small requests. */
const POOL_BYTES = 1024;
let pool = new Uint8Array(0);
let used = 0;

/**
 * `n` fresh CSPRNG bytes. Small requests are cut from a pool filled by one `getRandomValues`
 * call, each byte handed out once (like Node's own `randomUUID` cache): a call costs about as
 * much as 1 kB of output, so two 32-byte strings per authorization URL were most of its time.
 * The answer is a view into the pool: read it, never write to it.
 *
 * @internal
 */
export function randomBytes(n: number): Uint8Array {
  // Anything else (large, or not a byte count) takes the direct path, errors included.
  if (!(Number.isInteger(n) && n >= 0 && n <= POOL_BYTES))
    return crypto.getRandomValues(new Uint8Array(n));
  if (used + n > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  used += n;
  return pool.subarray(used - n, used);
}

/**
 * Compares two strings in time that depends only on their lengths, not on where they differ.
 * Used for `state`, whose value an attacker may probe. Code units are compared as they are (no
 * encoding, no copy): equal strings have equal code units.
 *
 * @internal
 */
export function timingSafeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i % (b.length || 1));
  return diff === 0;
}
