/**
 * The secure-transport rule (RFC 6749 sections 3.1, 3.2, 10.3; RFC 9700 section 2.6): https
 * always, plain http only to loopback unless explicitly allowed.
 *
 * @module
 */

import { InsecureTransportError, misuse } from './errors.js';

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether `hostname` (as `URL.hostname` spells it) is loopback: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_V4.test(hostname);
}

/**
 * Reads `OAUTH2_INSECURE_TRANSPORT`, or its alias `OAUTHLIB_INSECURE_TRANSPORT` (oauthlib's
 * name, so that one deployment switch serves both), without importing `node:`; runtimes
 * without `process`, or that deny env access (Deno without --allow-env), count as unset.
 */
function envAllowsInsecure(): boolean {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
      ?.env;
    return (
      env?.['OAUTH2_INSECURE_TRANSPORT'] === '1' || env?.['OAUTHLIB_INSECURE_TRANSPORT'] === '1'
    );
  } catch {
    return false;
  }
}

/**
 * Whether plain http to non-loopback hosts is allowed: the option when set (an explicit
 * `false` wins over the environment), else `OAUTH2_INSECURE_TRANSPORT=1` (or its alias
 * `OAUTHLIB_INSECURE_TRANSPORT=1`).
 */
export function insecureAllowed(option: boolean | undefined): boolean {
  return option ?? envAllowsInsecure();
}

/**
 * Parses `url` and enforces the transport rule (RFC 6749 sections 3.1, 3.2, 10.3):
 * `https:` always, `http:` only to loopback hosts unless `allowInsecure`.
 *
 * @throws TypeError (`ERR_INVALID_ARG_VALUE`) for an unparsable URL or another scheme.
 * @throws InsecureTransportError for plain http to a non-loopback host.
 */
export function secureUrl(
  url: string | URL,
  what: string,
  allowInsecure: boolean | (() => boolean),
): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw misuse(`${what} is not a valid url`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol !== 'http:') throw misuse(`${what} must use https:`);
  if (isLoopback(parsed.hostname)) return parsed;
  // Asked last, and lazily: reading the environment costs on every request otherwise.
  if (typeof allowInsecure === 'function' ? allowInsecure() : allowInsecure) return parsed;
  throw new InsecureTransportError(`${what} must use https: (or a loopback host)`);
}
