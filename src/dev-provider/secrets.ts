import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` characters of base62 from the CSPRNG, unbiased (bytes >= 248 are dropped). */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/** A GitHub-shaped token: a type prefix (`gho_`, `ghu_`, `ghr_`) and 36 base62 characters. */
export function newToken(prefix: 'gho_' | 'ghu_' | 'ghr_'): string {
  return prefix + randomBase62(36);
}

/** A GitHub-shaped authorization code: 20 hex characters. */
export function newCode(): string {
  return randomBytes(10).toString('hex');
}

/** An opaque id for a pending consent (it also serves as the consent form's CSRF token). */
export function newRequestId(): string {
  return randomBytes(24).toString('base64url');
}

/** SHA-256 hex digest; codes and tokens are kept under their digest, never in clear. */
export function digest(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** Constant-time string equality: both sides are hashed first, so lengths never leak. */
export function constantTimeEqual(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

/** RFC 7636 section 4.6: BASE64URL(SHA256(ASCII(code_verifier))). */
export function s256(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
