/**
 * SHA-256 as the library computes it (PKCE challenges): Web Crypto by default, or what a
 * runtime's entry installed (`oauth2-session/node` installs `node:crypto`'s synchronous hash,
 * which spares the thread-pool hand-off of `crypto.subtle.digest`). Same bytes either way.
 *
 * @module
 */

/** A SHA-256 implementation: the 32-byte digest of `data`. */
export type Sha256 = (data: Uint8Array) => Uint8Array | Promise<Uint8Array>;

/** SHA-256 on Web Crypto (`crypto.subtle.digest`), wherever it runs. */
export const webSha256: Sha256 = async (data) =>
  new Uint8Array(await crypto.subtle.digest('SHA-256', data as Uint8Array<ArrayBuffer>));

/**
 * @internal The installed SHA-256 (a live binding: {@link installSha256} replaces it); await
 * its answer, which may or may not be a promise.
 */
export let sha256: Sha256 = webSha256;

/**
 * Makes `implementation` the library's SHA-256 from now on. Only a runtime's entry calls it.
 *
 * @internal
 */
export function installSha256(implementation: Sha256): void {
  sha256 = implementation;
}
