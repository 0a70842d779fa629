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
 */
export function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

const encoder = new TextEncoder();

/**
 * Compares two strings in time that depends only on their lengths, not on where they differ.
 * Used for `state`, whose value an attacker may probe.
 */
export function timingSafeEqual(a: string, b: string): boolean {
  const x = encoder.encode(a);
  const y = encoder.encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= x[i]! ^ (y[i % (y.length || 1)] ?? 0);
  return diff === 0;
}
