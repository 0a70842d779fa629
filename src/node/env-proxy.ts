/**
 * The environment's proxies on Node, as requests reads them: `HTTPS_PROXY`, `HTTP_PROXY`,
 * `NO_PROXY` and their lowercase forms, through undici's `EnvHttpProxyAgent`.
 *
 * Why a dependency: Node's built-in `fetch` reads none of these variables and takes a proxy
 * only as an undici dispatcher, which Node does not export; the `undici` package provides one.
 * Only `oauth2-session/node` imports it: the core and the web layer stay free of it.
 *
 * @module
 */

import { Agent, type Dispatcher, EnvHttpProxyAgent } from 'undici';
import { isLoopback } from '../secure-url.js';
import type { FetchLike } from '../transport.js';

/**
 * Options of {@link envProxyFetch}: undici's `EnvHttpProxyAgent` options. `httpProxy`,
 * `httpsProxy` and `noProxy` replace the variables; `connect` holds the TLS options of direct
 * connections (`{ ca, cert, key }`: requests' `verify` and `cert`), `requestTls` those of
 * connections tunnelled through a proxy, `proxyTls` those of the connection to the proxy.
 */
export type EnvProxyFetchOptions = EnvHttpProxyAgent.Options;

/** The fetch {@link envProxyFetch} answers; `close()` ends its connection pools. */
export type EnvProxyFetch = FetchLike & {
  /** Closes the pooled connections (direct and proxied) once requests under way end. */
  close(): Promise<void>;
};

/** The host part of a request's URL, as `URL` spells it (`[::1]` for IPv6). */
function hostnameOf(input: RequestInfo | URL): string | undefined {
  const href = input instanceof URL ? input.href : typeof input === 'string' ? input : input.url;
  try {
    return new URL(href).hostname;
  } catch {
    return undefined;
  }
}

/**
 * A {@link FetchLike} that sends through the proxies the environment names: `HTTPS_PROXY` for
 * https URLs (else `HTTP_PROXY`), `HTTP_PROXY` for http URLs, none for hosts `NO_PROXY` lists;
 * lowercase names first, as undici reads them. Loopback (127.0.0.0/8, `::1`, `localhost`) is
 * never proxied, whatever `NO_PROXY` says: a local server is reached directly.
 *
 * `HTTPS_PROXY` and `HTTP_PROXY` are read when `envProxyFetch()` is called, not per request:
 * make the fetch after the environment is set (a change later needs a new fetch). `NO_PROXY`
 * is read again by undici when it changes.
 *
 * It is only the fetch the transport calls: every rule of the core (https except loopback,
 * redirects followed hop by hop, deadlines, bounded reads) holds around it as around any
 * injected fetch.
 *
 * @example
 * ```ts
 * import { OAuth2Session } from 'oauth2-session';
 * import { envProxyFetch } from 'oauth2-session/node';
 *
 * const session = new OAuth2Session({ clientId, fetch: envProxyFetch() });
 * // A private CA and a client certificate (requests' verify= and cert=), direct or tunnelled:
 * const tls = { ca, cert, key };
 * const mtls = new OAuth2Session({ clientId, fetch: envProxyFetch({ connect: tls, requestTls: tls }) });
 * ```
 */
export function envProxyFetch(options: EnvProxyFetchOptions = {}): EnvProxyFetch {
  const { httpProxy: _h, httpsProxy: _s, noProxy: _n, ...agentOptions } = options;
  const proxied: Dispatcher = new EnvHttpProxyAgent(options);
  const direct: Dispatcher = new Agent(agentOptions);
  const send = (input: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const host = hostnameOf(input);
    const dispatcher = host !== undefined && isLoopback(host) ? direct : proxied;
    // Node's fetch takes `dispatcher`, which the DOM's RequestInit does not name.
    return globalThis.fetch(input, { ...init, dispatcher } as RequestInit);
  };
  return Object.assign(send, {
    close: async () => {
      await Promise.all([proxied.close(), direct.close()]);
    },
  });
}
