/**
 * base64url (RFC 4648 section 5, no padding) for seals. Decoding is strict: a string that is
 * not the canonical encoding of some bytes is refused, so that two different cookie strings can
 * never open to the same seal (a flipped spare bit must not go unnoticed).
 *
 * @module
 */

import { base64url } from '../random.js';

/** @internal Encodes bytes as base64url without padding. */
export const encodeBase64url: (bytes: Uint8Array) => string = base64url;

const BASE64URL = /^[A-Za-z0-9_-]*$/;

/** @internal Decodes canonical base64url; `undefined` for anything else. */
export function decodeBase64url(text: string): Uint8Array | undefined {
  if (!BASE64URL.test(text) || text.length % 4 === 1) return undefined;
  const b64 = text.replaceAll('-', '+').replaceAll('_', '/');
  let binary: string;
  try {
    binary = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  } catch {
    return undefined;
  }
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return encodeBase64url(bytes) === text ? bytes : undefined;
}
