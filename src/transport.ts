/**
 * Transport rules shared by every request: https except on loopback, a timeout on every
 * request combined with the caller's signal, bounded body reads, typed network failures.
 *
 * @module
 */

import { InsecureTransportError, misuse, OAuth2Error, TimeoutError } from './errors.js';

/** A `fetch`-compatible function (the global one by default). */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

const LOOPBACK_V4 = /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/;

/** Whether `hostname` (as `URL.hostname` spells it) is loopback: 127.0.0.0/8, ::1, localhost. */
export function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || LOOPBACK_V4.test(hostname);
}

/**
 * Reads `OAUTH2_INSECURE_TRANSPORT` without importing `node:`; runtimes without `process`,
 * or that deny env access (Deno without --allow-env), count as unset.
 */
function envAllowsInsecure(): boolean {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
      ?.env;
    return env?.['OAUTH2_INSECURE_TRANSPORT'] === '1';
  } catch {
    return false;
  }
}

/**
 * Whether plain http to non-loopback hosts is allowed: the option when set (an explicit
 * `false` wins over the environment), else `OAUTH2_INSECURE_TRANSPORT=1`.
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
export function secureUrl(url: string | URL, what: string, allowInsecure: boolean): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw misuse(`${what} is not a valid url`);
  }
  if (parsed.protocol === 'https:') return parsed;
  if (parsed.protocol !== 'http:') throw misuse(`${what} must use https:`);
  if (allowInsecure || isLoopback(parsed.hostname)) return parsed;
  throw new InsecureTransportError(`${what} must use https: (or a loopback host)`);
}

/**
 * Origins, as `origin + '/'`, that passed {@link secureUrl} without needing `allowInsecure`
 * (https, or http to loopback). A url string starting with one of them parses to that same
 * scheme and host (the rest is path, query or fragment, which never fail to parse), so it
 * would pass again: {@link checkRequestUrl} skips the parse. A few, most recent last.
 */
const approvedOrigins: string[] = [];

/**
 * {@link secureUrl} for a request url whose parse is not needed: the same outcome, but a url
 * under a recently approved origin is not parsed again, and `allowInsecure` (which may read the
 * environment) is only asked when the url is parsed.
 */
export function checkRequestUrl(url: string, what: string, allowInsecure: () => boolean): void {
  for (let i = approvedOrigins.length - 1; i >= 0; i -= 1) {
    if (url.startsWith(approvedOrigins[i]!)) return;
  }
  const parsed = secureUrl(url, what, allowInsecure());
  if (parsed.protocol !== 'https:' && !isLoopback(parsed.hostname)) return;
  if (approvedOrigins.length >= 8) approvedOrigins.shift();
  approvedOrigins.push(`${parsed.origin}/`);
}

/**
 * The time limit of one exchange, combined with the caller's signal. A plain timer that the
 * caller clears when the exchange is over: `AbortSignal.timeout` + `AbortSignal.any` cost about
 * 15% of a loopback request's throughput in Node, this costs next to nothing.
 */
export interface Deadline {
  /** Aborts when the time is up or the caller's signal aborts. */
  readonly signal: AbortSignal | undefined;
  /** Whether the time ran out (as opposed to the caller aborting). */
  readonly expired: boolean;
  /** Stops the timer; call it once the response (and any body read) is done. */
  clear(): void;
}

/** A deadline of `timeoutMs` milliseconds (0 = none), also ended by `signal`. */
export function deadline(timeoutMs: number, signal?: AbortSignal | null): Deadline {
  if (!(timeoutMs > 0)) return { signal: signal ?? undefined, expired: false, clear() {} };
  return new Timer(timeoutMs, signal ?? undefined);
}

/**
 * A class rather than an object literal with a getter and closures: half the cost per request
 * (about 4 us instead of 8, most of what is left being the AbortController itself).
 */
class Timer implements Deadline {
  readonly signal: AbortSignal;
  #expired = false;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #caller: AbortSignal | undefined;
  readonly #follow: (() => void) | undefined;

  constructor(timeoutMs: number, caller: AbortSignal | undefined) {
    const controller = new AbortController();
    this.signal = controller.signal;
    this.#timer = setTimeout(() => {
      this.#expired = true;
      controller.abort(new DOMException('request timed out', 'TimeoutError'));
    }, timeoutMs);
    if (!caller) return;
    const follow = () => controller.abort(caller.reason);
    this.#caller = caller;
    this.#follow = follow;
    if (caller.aborted) follow();
    else caller.addEventListener('abort', follow, { once: true });
  }

  get expired(): boolean {
    return this.#expired;
  }

  clear(): void {
    clearTimeout(this.#timer);
    if (this.#follow) this.#caller?.removeEventListener('abort', this.#follow);
  }
}

/** The caller's signal of a fetch call: from `init`, else from a `Request` input. */
export function callerSignal(input: RequestInfo | URL, init: RequestInit): AbortSignal | undefined {
  return init.signal ?? (input instanceof Request ? input.signal : undefined);
}

/**
 * Sends one request within `limit`. A timeout becomes {@link TimeoutError}, a network
 * failure an {@link OAuth2Error} `OAUTH_NETWORK_ERROR`; the caller's own abort is rethrown as is.
 */
export async function send(
  fetchImpl: FetchLike,
  input: RequestInfo | URL,
  init: RequestInit,
  limit: Deadline,
): Promise<Response> {
  const signal = limit.signal;
  try {
    return await fetchImpl(input, signal ? { ...init, signal } : init);
  } catch (cause) {
    const caller = callerSignal(input, init);
    if (limit.expired || caller?.aborted) throw failure(cause, limit, caller);
    throw new OAuth2Error('request failed', { code: 'OAUTH_NETWORK_ERROR', cause });
  }
}

/**
 * What an error thrown during an exchange (request or body read) means: the time ran out
 * ({@link TimeoutError}), the caller aborted (its reason), or else the error itself.
 */
export function failure(cause: unknown, limit: Deadline, caller?: AbortSignal): unknown {
  if (cause instanceof OAuth2Error) return cause;
  if (limit.expired) return new TimeoutError('request timed out', { cause });
  if (caller?.aborted) return caller.reason;
  return cause;
}

/**
 * Reads a body as text, at most `limit` bytes; beyond that the stream is cancelled and an
 * `OAUTH_RESPONSE_TOO_LARGE` error thrown, so a hostile server cannot exhaust memory.
 */
export async function readBounded(response: Response, limit: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (declared > limit) return tooLarge(response, () => response.body?.cancel());
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let r = await reader.read(); !r.done; r = await reader.read()) {
    size += r.value.byteLength;
    if (size > limit) return tooLarge(response, () => reader.cancel());
    chunks.push(r.value);
  }
  return decode(chunks, size);
}

function tooLarge(response: Response, cancel: () => unknown): never {
  void Promise.resolve(cancel()).catch(() => {});
  throw new OAuth2Error('response body too large', {
    code: 'OAUTH_RESPONSE_TOO_LARGE',
    status: response.status,
    response,
  });
}

function decode(chunks: Uint8Array[], size: number): string {
  const all = new Uint8Array(size);
  let offset = 0;
  for (const c of chunks) {
    all.set(c, offset);
    offset += c.byteLength;
  }
  return new TextDecoder().decode(all);
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
