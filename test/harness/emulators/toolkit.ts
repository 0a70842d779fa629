/**
 * The emulator toolkit in one import: the HTTP server and its replies ({@link startEmulator}),
 * and the OAuth state and checks ({@link Authority}, {@link authenticateClient},
 * {@link authorize}, {@link verifyPkce}).
 */
import { exportJWK, generateKeyPair, type JWTPayload, SignJWT } from 'jose';

export * from './authority.js';
export * from './server.js';

/** One RSA key pair per test file: making one takes a while. */
let rsaPair: ReturnType<typeof generateKeyPair> | undefined;

/**
 * An OpenID provider's signing side for an emulator: its JWK Set and an RS256 ID token signer
 * (`iat` now, `exp` in an hour).
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
  return { jwks: { keys: [jwk] }, sign };
}
