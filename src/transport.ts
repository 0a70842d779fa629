/**
 * The one way out: every outbound request (token, revocation, user API, any API call through a
 * session) passes a {@link Transport}, which holds the same rules for all of them: https except
 * on loopback, checked when configured and again at every hop; no credential across a redirect
 * to another origin; one deadline over the whole exchange, body included; the caller's signal
 * honoured to the last byte, its reason what the caller gets; bounded body reads; typed
 * failures whose messages name the host and nothing secret.
 *
 * @module
 */

import { InsecureTransportError, misuse, OAuth2Error, TimeoutError } from './errors.js';

/** A `fetch`-compatible function (the global one by default). */
export type FetchLike = (input: RequestInfo | URL, init?: RequestInit) => Promise<Response>;

/** Options of {@link Transport}; units in the names. */
export interface TransportOptions {
  /** The fetch to use; default the global one, looked up at call time. */
  fetch?: FetchLike | undefined;
  /** The deadline of one exchange, body included, in milliseconds; 0 = none. Default 30 000. */
  timeoutMs?: number | undefined;
  /** Allow plain http to non-loopback hosts (else `OAUTH2_INSECURE_TRANSPORT=1`). */
  allowInsecureTransport?: boolean | undefined;
}

/** Defaults of {@link TransportOptions}, frozen. */
export const TRANSPORT_DEFAULTS = Object.freeze({
  /** Milliseconds. */
  timeoutMs: 30_000,
  /** Hops followed for a resource request before giving up (the Fetch standard's 20). */
  maxRedirects: 20,
});

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

/**
 * The time limit of one exchange, combined with the caller's signal. A plain timer that is
 * cleared when the exchange is over: `AbortSignal.timeout` + `AbortSignal.any` cost about 15% of
 * a loopback request's throughput in Node, this costs next to nothing.
 */
export interface Deadline {
  /** Aborts when the time is up (reason: a {@link TimeoutError}) or the caller aborts (its reason). */
  readonly signal: AbortSignal | undefined;
  /** The caller's own signal. */
  readonly caller: AbortSignal | undefined;
  /** Whether the time ran out (as opposed to the caller aborting). */
  readonly expired: boolean;
  /** Stops the timer; call it once the response (and any body read) is done. */
  clear(): void;
}

/**
 * A deadline of `timeoutMs` milliseconds (0 = none), also ended by `caller`; `url` names the
 * host in the timeout's message.
 */
export function deadline(timeoutMs: number, caller?: AbortSignal | null, url = ''): Deadline {
  if (timeoutMs > 0) return new Timer(timeoutMs, caller ?? undefined, url);
  const signal = caller ?? undefined;
  return { signal, caller: signal, expired: false, clear() {} };
}

/**
 * A class rather than an object literal with a getter and closures: half the cost per request
 * (about 4 us instead of 8, most of what is left being the AbortController itself).
 */
class Timer implements Deadline {
  readonly signal: AbortSignal;
  readonly caller: AbortSignal | undefined;
  #expired = false;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #follow: (() => void) | undefined;

