/**
 * Signature verification shared by ID tokens and signed userinfo answers: jose verifies, and its
 * failures become our checks, classified by jose's error codes, never by its messages.
 *
 * @module
 */

import { compactVerify, type FlattenedJWSInput, type JWSHeaderParameters } from 'jose';
import type { KeySource } from './jwks.js';

/** The signature rules a JWS can break. */
export type JwsCheck = 'format' | 'alg' | 'kid' | 'signature';

const CHECK_OF: Record<string, JwsCheck> = {
  ERR_JWS_INVALID: 'format',
  ERR_JOSE_ALG_NOT_ALLOWED: 'alg',
  ERR_JOSE_NOT_SUPPORTED: 'alg',
  ERR_JWKS_NO_MATCHING_KEY: 'kid',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'signature',
};

type KeyInput = CryptoKey | Uint8Array;
type Resolver = (header: JWSHeaderParameters, token: FlattenedJWSInput) => Promise<KeyInput>;

/**
 * @internal Verifies a compact JWS with `key` (a secret, or a key source that picks by header)
 * and answers its payload bytes. Several keys matching the header are each tried.
 */
export async function verifyJws(
  jwt: string,
  key: KeySource | Uint8Array,
  algorithms: readonly string[],
  fail: (check: JwsCheck, message: string) => Error,
): Promise<Uint8Array> {
  const options = { algorithms: [...algorithms] };
  let found = key instanceof Uint8Array;
  const resolve: KeyInput | Resolver =
    key instanceof Uint8Array
      ? key
      : async (header, token) => {
          const match = await key.getKey(header, token);
          found = true;
          return match;
        };
  try {
    return (await compactVerify(jwt, resolve as Resolver, options)).payload;
  } catch (error) {
    const code = (error as { code?: string | undefined }).code ?? '';
    if (code === 'ERR_JWKS_MULTIPLE_MATCHING_KEYS')
      return tryEach(jwt, error as AsyncIterable<CryptoKey>, options, fail);
    const check = CHECK_OF[code];
    // Once the key is found, whatever jose or Web Crypto refuses about it (an RSA modulus under
    // 2048 bits) leaves the signature unverified; the key source's own errors pass as they are.
    if (!check && found) throw fail('signature', 'the key cannot verify this signature');
    if (!check) throw error;
    throw fail(check, check === 'kid' ? 'no key of the provider matches' : messageOf(check));
  }
}

async function tryEach(
  jwt: string,
  keys: AsyncIterable<CryptoKey>,
  options: { algorithms: string[] },
  fail: (check: JwsCheck, message: string) => Error,
): Promise<Uint8Array> {
  for await (const candidate of keys) {
    try {
      return (await compactVerify(jwt, candidate, options)).payload;
    } catch {
      // The next key that matches the header may be the one.
    }
  }
  throw fail('signature', messageOf('signature'));
}

function messageOf(check: JwsCheck): string {
  if (check === 'format') return 'not a well-formed JWS';
  if (check === 'alg') return 'an algorithm that is not accepted';
  return 'the signature does not verify';
}

const encoder = new TextEncoder();

/**
 * @internal A key source that answers the client secret for HS* (the one place that rule lives)
 * and asks `keys` for every other algorithm; `missing(alg)` is thrown when that key is absent.
 */
export function withSecret(
  keys: KeySource | undefined,
  secret: string | undefined,
  missing: (alg: string) => Error,
): KeySource {
  return {
    getKey: async (header, token) => {
      const alg = String(header.alg);
      if (alg.startsWith('HS')) {
        if (!secret) throw missing(alg);
        return encoder.encode(secret);
      }
      if (!keys) throw missing(alg);
      return keys.getKey(header, token);
    },
  };
}

const decoder = new TextDecoder('utf-8', { fatal: true });

/** @internal A payload as a JSON object, or `fail()`'s error. */
export function claimsOf(payload: Uint8Array, fail: () => Error): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(payload));
  } catch {
    throw fail();
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw fail();
  return value as Record<string, unknown>;
}
