/**
 * Opaque identifiers for server-side sessions and lock owners.
 *
 * @module
 */

import { base64url, randomBytes } from '../../random.js';

/** Bytes of randomness in an id: 256 bits, well above the 128 bits OWASP asks of session ids. */
const ID_BYTES = 32;

/**
 * Makes a new opaque session id: 256 random bits from Web Crypto, base64url without padding
 * (43 characters), safe in cookies, URLs and Redis keys.
 *
 * @example
 * ```ts
 * const id = newSessionId();
 * await store.set(id, { token }, 3600);
 * ```
 * @see https://cheatsheetseries.owasp.org/cheatsheets/Session_Management_Cheat_Sheet.html#session-id-entropy
 */
export function newSessionId(): string {
  return randomBase64url(ID_BYTES);
}

/**
 * Answers `bytes` random bytes from Web Crypto as base64url without padding, cut from the
 * library's CSPRNG pool (each byte handed out once) rather than a `getRandomValues` call each.
 */
export function randomBase64url(bytes: number): string {
  return base64url(randomBytes(bytes));
}
