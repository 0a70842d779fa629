/**
 * The OIDC mode's signing key: made fresh at start (nothing to configure or leak), published
 * as a JWK, used for ID tokens and for checking an `id_token_hint`.
 *
 * @module
 */
import { createHash } from 'node:crypto';
import {
  type CryptoKey,
  calculateJwkThumbprint,
  compactVerify,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { misuse } from '../errors.js';
import type { DevIdTokenAlg } from './types.js';

/** The ID token algorithms the dev provider signs with. */
export const ID_TOKEN_ALGS: readonly DevIdTokenAlg[] = Object.freeze(['RS256', 'ES256', 'EdDSA']);

/**
 * The hash of `at_hash` (OpenID Connect Core 1.0 section 3.1.3.6): the one the JWS algorithm
 * uses, which for EdDSA on Ed25519 is SHA-512 (RFC 8032 section 5.1).
 */
const AT_HASH: Record<DevIdTokenAlg, 'sha256' | 'sha512'> = {
  RS256: 'sha256',
  ES256: 'sha256',
  EdDSA: 'sha512',
};

/** Throws a coded TypeError unless `alg` is one of {@link ID_TOKEN_ALGS}. */
export function checkIdTokenAlg(alg: unknown, name = 'idTokenAlg'): asserts alg is DevIdTokenAlg {
  if (!ID_TOKEN_ALGS.includes(alg as DevIdTokenAlg))
    throw misuse(`${name} must be one of ${ID_TOKEN_ALGS.join(', ')}`);
}

/** A key pair that signs JWTs and verifies its own signatures. */
export class SigningKey {
  readonly alg: DevIdTokenAlg;
  /** The public key as published in the JWKS, with `kid`, `alg` and `use`. */
  readonly publicJwk: Readonly<JWK>;
  readonly #privateKey: CryptoKey;
  readonly #publicKey: CryptoKey;

  private constructor(
    alg: DevIdTokenAlg,
    pair: { privateKey: CryptoKey; publicKey: CryptoKey },
    jwk: JWK,
  ) {
    this.alg = alg;
    this.#privateKey = pair.privateKey;
    this.#publicKey = pair.publicKey;
    this.publicJwk = Object.freeze(jwk);
  }

  /** A fresh key; its `kid` is the RFC 7638 thumbprint, so a new key never reuses an old id. */
  static async generate(alg: DevIdTokenAlg): Promise<SigningKey> {
    checkIdTokenAlg(alg);
    const pair = await generateKeyPair(alg);
    const jwk = await exportJWK(pair.publicKey);
    const kid = await calculateJwkThumbprint(jwk);
    return new SigningKey(alg, pair, { ...jwk, kid, alg, use: 'sig' });
  }

  /** The key's id, as in the JWKS and the JWS header. */
  get kid(): string {
    return this.publicJwk.kid!;
  }

  /** Signs `claims` as a JWT, the header naming the algorithm and this key. */
  sign(claims: JWTPayload): Promise<string> {
    return new SignJWT(claims)
      .setProtectedHeader({ alg: this.alg, kid: this.kid, typ: 'JWT' })
      .sign(this.#privateKey);
  }

  /**
   * The claims of a JWT this key signed, or undefined for anything else. Times are not
   * checked: RP-Initiated Logout takes an expired `id_token_hint`.
   */
  async claimsOf(jwt: string): Promise<JWTPayload | undefined> {
    try {
      const { payload } = await compactVerify(jwt, this.#publicKey, { algorithms: [this.alg] });
      const claims: unknown = JSON.parse(new TextDecoder().decode(payload));
      return claims && typeof claims === 'object' && !Array.isArray(claims)
        ? (claims as JWTPayload)
        : undefined;
    } catch {
      return undefined;
    }
  }

  /** `at_hash` of an access token: the left half of its hash, base64url. */
  atHash(accessToken: string): string {
    const hash = createHash(AT_HASH[this.alg]).update(accessToken, 'ascii').digest();
    return hash.subarray(0, hash.length / 2).toString('base64url');
  }
}
