/**
 * PKCE (RFC 7636): code verifier and S256 challenge. `plain` is not offered.
 *
 * @module
 */

import { misuse } from './errors.js';
import { base64url, randomString } from './random.js';
import { sha256 } from './sha256.js';

/** RFC 7636 section 4.1: 43 to 128 characters of `[A-Za-z0-9-._~]`. */
const VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

/** A fresh code verifier: 32 random bytes, 43 characters (RFC 7636 section 4.1). */
export function createCodeVerifier(): string {
  return randomString(32);
}

/** Throws a `TypeError` when `verifier` is not a valid RFC 7636 code verifier. */
export function assertCodeVerifier(verifier: unknown): asserts verifier is string {
  if (typeof verifier !== 'string' || !VERIFIER.test(verifier)) {
    throw misuse('codeVerifier must be 43-128 characters of [A-Za-z0-9-._~]');
  }
}

/**
 * The S256 code challenge: base64url(SHA-256(verifier)) (RFC 7636 section 4.2).
 *
 * @example
 * ```ts
 * const challenge = await codeChallengeS256(createCodeVerifier());
 * ```
 */
export async function codeChallengeS256(verifier: string): Promise<string> {
  return base64url(await sha256(new TextEncoder().encode(verifier)));
}