  constructor(timeoutMs: number, caller: AbortSignal | undefined, url: string) {
    const controller = new AbortController();
    this.signal = controller.signal;
    this.caller = caller;
    this.#timer = setTimeout(() => {
      this.#expired = true;
      controller.abort(new TimeoutError(`request to ${hostOf(url)} timed out`));
    }, timeoutMs);
    if (!caller) return;
    this.#follow = () => controller.abort(caller.reason);
    if (caller.aborted) this.#follow();
    else caller.addEventListener('abort', this.#follow, { once: true });
  }

  get expired(): boolean {
    return this.#expired;
  }

  clear(): void {
    clearTimeout(this.#timer);
    if (this.#follow) this.caller?.removeEventListener('abort', this.#follow);
  }
}

/**
 * What an error thrown during an exchange means: the time ran out ({@link TimeoutError}), the
 * caller aborted (its reason), or else the error itself.
 */
export function failure(cause: unknown, limit: Deadline): unknown {
  if (cause instanceof OAuth2Error) return cause;
  if (limit.expired) return limit.signal?.reason;
  return limit.caller?.aborted ? limit.caller.reason : cause;
}

/** {@link failure} of the network itself: neither a timeout nor an abort is `OAUTH_NETWORK_ERROR`. */
function networkFailure(cause: unknown, limit: Deadline, url: string): unknown {
  const meaning = failure(cause, limit);
  if (meaning !== cause || cause instanceof OAuth2Error || limit.caller?.aborted) return meaning;
  return new OAuth2Error(`request to ${hostOf(url)} failed`, {
    code: 'OAUTH_NETWORK_ERROR',
    cause,
  });
}

const hostOf = (url: string) => url.replace(/^\w+:\/\/([^/?#]*).*$/s, '$1') || 'server';

const REDIRECT = new Set([301, 302, 303, 307, 308]);
/** Headers that carry a credential: never sent to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'dpop'];

/** A request as the transport sends it: a URL string and a complete init. */
export interface OutboundRequest {
  url: string;
  init: RequestInit & { headers: Headers };
}

/**
 * The outbound side of a session, a web layer or an app: one per configuration, shared by every
 * request it makes.
 *
 * @example
 * ```ts
 * const transport = new Transport({ timeoutMs: 5000 });
 * const userUrl = transport.checkUrl(USER_URL, 'user url'); // refused now when insecure
 * const response = await transport.request({ url: userUrl.href, init: { headers: new Headers() } });
 * const text = await readBounded(response, 1_000_000);
 * ```
 */
export class Transport {
  readonly #o: TransportOptions;

  constructor(options: TransportOptions = {}) {
    this.#o = options;
  }

  /** Whether plain http to non-loopback hosts is allowed (the option, else the environment). */
  get insecureAllowed(): boolean {
    return insecureAllowed(this.#o.allowInsecureTransport);
  }

  /** The deadline of one exchange, in milliseconds (0 = none). */
  get timeoutMs(): number {
    return this.#o.timeoutMs ?? TRANSPORT_DEFAULTS.timeoutMs;
  }

  /** {@link secureUrl} under this transport's setting: call it when a URL is configured. */
  checkUrl(url: string | URL, what: string): URL {
    return secureUrl(url, what, () => this.insecureAllowed);
  }

  /**
   * Sends one request. Redirects (`redirect: 'follow'`, the default) are followed here, each hop
   * held to the https rule, credential headers dropped on another origin; `manual` (what the
   * endpoint pipeline asks) answers them as they are. The deadline and the caller's signal hold
   * until the body is read, cancelled or fails.
   */
  async request(request: OutboundRequest): Promise<Response> {
    const limit = deadline(this.timeoutMs, request.init.signal, request.url);
    try {
      const [response, hops] = await this.#follow(request, limit);
      return watchBody(response, limit, request.url, hops > 0);
    } catch (error) {
      limit.clear();
      throw failure(error, limit);
    }
  }

  /** Sends one hop: `init` is complete (its signal the deadline's, its redirect mode set). */
  async #fetch(url: string, init: RequestInit, limit: Deadline): Promise<Response> {
    try {
      // Called on globalThis, not detached: a browser's fetch refuses another `this`.
      return await (this.#o.fetch ? this.#o.fetch(url, init) : globalThis.fetch(url, init));
    } catch (cause) {
      throw networkFailure(cause, limit, url);
    }
  }

  /** The final response, and how many redirects led to it. */
  async #follow(request: OutboundRequest, limit: Deadline): Promise<[Response, number]> {
    const mode = request.init.redirect ?? 'follow';
    const signal = limit.signal;
    const redirect: RequestRedirect = mode === 'follow' ? 'manual' : mode;
    const init = { ...request.init, signal, redirect };
    if (mode !== 'follow') return [await this.#fetch(request.url, init, limit), 0];
    for (let hop: OutboundRequest = { url: request.url, init }, hops = 0; ; hops++) {
      const response = await this.#fetch(hop.url, hop.init, limit);
      // A browser's opaque `manual` answer cannot be followed: say so rather than answer a 0.
      if (response.status === 0 && response.type === 'opaqueredirect')
        throw redirectError('opaque redirect', response);
      const location = REDIRECT.has(response.status) && response.headers.get('location');
      if (!location) return [response, hops];
      void response.body?.cancel().catch(() => {});
      if (hops === TRANSPORT_DEFAULTS.maxRedirects)
        throw redirectError('too many redirects', response);
      hop = this.#nextHop(hop, new URL(location, hop.url), response);
    }
  }

  #nextHop(from: OutboundRequest, to: URL, response: Response): OutboundRequest {
    this.checkUrl(to, 'redirect url');
    const headers = new Headers(from.init.headers);
    const init = { ...from.init, headers };
    const method = init.method?.toUpperCase() ?? 'GET';
    // The Fetch standard's method rewrite: 303 to GET (but HEAD), 301 and 302 from POST to GET.
    if (response.status === 303 ? method !== 'HEAD' : response.status < 303 && method === 'POST') {
      Object.assign(init, { method: 'GET', body: null });
      for (const name of ['content-type', 'content-length']) headers.delete(name);
    }
    if (to.origin !== new URL(from.url).origin) {
      for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      // A body kept across origins may carry a credential that a hook put there.
      if (init.body != null)
        throw redirectError('redirect to another origin with a body', response);
    }
    return { url: to.href, init };
  }
}

function redirectError(message: string, response: Response): OAuth2Error {
  return new OAuth2Error(message, { code: 'OAUTH_UNEXPECTED_REDIRECT', status: response.status });
}

/** What a watched response's readers settle: its deadline, and the URL for error messages. */
interface Watch {
  readonly limit: Deadline;
  readonly url: string;
  readonly redirected: boolean;
}

const watches = new WeakMap<Response, Watch>();

/** Ends the deadline when a read settles; a failed read is what {@link failure} says. */
function settle<T>(response: Response, read: Promise<T>): Promise<T> {
  const watch = watches.get(response);
  if (!watch) return read;
  return read.then(
    (body) => {
      watch.limit.clear();
      return body;
    },
    (error: unknown) => {
      watch.limit.clear();
      throw networkFailure(error, watch.limit, watch.url);
    },
  );
}

/**
 * A Response whose whole-body readers end the deadline when they settle. A fetched Response is
 * given this prototype rather than its body piped through a stream of our own: that costs a
 * tenth of a loopback request's throughput, this next to nothing. A caller reading `body` as a
 * stream is bound by the deadline and its own signal all the same (fetch ties them to the
 * stream); the timer then fires after the last byte, to no effect.
 */
class WatchedResponse extends Response {
  override get redirected(): boolean {
    return watches.get(this)?.redirected || super.redirected;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    return settle(this, super.arrayBuffer());
  }
  override blob(): Promise<Blob> {
    return settle(this, super.blob());
  }
  override formData(): Promise<FormData> {
    return settle(this, super.formData());
  }
  override json(): Promise<unknown> {
    return settle(this, super.json());
  }
  override text(): Promise<string> {
    return settle(this, super.text());
  }
}

// `bytes()` is newer than some runtimes (Node 20 has none): watched where it exists.
const bytes = (Response.prototype as { bytes?: () => Promise<Uint8Array> }).bytes;
if (bytes) {
  Object.defineProperty(WatchedResponse.prototype, 'bytes', {
    value(this: Response) {
      return settle(this, bytes.call(this));
    },
  });
}

/** The response with its body reads watched (see {@link WatchedResponse}). */
function watchBody(
  response: Response,
  limit: Deadline,
  url: string,
  redirected: boolean,
): Response {
  if (!response.body) limit.clear();
  watches.set(response, { limit, url, redirected });
  return Object.setPrototypeOf(response, WatchedResponse.prototype);
}

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
