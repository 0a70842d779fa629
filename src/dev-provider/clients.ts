import { requireString } from '../errors.js';
import { constantTimeEqual } from './secrets.js';
import type { DevClient } from './types.js';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', '[::1]', 'localhost']);

function parseUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

function isLoopbackHttp(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/**
 * GitHub's loopback rule (and RFC 8252 section 7.3): a loopback callback matches the same URL on
 * any port, since a native app picks its port at run time.
 */
function loopbackMatch(registered: string, requested: URL): boolean {
  const reg = parseUrl(registered);
  if (!reg || !isLoopbackHttp(reg) || !isLoopbackHttp(requested)) return false;
  return (
    reg.hostname === requested.hostname &&
    reg.pathname === requested.pathname &&
    reg.search === requested.search
  );
}

/**
 * Whether `requested` may receive the answer for `client` (RFC 6749 section 3.1.2): an exact
 * match of a registered callback, the loopback rule, or, for a client with no callback
 * registered, any loopback `http` URL. Fragments are never allowed.
 */
export function redirectUriAllowed(client: DevClient, requested: string): boolean {
  const url = parseUrl(requested);
  if (url?.hash !== '' || requested.includes('#')) return false;
  if (client.redirectUris.length === 0) return isLoopbackHttp(url);
  return client.redirectUris.some((r) => r === requested || loopbackMatch(r, url));
}

/**
 * Whether RP-Initiated Logout may send the browser to `requested` for `client`: only a URI the
 * client registered, compared as a string (OpenID Connect RP-Initiated Logout 1.0 section 3).
 */
export function postLogoutRedirectUriAllowed(client: DevClient, requested: string): boolean {
  return client.postLogoutRedirectUris?.includes(requested) ?? false;
}

/** Registered apps, by client id. */
export class ClientRegistry {
  readonly #clients = new Map<string, DevClient>();

  constructor(clients: readonly DevClient[]) {
    for (const client of clients) this.register(client);
  }

  /** Adds or replaces a client (a copy is kept, so later edits by the caller have no effect). */
  register(client: DevClient): void {
    requireString(client?.clientId, 'clientId');
    requireString(client.clientSecret, 'clientSecret');
    const copy = { ...client, redirectUris: [...client.redirectUris] };
    if (client.postLogoutRedirectUris)
      copy.postLogoutRedirectUris = [...client.postLogoutRedirectUris];
    this.#clients.set(client.clientId, copy);
  }

  /** The client with this id, if registered. */
  get(clientId: string): DevClient | undefined {
    return this.#clients.get(clientId);
  }

  /** The client whose id and secret both match, compared in constant time. */
  authenticate(clientId: string, clientSecret: string): DevClient | undefined {
    const client = this.#clients.get(clientId);
    // An unknown id still costs one comparison, so timing does not tell ids apart.
    const ok = constantTimeEqual(client?.clientSecret ?? '\0unknown', clientSecret);
    return ok && client ? client : undefined;
  }
}
