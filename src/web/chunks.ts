/**
 * Cookie chunking: a value too large for one cookie is split into `name.0`, `name.1`, ... each
 * under the 4096-byte limit browsers put on a cookie (RFC 6265 section 6.1), and reassembled on
 * read. Pieces left over from an earlier, larger value are deleted when a value is written.
 *
 * @module
 */

import { misuse } from '../errors.js';
import { type CookieAttributes, expireCookie, serializeCookie } from './cookies.js';

/** Size limits, in bytes (cookie values here are ASCII, so characters = bytes). */
export const CHUNK_LIMITS = Object.freeze({
  /** A whole `Set-Cookie` value (name, value and attributes) stays strictly below this. */
  maxCookieBytes: 4096,
  /** Values up to this size go in one cookie, without a chunk suffix. */
  singleValueBytes: 4000,
  /** Most chunks: Node's default 16 KiB request header limit leaves no room for more. */
  maxChunks: 3,
});

const chunkName = (name: string, index: number): string => `${name}.${index}`;

/** Whether `candidate` is `name` itself or one of its chunks. */
function belongsTo(name: string, candidate: string): boolean {
  if (candidate === name) return true;
  return candidate.startsWith(`${name}.`) && /^\d{1,3}$/.test(candidate.slice(name.length + 1));
}

/**
 * Reads a possibly chunked cookie: `name` itself, else `name.0`, `name.1`, ... joined until
 * the first missing index. `undefined` when absent.
 */
export function readChunked(
  name: string,
  cookies: ReadonlyMap<string, string>,
): string | undefined {
  const whole = cookies.get(name);
  if (whole !== undefined) return whole;
  let value: string | undefined;
  for (let i = 0; i < CHUNK_LIMITS.maxChunks; i++) {
    const part = cookies.get(chunkName(name, i));
    if (part === undefined) break;
    value = (value ?? '') + part;
  }
  return value;
}

/**
 * The `Set-Cookie` values that store `value` under `name`, in one cookie or in chunks, plus
 * deletions of any piece of `name` the request carried that this write does not replace.
 *
 * @throws TypeError `ERR_SESSION_TOO_LARGE` when even `CHUNK_LIMITS.maxChunks` (3) chunks are not enough.
 */
export function writeChunked(
  name: string,
  value: string,
  attributes: CookieAttributes,
  present: ReadonlyMap<string, string>,
): string[] {
  const written = splitValue(name, value, attributes);
  const names = new Set(written.map(([n]) => n));
  const headers = written.map(([, header]) => header);
  return headers.concat(clearChunked(name, attributes, present, names));
}

/** Deletions of every piece of `name` the request carried (except those in `keep`). */
export function clearChunked(
  name: string,
  attributes: CookieAttributes,
  present: ReadonlyMap<string, string>,
  keep: ReadonlySet<string> = new Set(),
): string[] {
  return [...present.keys()]
    .filter((candidate) => belongsTo(name, candidate) && !keep.has(candidate))
    .map((candidate) => expireCookie(candidate, attributes));
}

/**
 * Splits a value into [cookie name, `Set-Cookie` value] pairs that each fit the limit (the one
 * cookie of a value that fits is serialized once: measuring it is building it).
 */
function splitValue(
  name: string,
  value: string,
  attributes: CookieAttributes,
): Array<[string, string]> {
  const single = serializeCookie(name, value, attributes);
  if (
    value.length <= CHUNK_LIMITS.singleValueBytes &&
    single.length < CHUNK_LIMITS.maxCookieBytes
  ) {
    return [[name, single]];
  }
  // The longest name is the last index's; sizing every piece by it keeps each under the limit.
  const overhead = serializeCookie(chunkName(name, CHUNK_LIMITS.maxChunks - 1), '', attributes);
  const room = CHUNK_LIMITS.maxCookieBytes - 1 - overhead.length;
  const count = Math.ceil(value.length / room);
  if (count > CHUNK_LIMITS.maxChunks) {
    throw misuse(
      `session too large: more than ${CHUNK_LIMITS.maxChunks} cookies of 4096 bytes`,
      'ERR_SESSION_TOO_LARGE',
    );
  }
  return Array.from({ length: count }, (_, i) => {
    const piece = chunkName(name, i);
    return [piece, serializeCookie(piece, value.slice(i * room, (i + 1) * room), attributes)];
  });
}
