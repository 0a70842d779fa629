/**
 * Opaque identifiers for server-side sessions and lock owners.
 *
 * @module
 */

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

/** Answers `bytes` random bytes from Web Crypto as base64url without padding. */
export function randomBase64url(bytes: number): string {
  const buf = crypto.getRandomValues(new Uint8Array(bytes));
  let binary = '';
  for (const b of buf) binary += String.fromCharCode(b);
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}
