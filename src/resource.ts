/**
 * Requests made with the token (protected resources, RFC 6750): the token attached by the
 * session's strategy, the `resource.request` hooks, the one transport, and the one retry after a
 * 401 `invalid_token` challenge.
 *
 * @module
 */

import type { HookRegistry, ResourceRequest } from './hooks.js';
import type { Token } from './token.js';
import { attachToken, type TokenAttachment } from './token-attachment.js';
import type { OutboundRequest, Transport } from './transport.js';

/** RFC 6750 section 3.1: the resource server says the token is bad, so a renewal may help. */
const INVALID_TOKEN = /\bbearer\b[\s\S]*?\berror\s*=\s*"?invalid_token\b/i;

/** What a resource request needs of its session. */
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
 * `fetch` with the token: refreshed first when about to expire, and once more after a 401
 * `invalid_token` challenge, then retried once (only when the body can be sent again: a
 * `ReadableStream` body cannot, and that 401 is answered as is).
 */
export async function fetchWithToken(
  client: ResourceClient,
  input: RequestInfo | URL,
  init: RequestInit,
): Promise<Response> {
  const isRequest = input instanceof Request;
  client.transport.checkRequestUrl(isRequest ? input.url : String(input), 'request url');
  // A Request's body is read by the first send; a clone keeps it for the retry.
  const spare = isRequest && input.body ? input.clone() : undefined;
  const token = await client.fresh();
  const response = await send(client, input, init, token);
  if (response.status !== 401 || !replayable(init)) return response;
  if (!INVALID_TOKEN.test(response.headers.get('www-authenticate') ?? '')) return response;
  const renewal = client.renewAfterRejection(token);
  if (!renewal) return response;
  void response.body?.cancel().catch(() => {});
  return send(client, spare ?? input, init, await renewal);
}

async function send(
  client: ResourceClient,
  input: RequestInfo | URL,
  init: RequestInit,
  token: Token,
): Promise<Response> {
  const request = resourceRequest(input, init);
  await attachToken(client.attachment, request, token);
  const hooked = client.hooks.has('resource.request')
    ? await runHooks(client, request, token)
    : request;
  return client.transport.request(outbound(input, init, hooked));
}

/** The parts hooks and strategies see: url, method, headers (init's over the Request's), body. */
function resourceRequest(input: RequestInfo | URL, init: RequestInit): ResourceRequest {
  const isRequest = input instanceof Request;
  const headers = new Headers(isRequest ? input.headers : undefined);
  if (init.headers) for (const [name, value] of new Headers(init.headers)) headers.set(name, value);
  return {
    url: isRequest ? input.url : String(input),
    method: init.method ?? (isRequest ? input.method : 'GET'),
    headers,
    body: init.body,
  };
}

async function runHooks(
  client: ResourceClient,
  request: ResourceRequest,
  token: Token,
): Promise<ResourceRequest> {
  const context = { endpoint: 'resource' as const, clientId: client.clientId, token };
  const url = request.url;
  const hooked = await client.hooks.request('resource.request', request, context);
  if (hooked.url !== url) client.transport.checkUrl(hooked.url, 'request url');
  return hooked;
}

/** What the transport sends: a Request input keeps its body, signal and mode unless init says otherwise. */
function outbound(
  input: RequestInfo | URL,
  init: RequestInit,
  r: ResourceRequest,
): OutboundRequest {
  if (!(input instanceof Request)) {
    return { url: r.url, init: { ...init, method: r.method, headers: r.headers, body: r.body } };
  }
  const merged = new Request(r.url, new Request(input, init));
  const body = r.body !== init.body ? r.body : merged.body;
  const base = { method: r.method, headers: r.headers, body, signal: merged.signal };
  const extra = body instanceof ReadableStream ? { duplex: 'half' } : {};
  return { url: r.url, init: { ...base, ...extra, redirect: merged.redirect } };
}

/** A ReadableStream body cannot be sent twice; everything else fetch accepts can. */
function replayable(init: RequestInit): boolean {
  return !(init.body instanceof ReadableStream);
}
