/**
 * The core's defaults, in one frozen object; every default is documented with its unit.
 *
 * @module
 */

/**
 * The defaults, frozen. Units are in the names: `timeoutMs` milliseconds,
 * `expiryLeewaySeconds` seconds, `maxResponseBytes` bytes.
 */
export const defaults = Object.freeze({
  /** PKCE method: S256 (RFC 7636); `plain` is never offered. */
  pkce: 'S256' as const,
  /** Per-request timeout in milliseconds (0 = none): the whole exchange, body included. */
  timeoutMs: 30_000,
  /** Refresh this many seconds before `expires_at`. */
  expiryLeewaySeconds: 60,
  /** Largest token endpoint answer read, in bytes. */
  maxResponseBytes: 65_536,
  /** Random bytes in a generated `state` (256 bits). */
  stateBytes: 32,
  /** Redirects followed for a request made with the token before giving up (the Fetch standard's 20). */
  maxRedirects: 20,
});
