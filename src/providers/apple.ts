/**
 * Sign in with Apple preset: Apple's OpenID Connect flow on the web, whose client secret is a
 * JWT the app signs, whose callback is a form post when the app asks for the user's name or
 * email, and whose user is the ID token (there is no userinfo endpoint).
 *
 * Documented behaviour, and where it is handled:
 * - endpoints `https://appleid.apple.com/auth/authorize`, `/auth/token`, `/auth/revoke` and the
 *   keys at `/auth/keys`; the issuer is `https://appleid.apple.com`;
 * - `client_secret` is a JWT signed with ES256 by the app's Sign in with Apple private key:
 *   header `alg: ES256` and `kid` (the key id), claims `iss` (the team id), `iat`, `exp` (at
 *   most six months later), `aud: https://appleid.apple.com` and `sub` (the client id, the
 *   Services ID). {@link appleClientSecret} is that as a `clientAuth` strategy value, which
 *   `appleProvider({ teamId, keyId, privateKey })` sets; without it, the app signs the JWT
 *   itself and passes it as `clientSecret`, sent in the body (the only method listed);
 * - asking for `name` or `email` (the default scopes) requires `response_mode=form_post`
 *   (`authorizationParams`): the callback is a POST of `code`, `state`, `id_token` and, the
 *   first time only, `user` (a JSON string with the name), which the app reads from the form
 *   and hands to `fetchToken({ code })` after checking `state`;
 * - token answers carry `access_token`, `token_type: "bearer"` in lowercase, `expires_in`,
 *   `refresh_token` and `id_token`; a refresh answers no refresh token (the core keeps the one
 *   it has);
 * - `/auth/revoke` takes `client_id`, `client_secret`, `token` and `token_type_hint`;
 * - the user is the ID token's claims (`sub`, `email`, `email_verified`, `is_private_email`):
 *   verify it with `oauth2-session/oidc`; the preset has no `user` endpoint.
 *
 * @see https://developer.apple.com/documentation/accountorganizationaldatasharing/request-an-authorization-to-the-sign-in-with-apple-server
 * @see https://developer.apple.com/documentation/accountorganizationaldatasharing/creating-a-client-secret
 * @see https://developer.apple.com/documentation/sign_in_with_apple/generate_and_validate_tokens
 * @see https://developer.apple.com/documentation/sign_in_with_apple/revoke_tokens
 * @module
 */

import type { ClientAuthentication, ClientAuthRequest } from '../client-auth.js';
import { misuse } from '../errors.js';
import { definePreset, type ProviderPreset } from '../provider.js';
import { trimUrl } from './quirks.js';

const APPLE = 'https://appleid.apple.com';

/** Options of {@link appleClientSecret}: the app's Sign in with Apple key. */
export interface AppleClientSecretOptions {
  /** The 10-character Team ID, the JWT's `iss`. */
  teamId: string;
  /** The key's 10-character Key ID, the JWT's `kid`. */
  keyId: string;
  /** The private key: the downloaded `.p8` file's PKCS #8 PEM text, or an ECDSA P-256 CryptoKey. */
  privateKey: string | CryptoKey;
  /** How long each JWT is valid, in seconds; default 300 (Apple allows up to 15777000). */
  lifetimeSeconds?: number | undefined;
  /** The JWT's `aud`; default `https://appleid.apple.com`. */
  audience?: string | undefined;
  /** The clock, epoch milliseconds; default `Date.now`. */
  clock?: (() => number) | undefined;
}

const b64url = (bytes: Uint8Array) =>
  btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
const encodeJson = (value: object) => b64url(new TextEncoder().encode(JSON.stringify(value)));

/** The PKCS #8 PEM of a `.p8` file as a signing key. */
function importPem(pem: string): Promise<CryptoKey> {
  const body = pem.replace(/-----(BEGIN|END) PRIVATE KEY-----/g, '').replace(/\s+/g, '');
  const der = Uint8Array.from(atob(body), (c) => c.charCodeAt(0));
  return crypto.subtle.importKey('pkcs8', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, [
    'sign',
  ]);
}

