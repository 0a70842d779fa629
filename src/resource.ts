/**
 * Requests made with the token (protected resources, RFC 6750): the token attached by the
 * session's strategy, the `resource.request` hooks, the one transport, and the one retry after a
 * 401 `invalid_token` challenge.
 *
 * @module
 */

import type { HookRegistry, ResourceRequest } from './hooks.js';
import type { SessionRequestInit } from './options.js';
import type { Token } from './token.js';
import { attachToken, type TokenAttachment } from './token-attachment.js';
import type { Renewal, TokenLifecycle } from './token-lifecycle.js';
import type { OutboundRequest, Transport } from './transport.js';

/** RFC 6750 section 3.1: the resource server says the token is bad, so a renewal may help. */
const INVALID_TOKEN = /\bbearer\b[\s\S]*?\berror\s*=\s*"?invalid_token\b/i;

/** @internal What a resource request needs of its session. */
export interface ResourceClient {
  readonly clientId: string;
  readonly transport: Transport;
  readonly hooks: HookRegistry;
  readonly attachment: TokenAttachment;
  /** The token to send now (renewed first when it is about to expire). */
  fresh(): Promise<Token>;
  /** A new token after `rejected` got a 401, or undefined when the session cannot renew. */
  renewAfterRejection(rejected: Token): Promise<Token> | undefined;
}

/**
 * A session's {@link ResourceClient}: its token kept fresh by `lifecycle`, renewed (by
 * `renewal`, when the session can) after a rejection.
 *
 * @internal
 */
export function resourceClient(
  clientId: string,
  transport: Transport,
  hooks: HookRegistry,
  attachment: TokenAttachment,
  lifecycle: TokenLifecycle,
  renewal: (token: Token) => Renewal,
): ResourceClient {
  return {
    clientId,
    transport,
    hooks,
    attachment,
    fresh: () => lifecycle.fresh(lifecycle.token && renewal(lifecycle.token)),
    renewAfterRejection(rejected) {
      const renew = renewal(rejected);
      return renew && lifecycle.afterRejection(rejected, renew);
    },
  };
}

/**
 * `fetch` with the token: refreshed first when about to expire, and once more after a 401
 * `invalid_token` challenge, then retried once (only when the body can be sent again: a
 * `ReadableStream` body cannot, and that 401 is answered as is). With `withholdToken`, none of
 * that: the request goes without the token.
 *
 * @internal
 */
export async function fetchWithToken(
  client: ResourceClient,
  input: RequestInfo | URL,
  { withholdToken, ...init }: SessionRequestInit,
): Promise<Response> {
  const request =
    input instanceof Request
      ? await fromRequest(input, init)
      : { url: String(input), init: init as OutboundRequest['init'] };
  client.transport.checkUrl(request.url, 'request url');
  if (withholdToken) return send(client, request);
  const token = await client.fresh();
  const response = await send(client, request, token);
  if (response.status !== 401 || request.init.body instanceof ReadableStream) return response;
  if (!INVALID_TOKEN.test(response.headers.get('www-authenticate') ?? '')) return response;
  const renewal = client.renewAfterRejection(token);
  if (!renewal) return response;
  void response.body?.cancel().catch(() => {});
  return send(client, request, await renewal);
}

/**
 * The URL and init to send. A `Request` input is read into them (init's fields over its own),
 * its body buffered, so that a retry can send it again.
 */
async function fromRequest(input: Request, init: RequestInit): Promise<OutboundRequest> {
  const merged = new Request(input, init);
  const { method, signal, redirect } = merged;
  const body = merged.body && (await merged.arrayBuffer());
  return { url: merged.url, init: { method, signal, redirect, body, headers: merged.headers } };
}

/** Attaches the token (if any), runs the `resource.request` hooks, sends through the transport. */
async function send(client: ResourceClient, { url, init }: OutboundRequest, token?: Token) {
  const request: ResourceRequest = {
    url,
    method: init.method ?? 'GET',
    headers: new Headers(init.headers),
    body: init.body,
  };
  const attached = token && attachToken(client.attachment, request, token);
  if (attached) await attached; // a strategy that signs (DPoP) is async; Bearer is not
  const hooked = client.hooks.has('resource.request')
    ? await runHooks(client, request, token)
    : request;
  const { url: to, ...parts } = hooked;
  const { credentialHeaders } = client.attachment;
  return client.transport.request({ url: to, init: { ...init, ...parts }, credentialHeaders });
}

async function runHooks(
  client: ResourceClient,
  request: ResourceRequest,
  token: Token | undefined,
): Promise<ResourceRequest> {
  const context = { endpoint: 'resource' as const, clientId: client.clientId, token };
  const { url } = request; // a hook may change it in place
  const hooked = await client.hooks.request('resource.request', request, context);
  if (hooked.url !== url) client.transport.checkUrl(hooked.url, 'request url');
  return hooked;
}

/**
 * The verb shorthands of a client with a `fetch` (requests-oauthlib's `get`, `post`, ...): each is
 * `fetch(url, { ...init, method })`, and takes `withholdToken` as `fetch` does.
 */
export abstract class ResourceMethods {
  abstract fetch(input: RequestInfo | URL, init?: RequestInit): Promise<Response>;

  /** `fetch(url, { ...init, method: 'GET' })`. */
  get(url: string | URL, init?: SessionRequestInit): Promise<Response> {
    return this.fetch(url, { ...init, method: 'GET' });
  }
  /** `fetch(url, { ...init, method: 'POST' })`. */
  post(url: string | URL, init?: SessionRequestInit): Promise<Response> {
    return this.fetch(url, { ...init, method: 'POST' });
  }
  /** `fetch(url, { ...init, method: 'PUT' })`. */
  put(url: string | URL, init?: SessionRequestInit): Promise<Response> {
    return this.fetch(url, { ...init, method: 'PUT' });
  }
  /** `fetch(url, { ...init, method: 'PATCH' })`. */
  patch(url: string | URL, init?: SessionRequestInit): Promise<Response> {
    return this.fetch(url, { ...init, method: 'PATCH' });
  }
  /** `fetch(url, { ...init, method: 'DELETE' })`. */
  delete(url: string | URL, init?: SessionRequestInit): Promise<Response> {
    return this.fetch(url, { ...init, method: 'DELETE' });
  }
}
