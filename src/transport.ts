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
 * would pass again: {@link Transport.checkRequestUrl} skips the parse. A few, most recent last.
 */
const approvedOrigins: string[] = [];

function approved(url: string): boolean {
  for (let i = approvedOrigins.length - 1; i >= 0; i -= 1) {
    if (url.startsWith(approvedOrigins[i]!)) return true;
  }
  return false;
}

function approve(parsed: URL): void {
  if (parsed.protocol !== 'https:' && !isLoopback(parsed.hostname)) return;
  if (approvedOrigins.length >= 8) approvedOrigins.shift();
  approvedOrigins.push(`${parsed.origin}/`);
}

/**
 * The time limit of one exchange, combined with the caller's signal. A plain timer that is
 * cleared when the exchange is over: `AbortSignal.timeout` + `AbortSignal.any` cost about 15% of
 * a loopback request's throughput in Node, this costs next to nothing.
 */
export interface Deadline {
  /** Aborts when the time is up (reason: a {@link TimeoutError}) or the caller aborts (its reason). */
  readonly signal: AbortSignal | undefined;
  /** Whether the time ran out (as opposed to the caller aborting). */
  readonly expired: boolean;
  /** Stops the timer; call it once the response (and any body read) is done. */
  clear(): void;
}

const NO_DEADLINE: Deadline = { signal: undefined, expired: false, clear() {} };

/** A deadline of `timeoutMs` milliseconds (0 = none), also ended by `signal`. */
export function deadline(timeoutMs: number, signal?: AbortSignal | null, host = ''): Deadline {
  if (timeoutMs > 0) return new Timer(timeoutMs, signal ?? undefined, host);
  return signal ? { signal, expired: false, clear() {} } : NO_DEADLINE;
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

  constructor(timeoutMs: number, caller: AbortSignal | undefined, host: string) {
    const controller = new AbortController();
    this.signal = controller.signal;
    this.#timer = setTimeout(() => {
      this.#expired = true;
      controller.abort(new TimeoutError(`request to ${host || 'server'} timed out`));
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
 * What an error thrown during an exchange (request or body read) means: the time ran out
 * ({@link TimeoutError}), the caller aborted (its reason), or else the error itself.
 */
export function failure(cause: unknown, limit: Deadline, caller?: AbortSignal): unknown {
  if (cause instanceof OAuth2Error) return cause;
  if (limit.expired) return limit.signal?.reason ?? new TimeoutError('request timed out');
  if (caller?.aborted) return caller.reason;
  return cause;
}

/** {@link failure} of the network itself: what is neither a timeout nor an abort is `OAUTH_NETWORK_ERROR`. */
function networkFailure(
  cause: unknown,
  limit: Deadline,
  caller: AbortSignal | undefined,
  host: string,
): unknown {
  if (cause instanceof OAuth2Error || limit.expired || caller?.aborted)
    return failure(cause, limit, caller);
  return new OAuth2Error(`request to ${host || 'server'} failed`, {
    code: 'OAUTH_NETWORK_ERROR',
    cause,
  });
}

const REDIRECT = new Set([301, 302, 303, 307, 308]);
/** Headers that carry a credential: never sent to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'dpop'];

/** A resource request as the transport sends it: a URL string and a complete init. */
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
    return secureUrl(url, what, this.insecureAllowed);
  }

  /** {@link Transport.checkUrl} for a request url, skipping the parse under a recently approved origin. */
  checkRequestUrl(url: string, what: string): void {
    if (!approved(url)) approve(this.checkUrl(url, what));
  }

  /**
   * One exchange with an authorization server endpoint: sent without following redirects (the
   * reader refuses them), and `read` runs inside the same deadline, so a body that drips
   * forever times out.
   */
  async exchange<T>(
    url: URL,
    init: RequestInit,
    signal: AbortSignal | undefined,
    read: (response: Response) => Promise<T>,
  ): Promise<T> {
    const limit = deadline(this.timeoutMs, signal, url.host);
    try {
      const sent = { ...init, redirect: 'manual' as const };
      return await read(await this.#fetch(url.href, sent, limit, signal, url.host));
    } catch (error) {
      throw failure(error, limit, signal);
    } finally {
      limit.clear();
    }
  }

  /**
   * A resource request: redirects followed here (each hop held to the https rule, credential
   * headers dropped on another origin), the deadline and the caller's signal over the body too.
   */
  async request(request: OutboundRequest): Promise<Response> {
    const caller = request.init.signal ?? undefined;
    const host = hostOf(request.url);
    const limit = deadline(this.timeoutMs, caller, host);
    try {
      const response = await this.#follow(request, limit, caller, host);
      return limit instanceof Timer ? untilBodyDone(response, limit, caller, host) : response;
    } catch (error) {
      limit.clear();
      throw failure(error, limit, caller);
    }
  }

  async #fetch(
    url: string,
    init: RequestInit,
    limit: Deadline,
    caller: AbortSignal | undefined,
    host: string,
  ): Promise<Response> {
    const sent = limit.signal ? { ...init, signal: limit.signal } : init;
    try {
      // Called on globalThis, not detached: a browser's fetch refuses another `this`.
      return await (this.#o.fetch ? this.#o.fetch(url, sent) : globalThis.fetch(url, sent));
    } catch (cause) {
      throw networkFailure(cause, limit, caller, host);
    }
  }

  async #follow(
    request: OutboundRequest,
    limit: Deadline,
    caller: AbortSignal | undefined,
    host: string,
  ): Promise<Response> {
    const follow = (request.init.redirect ?? 'follow') === 'follow';
    let hop = request;
    for (let left: number = TRANSPORT_DEFAULTS.maxRedirects; ; left -= 1) {
      const init = follow ? { ...hop.init, redirect: 'manual' as const } : hop.init;
      const response = await this.#fetch(hop.url, init, limit, caller, host);
      if (!follow || !REDIRECT.has(response.status)) return unexpected(response, follow);
      const location = response.headers.get('location');
      if (location === null) return response;
      void response.body?.cancel().catch(() => {});
      if (left === 0) throw redirectError('too many redirects', response);
      hop = this.#nextHop(hop, new URL(location, hop.url), response);
    }
  }

  #nextHop(from: OutboundRequest, to: URL, response: Response): OutboundRequest {
    this.checkUrl(to, 'redirect url');
    const headers = new Headers(from.init.headers);
    const init: OutboundRequest['init'] = { ...from.init, headers };
    const { status } = response;
    const method = (from.init.method ?? 'GET').toUpperCase();
    if (status === 303 ? method !== 'HEAD' : status < 303 && method === 'POST') {
      Object.assign(init, { method: 'GET', body: null });
      for (const name of ['content-type', 'content-length', 'content-encoding'])
        headers.delete(name);
    }
    if (to.origin === new URL(from.url).origin) return { url: to.href, init };
    for (const name of CREDENTIAL_HEADERS) headers.delete(name);
    // A body kept across origins may carry a credential that a hook put there.
    if (init.body != null) throw redirectError('redirect to another origin with a body', response);
    return { url: to.href, init };
  }
}