/**
 * The client authentication Sign in with Apple requires, as a strategy value: a fresh ES256
 * JWT for each request, sent with `client_id` as `client_secret` in the body.
 *
 * @example
 * ```ts
 * const clientAuth = appleClientSecret({ teamId: 'A1B2C3D4E5', keyId: 'XYZ123ABCD', privateKey: p8Text });
 * new OAuth2Session({ clientId: 'com.example.web', redirectUri, provider: apple, clientAuth });
 * ```
 * @throws TypeError `ERR_MISSING_OPTION` when `teamId`, `keyId` or `privateKey` is missing
 */
export function appleClientSecret(options: AppleClientSecretOptions): ClientAuthentication {
  for (const name of ['teamId', 'keyId', 'privateKey'] as const)
    if (!options?.[name]) throw misuse(`appleClientSecret needs ${name}`, 'ERR_MISSING_OPTION');
  const { teamId, keyId, lifetimeSeconds = 300, audience = APPLE, clock = Date.now } = options;
  let key: Promise<CryptoKey> | undefined;
  const sign = async (request: ClientAuthRequest) => {
    key ??=
      typeof options.privateKey === 'string'
        ? importPem(options.privateKey)
        : Promise.resolve(options.privateKey);
    const iat = Math.floor(clock() / 1000);
    const claims = {
      iss: teamId,
      iat,
      exp: iat + lifetimeSeconds,
      aud: audience,
      sub: request.clientId,
    };
    const input = `${encodeJson({ alg: 'ES256', kid: keyId })}.${encodeJson(claims)}`;
    const algorithm = { name: 'ECDSA', hash: 'SHA-256' };
    const signature = await crypto.subtle.sign(
      algorithm,
      await key,
      new TextEncoder().encode(input),
    );
    request.body.set('client_id', request.clientId);
    request.body.set('client_secret', `${input}.${b64url(new Uint8Array(signature))}`);
  };
  return Object.assign(sign, { method: 'client_secret_post' });
}

/** Options of {@link appleProvider}. */
export interface AppleProviderOptions extends Partial<AppleClientSecretOptions> {
  /** Where Apple's identity service lives; default `https://appleid.apple.com`. */
  baseUrl?: string | undefined;
}

/**
 * Makes a Sign in with Apple preset; with `teamId`, `keyId` and `privateKey` it signs its own
 * client secrets ({@link appleClientSecret}).
 *
 * @example
 * ```ts
 * const siwa = appleProvider({ teamId, keyId, privateKey: p8Text });
 * const session = new OAuth2Session({ clientId: 'com.example.web', redirectUri, provider: siwa });
 * const { url, state } = await session.authorizationUrl(); // the callback is a form POST
 * ```
 */
export function appleProvider(options: AppleProviderOptions = {}): ProviderPreset {
  const base = trimUrl(options.baseUrl ?? APPLE);
  const { teamId, keyId, privateKey } = options;
  const clientAuth =
    teamId || keyId || privateKey
      ? appleClientSecret({
          ...options,
          teamId: teamId ?? '',
          keyId: keyId ?? '',
          privateKey: privateKey ?? '',
        })
      : undefined;
  return definePreset({
    id: 'apple',
    server: {
      issuer: base,
      authorization_endpoint: `${base}/auth/authorize`,
      token_endpoint: `${base}/auth/token`,
      revocation_endpoint: `${base}/auth/revoke`,
      jwks_uri: `${base}/auth/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      token_endpoint_auth_methods_supported: ['client_secret_post'],
      id_token_signing_alg_values_supported: ['RS256'],
    },
    ...(clientAuth ? { clientAuth } : {}),
    scope: ['name', 'email'],
    authorizationParams: { response_mode: 'form_post' },
  });
}

/**
 * The preset for Sign in with Apple, for apps that sign the client secret JWT themselves and
 * pass it as `clientSecret`.
 *
 * @example
 * ```ts
 * const session = new OAuth2Session({ clientId: 'com.example.web', clientSecret: signedJwt, redirectUri, provider: apple });
 * ```
 */
export const apple: ProviderPreset = appleProvider();
