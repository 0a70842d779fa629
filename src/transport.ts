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

import { type Deadline, deadline, failure, networkFailure } from './deadline.js';
import { defaults } from './defaults.js';
import { OAuth2Error } from './errors.js';
import { insecureAllowed, secureUrl } from './secure-url.js';
import { watchBody } from './watched-response.js';

export { readBounded, redactedExcerpt } from './bounded-read.js';
export { type Deadline, deadline, failure } from './deadline.js';
export { insecureAllowed, isLoopback, secureUrl } from './secure-url.js';

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

const REDIRECT = new Set([301, 302, 303, 307, 308]);
/** Headers that carry a credential: never sent to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'cookie', 'proxy-authorization', 'dpop'];

/**
 * A `RequestInit` whose members may also be `undefined`, as the library's own callers spread
 * them in (`signal: call.signal`); `fetch` treats an `undefined` member as absent.
 */
export type OutboundInit = { [K in keyof RequestInit]?: RequestInit[K] | undefined } & {
  headers: Headers;
};

/** A request as the transport sends it: a URL string and a complete init. */
export interface OutboundRequest {
  url: string;
  init: OutboundInit;
  /** More headers that carry a credential, dropped on another origin like `Authorization`. */
  credentialHeaders?: readonly string[] | undefined;
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
    return this.#o.timeoutMs ?? defaults.timeoutMs;
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
      return await this.#follow(request, limit);
    } catch (error) {
      limit.clear();
      throw failure(error, limit);
    }
  }

  /** Sends one hop: `init` is complete (its signal the deadline's, its redirect mode set). */
  #fetch(url: string, outbound: OutboundInit, limit: Deadline): Promise<Response> {
    const init = outbound as RequestInit;
    // Called on globalThis, not detached: a browser's fetch refuses another `this`.
    const sent = this.#o.fetch ? this.#o.fetch(url, init) : globalThis.fetch(url, init);
    return sent.catch((cause: unknown) => {
      throw networkFailure(cause, limit, url);
    });
  }

  /** The final response, watched (see `watchBody`), after the redirects that led to it. */
  async #follow(request: OutboundRequest, limit: Deadline): Promise<Response> {
    const mode = request.init.redirect ?? 'follow';
    const signal = limit.signal;
    const redirect: RequestRedirect = mode === 'follow' ? 'manual' : mode;
    const init = { ...request.init, signal, redirect };
    if (mode !== 'follow')
      return watchBody(await this.#fetch(request.url, init, limit), limit, request.url, false);
    const { credentialHeaders } = request;
    for (
      let hop: OutboundRequest = { url: request.url, init, credentialHeaders }, hops = 0;
      ;
      hops++
    ) {
      const response = await this.#fetch(hop.url, hop.init, limit);
      // A browser's opaque `manual` answer cannot be followed: say so rather than answer a 0.
      if (response.status === 0 && response.type === 'opaqueredirect')
        throw redirectError('opaque redirect', response);
      const location = REDIRECT.has(response.status) && response.headers.get('location');
      if (!location) return watchBody(response, limit, request.url, hops > 0);
      void response.body?.cancel().catch(() => {});
      if (hops === defaults.maxRedirects) throw redirectError('too many redirects', response);
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
      for (const name of [...CREDENTIAL_HEADERS, ...(from.credentialHeaders ?? [])])
        headers.delete(name);
      // A body kept across origins may carry a credential that a hook put there.
      if (init.body != null) throw redirectError('cross-origin redirect with a body', response);
    }
    return { url: to.href, init, credentialHeaders: from.credentialHeaders };
  }
}

function redirectError(message: string, response: Response): OAuth2Error {
  return new OAuth2Error(message, { code: 'OAUTH_UNEXPECTED_REDIRECT', status: response.status });
}