/** A browser's `manual` answer cannot be followed: say so rather than answer an empty 0. */
function unexpected(response: Response, follow: boolean): Response {
  if (follow && response.type === 'opaqueredirect')
    throw redirectError('opaque redirect', response);
  return response;
}

function redirectError(message: string, response: Response): OAuth2Error {
  return new OAuth2Error(message, {
    code: 'OAUTH_UNEXPECTED_REDIRECT',
    status: response.status,
    response,
  });
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return '';
  }
}

/**
 * The response with its body watched: the deadline ends when the body is read, cancelled or
 * fails, and a failure while reading it is what {@link failure} says (the caller's reason, a
 * {@link TimeoutError}, a network error naming the host).
 */
function untilBodyDone(
  response: Response,
  limit: Deadline,
  caller: AbortSignal | undefined,
  host: string,
): Response {
  const source = response.body;
  if (!source) {
    limit.clear();
    return response;
  }
  const reader = source.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await reader.read();
        if (!next.done) return controller.enqueue(next.value);
        limit.clear();
        controller.close();
      } catch (error) {
        limit.clear();
        controller.error(networkFailure(error, limit, caller, host));
      }
    },
    cancel(reason) {
      limit.clear();
      return reader.cancel(reason);
    },
  });
  const watched = new Response(body, response);
  for (const name of ['url', 'redirected'] as const)
    Object.defineProperty(watched, name, { value: response[name] });
  return watched;
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
