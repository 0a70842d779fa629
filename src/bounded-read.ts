/**
 * Bounded body reads and redacted excerpts: what a hostile server answers can neither exhaust
 * memory nor leak a credential into an error message.
 *
 * @module
 */

import { OAuth2Error } from './errors.js';
import { settle } from './watched-response.js';

/**
 * Reads a body as text, at most `limit` bytes (after content decoding, so a compressed bomb is
 * bounded too); beyond that the stream is cancelled and an `OAUTH_RESPONSE_TOO_LARGE` error
 * thrown, so a hostile server cannot exhaust memory.
 *
 * @example
 * ```ts
 * const user = JSON.parse(await readBounded(await session.get(USER_URL), 1_000_000));
 * ```
 */
export function readBounded(response: Response, limit: number): Promise<string> {
  // A watched response's deadline and error rules hold for a streamed read too.
  return settle(response, readUpTo(response, limit));
}

const utf8 = new TextDecoder();

/** The chunks as UTF-8 text (one chunk, the usual case, without a copy). */
function decode(chunks: Uint8Array[]): string {
  if (chunks.length === 1) return utf8.decode(chunks[0]);
  const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return utf8.decode(all);
}

async function readUpTo(response: Response, limit: number): Promise<string> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  // A declared length over the limit is refused before anything is read.
  let size = Number(response.headers.get('content-length')) > limit ? Number.POSITIVE_INFINITY : 0;
  while (reader && size <= limit) {
    const next = await reader.read();
    if (next.done) return decode(chunks);
    size += next.value.byteLength;
    chunks.push(next.value);
  }
  if (size <= limit) return '';
  void reader?.cancel().catch(() => {});
  throw new OAuth2Error('response body too large', {
    code: 'OAUTH_RESPONSE_TOO_LARGE',
    status: response.status,
    response,
  });
}

/** Anything that looks like a credential: 16+ characters from the token alphabets. */
const TOKEN_LIKE = /[A-Za-z0-9\-._~+/=]{16,}/g;
/** The value after a sensitive name, in JSON or form syntax, whatever its length. */
const SENSITIVE = /(token|secret|code|password|assertion)(["']?\s*[:=]\s*["']?)[^"'&,;\s}]+/gi;

/**
 * A short excerpt of an error body, safe to show: at most 200 characters, whitespace
 * collapsed, and every token-looking run replaced with `[redacted]`.
 */
export function redactedExcerpt(text: string): string {
  return text
    .replace(SENSITIVE, '$1$2[redacted]')
    .replace(TOKEN_LIKE, '[redacted]')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 200);
}
