/**
 * The cryptography of sealed cookies, as a value: HKDF-SHA256 to derive keys from a secret and
 * AES-256-GCM to seal with them. {@link webSealCrypto} (Web Crypto, every runtime) is the
 * default; `oauth2-session/node` brings `nodeSealCrypto`, the same algorithms on `node:crypto`'s
 * synchronous calls, which spare each seal and each open a hand-off to the thread pool. Both
 * give the same bytes for the same inputs, so a seal made by one opens with the other.
 *
 * @module
 */

/** One AES-256-GCM key. */
export interface SealKey {
  /** The ciphertext followed by the 16-byte tag (Web Crypto's layout). */
  encrypt(
    iv: Uint8Array,
    plaintext: Uint8Array,
    additionalData: Uint8Array,
  ): Uint8Array | Promise<Uint8Array>;
  /**
   * The plaintext of `sealed` (ciphertext then tag).
   *
   * @throws when the tag does not verify (altered, truncated, another key or other data)
   */
  decrypt(
    iv: Uint8Array,
    sealed: Uint8Array,
    additionalData: Uint8Array,
  ): Uint8Array | Promise<Uint8Array>;
}

/** HKDF-SHA256 inputs: the secret's bytes, a salt and an info string's bytes. */
export interface HkdfInput {
  secret: Uint8Array;
  salt: Uint8Array;
  info: Uint8Array;
}

/** What a `Sealer` needs of a cryptography library. */
export interface SealCrypto {
  /** An AES-256-GCM key: the first 32 bytes of HKDF-SHA256 of the input. */
  deriveKey(input: HkdfInput): Promise<SealKey>;
  /** The first `bytes` bytes of HKDF-SHA256 of the input. */
  deriveBytes(input: HkdfInput, bytes: number): Promise<Uint8Array>;
}

function hkdfParams({ salt, info }: HkdfInput): HkdfParams {
  return {
    name: 'HKDF',
    hash: 'SHA-256',
    salt: salt as Uint8Array<ArrayBuffer>,
    info: info as Uint8Array<ArrayBuffer>,
  };
}

function importSecret(secret: Uint8Array): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', secret as Uint8Array<ArrayBuffer>, 'HKDF', false, [
    'deriveKey',
    'deriveBits',
  ]);
}

/** Sealing on Web Crypto (`crypto.subtle`), wherever it runs. */
export const webSealCrypto: SealCrypto = Object.freeze({
  async deriveKey(input: HkdfInput): Promise<SealKey> {
    const key = await crypto.subtle.deriveKey(
      hkdfParams(input),
      await importSecret(input.secret),
      { name: 'AES-GCM', length: 256 },
      // Not extractable: nothing can export it; defence in depth, the Sealer keeps it to itself.
      // Stryker disable next-line BooleanLiteral: the key never leaves this closure, so no
      // caller can ask to export it; the flag guards against a future leak, not today's API.
      false,
      ['encrypt', 'decrypt'],
    );
    const params = (iv: Uint8Array, additionalData: Uint8Array): AesGcmParams => ({
      name: 'AES-GCM',
      iv: iv as Uint8Array<ArrayBuffer>,
      additionalData: additionalData as Uint8Array<ArrayBuffer>,
    });
    return {
      encrypt: async (iv, plaintext, aad) =>
        new Uint8Array(
          await crypto.subtle.encrypt(params(iv, aad), key, plaintext as Uint8Array<ArrayBuffer>),
        ),
      decrypt: async (iv, sealed, aad) =>
        new Uint8Array(
          await crypto.subtle.decrypt(params(iv, aad), key, sealed as Uint8Array<ArrayBuffer>),
        ),
    };
  },
  async deriveBytes(input: HkdfInput, bytes: number): Promise<Uint8Array> {
    const bits = await crypto.subtle.deriveBits(
      hkdfParams(input),
      await importSecret(input.secret),
      bytes * 8,
    );
    return new Uint8Array(bits);
  },
});

let preferred: SealCrypto = webSealCrypto;

/**
 * The sealing cryptography of Sealers built without a `crypto` option: {@link webSealCrypto}
 * unless a runtime's entry installed its own (`oauth2-session/node` installs `node:crypto`).
 */
export function defaultSealCrypto(): SealCrypto {
  return preferred;
}

/**
 * Makes `suite` the default of Sealers built from now on (see {@link defaultSealCrypto}).
 * Only a runtime's entry calls it; an app passes `crypto` to the Sealer instead.
 *
 * @internal
 */
export function installSealCrypto(suite: SealCrypto): void {
  preferred = suite;
}
