/**
 * The library's hot cryptography on `node:crypto`: the sealed cookies' HKDF-SHA256 and
 * AES-256-GCM, and the SHA-256 of PKCE challenges, as synchronous calls. Web Crypto on Node
 * hands every `encrypt`, `decrypt` and `digest` to the thread pool and back, which cost a login
 * more than the cryptography itself. The algorithms, inputs and outputs are Web Crypto's, so
 * seals made either way open either way.
 *
 * Loading `oauth2-session/node` installs these as the defaults ({@link installNodeCrypto}); a
 * `Sealer` also takes {@link nodeSealCrypto} as its `crypto` option.
 *
 * @module
 */

import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createSecretKey,
  hkdfSync,
  type KeyObject,
} from 'node:crypto';
import { installSha256, type Sha256 } from '../sha256.js';
import {
  type HkdfInput,
  installSealCrypto,
  type SealCrypto,
  type SealKey,
} from '../web/seal-crypto.js';

/** GCM's tag length, in bytes (Web Crypto's default, which seals made before use). */
const TAG_BYTES = 16;

function hkdf({ secret, salt, info }: HkdfInput, bytes: number): Uint8Array {
  return new Uint8Array(hkdfSync('sha256', secret, salt, info, bytes));
}

function aesGcmKey(key: KeyObject): SealKey {
  return {
    encrypt(iv, plaintext, additionalData) {
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(additionalData);
      const head = cipher.update(plaintext);
      const tail = cipher.final();
      const tag = cipher.getAuthTag();
      const out = new Uint8Array(head.length + tail.length + tag.length);
      out.set(head);
      out.set(tail, head.length);
      out.set(tag, head.length + tail.length);
      return out;
    },
    decrypt(iv, sealed, additionalData) {
      // A seal shorter than a tag cannot verify; createDecipheriv would take a short tag.
      if (sealed.length < TAG_BYTES) throw new RangeError('sealed data shorter than its tag');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(additionalData);
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const head = decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES));
      const tail = decipher.final(); // throws when the tag does not verify
      if (tail.length === 0) return new Uint8Array(head.buffer, head.byteOffset, head.length);
      const out = new Uint8Array(head.length + tail.length);
      out.set(head);
      out.set(tail, head.length);
      return out;
    },
  };
}

/** Sealed-cookie cryptography on `node:crypto` (synchronous; no thread-pool hand-off). */
export const nodeSealCrypto: SealCrypto = Object.freeze({
  async deriveKey(input: HkdfInput): Promise<SealKey> {
    return aesGcmKey(createSecretKey(hkdf(input, 32)));
  },
  async deriveBytes(input: HkdfInput, bytes: number): Promise<Uint8Array> {
    return hkdf(input, bytes);
  },
});

/** SHA-256 on `node:crypto` (synchronous). */
export const nodeSha256: Sha256 = (data) =>
  new Uint8Array(createHash('sha256').update(data).digest());

/**
 * Makes {@link nodeSealCrypto} and {@link nodeSha256} the library's defaults in this process
 * (Sealers built from now on, every PKCE challenge). Loading `oauth2-session/node` calls it;
 * call it yourself when a bundler may have left that module's body out.
 *
 * @example
 * ```ts
 * import { installNodeCrypto } from 'oauth2-session/node';
 * installNodeCrypto(); // before createOAuthHandlers(...)
 * ```
 */
export function installNodeCrypto(): void {
  installSealCrypto(nodeSealCrypto);
  installSha256(nodeSha256);
}

installNodeCrypto();
