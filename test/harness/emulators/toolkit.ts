/**
 * The emulator toolkit in one import: the HTTP server and its replies ({@link startEmulator}),
 * and the OAuth state and checks ({@link Authority}, {@link authenticateClient},
 * {@link authorize}, {@link verifyPkce}).
 */
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';
import type { Grant } from './authority.js';

export * from './authority.js';
export * from './server.js';

/** One RSA key pair per test file: making one takes a while. */
let rsaPair: ReturnType<typeof generateKeyPair> | undefined;

/**
 * An OpenID provider's signing side for an emulator: its JWK Set, an RS256 ID token signer
 * (`iat` now, `exp` in an hour), and the same for a grant (`signFor`).
 *
 * @example
 * ```ts
 * const { jwks, sign } = await idTokenSigner('okta-emulator-1');
 * const id_token = await sign({ iss: origin, sub: '00u1', aud: clientId });
 * ```
 */
export async function idTokenSigner(kid: string) {
  rsaPair ??= generateKeyPair('RS256');
  const { privateKey, publicKey } = await rsaPair;
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  const sign = (claims: JWTPayload) =>
    new SignJWT({
      iat: Math.floor(Date.now() / 1000),
      exp: Math.floor(Date.now() / 1000) + 3600,
      ...claims,
    })
      .setProtectedHeader({ alg: 'RS256', kid })
      .sign(privateKey);
  /**
   * An ID token for `grant`: `aud` its client, and its authorization request's `nonce` when it
   * had one (OpenID Connect Core 3.1.3.7 and 3.1.2.1), besides `claims`.
   */
  const signFor = (grant: Grant, claims: JWTPayload) => {
    const nonce = grant.extras['nonce'];
    return sign({ ...claims, aud: grant.clientId, ...(nonce ? { nonce } : {}) });
  };
  return { jwks: { keys: [jwk] }, sign, signFor };
}
